import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConceptSchema, conceptId, findWorkspaceRoot, sealArtifactFolder, stableStringify } from '@taxonomy/core';
import { institutionKey, shardOf } from './partition.ts';
import { runS1MergeTask, runS1PartitionTask, runS1ShardTask } from './shards.ts';
import { runS1Task } from './task.ts';

const repo = findWorkspaceRoot(import.meta.dirname);
/** Every fifth line of the sample corpus's `units/source_records.jsonl`: real level-0 records of many institutions. */
const UNIT_LINES = readFileSync(join(repo, 'corpus/units/source_records.jsonl'), 'utf8').split('\n').filter((l, i) => l.length > 0 && i % 5 === 0);
/** Lines of `departments/institutions_departments.txt` (institution||department) as level-1 records. */
const DEPARTMENT_LINES = readFileSync(join(repo, 'corpus/departments/institutions_departments.txt'), 'utf8').split('\n').filter((l, i) => l.includes('||') && i % 40 === 0);
const OVERRIDES = ['llm.provider=offline', 'global.log_level=silent'];
const FILES = ['candidates-00001.jsonl', 'record-log-00001.jsonl', 'quarantine.jsonl'];

async function workspace(unitLines: ReadonlyArray<string> = UNIT_LINES): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 's1-shards-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'), { recursive: true });
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ provider: 'offline' }));
  for (const level of [0, 1]) await mkdir(join(root, `artifacts/s0/level-${level}`), { recursive: true });
  // A malformed line and a misfiled level-1 record: quarantined by the partition with S0's file and line, in the merged quarantine as unsharded.
  const misfiled = JSON.stringify({ id: 'r-misfiled', level: 1, text: 'physics', provenance: { institution: 'yale university', url: null, section: null, fetched_at: null } });
  await writeFile(join(root, 'artifacts/s0/level-0/records-00001.jsonl'), [...unitLines, '{"text": ', misfiled].join('\n') + '\n');
  const departments = DEPARTMENT_LINES.map((line, i) => {
    const [institution, text] = line.split('||');
    return JSON.stringify({ id: `r-${String(i).padStart(16, '0')}`, level: 1, text, provenance: { institution, url: null, section: null, fetched_at: null } });
  });
  await writeFile(join(root, 'artifacts/s0/level-1/records-00001.jsonl'), departments.join('\n') + '\n');
  const concepts = ['physics', 'business', 'engineering', 'biology', 'medicine', 'arts and sciences'].map((label) =>
    ConceptSchema.parse({ id: conceptId(0, label, null), level: 0, label, parent: null, institutions: ['yale university'], records: 1, support: { records: 1, institutions: 1, count: 1 }, weight: 1.2 }),
  );
  await mkdir(join(root, 'artifacts/s3/level-0'), { recursive: true });
  await writeFile(join(root, 'artifacts/s3/level-0/concepts-00001.jsonl'), concepts.map((x) => stableStringify(x)).join('\n') + '\n');
  await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
  await sealArtifactFolder('artifacts/s3/level-0', { root, metrics: { phase: 'S3', level: 0 } });
  return root;
}

/** What `nx run s1:level-N` runs with s1.shards = K > 1: the partition, every shard, the merge. */
async function runSharded(root: string, level: number, shards: number): Promise<Awaited<ReturnType<typeof runS1MergeTask>>> {
  const overrides = [...OVERRIDES, `s1.shards=${shards}`];
  await runS1PartitionTask({ level, root, overrides });
  for (let shard = 0; shard < shards; shard += 1) await runS1ShardTask({ level, shard, root, overrides });
  return runS1MergeTask({ level, root, overrides });
}

const read = (root: string, dir: string) => Promise.all(FILES.map((f) => readFile(join(root, dir, f), 'utf8')));

describe('shardOf: a stable partition by institution', () => {
  it.each([
    ['UNIVERSITY OF PENNSYLVANIA', 'university of pennsylvania'],
    ['Stanford  University', 'stanford university'],
    ['  DUKE UNIVERISTY ', 'duke univeristy'],
  ])('%j is the institution %j in every shard count', (raw, folded) => {
    expect(institutionKey(raw)).toBe(folded);
    for (const k of [1, 2, 4, 7, 16]) {
      expect(shardOf(raw, k)).toBe(shardOf(folded, k));
      expect(shardOf(raw, k)).toBeGreaterThanOrEqual(0);
      expect(shardOf(raw, k)).toBeLessThan(k);
    }
  });

  it('spreads the sample corpus\'s institutions over the shards and puts all of them in shard 0 when K = 1', () => {
    const institutions = [...new Set(readFileSync(join(repo, 'corpus/departments/institutions_departments.txt'), 'utf8').split('\n').filter((l) => l.includes('||')).map((l) => l.split('||')[0]!))];
    expect(institutions.length).toBeGreaterThan(15);
    expect(new Set(institutions.map((i) => shardOf(i, 1)))).toEqual(new Set([0]));
    const sizes = [0, 0, 0, 0];
    for (const i of institutions) sizes[shardOf(i, 4)]! += 1;
    expect(sizes.every((n) => n > 0), sizes.join('/')).toBe(true);
  });

  it.each([0, 1.5, -2])('rejects %j shards', (k) => {
    expect(() => shardOf('yale university', k)).toThrow(/shards must be an integer/u);
  });
});

