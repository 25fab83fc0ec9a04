import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineJsonlPass } from './baseline.ts';

describe('baselineJsonlPass', () => {
  it.each([
    { files: [['{"a":1}', '{"b":[1,2]}']], records: 2 },
    { files: [['{"a":1}', ''], ['{ "c" : "x" }', '{"d":null}']], records: 3 },
    { files: [[]], records: 0 },
  ])('reads, parses and rewrites every line ($records records)', async ({ files, records }) => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-baseline-'));
    const paths: string[] = [];
    for (const [i, lines] of files.entries()) {
      const path = join(dir, `in-${i}.jsonl`);
      await writeFile(path, lines.join('\n'));
      paths.push(path);
    }
    const out = join(dir, 'out.jsonl');
    const result = await baselineJsonlPass(paths, out);
    expect(result.records).toBe(records);
    expect(result.ms).toBeGreaterThanOrEqual(0);
    const expected = files.flat().filter((l) => l !== '').map((l) => `${JSON.stringify(JSON.parse(l))}\n`).join('');
    expect(await readFile(out, 'utf8')).toBe(expected);
  });

  it('fails on a malformed line (the floor does no quarantine)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-baseline-'));
    await writeFile(join(dir, 'bad.jsonl'), '{"a":\n');
    await expect(baselineJsonlPass([join(dir, 'bad.jsonl')], join(dir, 'out.jsonl'))).rejects.toThrow(SyntaxError);
  });
});
