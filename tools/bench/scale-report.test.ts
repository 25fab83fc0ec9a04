import { describe, expect, it } from 'vitest';
import { TaxonomyError } from '@taxonomy/core';
import { analyzeScale, fitGrowth, formatScaleReport, type ScaleResults, type ScaleTask } from './scale-report.ts';
import { parseInstitutionSizes, scaleTasks } from './scale.ts';

describe('fitGrowth', () => {
  it.each([
    ['linear', [[100, 2], [1000, 20]], 10_000, 1, 200],
    ['quadratic', [[100, 1], [1000, 100]], 10_000, 2, 10_000],
    ['flat', [[100, 5], [1000, 5]], 10_000, 0, 5],
    ['three points on n^1.5', [[100, 1000], [400, 8000], [1600, 64000]], 6400, 1.5, 512_000],
  ] as const)('%s', (_name, points, target, exponent, atTarget) => {
    const g = fitGrowth(points, target);
    expect(g.exponent).toBeCloseTo(exponent, 6);
    expect(g.at_target).toBeCloseTo(atTarget, 3);
  });

  it('needs two usable points', () => {
    expect(fitGrowth([[100, 2]], 1000)).toEqual({ exponent: null, at_target: null });
    expect(fitGrowth([[100, 0], [1000, 3]], 1000)).toEqual({ exponent: null, at_target: null });
  });
});

const task = (name: string, cpu: number, rss: number, out = 1): ScaleTask => ({ task: name, status: 'ok', records_in: 10, wall_s: cpu * 2, cpu_s: cpu, peak_rss_mb: rss, rss_at_start_mb: 100, output_mb: out });

const results: ScaleResults = {
  seed: 1,
  node: 'v20.20.2',
  cpus: 2,
  heap_limit_mb: 4100,
  extrapolate_to: 50_000,
  runs: [
    { institutions: 5000, shards: 1, venues: 500, items_per_level: [1, 2, 3, 4], corpus_mb: 30, tasks: [task('s1:level-1', 100, 300), task('s2:level-2', 12, 200, 2)] },
    { institutions: 500, shards: 1, venues: 50, items_per_level: [1, 2, 3, 4], corpus_mb: 3, tasks: [task('s1:level-1', 10, 120), task('s2:level-2', 0.1, 110, 0.2)] },
  ],
};

describe('analyzeScale', () => {
  it('fits every task over the runs, sorted by size, and names the bottlenecks', () => {
    const a = analyzeScale(results);
    const s1 = a.tasks.find((t) => t.task === 's1:level-1')!;
    expect(s1.cpu.exponent).toBeCloseTo(1, 6);
    expect(s1.cpu.at_target).toBeCloseTo(1000, 3);
    // RSS above start: 20 → 200 MB (k = 1), so 2,000 MB + 100 at 50,000; the 4,100 MB limit at 5000 · 4000/200.
    expect(s1.rss_at_target_mb).toBeCloseTo(2100, 3);
    expect(s1.heap_limit_at).toBeCloseTo(100_000, 0);
    const s2 = a.tasks.find((t) => t.task === 's2:level-2')!;
    // CPU 0.1 → 12 s: k = log10(120) ≈ 2.08, 1,440 s at 50,000 against s1's 1,000 s.
    expect(s2.cpu.exponent).toBeCloseTo(Math.log10(120), 6);
    expect(s2.cpu.at_target).toBeCloseTo(1440, 3);
    expect(a.slowest_at_target?.task).toBe('s2:level-2');
    expect(a.fastest_growing?.task).toBe('s2:level-2');
    // s2's working set 10 → 100 MB reaches 4,000 MB only at 200,000 institutions: s1 gives out first.
    expect(s2.heap_limit_at).toBeCloseTo(200_000, 0);
    expect(a.memory_ceiling?.task).toBe('s1:level-1');
  });

  it('leaves out a task that failed in any run, and the report names it as the first failure', () => {
    const failed: ScaleResults = {
      ...results,
      runs: [{ ...results.runs[0]!, tasks: [task('s1:level-1', 100, 300), { task: 's2:level-2', status: 'failed', error: 'killed by SIGABRT: FATAL ERROR: Reached heap limit' }] }, results.runs[1]!],
    };
    expect(analyzeScale(failed).tasks.map((t) => t.task)).toEqual(['s1:level-1']);
    expect(formatScaleReport(failed)).toContain('first failure: s2:level-2 at 5,000 institutions (killed by SIGABRT: FATAL ERROR: Reached heap limit)');
  });
});

describe('formatScaleReport', () => {
  it('prints a table per size, the growth table and the bottleneck lines', () => {
    const text = formatScaleReport(results);
    expect(text.indexOf('500 institutions')).toBeLessThan(text.indexOf('5,000 institutions'));
    expect(text).toContain('| s1:level-1 | 10 | 20.0 | 10.0 | 120 | 1.00 |');
    expect(text).toContain('growth, 500 → 5,000 institutions');
    expect(text).toMatch(/bottleneck \(time\): s2:level-2, /u);
    expect(text).toMatch(/bottleneck \(memory\): \S+ reaches the 4,100 MB heap limit at about [\d,]+ institutions/u);
  });
});

describe('scale options', () => {
  it.each([
    ['5000', [500, 5000]],
    ['500', [50, 500]],
    ['50', [10, 50]],
    ['5000,500,2000', [500, 2000, 5000]],
  ])('--institutions %s runs %j', (text, sizes) => {
    expect(parseInstitutionSizes(text)).toEqual(sizes);
  });

  it.each(['0', 'many', '5,x'])('--institutions %s is a usage error', (text) => {
    expect(() => parseInstitutionSizes(text)).toThrow(TaxonomyError);
  });

  it('shards: 1 is the plain graph; K > 1 runs the partition, K shard tasks and the merge of each level', () => {
    expect(scaleTasks(1).map((t) => t.task)).toEqual(expect.arrayContaining(['s0:sources', 's0:level-0', 's1:level-3', 'placement:run', 'taxonomy:finalize']));
    // The build graph without the crawl: s0:sources, s2:settings, 4 × (s0, s1, s2, s3), 5 tasks after the levels.
    expect(scaleTasks(1)).toHaveLength(23);
    const four = scaleTasks(4).map((t) => t.task);
    expect(four).toEqual(expect.arrayContaining(['s1:level-2-partition', 's1:level-2-shard-0', 's1:level-2-shard-3', 's1:level-2']));
    expect(four).toHaveLength(23 + 4 * 5);
    expect(four.indexOf('s1:level-2')).toBeGreaterThan(four.indexOf('s1:level-2-shard-3'));
    expect(scaleTasks(4).find((t) => t.task === 's1:level-1-shard-2')!.shard).toBe(2);
    expect(() => scaleTasks(0)).toThrow(TaxonomyError);
  });
});
