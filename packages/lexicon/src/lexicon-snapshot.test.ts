import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCipIndex, loadCip } from './cip.ts';
import { buildFieldLexicon, loadFieldLexicon } from './field-lexicon.ts';
import { SNAPSHOT_PATH, lexiconSourcesHash, readLexiconSnapshot, toSnapshotFile } from './lexicon-snapshot.ts';
import { renderLexiconSnapshot } from './lexicon-snapshot-write.ts';

describe('lexicon snapshot', () => {
  it('is current: regenerate with `node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts`', () => {
    expect(readFileSync(SNAPSHOT_PATH, 'utf8') === renderLexiconSnapshot()).toBe(true);
  });

  it('loads to the same index and lexicon the CSV builds (orders, shared entries), and is what loadCip / loadFieldLexicon serve', () => {
    const snapshot = readLexiconSnapshot();
    expect(snapshot).not.toBeNull();
    const sources = lexiconSourcesHash()!;
    const cip = buildCipIndex();
    const built = toSnapshotFile(sources, cip, buildFieldLexicon(cip));
    expect(toSnapshotFile(sources, snapshot!.cip, snapshot!.lexicon)).toEqual(built);
    expect(loadCip()).toBe(snapshot!.cip);
    expect(loadFieldLexicon()).toBe(snapshot!.lexicon);
    // Real rows: the family, a program and its title key share one entry object.
    const program = snapshot!.cip.entries.find((e) => e.code === '11.0701')!;
    expect(program.title).toBe('Computer Science');
    expect(snapshot!.cip.byTitle.get('computer science')).toContain(program);
    expect(snapshot!.cip.families.get('11')!.kind).toBe('family');
  });
});
