import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCurationFile, loadCurationFile, parseCurationText, writeCurationFile } from './file.ts';

const decisions = (...items: unknown[]) => JSON.stringify({ decisions: items }, null, 2);

describe('parseCurationText', () => {
  it('reads one decision of each kind', () => {
    const text = decisions(
      { op: 'pin', concept: 'L2:robotics~3fa2c1', parent: 'L1:electrical-engineering~0a1b2c', note: 'EE owns robotics here' },
      { op: 'rename', concept: 'L1:eecs~0a1b2c', label: 'electrical engineering and computer science' },
      { op: 'merge', concept: 'L1:comp-sci~0a1b2c', into: 'L1:computer-science~0a1b2c' },
      { op: 'drop', concept: 'L0:the-college' },
      { op: 'alias', concept: 'L2:machine-learning~3fa2c1', alias: 'statistical learning' },
    );
    expect(parseCurationText(text, 'config/curation.json').decisions.map((d) => d.op)).toEqual(['pin', 'rename', 'merge', 'drop', 'alias']);
  });

  it.each([
    {
      name: 'an unknown op',
      text: decisions({ op: 'pin', concept: 'L2:robotics~3fa2c1', parent: 'L1:ee~0a1b2c' }, { op: 'move', concept: 'L2:robotics~3fa2c1' }),
      error: 'config/curation.json:9: decisions[1] (move L2:robotics~3fa2c1): op: must be one of pin|rename|merge|drop|alias',
    },
    {
      name: 'a parent two levels up',
      text: decisions({ op: 'pin', concept: 'L2:robotics~3fa2c1', parent: 'L0:engineering' }),
      error: 'config/curation.json:6: decisions[0] (pin L2:robotics~3fa2c1): parent: must be a level-1 concept id (L1:…), one level above L2:robotics~3fa2c1',
    },
    {
      name: 'a label instead of an id',
      text: decisions({ op: 'drop', concept: 'the college' }),
      error: 'config/curation.json:5: decisions[0] (drop the college): concept: must be a concept id',
    },
    {
      name: 'a merge across levels',
      text: decisions({ op: 'merge', concept: 'L1:computer-science~0a1b2c', into: 'L0:computer-science' }),
      error: 'decisions[0] (merge L1:computer-science~0a1b2c): into: must be a concept of the same level as L1:computer-science~0a1b2c',
    },
    {
      name: 'a misspelt field',
      text: decisions({ op: 'alias', concept: 'L2:machine-learning~3fa2c1', alias: 'ML', notes: 'typo' }),
      error: 'decisions[0] (alias L2:machine-learning~3fa2c1): Unrecognized key: "notes"',
    },
    { name: 'malformed JSON', text: '{ "decisions": [ { "op": "drop", } ] }', error: 'config/curation.json:1: malformed JSON' },
  ])('names the file, line, decision and field for $name', ({ text, error }) => {
    expect(() => parseCurationText(text, 'config/curation.json')).toThrow(error);
  });
});

describe('loadCurationFile / writeCurationFile', () => {
  it('treats a missing file as no decisions, and writes a file that reads back', async () => {
    const root = await mkdtemp(join(tmpdir(), 'curation-file-'));
    expect(await loadCurationFile(root)).toMatchObject({ present: false, sha256: null, file: { decisions: [] } });
    const file = { $comment: 'decisions', decisions: [{ op: 'alias' as const, concept: 'L2:machine-learning~3fa2c1', alias: 'statistical learning', note: 'common name' }] };
    await writeCurationFile(root, file);
    const text = await readFile(join(root, 'config/curation.json'), 'utf8');
    expect(text).toBe(formatCurationFile(file));
    expect(text.indexOf('"op"')).toBeLessThan(text.indexOf('"concept"'));
    const loaded = await loadCurationFile(root);
    expect(loaded.present).toBe(true);
    expect(loaded.file).toEqual(file);
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/u);
  });
});
