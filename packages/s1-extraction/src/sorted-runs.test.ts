import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonl } from '@taxonomy/core';
import { SortedJsonlWriter } from './sorted-runs.ts';

/** Record-log lines of the sample's department list (institutions_departments.txt), with a repeated id for ties. */
const LINES = [
  ['r-9f', 'yale university', 'physics'],
  ['r-02', 'university of chicago', 'organismal biology and anatomy, department of'],
  ['r-5c', 'northwestern university', 'department of electrical and computer engineering'],
  ['r-02', 'university of pennsylvania', 'legal studies and business ethics'],
  ['r-77', 'stanford university', 'cytopathology'],
  ['r-0a', 'duke univeristy', 'fuqua school of business'],
  ['r-5c', 'UNIVERSITY OF CHICAGO', 'Physics, Department of'],
  ['r-é1', 'université de montréal', 'département de physique'],
].map(([record_id, institution, text]) => ({ record_id: record_id!, institution: institution!, text: text!, labels: [] as string[], outcome: 'labelled' }));

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

describe('SortedJsonlWriter', () => {
  it.each([
    // [run size in characters, lines per shard]: one run in memory; a run per line; runs and shards of three
    [64 * 1024 * 1024, 50_000],
    [1, 50_000],
    [200, 3],
    [1, 1],
  ])('writes the bytes and refs of writeJsonl with runs of %i chars and shards of %i lines', async (runChars, shardSize) => {
    const root = await mkdtemp(join(tmpdir(), 's1-runs-test-'));
    const expected = await writeJsonl({ dir: join(root, 'a'), name: 'record-log', items: LINES, sortKey: (l) => l.record_id, shardSize, relativeTo: root });
    const writer = new SortedJsonlWriter<(typeof LINES)[number]>({ dir: join(root, 'b'), name: 'record-log', runChars, shardSize, relativeTo: root }, (l) => l.record_id);
    for (const l of LINES) await writer.add(l);
    const refs = await writer.finish();
    expect(refs).toEqual(expected.map((r) => ({ ...r, path: r.path.replace(/^a\//u, 'b/') })));
    expect(await files(join(root, 'b'))).toEqual(await files(join(root, 'a')));
  });

  it('keeps the given order on equal keys (misfiled records after extracted ones) and removes stale shards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's1-runs-test-'));
    await writeFile(join(dir, 'record-log-00007.jsonl'), 'left from a larger run\n');
    const writer = new SortedJsonlWriter<(typeof LINES)[number]>({ dir, name: 'record-log', runChars: 1 }, (l) => l.record_id);
    await writer.add(LINES[3]!, 2 ** 40);
    await writer.add(LINES[1]!, 0);
    await writer.finish();
    expect(Object.keys(await files(dir))).toEqual(['record-log-00001.jsonl']);
    const written = (await readFile(join(dir, 'record-log-00001.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).institution);
    expect(written).toEqual(['university of chicago', 'university of pennsylvania']);
  });

  it('writes one empty shard when nothing was added', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's1-runs-test-'));
    const refs = await new SortedJsonlWriter({ dir, name: 'misfiled' }, () => '').finish();
    expect(refs).toMatchObject([{ records: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }]);
  });
});
