import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhaseMetricsSchema, RunManifestSchema } from '@taxonomy/core';
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
  it('reports complete, partial, invalid and missing tasks with records per kind and the last timing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'taxonomy-status-'));
    await mkdir(join(root, 'artifacts/s0/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/s1/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/s2/level-0'), { recursive: true });
    await mkdir(join(root, 'artifacts/.runs/timings'), { recursive: true });
    await writeFile(
      join(root, 'artifacts/s1/level-0/metrics.json'),
      JSON.stringify(
        metrics([
          ['artifacts/s1/level-0/candidates-00001.jsonl', 10],
          ['artifacts/s1/level-0/candidates-00002.jsonl', 5],
          ['artifacts/s1/level-0/record-log-00001.jsonl', 20],
          ['artifacts/s1/level-0/quarantine.jsonl', 1],
          ['artifacts/s1/level-0/index.json', null],
        ]),
      ),
    );
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
    expect(byTask['taxonomy:finalize']).toMatchObject({ folder: false, metrics: false });
    const table = formatStatus(rows);
    expect(table).toMatch(/s0:level-0 +partial/u);
    expect(table).toMatch(/s1:level-0 +complete +2026-11-24T10:00:00Z 2\.5s +candidates 15, record-log 20, quarantine 1/u);
    expect(table).toMatch(/s2:level-0 +invalid/u);
    expect(table).toMatch(/hierarchy:assemble +missing/u);
    expect(table).toMatch(/1\/22 tasks complete\n$/u);
  });
});

describe('readManifest', () => {
  it('reads a valid manifest and formats it; a missing one is ARTIFACT_MISSING', async () => {
    const root = await mkdtemp(join(tmpdir(), 'taxonomy-manifest-'));
    await expect(readManifest(root)).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
    const manifest = RunManifestSchema.parse({
      run_id: 'run-abc123',
      generated_at: '2026-11-24T11:00:00.000Z',
      environment: 'development',
      policy_version: '2026.11.0',
      config: {},
      prompt_versions: {},
      phases: [{ task: 's1:level-0', metrics: metrics([['artifacts/s1/level-0/candidates-00001.jsonl', 7]]), timing: null }],
      summary: {},
      artifacts: [{ path: 'artifacts/taxonomy/concepts.jsonl', sha256: sha, records: 7 }],
    });
    await mkdir(join(root, 'artifacts/taxonomy'), { recursive: true });
    await writeFile(join(root, 'artifacts/taxonomy/manifest.json'), JSON.stringify(manifest));
    const read = await readManifest(root);
    expect(read.run_id).toBe('run-abc123');
    const text = formatManifest(read);
    expect(text).toMatch(/^run run-abc123\ngenerated 2026-11-24T11:00:00.000Z, environment development, policy version 2026.11.0/u);
    expect(text).toMatch(/s1:level-0 +7 records out  -/u);
    expect(text).toMatch(/llm: 0 calls, \$0\.0000\nartifacts: 1\n$/u);
    await writeFile(join(root, 'artifacts/taxonomy/manifest.json'), '{"run_id": 3}');
    await expect(readManifest(root)).rejects.toThrow(/not a valid run manifest/u);
  });
});
