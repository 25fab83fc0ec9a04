import { describe, expect, it } from 'vitest';
import type { PhaseMetrics } from '@taxonomy/core';
import { FinalizeSummarySchema, countOutputs, formatLlmLines, formatSummary, readSummary } from './summary.ts';

const metrics = (outputs: Array<[string, number | null]>): PhaseMetrics => ({
  phase: 'S2', level: 0, policy_version: 'p', config_hash: 'h', counters: {}, inputs: [],
  outputs: outputs.map(([path, records]) => ({ path, sha256: '0'.repeat(64), records })), llm: null,
});

describe('countOutputs', () => {
  it.each<{ name: string; outputs: Array<[string, number | null]>; prefix: string; expected: number | null }>([
    { name: 'sums shards', outputs: [['a/kept-00001.jsonl', 3], ['a/kept-00002.jsonl', 2], ['a/dropped-00001.jsonl', 7]], prefix: 'kept', expected: 5 },
    { name: 'an unsharded file', outputs: [['a/merge-ops.jsonl', 4]], prefix: 'merge-ops', expected: 4 },
    { name: 'no match', outputs: [['a/kept-00001.jsonl', 3]], prefix: 'failed', expected: null },
    { name: 'a prefix that is only a substring', outputs: [['a/keptish.jsonl', 3]], prefix: 'kept', expected: null },
    { name: 'unknown record counts as zero', outputs: [['a/kept-00001.jsonl', null]], prefix: 'kept', expected: 0 },
  ])('$name', ({ outputs, prefix, expected }) => {
    expect(countOutputs(metrics(outputs), prefix)).toBe(expected);
  });
});

describe('formatSummary', () => {
  it('prints counts per level, every phase present, cached tasks and the files', () => {
    const summary = FinalizeSummarySchema.parse({
      concepts: { total: 10, by_level: { '0': 2, '1': 3, '2': 4, '3': 1 } },
      s1: [{ level: 0, records: 5, by_outcome: { labelled: 4, empty: 1 }, candidates: 6, quarantined: 0 }],
      s2: [{ level: 0, kept: 4, dropped: 2 }],
      s3: [{ level: 0, verified: 3, failed: null, concepts: 3 }],
      postprocess: { concepts: 11, merge_ops: 1, merged: 1, split_ops: 0, split_into: 0, validation_failed: 2, dropped: 0, deferred: 1, iterations: 2 },
      placement: {
        levels: [{ level: 1, declared: 1, institution: 1, backbone: 0, unplaced: 1, declared_kept: 1, declared_overridden: 1, declared_unresolved: 0 }],
        labels_moved: 2,
        derived_schools: 1,
        senses_merged: 0,
      },
      shape: { l0: 2, l0_at_most_one_child: 1, l0_at_most_one_child_share: 0.5, same_label_edges: 0, edges: 8 },
      sources: [
        { id: 'units', level: 0, loader: 'source-records-jsonl', trust: 'default', records_in: 5, records_out: 5, labels: 6, concepts_kept: 4, records_used: 5, dropped: {}, dropped_example: null },
        { id: 'page', level: 2, loader: 'page-snapshots-jsonl', trust: 'default', records_in: 1, records_out: 3, labels: 2, concepts_kept: 0, records_used: 0, dropped: { frequency: 2 }, dropped_example: '"x": frequency: dropped, 1 institution(s) < 2' },
      ],
      hierarchy: { passed: true, placed: 10, orphaned: 1, dropped: 0, rejected: 0, placeholders: 0 },
      files: ['artifacts/taxonomy/concepts.jsonl'],
    });
    const zero = { calls: 0, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 };
    const run = {
      run_id: 'run-x',
      generated_at: '2026-12-01T10:00:00.000Z',
      runtime: { node: 'v20.20.2', platform: 'linux', arch: 'x64' },
      phases: [{ task: 's0:extract', timing_status: 'cached' as const, timing: { task: 's0:extract', started_at: '2026-12-01T09:00:00.000Z', duration_ms: 10, peak_rss_mb: 90, llm: null } }],
      llm: { by_task: {}, total: zero },
    };
    expect(formatSummary(summary, 'taxonomy run-x')).not.toContain('from cache');
    const text = formatSummary(summary, 'taxonomy run-x', run);
    expect(text.split('\n')).toEqual([
      'taxonomy run-x',
      'concepts     L0 2 · L1 3 · L2 4 · L3 1 (total 10)',
      'S1 level 0   5 records (labelled 4, empty 1) → 6 candidates, 0 quarantined',
      'S2 level 0   kept 4, dropped 2',
      'S3 level 0   verified 3, failed n/a → 3 concepts',
      'postprocess  11 concepts after 2 iteration(s); merged 1 in 1 ops; split 0 into 0, deferred 1; validation failed 2 kept flagged, 0 dropped',
      'placement L1  declared 1, institution 1, backbone 0, unplaced 1; declared parents kept 1, overridden 1, unresolved 0',
      'placement    2 label(s) found at several levels given one; 1 school unit(s) stood for by a school-level field; 0 sense(s) merged back',
      'tree         L0 2 field(s), 1 with ≤ 1 child (50.0%); same-label edges 0 of 8',
      'source       units (L0): 5 in → 5 records → 6 labels → 4 concepts',
      'source       page (L2): 1 in → 3 records → 2 labels → 0 concepts; dropped: frequency 2',
      'warning      source "page" contributed 0 concepts: the frequency gate removed 2 of its 2 label(s), e.g. "x": frequency: dropped, 1 institution(s) < 2 (mark the source "trust": "authoritative" or give it "thresholds" to keep single-source items)',
      'hierarchy    placed 10, orphaned 1, dropped 0, rejected 0, placeholders 0 (invariants passed)',
      'from cache   1 task(s): timings are those of the run that produced them',
      'files        artifacts/taxonomy/concepts.jsonl',
      '',
    ]);
  });
});

