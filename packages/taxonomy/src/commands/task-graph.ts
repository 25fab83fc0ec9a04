import { ARTIFACT_DIRS } from '@taxonomy/core';
import { didYouMean, usageError } from './usage.ts';

/** One Nx task of the build graph, with the phase it belongs to and the tasks it depends on. */
export interface GraphTask {
  project: string;
  target: string;
  phase: ResumePhase;
  dir: string;
  dependsOn: string[];
  /** A helper task that writes no phase metrics (`s2:settings`): part of the graph, not of `manage status`. */
  helper?: true;
}

export const RESUME_PHASES = ['crawl', 'S0', 'S1', 'S2', 'S3', 'postprocess', 'placement', 'curation', 'hierarchy', 'finalize'] as const;
export type ResumePhase = (typeof RESUME_PHASES)[number];

export function taskId(task: Pick<GraphTask, 'project' | 'target'>): string {
  return `${task.project}:${task.target}`;
}

/**
 * The task graph of the build (mirrors the `dependsOn` of every `packages/*\/project.json`), in
 * topological order: level N's S1 waits for level N−1's S3.
 */
export const BUILD_TASKS: ReadonlyArray<GraphTask> = [
  { project: 'crawl', target: 'run', phase: 'crawl', dir: ARTIFACT_DIRS.crawl, dependsOn: [] },
  { project: 's0', target: 'extract', phase: 'S0', dir: ARTIFACT_DIRS.s0, dependsOn: ['crawl:run'] },
  { project: 's2', target: 'settings', phase: 'S2', dir: ARTIFACT_DIRS.s2Settings, dependsOn: [], helper: true },
  ...[0, 1, 2, 3].flatMap((level): GraphTask[] => [
    {
      project: 's1',
      target: `level-${level}`,
      phase: 'S1',
      dir: ARTIFACT_DIRS.s1(level),
      dependsOn: level === 0 ? ['s0:extract'] : ['s0:extract', `s3:level-${level - 1}`],
    },
    { project: 's2', target: `level-${level}`, phase: 'S2', dir: ARTIFACT_DIRS.s2(level), dependsOn: [`s1:level-${level}`, 's2:settings'] },
    { project: 's3', target: `level-${level}`, phase: 'S3', dir: ARTIFACT_DIRS.s3(level), dependsOn: [`s2:level-${level}`] },
  ]),
  {
    project: 'postprocess',
    target: 'run',
    phase: 'postprocess',
    dir: ARTIFACT_DIRS.postprocess,
    dependsOn: [0, 1, 2, 3].map((level) => `s3:level-${level}`),
  },
  { project: 'placement', target: 'run', phase: 'placement', dir: ARTIFACT_DIRS.placement, dependsOn: ['postprocess:run'] },
  { project: 'curation', target: 'apply', phase: 'curation', dir: ARTIFACT_DIRS.curation, dependsOn: ['placement:run'] },
  { project: 'hierarchy', target: 'assemble', phase: 'hierarchy', dir: ARTIFACT_DIRS.hierarchy, dependsOn: ['curation:apply'] },
  { project: 'taxonomy', target: 'finalize', phase: 'finalize', dir: ARTIFACT_DIRS.taxonomy, dependsOn: ['hierarchy:assemble'] },
];

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
