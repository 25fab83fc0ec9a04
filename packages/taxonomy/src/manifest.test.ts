import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex, type LlmUsage, type PhaseMetrics, type PhaseTiming } from '@taxonomy/core';
import {
  PHASE_FOLDERS,
  classifyTiming,
  collectPromptVersions,
  computeRunId,
  listArtifacts,
  summarizeLlm,
  timingFileName,
  type CollectedPhase,
} from './manifest.ts';

const created: string[] = [];
async function tempRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(prefix);
  created.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

const timing = (started_at: string, duration_ms: number): PhaseTiming => ({ task: 't', started_at, duration_ms, peak_rss_mb: 50, llm: null });
const END = Date.parse('2026-11-24T10:00:05.000Z');

function usage(prompts: LlmUsage['prompts'], calls = 1): LlmUsage {
  return {
    provider: 'offline', model: 'lexicon', calls, cache_hits: 0, retries: 1, repairs: 0, quarantined: 0,
    tokens_in: 10 * calls, tokens_out: 5 * calls, cost_usd: 0.0001 * calls, latency_ms_p50: 3, latency_ms_p95: 9, prompts,
  };
}

function phase(task: string, llm: LlmUsage | null): CollectedPhase {
  const identity = llm === null ? null : { provider: llm.provider, model: llm.model, prompts: llm.prompts };
  const metrics: PhaseMetrics = { phase: task, level: null, policy_version: 'p', config_hash: 'h', counters: {}, inputs: [], outputs: [], llm: identity };
  // Call counts live in the timing file of the execution; prompt versions in the metrics.
  const timing = llm === null ? null : { task, started_at: '2026-11-24T10:00:00.000Z', duration_ms: 1, peak_rss_mb: 1, llm };
  return { task, dir: `artifacts/${task}`, metrics, timing, timing_status: timing === null ? 'missing' : 'fresh' };
}

