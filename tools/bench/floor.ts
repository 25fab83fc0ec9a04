// `npm run bench -- --build --floor`: what Nx and one Node process per task cost for the build's own task graph,
// with no code of ours in them. A synthetic workspace gets the same tasks (25) and dependencies as
// `nx run taxonomy:finalize` (Nx's `--graph` of the clone); each task is a bare `node` that stays busy for the
// `duration_ms` its real task recorded in the cold build (0 for the builds, which record none) and writes one
// file. Its cold wall time against the same sum of `duration_ms` is the lowest ratio issue 14's item 1 can reach
// while every task is its own process: no imports, no hashing of real outputs, no config, no checks. A second
// workspace ("hashed") is the same but each task also hashes its dependencies' output files, as every phase task
// does (`dependentTasksOutputFiles`, what makes the reruns data-incremental): Nx then hashes a task only once its
// dependencies are done, in waves, instead of all of them up front.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTRA_CA_HANDOVER } from '../nx/taxonomy-plugin.mjs';
import { nx } from './clone.ts';

export interface FloorTask {
  task: string;
  /** What the real task recorded (ms); the synthetic task stays busy that long. */
  work_ms: number;
  dependsOn: string[];
}

/** One floor workspace's figures: a cold build and one cached rerun, against `nx show projects` there. */
export interface FloorRun {
  cold_wall_s: number;
  ratio: number;
  rerun_s: number;
  show_projects_s: number;
  rerun_ratio: number;
}

export interface FloorResults extends FloorRun {
  tasks: number;
  /** The sum of the tasks' work: the cold build's `duration_ms` (the builds record none, so they add 0). */
  work_ms_sum: number;
  /** The same tasks, each also hashing its dependencies' outputs (`dependentTasksOutputFiles`), as the phase tasks do. */
  hashed: FloorRun;
}

/** The busy task: spins (CPU, as a phase does) for `ms` of wall time, then writes its output file. */
const SPIN = `const [ms, out] = [Number(process.argv[2]), process.argv[3]];
const end = performance.now() + ms;
while (performance.now() < end) {}
require('node:fs').mkdirSync(out, { recursive: true });
require('node:fs').writeFileSync(out + '/done.txt', String(ms));
`;

/** Nx's task graph JSON (`nx run … --graph=file`) and the recorded work per task → the synthetic tasks. */
export function floorTasks(graph: { tasks: { tasks: Record<string, unknown>; dependencies: Record<string, string[]> } }, workMs: ReadonlyMap<string, number>): FloorTask[] {
  return Object.keys(graph.tasks.tasks)
    .sort()
    .map((task) => ({ task, work_ms: workMs.get(task) ?? 0, dependsOn: [...(graph.tasks.dependencies[task] ?? [])].sort() }));
}

/**
 * One `project.json` per project of the synthetic workspace: its targets, each a cached `node spin.cjs` (started as a
 * phase task starts Node) with one output folder; with `hashDependencyOutputs`, each also hashes the output files of
 * the tasks it waits for.
 */
export function floorProjects(tasks: ReadonlyArray<FloorTask>, options: { hashDependencyOutputs?: boolean } = {}): Map<string, { name: string; targets: Record<string, unknown> }> {
  const projects = new Map<string, { name: string; targets: Record<string, unknown> }>();
  for (const t of tasks) {
    const [project, target] = t.task.split(':') as [string, string];
    const p = projects.get(project) ?? { name: project, targets: {} };
    p.targets[target] = {
      executor: 'nx:run-commands',
      // Node started as a phase task starts it (EXTRA_CA_HANDOVER: no CA bundle parsed at start).
      options: { command: `${EXTRA_CA_HANDOVER} node spin.cjs ${t.work_ms} out/${project}-${target}` },
      cache: true,
      inputs: ['{workspaceRoot}/spin.cjs', ...(options.hashDependencyOutputs === true ? [{ dependentTasksOutputFiles: '**/*' }] : [])],
      outputs: [`{workspaceRoot}/out/${project}-${target}`],
      dependsOn: t.dependsOn.map((dep) => {
        const [depProject, depTarget] = dep.split(':') as [string, string];
        return depProject === project ? depTarget : { projects: [depProject], target: depTarget };
      }),
    };
    projects.set(project, p);
  }
  return projects;
}

/**
 * Builds the synthetic workspace in `dir` from the clone's task graph and the cold build's `duration_ms` per task
 * (twice: plain, and with each task hashing its dependencies' outputs), then times in each a cold
 * `npx nx run taxonomy:finalize` and one cached rerun against `npx nx show projects` there.
 */
export async function runFloorBench(repo: string, clone: string, dir: string, workMs: ReadonlyMap<string, number>, env: NodeJS.ProcessEnv): Promise<FloorResults> {
  const graphFile = join(dir, 'task-graph.json');
  await mkdir(dir, { recursive: true });
  await nx(clone, ['run', 'taxonomy:finalize', `--graph=${graphFile}`], env);
  const tasks = floorTasks(JSON.parse(await readFile(graphFile, 'utf8')) as Parameters<typeof floorTasks>[0], workMs);
  const sum = tasks.reduce((n, t) => n + t.work_ms, 0);
  const plain = await floorRun(repo, clone, join(dir, 'workspace'), tasks, sum, env, false);
  const hashed = await floorRun(repo, clone, join(dir, 'workspace-hashed'), tasks, sum, env, true);
  return { tasks: tasks.length, work_ms_sum: sum, ...plain, hashed };
}

async function floorRun(repo: string, clone: string, ws: string, tasks: ReadonlyArray<FloorTask>, sum: number, env: NodeJS.ProcessEnv, hashDependencyOutputs: boolean): Promise<FloorRun> {
  await mkdir(ws, { recursive: true });
  await symlink(join(repo, 'node_modules'), join(ws, 'node_modules'));
  await writeFile(join(ws, 'package.json'), `${JSON.stringify({ name: 'taxonomy-build-floor', private: true }, null, 2)}\n`);
  await writeFile(join(ws, '.gitignore'), 'node_modules\n.nx\nout\n');
  await writeFile(join(ws, 'nx.json'), `${JSON.stringify({ cacheDirectory: '.nx/cache', analytics: false, neverConnectToCloud: true, useDaemonProcess: false, tui: { enabled: false } }, null, 2)}\n`);
  await writeFile(join(ws, 'spin.cjs'), SPIN);
  // Nx's start-up as the repository configures it (plugins in Nx's own process, see the repository's .env).
  await copyFile(join(clone, '.env'), join(ws, '.env'));
  for (const [name, project] of floorProjects(tasks, { hashDependencyOutputs })) {
    await mkdir(join(ws, 'projects', name), { recursive: true });
    await writeFile(join(ws, 'projects', name, 'project.json'), `${JSON.stringify(project, null, 2)}\n`);
  }
  execFileSync('git', ['init', '-q'], { cwd: ws });
  execFileSync('git', ['add', '-A'], { cwd: ws });
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'floor'], { cwd: ws });
  const build = ['run', 'taxonomy:finalize', '--output-style=static'];
  const coldWall = await nx(ws, build, env);
  const rerun = await nx(ws, build, env);
  const show = await nx(ws, ['show', 'projects'], env);
  return { cold_wall_s: coldWall, ratio: coldWall / (sum / 1000), rerun_s: rerun, show_projects_s: show, rerun_ratio: rerun / show };
}
