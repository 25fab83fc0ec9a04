import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhaseMetricsSchema, RunManifestSchema, RunRecordSchema, sealArtifactFolder } from '@taxonomy/core';
import { collectStatus, formatManifest, formatStatus, outputKind, readManifest } from './manage.ts';

const sha = 'a'.repeat(64);
const metrics = (outputs: Array<[string, number | null]>) =>
  PhaseMetricsSchema.parse({
    phase: 'S1',
    level: 0,
    policy_version: '2026.11.0',
    config_hash: 'x',
    counters: { records: 3 },
    inputs: [],
    outputs: outputs.map(([path, records]) => ({ path, sha256: sha, records })),
  });

describe('outputKind', () => {
  it.each([
    ['artifacts/s1/level-0/candidates-00001.jsonl', 'candidates'],
    ['artifacts/s1/level-0/record-log-00002.jsonl', 'record-log'],
    ['artifacts/postprocess/merge-ops.jsonl', 'merge-ops'],
    ['artifacts/hierarchy/tree.json', 'tree'],
  ])('%s → %s', (path, kind) => expect(outputKind(path)).toBe(kind));
});

describe('collectStatus', () => {
  it('reports complete, corrupt, partial, invalid and missing tasks with records per kind and the last timing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'taxonomy-status-'));
    await mkdir(join(root, 'artifacts/s0/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/s1/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/s2/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/s3/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/.runs/timings'), { recursive: true });
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `{"line":${i + 1}}\n`).join('');
    for (const [name, n] of [['candidates-00001.jsonl', 10], ['candidates-00002.jsonl', 5], ['record-log-00001.jsonl', 20], ['quarantine.jsonl', 1]] as const) {
      await writeFile(join(root, 'artifacts/s1/level-0', name), lines(n));
    }
    await writeFile(join(root, 'artifacts/s1/level-0/index.json'), '{}\n');
    await sealArtifactFolder('artifacts/s1/level-0', { root, metrics: { phase: 'S1', level: 0, counters: { records: 3 } } });
    // S3 level 0 was complete, then one shard lost a line (a truncated copy, an edited cache entry).
    await writeFile(join(root, 'artifacts/s3/level-0/concepts-00001.jsonl'), lines(3));
    await sealArtifactFolder('artifacts/s3/level-0', { root, metrics: { phase: 'S3', level: 0 } });
    await writeFile(join(root, 'artifacts/s3/level-0/concepts-00001.jsonl'), lines(2));
    await writeFile(join(root, 'artifacts/s2/level-0/metrics.json'), '{"phase": 1}');
    await writeFile(
      join(root, 'artifacts/.runs/timings/s1.level-0.json'),
      JSON.stringify({ task: 's1:level-0', started_at: '2026-11-24T10:00:00.000Z', duration_ms: 2500, peak_rss_mb: 150 }),
    );
    const rows = await collectStatus(root);
    const byTask = Object.fromEntries(rows.map((r) => [r.task, r]));
    expect(rows).toHaveLength(22);
    expect(byTask['s0:level-0']).toMatchObject({ folder: true, metrics: false, problem: null });
    expect(byTask['s1:level-0']).toMatchObject({ folder: true, metrics: true, records: { candidates: 15, 'record-log': 20, quarantine: 1 } });
    expect(byTask['s1:level-0']!.timing?.duration_ms).toBe(2500);
    expect(byTask['s2:level-0']).toMatchObject({ folder: true, metrics: false, problem: 'metrics.json does not match the schema' });
    expect(byTask['s1:level-0']).toMatchObject({ corrupt: false, verified: 5 });
    expect(byTask['s3:level-0']).toMatchObject({ corrupt: true, problem: expect.stringMatching(/^artifacts\/s3\/level-0\/concepts-00001\.jsonl: sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in artifacts\/s3\/level-0\/metrics\.json/u) });
    expect(byTask['taxonomy:finalize']).toMatchObject({ folder: false, metrics: false });
    const table = formatStatus(rows);
    expect(table).toMatch(/s0:level-0 +partial/u);
    expect(table).toMatch(/s1:level-0 +complete +2026-11-24T10:00:00Z 2\.5s +candidates 15, quarantine 1, record-log 20/u);
    expect(table).toMatch(/s2:level-0 +invalid/u);
    expect(table).toMatch(/hierarchy:assemble +missing/u);
    expect(table).toMatch(/s3:level-0 +corrupt/u);
    expect(table).toMatch(/1\/22 tasks complete, 1 corrupt \(checksums disagree with metrics\.json\)\n$/u);
  });
});

describe('readManifest', () => {
  it('reads a valid manifest and formats it; a missing one is ARTIFACT_MISSING', async () => {
    const root = await mkdtemp(join(tmpdir(), 'taxonomy-manifest-'));
    await expect(readManifest(root)).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
    const manifest = RunManifestSchema.parse({
      run_id: 'run-abc123',
      environment: 'development',
      policy_version: '2026.11.0',
      config: {},
      prompt_versions: {},
      phases: [{ task: 's1:level-0', metrics: metrics([['artifacts/s1/level-0/candidates-00001.jsonl', 7]]) }],
      summary: {},
      artifacts: [{ path: 'artifacts/taxonomy/concepts.jsonl', sha256: sha, records: 7 }],
    });
    await mkdir(join(root, 'artifacts/taxonomy'), { recursive: true });
    await writeFile(join(root, 'artifacts/taxonomy/manifest.json'), JSON.stringify(manifest));
    const read = await readManifest(root);
    expect(read.run_id).toBe('run-abc123');
    // Restored from a cache (or the run record is of another build): no time, no durations.
    const restored = formatManifest(read);
    expect(restored).toMatch(/^run run-abc123\ngenerated elsewhere or restored from the cache \(no run record of it here\), environment development, policy version 2026.11.0/u);
    expect(restored).toMatch(/s1:level-0 +7 records out  -\nartifacts: 1\n$/u);
    const usage = { provider: 'openai', model: 'm', calls: 3, cache_hits: 1, retries: 0, repairs: 0, quarantined: 0, tokens_in: 30, tokens_out: 9, cost_usd: 0.0012, latency_ms_p50: 40, latency_ms_p95: 80 };
    const run = RunRecordSchema.parse({
      run_id: 'run-abc123',
      generated_at: '2026-11-24T11:00:00.000Z',
      runtime: { node: 'v20.20.2', platform: 'linux', arch: 'x64' },
      phases: [{ task: 's1:level-0', timing_status: 'fresh', timing: { task: 's1:level-0', started_at: '2026-11-24T10:59:57.500Z', duration_ms: 2500, peak_rss_mb: 150, llm: usage } }],
      llm: { by_task: { 's1:level-0': usage }, total: { calls: 3, cache_hits: 1, retries: 0, repairs: 0, quarantined: 0, tokens_in: 30, tokens_out: 9, cost_usd: 0.0012 } },
    });
    const text = formatManifest(read, run);
    expect(text).toMatch(/^run run-abc123\ngenerated 2026-11-24T11:00:00.000Z \(node v20.20.2, linux\/x64\), environment development, policy version 2026.11.0/u);
    expect(text).toMatch(/s1:level-0 +7 records out  2\.5s/u);
    expect(text).toMatch(/llm: 3 calls, \$0\.0012\nartifacts: 1\n$/u);
    expect(formatManifest(read, { ...run, run_id: 'run-other' })).toContain('no run record of it here');
    await writeFile(join(root, 'artifacts/taxonomy/manifest.json'), '{"run_id": 3}');
    await expect(readManifest(root)).rejects.toThrow(/not a valid run manifest/u);
  });
});