describe('manifest helpers', () => {
  it.each<{ name: string; timing: PhaseTiming | null; written: number; status: string }>([
    { name: 'no timing', timing: null, written: END, status: 'missing' },
    { name: 'metrics written as the timing ended', timing: timing('2026-11-24T10:00:00.000Z', 5000), written: END + 40, status: 'fresh' },
    { name: 'metrics restored an hour later', timing: timing('2026-11-24T10:00:00.000Z', 5000), written: END + 3_600_000, status: 'cached' },
    { name: 'metrics restored by a rebuild 8 s later', timing: timing('2026-11-24T10:00:00.000Z', 5000), written: END + 8_000, status: 'cached' },
    { name: 'timing of a later execution than the metrics', timing: timing('2026-11-24T11:00:00.000Z', 5000), written: END, status: 'cached' },
    { name: 'unparseable start', timing: timing('yesterday', 5), written: END, status: 'missing' },
    // finalize works on after its metrics.json (manifest, report): the folder went in place at committed_ms.
    { name: 'metrics written at committed_ms, the task ending 3 s later', timing: { ...timing('2026-11-24T10:00:00.000Z', 8000), committed_ms: 5000 }, written: END + 40, status: 'fresh' },
    { name: 'metrics restored 8 s after committed_ms', timing: { ...timing('2026-11-24T10:00:00.000Z', 8000), committed_ms: 5000 }, written: END + 8_000, status: 'cached' },
  ])('classifies timing: $name', ({ timing: t, written, status }) => {
    expect(classifyTiming(t, written)).toBe(status);
  });

  it.each([
    ['s1:level-2', 's1.level-2.json'],
    ['hierarchy:assemble', 'hierarchy.assemble.json'],
  ])('names the timing file of %s', (task, file) => {
    expect(timingFileName(task)).toBe(file);
  });

  it('lists all twenty-one upstream tasks in build order', () => {
    expect(PHASE_FOLDERS.map((p) => p.task)).toEqual([
      'crawl:run',
      's0:level-0', 's1:level-0', 's2:level-0', 's3:level-0',
      's0:level-1', 's1:level-1', 's2:level-1', 's3:level-1',
      's0:level-2', 's1:level-2', 's2:level-2', 's3:level-2',
      's0:level-3', 's1:level-3', 's2:level-3', 's3:level-3',
      'postprocess:run', 'placement:run', 'curation:apply', 'hierarchy:assemble',
    ]);
  });

  it('collects prompt versions and reports conflicting ones', () => {
    const a = { variant: 'default', version: 'v1', hash: 'h1' };
    const b = { variant: 'default', version: 'v2', hash: 'h2' };
    const { prompts, conflicts } = collectPromptVersions([
      phase('s1:level-0', usage({ 'taxonomy.extract': a })),
      phase('s3:level-0', null),
      phase('s1:level-1', usage({ 'taxonomy.extract': b, 'taxonomy.verify_single_token': a })),
    ]);
    expect(prompts).toEqual({ 'taxonomy.extract': a, 'taxonomy.verify_single_token': a });
    expect(conflicts).toEqual(['taxonomy.extract: s1:level-1 used default@v2, earlier default@v1']);
  });

  it('sums LLM usage over phases', () => {
    const { total, by_task } = summarizeLlm([phase('a', usage({}, 2)), phase('b', null), phase('c', usage({}, 3))]);
    expect(total).toEqual({ calls: 5, cache_hits: 0, retries: 2, repairs: 0, quarantined: 0, tokens_in: 50, tokens_out: 25, cost_usd: 0.0005 });
    expect(Object.keys(by_task)).toEqual(['a', 'c']);
  });

  it.each<{ name: string; change: (x: Parameters<typeof computeRunId>[0]) => Parameters<typeof computeRunId>[0]; same: boolean }>([
    { name: 'the same inputs', change: (x) => ({ ...x }), same: true },
    { name: 'a changed artifact', change: (x) => ({ ...x, artifacts: [{ path: 'a', sha256: sha256Hex('other'), records: null }] }), same: false },
    { name: 'a changed setting', change: (x) => ({ ...x, config: { s2: { min: 2 } } }), same: false },
    { name: 'a changed prompt version', change: (x) => ({ ...x, prompts: { k: { variant: 'd', version: 'v2', hash: 'h' } } }), same: false },
    { name: 'a different record count only', change: (x) => ({ ...x, artifacts: [{ path: 'a', sha256: sha256Hex('a'), records: 9 }] }), same: true },
  ])('run id for $name', ({ change, same }) => {
    const base = { config: { s2: { min: 1 } }, prompts: { k: { variant: 'd', version: 'v1', hash: 'h' } }, artifacts: [{ path: 'a', sha256: sha256Hex('a'), records: 1 }] };
    expect(computeRunId(change(base)) === computeRunId(base)).toBe(same);
  });

  it('lists every file of the folders with checksums and JSONL line counts, skipping temp files', async () => {
    const root = await tempRoot(join(tmpdir(), 'manifest-artifacts-'));
    await mkdir(join(root, 'artifacts', 's0', 'level-0'), { recursive: true });
    await writeFile(join(root, 'artifacts', 's0', 'level-0', 'records-00001.jsonl'), '{"a":1}\n{"a":2}\n{"a":3}');
    await writeFile(join(root, 'artifacts', 's0', 'index.json'), '{}\n');
    await writeFile(join(root, 'artifacts', 's0', '.index.json.123.tmp'), 'partial');
    const refs = await listArtifacts(root, ['artifacts/s0', 'artifacts/missing']);
    expect(refs).toEqual([
      { path: 'artifacts/s0/index.json', sha256: sha256Hex('{}\n'), records: null },
      { path: 'artifacts/s0/level-0/records-00001.jsonl', sha256: sha256Hex('{"a":1}\n{"a":2}\n{"a":3}'), records: 3 },
    ]);
  });
});
