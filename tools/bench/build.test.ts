import { describe, expect, it } from 'vitest';
import { buildRunTasks, formatBuildBench, summarizeCold, type BuildBenchResults } from './build.ts';

/** A cut of a real `.nx/cache/run.json` (cold sample build): one build and two phase tasks. */
const RUN = {
  tasks: [
    { taskId: 's2:level-0', cacheStatus: 'cache-miss', startTime: '2026-12-03T10:30:09.500Z', endTime: '2026-12-03T10:30:09.950Z' },
    { taskId: 's2:build', cacheStatus: 'cache-miss', startTime: '2026-12-03T10:30:07.000Z', endTime: '2026-12-03T10:30:07.120Z' },
    { taskId: 's3:level-0', cacheStatus: 'cache-miss', startTime: '2026-12-03T10:30:10.000Z', endTime: '2026-12-03T10:30:10.600Z' },
  ],
};
const TIMINGS = new Map([
  ['s2:level-0', 70],
  ['s3:level-0', 150],
]);

describe('build bench figures', () => {
  it('orders the tasks by start and pairs each phase task with its duration_ms (builds have none)', () => {
    const tasks = buildRunTasks(RUN, TIMINGS);
    expect(tasks.map((t) => [t.task, t.start_ms, t.nx_ms, t.duration_ms])).toEqual([
      ['s2:build', 0, 120, null],
      ['s2:level-0', 2500, 450, 70],
      ['s3:level-0', 3000, 600, 150],
    ]);
  });

  it('gives the cold ratio over the phase tasks and their median cost beyond their own work', () => {
    const cold = summarizeCold({ wall_s: 4.4, tasks: buildRunTasks(RUN, TIMINGS), first_start_ms: 0 }, 1.2);
    expect(cold.duration_ms_sum).toBe(220);
    expect(cold.phase_tasks).toBe(2);
    expect(cold.ratio).toBeCloseTo(20, 6);
    // 450 − 70 = 380 and 600 − 150 = 450: median of two is their mean
    expect(cold.overhead_per_phase_task_ms).toBe(415);
  });

  it('prints the goals next to the figures', () => {
    const results: BuildBenchResults = {
      commit: '0123456789abcdef',
      node: 'v20.20.2',
      cpus: 2,
      load: 1.25,
      command: 'npx nx run taxonomy:finalize --output-style=static',
      cold: summarizeCold({ wall_s: 4.4, tasks: buildRunTasks(RUN, TIMINGS), first_start_ms: 0 }, 1.2),
      reruns: [
        { rerun_s: 1.5, show_projects_s: 1.2, ratio: 1.25, hits: 3, tasks: 3 },
        { rerun_s: 1.4, show_projects_s: 1.25, ratio: 1.12, hits: 3, tasks: 3 },
        { rerun_s: 1.6, show_projects_s: 1.2, ratio: 1.33, hits: 3, tasks: 3 },
      ],
    };
    const text = formatBuildBench(results);
    expect(text).toMatch(/cold build +wall 4\.40 s, 3 tasks \(3 run\), 2 phase tasks record 0\.22 s of duration_ms → 20\.00× \(goal ≤ 1\.5×\)/u);
    expect(text).toMatch(/median 415 ms/u);
    expect(text).toMatch(/ {4}2 {7}1\.40 {17}1\.25 {4}1\.12 {3}3\/3/u);
    expect(text).toMatch(/median ratio 1\.25 \(goal ≤ 1\.2\)/u);
    expect(text).toMatch(/s3:level-0 +600 ms +150 ms/u);
  });
});
