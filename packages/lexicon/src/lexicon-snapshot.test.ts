import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCipIndex, loadCip } from './cip.ts';
import { buildEvidenceIndex, loadEvidenceIndex } from './evidence-index.ts';
import { buildFieldLexicon, loadFieldLexicon } from './field-lexicon.ts';
import { lexiconSourcesHash, readEvidenceSnapshot, readLexiconSnapshot, readWordListsSnapshot, toEvidenceSnapshotFile, toSnapshotFile } from './lexicon-snapshot.ts';
import { renderLexiconSnapshots } from './lexicon-snapshot-write.ts';
import { buildPeopleNames, buildWordListUnsorted, inWordList, isPeopleName } from './word-lists.ts';

describe('lexicon snapshots', () => {
  it.each(renderLexiconSnapshots().map(({ path, text }) => [path.split('/').at(-1)!, path, text]))(
    '%s is current: regenerate with `node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts`',
    (_name, path, text) => {
      expect(readFileSync(path, 'utf8') === text).toBe(true);
    },
  );

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
    // Definitions come from their own file on first read, as an own property in the built entry's place.
    expect(snapshot!.cip.entries.map((e) => e.definition)).toEqual(cip.entries.map((e) => e.definition));
    expect(program.definition).toMatch(/^A program that focuses on/u);
    expect(JSON.stringify(snapshot!.cip.entries)).toBe(JSON.stringify(cip.entries));
    expect({ ...program }).toEqual({ ...cip.entries.find((e) => e.code === '11.0701')! });
  });

  it("loads to the word index the CIP entries build (token order, each token's postings), and is what loadEvidenceIndex serves", () => {
    const snapshot = readEvidenceSnapshot();
    expect(snapshot).not.toBeNull();
    const built = buildEvidenceIndex(buildCipIndex());
    const sources = lexiconSourcesHash()!;
    expect(toEvidenceSnapshotFile(sources, snapshot!)).toEqual(toEvidenceSnapshotFile(sources, built));
    expect([...snapshot!.postings.keys()]).toEqual([...built.postings.keys()]);
    for (const token of ['accounting', 'nursing', 'music', 'piano', 'chemistry']) expect(snapshot!.postings.get(token)).toEqual(built.postings.get(token));
    expect(snapshot!.postings.get('chemistry')!.length).toBeGreaterThan(3);
    expect(snapshot!.familyTitles.get('11')).toBe(built.familyTitles.get('11'));
    expect(loadEvidenceIndex()).toBe(snapshot);
  });

  it('holds the folded people names sorted, and the binary search finds every one and nothing else', () => {
    const people = readWordListsSnapshot()?.people ?? null;
    expect(people).not.toBeNull();
    expect(people).toEqual(buildPeopleNames());
    expect(people!.length).toBeGreaterThan(30_000);
    expect(people!.every((w, i) => i === 0 || people![i - 1]! < w)).toBe(true);
    for (let i = 0; i < people!.length; i += 97) expect(isPeopleName(people![i]!)).toBe(true);
    expect(isPeopleName(people![0]!) && isPeopleName(people!.at(-1)!)).toBe(true);
    expect(['byrd', 'sydney'].every(isPeopleName)).toBe(true);
    expect(['chemistry', 'zzzzq', '', 'byrdq'].some(isPeopleName)).toBe(false);
  });

  it("lists the words of word-list its binary search cannot reach, and inWordList finds them", () => {
    const unsorted = readWordListsSnapshot()?.wordListUnsorted ?? null;
    expect(unsorted).toEqual(buildWordListUnsorted());
    // word-list 4.1.0 holds "manlihood" after "manlily" and "sharrowed" after "sharrows".
    expect(unsorted).toContain('manlihood');
    expect(unsorted!.length).toBeLessThan(20);
    expect(unsorted!.every(inWordList)).toBe(true);
  });
});
