import { describe, expect, it } from 'vitest';
import { formatBenchReport, type BenchResults } from './report.ts';

const base: BenchResults = {
  records: 1000,
  seed: 1,
  node: 'v20.20.2',
  cpus: 2,
  items_per_level: [150, 450, 200, 200],
  phases: [
    { task: 's0:extract', phase: 'S0', level: null, status: 'ok', records_in: 1000, seconds: 0.5, records_per_second: 2000, peak_rss_mb: 120.4, baseline_records: 1000, baseline_seconds: 0.01, ratio_to_baseline: 50, cpu_seconds: 0.4, baseline_cpu_seconds: 0.02, ratio_cpu_to_baseline: 20 },
    { task: 's1:level-0', phase: 'S1', level: 0, status: 'failed', error: 'taxonomy: INPUT_INVALID: x' },
  ],
  phases_seconds: 0.5,
  dedup: { small: { count: 5000, ms: 200, merges: 10 }, large: { count: 50000, ms: 1800, merges: 90 }, ratio: 9 },
  llm: { records: 2000, latencyMs: 50, concurrency: 16, elapsed_ms: 6800, ideal_ms: 6250, bound_ms: 6875, ratio: 1.09, ok: 2000, failed: 0 },
  total_seconds: 12.3,
};

describe('formatBenchReport', () => {
  it.each([
    { name: 'phase row', results: base, expected: /s0:extract +1,000 +0\.50 +2,000 +120 +0\.010 +50\.0 +0\.40 +0\.020 +20\.0/u },
    { name: 'failed phase', results: base, expected: /s1:level-0 +failed: taxonomy: INPUT_INVALID: x/u },
    { name: 'dedup', results: base, expected: /5,000 concepts 200 ms \(10 merges\); 50,000 concepts 1800 ms \(90 merges\); 10x data → 9\.0x time/u },
    { name: 'llm within bound', results: base, expected: /bound 1\.1x = 6875 ms; ratio 1\.09 \(within bound\)/u },
    { name: 'llm over bound', results: { ...base, llm: { ...base.llm!, elapsed_ms: 9000, ratio: 1.44 } }, expected: /ratio 1\.44 \(OVER bound\)/u },
    { name: 'missing benches', results: { ...base, dedup: null, llm: null }, expected: /benchDeduplicate not available\nllm bench: benchLlmThroughput not available/u },
  ])('$name', ({ results, expected }) => {
    expect(formatBenchReport(results)).toMatch(expected);
  });
});
