import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSchema, ConceptSchema, readJsonlAll, stableStringify, sealArtifactFolder } from '@taxonomy/core';
import { runS2Task } from '@taxonomy/s2-frequency';
import { runS3Task } from './task.ts';

const onBad = (bad: unknown) => {
  throw new Error(JSON.stringify(bad));
};

/** Level-3 S1 candidates built from real CFP topics and venue names of the sample. */
function s1Candidate(normalized: string, venues: string[], records: string[]) {
  return CandidateSchema.parse({
    level: 3,
    label: normalized,
    normalized,
    parent: 'L2:machine-learning~0a1b2c',
    anchor: { method: 'declared', anchor: 'machine learning', detail: 'declared by the source' },
    institutions: venues,
    record_ids: records,
    support: { institutions: venues.length, records: records.length, count: records.length },
  });
}

describe('S2 then S3 on a scratch workspace', () => {
  it('filters by support, verifies labels, promotes concepts, and quarantines bad lines', async () => {
    const root = await mkdtemp(join(tmpdir(), 's2s3-'));
    await writeFile(join(root, 'nx.json'), '{}');
    await mkdir(join(root, 'artifacts/s1/level-3'), { recursive: true });
    const lines = [
      s1Candidate('reinforcement learning', ['NeurIPS', 'ICML', 'neurips'], ['r-1', 'r-2', 'r-3']),
      s1Candidate('federated learning', ['NeurIPS'], ['r-4', 'r-5', 'r-6']), // one venue: dropped at L3
      s1Candidate('neurips 2023', ['NeurIPS', 'ICLR'], ['r-7', 'r-8', 'r-9']), // kept by S2, fails S3's venue rule
      s1Candidate('probabilistic methods', ['NeurIPS', 'ICML'], ['r-10', 'r-11']), // two records < 3: dropped
    ].map((c) => stableStringify(c));
    await writeFile(join(root, 'artifacts/s1/level-3/candidates-00001.jsonl'), `${lines.join('\n')}\n{"level": 3, "label": ""}\n`);
    await sealArtifactFolder('artifacts/s1/level-3', { root, metrics: { phase: 'S1', level: 3 } });
    const s2 = await runS2Task({ level: 3, root });
    expect(s2.counters).toMatchObject({ candidates_in: 4, kept: 2, dropped: 2, dropped_insufficient_institutions: 1, dropped_insufficient_records: 1, quarantined: 1 });
    const dropped = await readJsonlAll(join(root, 'artifacts/s2/level-3/dropped-00001.jsonl'), { schema: CandidateSchema, onBad });
    expect(dropped.every((c) => c.gates['frequency'] === false && c.reasons.some((r) => r.startsWith('frequency: dropped')))).toBe(true);
    const s3 = await runS3Task({ level: 3, root });
    expect(s3.counters).toMatchObject({ candidates_in: 2, verified: 1, failed: 1, llm_called: 0, concepts: 1 });
    const concepts = await readJsonlAll(join(root, 'artifacts/s3/level-3'), { schema: ConceptSchema, onBad: () => undefined });
    const promoted = (await readdir(join(root, 'artifacts/s3/level-3'))).filter((f) => f.startsWith('concepts'));
    expect(promoted).toEqual(['concepts-00001.jsonl']);
    const rl = concepts.find((c) => c.label === 'reinforcement learning')!;
    expect(rl.institutions).toEqual(['ICML', 'NeurIPS']);
    expect(rl.gates).toEqual({ frequency: true, token_verification: true });
    expect(s3.llm?.provider).toBe('offline');
  });

  it('names the missing input folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 's2s3-'));
    await writeFile(join(root, 'nx.json'), '{}');
    await expect(runS2Task({ level: 1, root })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: `input not found: ${join(root, 'artifacts/s1/level-1')}` });
  });
});
