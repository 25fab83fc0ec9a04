// `npm run bench -- --build`: the sample build as Nx runs it, on a clone of the committed repository: one cold
// `nx run taxonomy:finalize` (empty cache, nothing built) against the `duration_ms` its phase tasks record, then
// no-change reruns each followed by `nx show projects` (issue 14: wall ≤ 1.5× the tasks' own time; a cached rerun
// ≤ 1.2× `nx show projects`). Uncommitted changes are not measured: the clone is of HEAD.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';
import { cloneRepo, nx } from './clone.ts';
import { type FloorResults, runFloorBench } from './floor.ts';

/** One task of `.nx/cache/run.json` (Nx's own record of the last run) with the `duration_ms` it recorded, if any. */
export interface BuildTask {
  task: string;
  cache: string;
  nx_ms: number;
  start_ms: number;
  duration_ms: number | null;
}

export interface BuildRun {
  wall_s: number;
  tasks: BuildTask[];
  /** When Nx started the run's first task (epoch ms). */
  first_start_ms: number;
}

export interface BuildBenchResults {
  commit: string;
  node: string;
  cpus: number;
  load: number;
  command: string;
  cold: BuildRun & { duration_ms_sum: number; phase_tasks: number; ratio: number; nx_start_s: number; overhead_per_phase_task_ms: number };
  reruns: Array<{ rerun_s: number; show_projects_s: number; ratio: number; hits: number; tasks: number }>;
  /** `--floor`: the same task graph with bare busy Node tasks (tools/bench/floor.ts). */
  floor?: FloorResults;
}

/** Nx's record of a run and the phases' timings files → one row per task (the timings key is the task id with `.`). */
export function buildRunTasks(runJson: { tasks: Array<{ taskId: string; cacheStatus: string; startTime: string; endTime: string }> }, timings: ReadonlyMap<string, number>): BuildTask[] {
  const start = Math.min(...runJson.tasks.map((t) => Date.parse(t.startTime)));
  return runJson.tasks
    .map((t) => ({ task: t.taskId, cache: t.cacheStatus, nx_ms: Date.parse(t.endTime) - Date.parse(t.startTime), start_ms: Date.parse(t.startTime) - start, duration_ms: timings.get(t.taskId) ?? null }))
    .sort((a, b) => a.start_ms - b.start_ms || a.task.localeCompare(b.task));
}

/**
 * The cold run's figures: the sum of `duration_ms` over the phase tasks (builds record none), its ratio to the
 * wall time, and what each phase task cost Nx beyond its own work (its Nx task time minus `duration_ms`: the
 * Node start, imports, config and input checks, output writes), median.
 */
export function summarizeCold(run: BuildRun, nxStartS: number): BuildBenchResults['cold'] {
  const phases = run.tasks.filter((t) => t.duration_ms !== null);
  const sum = phases.reduce((n, t) => n + (t.duration_ms ?? 0), 0);
  const over = phases.map((t) => t.nx_ms - (t.duration_ms ?? 0)).sort((a, b) => a - b);
  const median = over.length === 0 ? 0 : over.length % 2 === 1 ? over[(over.length - 1) / 2]! : (over[over.length / 2 - 1]! + over[over.length / 2]!) / 2;
  return { ...run, duration_ms_sum: sum, phase_tasks: phases.length, ratio: sum > 0 ? run.wall_s / (sum / 1000) : Number.NaN, nx_start_s: nxStartS, overhead_per_phase_task_ms: median };
}

