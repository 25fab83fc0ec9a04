import * as z from 'zod';
import buildGraph from '../build-graph.json' with { type: 'json' };
import { didYouMean, usageError } from './usage.ts';

export const RESUME_PHASES = ['crawl', 'S0', 'S1', 'S2', 'S3', 'postprocess', 'placement', 'curation', 'hierarchy', 'finalize'] as const;
export type ResumePhase = (typeof RESUME_PHASES)[number];

/** An Nx input as the project configuration writes it: a named input, a file pattern, or an object (env, runtime, dependentTasksOutputFiles). */
const NxInputSchema = z.union([z.string().min(1), z.record(z.string(), z.union([z.string(), z.boolean()]))]);

const TaskEntryShape = {
  task: z.string().regex(/^[a-z0-9-]+:[a-z0-9{}-]+$/u).describe('project:target; `{level}` makes it one task per level'),
  phase: z.enum(RESUME_PHASES).describe('the phase `--resume-from` names'),
  dir: z.string().regex(/^artifacts\//u).describe('the artifact folder: the target\'s only output'),
  main: z.string().regex(/^[a-z-]+\.ts$/u).optional().describe('entry file under the package\'s src/ (default main.ts)'),
  helper: z.literal(true).optional().describe('writes no phase metrics (s2:settings)'),
  ownProcess: z.literal(true).optional().describe('runs in a Node process of its own, never in a batch with other phase tasks (see the $comment)'),
  dependsOn: z.array(z.string()).optional().describe('task ids; `{level}`, `{level-1}` (the level above), `level-*` (every level), `{shard}` and `shard-*` (every shard), `*` (every phase task before this one)'),
  inputs: z.array(NxInputSchema).optional().describe('what the task hashes besides its code and its dependencies\' code'),
};
const ShardedPartSchema = z.strictObject({ task: TaskEntryShape.task, dir: TaskEntryShape.dir, main: TaskEntryShape.main, ownProcess: TaskEntryShape.ownProcess, dependsOn: TaskEntryShape.dependsOn, inputs: TaskEntryShape.inputs });

/** One entry of `build-graph.json`: a task, or one task per level when its id holds `{level}`. */
export const BuildGraphEntrySchema = z.strictObject({
  ...TaskEntryShape,
  sharded: z
    .strictObject({
      partition: ShardedPartSchema.describe('splits the level\'s input by institution, one folder per shard'),
      shard: ShardedPartSchema.describe('one task per shard, `{shard}` = 0 … K−1'),
      merge: z.strictObject({ main: TaskEntryShape.main, dependsOn: TaskEntryShape.dependsOn, inputs: TaskEntryShape.inputs }).describe('what the entry\'s own task becomes'),
    })
    .optional()
    .describe('with s1.shards = K > 1: a partition task, K shard tasks, and this task as their merge step'),
});

export const BuildGraphSchema = z.strictObject({
  $comment: z.string().optional(),
  levels: z.array(z.number().int().nonnegative()).min(1),
  tasks: z.array(BuildGraphEntrySchema).min(1),
});
export type BuildGraph = z.infer<typeof BuildGraphSchema>;

/** One Nx task of the build graph, with the phase it belongs to and the tasks it depends on. */
export interface GraphTask {
  project: string;
  target: string;
  phase: ResumePhase;
  /** The level of a per-level task, null for the others. */
  level: number | null;
  dir: string;
  /** Entry file under the package's src/. */
  main: string;
  dependsOn: string[];
  /** Nx inputs after the code of the package and of the packages it loads. */
  inputs: Array<z.infer<typeof NxInputSchema>>;
  /** A helper task that writes no phase metrics (`s2:settings`): part of the graph, not of `manage status`. */
  helper?: true;
  /** Runs in a Node process of its own under Nx, never in a batch of phase tasks (the plugin's nx:run-commands). */
  ownProcess?: true;
  /** The shard (0-based) of an S1 shard task (s1.shards > 1). */
  shard?: number;
}

export interface ExpandOptions {
  /** s1.shards (default 1: today's one S1 task per level). */
  shards?: number;
}

export function taskId(task: Pick<GraphTask, 'project' | 'target'>): string {
  return `${task.project}:${task.target}`;
}

/**
 * Expands the description to concrete tasks in topological order: a run of per-level entries expands
 * level by level (level N's S1 waits for level N−1's S3). tools/nx/taxonomy-plugin.mjs does the same
 * for Nx; task-graph.test.ts checks that both agree.
 */
export function expandBuildGraph(graph: BuildGraph, options: ExpandOptions = {}): GraphTask[] {
  const { levels } = graph;
  const shards = options.shards ?? 1;
  type Entry = BuildGraph['tasks'][number];
  type Part = z.infer<typeof ShardedPartSchema>;
  const perLevel = (e: Entry) => e.task.includes('{level}');
  const dependsOnAt = (deps: ReadonlyArray<string>, level: number | null, shard: number | null): string[] =>
    deps.flatMap((dep) => {
      if (dep.endsWith('level-*')) return levels.map((l) => dep.replace('level-*', `level-${l}`));
      if (dep.includes('{level-1}')) {
        const i = level === null ? -1 : levels.indexOf(level);
        return i <= 0 ? [] : [dep.replace('{level-1}', String(levels[i - 1]))];
      }
      const filled = (level === null ? dep : dep.replaceAll('{level}', String(level))).replaceAll('{shard}', String(shard));
      if (filled.endsWith('shard-*')) return Array.from({ length: shards }, (_, k) => filled.replace(/shard-\*$/u, `shard-${k}`));
      return [filled];
    });
  const at = (e: Part & { helper?: true | undefined }, phase: ResumePhase, level: number | null, shard: number | null = null): GraphTask => {
    const fill = (s: string) => (level === null ? s : s.replaceAll('{level}', String(level))).replaceAll('{shard}', String(shard));
    const [project = '', target = ''] = fill(e.task).split(':');
    return {
      project,
      target,
      phase,
      level,
      dir: fill(e.dir),
      main: e.main ?? 'main.ts',
      dependsOn: dependsOnAt(e.dependsOn ?? [], level, shard),
      inputs: (e.inputs ?? []).map((input) => (typeof input === 'string' ? fill(input) : (JSON.parse(fill(JSON.stringify(input))) as typeof input))),
      ...(e.helper === true ? { helper: true as const } : {}),
      ...(e.ownProcess === true ? { ownProcess: true as const } : {}),
      ...(shard === null ? {} : { shard }),
    };
  };
  const expand = (e: Entry, level: number): GraphTask[] => {
    if (e.sharded === undefined || shards === 1) return [at(e, e.phase, level)];
    const { partition, shard, merge } = e.sharded;
    return [
      at(partition, e.phase, level),
      ...Array.from({ length: shards }, (_, k) => at(shard, e.phase, level, k)),
      at({ ...e, ...merge }, e.phase, level),
    ];
  };
  const out: GraphTask[] = [];
  for (let i = 0; i < graph.tasks.length; ) {
    const entry = graph.tasks[i]!;
    if (!perLevel(entry)) {
      const task = at(entry, entry.phase, null);
      // `*`: every phase task before this one (helpers left out), shard and partition tasks included.
      task.dependsOn = task.dependsOn.flatMap((dep) => (dep === '*' ? out.filter((t) => t.helper !== true).map(taskId) : [dep]));
      out.push(task);
      i += 1;
      continue;
    }
    let end = i;
    while (end < graph.tasks.length && perLevel(graph.tasks[end]!)) end += 1;
    for (const level of levels) for (const e of graph.tasks.slice(i, end)) out.push(...expand(e, level));
    i = end;
  }
  return out;
}

/** The levels of the build (`build-graph.json`). */
export const BUILD_LEVELS: ReadonlyArray<number> = BuildGraphSchema.parse(buildGraph).levels;

/** The task graph of the build, from `build-graph.json` (what the Nx plugin infers the targets from), in topological order. */
export const BUILD_TASKS: ReadonlyArray<GraphTask> = expandBuildGraph(BuildGraphSchema.parse(buildGraph));

/** The task graph for a given s1.shards (the Nx plugin infers the same from config/s1.json and TAXONOMY_OVERRIDES_S1). */
export function buildTasksFor(shards: number): ReadonlyArray<GraphTask> {
  return shards === 1 ? BUILD_TASKS : expandBuildGraph(BuildGraphSchema.parse(buildGraph), { shards });
}

/** Accepts `S2`, `s2`, `postprocess`, `Finalize`, …; anything else is a USAGE error with a suggestion. */
export function parseResumePhase(raw: string): ResumePhase {
  const found = RESUME_PHASES.find((p) => p.toLowerCase() === raw.trim().toLowerCase());
  if (found === undefined) {
    throw usageError(`--resume-from: unknown phase "${raw}"${didYouMean(raw, RESUME_PHASES)}; expected one of ${RESUME_PHASES.join('|')}`);
  }
  return found;
}

export interface ResumePlan {
  /** Upstream tasks nothing else upstream depends on: running them (cached) brings every upstream task up to date. */
  upstreamFrontier: string[];
  /** Every upstream task (cache hits expected). */
  upstream: string[];
  /** The phase's tasks and everything downstream of them, in topological order, each re-executed. */
  rerun: string[];
}

/**
 * Splits the graph for `--resume-from PHASE`: the phase's tasks plus their transitive dependents are
 * re-executed in topological order; every other task is upstream and runs normally (from the cache).
 */
export function planResume(phase: ResumePhase, tasks: ReadonlyArray<GraphTask> = BUILD_TASKS): ResumePlan {
  const rerun = new Set(tasks.filter((t) => t.phase === phase).map(taskId));
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      const id = taskId(task);
      if (!rerun.has(id) && task.dependsOn.some((d) => rerun.has(d))) {
        rerun.add(id);
        grew = true;
      }
    }
  }
  const upstream = tasks.map(taskId).filter((id) => !rerun.has(id));
  const dependedOn = new Set(tasks.filter((t) => upstream.includes(taskId(t))).flatMap((t) => t.dependsOn));
  return {
    upstream,
    upstreamFrontier: upstream.filter((id) => !dependedOn.has(id)),
    rerun: tasks.map(taskId).filter((id) => rerun.has(id)),
  };
}