describe('sharded S1: partition, shards, merge', () => {
  it.each([2, 4])('level 0 and level 1 with %i shards: the same candidates, record log and quarantine bytes and counters as one task', async (shards) => {
    const root = await workspace();
    const single = [await runS1Task({ level: 0, root, overrides: OVERRIDES }), await runS1Task({ level: 1, root, overrides: OVERRIDES })];
    const expected = [await read(root, 'artifacts/s1/level-0'), await read(root, 'artifacts/s1/level-1')];
    const merged = [await runSharded(root, 0, shards), await runSharded(root, 1, shards)];
    for (const level of [0, 1]) {
      expect(await read(root, `artifacts/s1/level-${level}`)).toEqual(expected[level]);
      expect(merged[level]!.counters).toEqual(single[level]!.counters);
      expect(merged[level]!.llm).toEqual(single[level]!.llm);
    }
    expect(single[0]!.counters).toMatchObject({ records_quarantined: 1, quarantined: 2 });
    expect(single[1]!.counters['parents_in']).toBe(6);
    // Each shard made its own share of the model calls, counted in its own timing (what the run record lists per task).
    let calls = 0;
    for (let k = 0; k < shards; k += 1) {
      const timing = JSON.parse(await readFile(join(root, `artifacts/.runs/timings/s1.level-0-shard-${k}.json`), 'utf8')) as { llm: { calls: number } };
      calls += timing.llm.calls;
    }
    const whole = JSON.parse(await readFile(join(root, 'artifacts/.runs/timings/s1.level-0.json'), 'utf8')) as { llm: unknown };
    expect(whole.llm).toBeNull();
    expect(calls).toBe(UNIT_LINES.length);
  });

  it('adding one institution\'s records changes exactly one shard\'s input file', async () => {
    const root = await workspace();
    await runS1PartitionTask({ level: 0, root, overrides: [...OVERRIDES, 's1.shards=4'] });
    const dir = join(root, 'artifacts/s1/shards/level-0/partition');
    const before = await Promise.all([0, 1, 2, 3].map((k) => readFile(join(dir, `shard-${k}/records-00001.jsonl`), 'utf8')));
    const added = ['Department of Computer Science', 'Department of Economics'].map((text) =>
      JSON.stringify({ text, provenance: { institution: 'University of Toronto', url: 'https://en.wikipedia.org/wiki/University_of_Toronto', section: null, fetched_at: null } }),
    );
    const lines = (await readFile(join(root, 'artifacts/s0/level-0/records-00001.jsonl'), 'utf8')).trimEnd().split('\n');
    await writeFile(join(root, 'artifacts/s0/level-0/records-00001.jsonl'), [...lines.slice(0, 3), ...added, ...lines.slice(3)].join('\n') + '\n');
    await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
    await runS1PartitionTask({ level: 0, root, overrides: [...OVERRIDES, 's1.shards=4'] });
    const after = await Promise.all([0, 1, 2, 3].map((k) => readFile(join(dir, `shard-${k}/records-00001.jsonl`), 'utf8')));
    const changed = [0, 1, 2, 3].filter((k) => before[k] !== after[k]);
    expect(changed).toEqual([shardOf('University of Toronto', 4)]);
    expect(after[changed[0]!]!.split('\n').filter((l) => l.includes('University of Toronto'))).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual(['metrics.json', 'misfiled-00001.jsonl', 'quarantine.jsonl', 'shard-0', 'shard-1', 'shard-2', 'shard-3']);
  });

  it('a merge over a partition made for another shard count stops before writing', async () => {
    const root = await workspace();
    await runSharded(root, 0, 2);
    await expect(runS1MergeTask({ level: 0, root, overrides: [...OVERRIDES, 's1.shards=3'] })).rejects.toMatchObject({ code: 'INVARIANT_VIOLATED' });
  });
});