export function formatBuildBench(r: BuildBenchResults): string {
  const lines = [
    `taxonomy build bench: sample corpus, commit ${r.commit.slice(0, 12)}, node ${r.node}, ${r.cpus} cpus, load ${r.load.toFixed(2)}; \`${r.command}\` on a clone`,
    '',
    `cold build       wall ${r.cold.wall_s.toFixed(2)} s, ${r.cold.tasks.length} tasks (${r.cold.tasks.filter((t) => t.cache === 'cache-miss').length} run), ${r.cold.phase_tasks} phase tasks record ${(r.cold.duration_ms_sum / 1000).toFixed(2)} s of duration_ms → ${r.cold.ratio.toFixed(2)}× (goal ≤ 1.5×)`,
    `                 first task started ${r.cold.nx_start_s.toFixed(2)} s after nx; a phase task's Nx time beyond its duration_ms: median ${Math.round(r.cold.overhead_per_phase_task_ms)} ms`,
    '',
    'rerun   nx run s   nx show projects s   ratio   cache hits',
    ...r.reruns.map((x, i) => `${String(i + 1).padStart(5)} ${x.rerun_s.toFixed(2).padStart(10)} ${x.show_projects_s.toFixed(2).padStart(20)} ${x.ratio.toFixed(2).padStart(7)}   ${x.hits}/${x.tasks}`),
    `median ratio ${median(r.reruns.map((x) => x.ratio)).toFixed(2)} (goal ≤ 1.2)`,
    '',
    'slowest tasks of the cold build (Nx time, duration_ms):',
    ...[...r.cold.tasks]
      .sort((a, b) => b.nx_ms - a.nx_ms)
      .slice(0, 8)
      .map((t) => `  ${t.task.padEnd(22)} ${String(t.nx_ms).padStart(6)} ms ${t.duration_ms === null ? '' : `${String(t.duration_ms).padStart(6)} ms`}`),
    ...(r.floor === undefined
      ? []
      : [
          '',
          `floor (the same ${r.floor.tasks} tasks, each a bare node busy for its task's duration_ms, builds 0 ms):`,
          `  cold wall ${r.floor.cold_wall_s.toFixed(2)} s against ${(r.floor.work_ms_sum / 1000).toFixed(2)} s → ${r.floor.ratio.toFixed(2)}×; rerun ${r.floor.rerun_s.toFixed(2)} s against nx show projects ${r.floor.show_projects_s.toFixed(2)} s → ${r.floor.rerun_ratio.toFixed(2)}×`,
          `  each also hashing its dependencies' outputs (dependentTasksOutputFiles, as the phase tasks): cold ${r.floor.hashed.cold_wall_s.toFixed(2)} s → ${r.floor.hashed.ratio.toFixed(2)}×; rerun ${r.floor.hashed.rerun_s.toFixed(2)} s against ${r.floor.hashed.show_projects_s.toFixed(2)} s → ${r.floor.hashed.rerun_ratio.toFixed(2)}×`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Builds every package's `dist/` (`nx run-many -t build`, cached, so a second bench pays ≈ 1 s) before a bench
 * runs phases from it: a bench of a stale `dist/` would measure other code than the sources.
 */
export async function buildPackages(repo: string): Promise<void> {
  await nx(repo, ['run-many', '-t', 'build', '--output-style=static'], { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' });
}

async function readRun(clone: string, wallS: number): Promise<BuildRun> {
  const runJson = JSON.parse(await readFile(join(clone, '.nx', 'cache', 'run.json'), 'utf8')) as Parameters<typeof buildRunTasks>[0];
  const timings = new Map<string, number>();
  const dir = join(clone, 'artifacts', '.runs', 'timings');
  if (existsSync(dir)) {
    for (const f of await readdir(dir)) {
      const t = JSON.parse(await readFile(join(dir, f), 'utf8')) as { task?: string; duration_ms?: number };
      if (typeof t.task === 'string' && typeof t.duration_ms === 'number') timings.set(t.task, t.duration_ms);
    }
  }
  return { wall_s: wallS, tasks: buildRunTasks(runJson, timings), first_start_ms: Math.min(...runJson.tasks.map((t) => Date.parse(t.startTime))) };
}

export async function runBuildBench(repo: string, options: { runs: number; keep: boolean; floor?: boolean }): Promise<number> {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).trim() !== '') process.stderr.write(`bench: uncommitted changes are not measured (the clone is of ${commit.slice(0, 12)})\n`);
  const base = await mkdtemp(join(tmpdir(), 'taxonomy-build-bench-'));
  const clone = await cloneRepo(repo, join(base, 'clone'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NX_|TAXONOMY_|OPENAI_)/u.test(k)));
  const env = { ...inherited, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };
  const build = ['run', 'taxonomy:finalize', '--output-style=static'];
  try {
    process.stderr.write(`bench: cold build in ${clone} …\n`);
    const started = Date.now();
    const coldWall = await nx(clone, build, env);
    const cold = await readRun(clone, coldWall);
    const reruns: BuildBenchResults['reruns'] = [];
    for (let i = 0; i < options.runs; i += 1) {
      process.stderr.write(`bench: rerun ${i + 1}/${options.runs} …\n`);
      const rerunS = await nx(clone, build, env);
      const run = await readRun(clone, rerunS);
      const showS = await nx(clone, ['show', 'projects'], env);
      reruns.push({ rerun_s: rerunS, show_projects_s: showS, ratio: rerunS / showS, hits: run.tasks.filter((t) => t.cache !== 'cache-miss').length, tasks: run.tasks.length });
    }
    let floor: FloorResults | undefined;
    if (options.floor === true) {
      process.stderr.write('bench: floor (the same task graph, bare busy node tasks) …\n');
      const work = new Map(cold.tasks.map((t) => [t.task, t.duration_ms ?? 0]));
      floor = await runFloorBench(repo, clone, join(base, 'floor'), work, env);
    }
    const results: BuildBenchResults = {
      commit,
      node: process.version,
      cpus: cpus().length,
      load: loadavg()[0] ?? 0,
      command: `npx nx ${build.join(' ')}`,
      cold: summarizeCold(cold, (cold.first_start_ms - started) / 1000),
      reruns,
      ...(floor === undefined ? {} : { floor }),
    };
    process.stdout.write(formatBuildBench(results));
    const outDir = join(repo, 'artifacts', 'bench');
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'build.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nresults: artifacts/bench/build.json${options.keep ? `; clone kept at ${clone}` : ''}\n`);
    return reruns.every((r) => r.hits === r.tasks) ? 0 : 1;
  } finally {
    if (!options.keep) await rm(base, { recursive: true, force: true });
  }
}
