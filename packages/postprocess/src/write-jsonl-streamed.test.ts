import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonl } from '@taxonomy/core';
import { writeJsonlStreamed } from './write-jsonl-streamed.ts';

const concepts = [
  { id: 'L1:mechanical engineering', label: 'mechanical engineering', aliases: ['mech eng', 'génie mécanique'] },
  { id: 'L1:computer science', label: 'computer science', record_ids: ['r-00023b65d7b32e11'] },
  { id: 'L2:machine learning', label: 'machine learning', gloss: null },
  { id: 'L1:computer science', label: 'a repeated key keeps its input order' },
];

describe('writeJsonlStreamed', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.each([
    ['sharded', concepts, 2],
    ['one file', concepts, 0],
    ['empty', [], 50_000],
    ['empty, one file', [], 0],
  ])('writes what writeJsonl writes (%s)', async (_name, items, shardSize) => {
    const root = await mkdtemp(join(tmpdir(), 'pp-write-'));
    dirs.push(root);
    const a = join(root, 'a');
    const b = join(root, 'b');
    // A stale shard from a larger earlier run is removed by both.
    for (const dir of [a, b]) {
      await writeJsonl({ dir, name: 'concepts', items: [...concepts, ...concepts], sortKey: (c) => c.id, shardSize: 1 });
      await writeFile(join(dir, 'other.jsonl'), 'kept\n');
    }
    const options = { name: 'concepts', items, sortKey: (c: { id: string }) => c.id, shardSize, relativeTo: root };
    const refsA = await writeJsonl({ ...options, dir: a });
    const refsB = await writeJsonlStreamed({ ...options, dir: b });
    expect(refsB.map((r) => ({ ...r, path: r.path.replace(/^b\//u, 'a/') }))).toEqual(refsA);
    const files = (await readdir(a)).sort();
    expect((await readdir(b)).sort()).toEqual(files);
    for (const f of files) expect(await readFile(join(b, f), 'utf8')).toBe(await readFile(join(a, f), 'utf8'));
  });
});