describe('readSummary', () => {
  it('takes S1 outcomes from its records_<outcome> counters and S2/S3 counts from output records', async () => {
    const phase = (task: string, counters: Record<string, number>, outputs: Array<[string, number | null]>) => ({
      task, dir: `artifacts/${task}`, metrics: { ...metrics(outputs), counters }, timing: null, timing_status: 'missing' as const,
    });
    const summary = await readSummary({
      root: '/nonexistent-workspace',
      phases: [
        phase('s1:level-1', { records_in: 9, records_labelled: 6, records_empty: 2, records_quarantined: 1, candidates_out: 7 }, []),
        phase('s2:level-1', {}, [['a/kept-00001.jsonl', 5], ['a/dropped-00001.jsonl', 2]]),
        phase('s3:level-1', {}, [['a/verified-00001.jsonl', 4], ['a/failed-00001.jsonl', 1], ['a/concepts-00001.jsonl', 4]]),
      ],
      conceptsByLevel: { '0': 1, '1': 4, '2': 0, '3': 0 },
      hierarchy: null,
      files: [],
    });
    expect(summary.s1).toEqual([{ level: 1, records: 9, by_outcome: { labelled: 6, empty: 2, quarantined: 1 }, candidates: 7, quarantined: null }]);
    expect(summary.s2).toEqual([{ level: 1, kept: 5, dropped: 2 }]);
    expect(summary.s3).toEqual([{ level: 1, verified: 4, failed: 1, concepts: 4 }]);
    expect(summary.postprocess).toBeNull();
    expect(summary.concepts.total).toBe(5);
  });
});

describe('formatLlmLines', () => {
  const usage = { calls: 0, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 };
  it('prints the total, then one line per task that used an endpoint, in task order', () => {
    const lines = formatLlmLines({
      by_task: {
        's3:level-0': { ...usage, provider: 'openai', model: 'm', calls: 104, retries: 3, repairs: 1, tokens_in: 35291, tokens_out: 1248, cost_usd: 0.006042, latency_ms_p50: 13, latency_ms_p95: 28 },
        's1:level-0': { ...usage, provider: 'openai', model: 'm', calls: 466, cache_hits: 2, quarantined: 1, tokens_in: 413664, tokens_out: 13960, cost_usd: 0.070426, latency_ms_p50: 13, latency_ms_p95: 31 },
      },
      total: { ...usage, calls: 570, cache_hits: 2, retries: 3, repairs: 1, quarantined: 1, tokens_in: 448955, tokens_out: 15208, cost_usd: 0.076468 },
    });
    expect(lines).toEqual([
      'llm          openai/m: 570 calls, 2 cache hits, 3 retries, 1 repairs, 1 quarantined, tokens 448955 in / 15208 out, est. $0.0765',
      '  s1:level-0         466 calls, 2 cache hits, 0 retries, 0 repairs, 1 quarantined, tokens 413664/13960, $0.0704, p50 13 ms, p95 31 ms',
      '  s3:level-0         104 calls, 0 cache hits, 3 retries, 1 repairs, 0 quarantined, tokens 35291/1248, $0.0060, p50 13 ms, p95 28 ms',
    ]);
  });

  it('gives the offline provider one total line and nothing when no task used a model', () => {
    const offline = { ...usage, provider: 'offline', model: 'lexicon-rules', calls: 10, latency_ms_p50: null, latency_ms_p95: null };
    expect(formatLlmLines({ by_task: { 's1:level-0': offline }, total: { ...usage, calls: 10 } })).toEqual([
      'llm          offline/lexicon-rules: 10 calls, 0 cache hits, 0 retries, 0 repairs, 0 quarantined, tokens 0 in / 0 out, est. $0.0000',
    ]);
    expect(formatLlmLines({ by_task: {}, total: usage })).toEqual([]);
  });
});
