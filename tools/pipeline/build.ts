import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@taxonomy/config';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runCrawlTask } from '@taxonomy/crawl';
import { runS0LevelTask, writeS0SourceViews } from '@taxonomy/s0-raw-extraction';
import { runS1MergeTask, runS1PartitionTask, runS1ShardTask, runS1Task } from '@taxonomy/s1-extraction';
import { runS2Task, writeS2Settings } from '@taxonomy/s2-frequency';
import { runS3Task } from '@taxonomy/s3-verification';
import { runPostprocessTask } from '@taxonomy/postprocess';
import { runPlacementTask } from '@taxonomy/placement';
import { runCurationTask } from '@taxonomy/curation';
import { runHierarchyTask } from '@taxonomy/hierarchy';
import { BUILD_LEVELS, buildTasksFor, runFinalizeTask, taskId, type RunFinalizeTaskResult } from '@taxonomy/taxonomy';

/**
 * Whole-pipeline runs (tests, the held-out eval) use the same task functions the Nx targets run, in a scratch copy of the
 * workspace (config, corpus, test fixtures), so they never touch the repository's artifacts or Nx cache.
 */
export const repo = findWorkspaceRoot(import.meta.dirname);

type Runner = (at: string, overrides: string[]) => Promise<unknown>;
const opts = (at: string, overrides: string[]) => ({ root: at, ...(overrides.length === 0 ? {} : { overrides }) });

/** Each task of the Nx graph as the function its target runs. */
export const RUNNERS: Record<string, Runner> = {
  'crawl:run': (at, o) => runCrawlTask(opts(at, o)),
  's0:sources': (at, o) => writeS0SourceViews(opts(at, o)),
  's2:settings': (at, o) => writeS2Settings(loadConfig(opts(at, o)).config.s2, at),
  ...Object.fromEntries(
    BUILD_LEVELS.flatMap((level) => [
      [`s0:level-${level}`, ((at, o) => runS0LevelTask({ level, ...opts(at, o) })) satisfies Runner],
      [`s1:level-${level}`, ((at, o) => runS1Task({ level, ...opts(at, o) })) satisfies Runner],
      [`s2:level-${level}`, ((at, o) => runS2Task({ level, ...opts(at, o) })) satisfies Runner],
      [`s3:level-${level}`, ((at, o) => runS3Task({ level, ...opts(at, o) })) satisfies Runner],
    ]),
  ),
  'postprocess:run': (at, o) => runPostprocessTask(opts(at, o)),
  'placement:run': (at, o) => runPlacementTask(opts(at, o)),
  'curation:apply': (at, o) => runCurationTask(opts(at, o)),
  'hierarchy:assemble': (at, o) => runHierarchyTask(opts(at, o)),
  'taxonomy:finalize': (at, o) => runFinalizeTask(opts(at, o)),
};

/** The S1 tasks of s1.shards > 1: the partition and shard tasks, and `s1:level-N` as their merge step. */
export const SHARDED_RUNNERS: Record<string, Runner> = Object.fromEntries(
  BUILD_LEVELS.flatMap((level) => [
    [`s1:level-${level}-partition`, ((at, o) => runS1PartitionTask({ level, ...opts(at, o) })) satisfies Runner],
    [`s1:level-${level}`, ((at, o) => runS1MergeTask({ level, ...opts(at, o) })) satisfies Runner],
  ]),
);

/** Runs the given tasks (default: all) in the graph's topological order, for the s1.shards the config resolves to. */
export async function runTasks(at: string, only?: ReadonlyArray<string>, overrides: string[] = []): Promise<void> {
  for (const task of buildTasksFor(loadConfig(opts(at, overrides)).config.s1.shards)) {
    const id = taskId(task);
    const shard = task.shard;
    const runner =
      shard !== undefined
        ? ((at: string, o: string[]) => runS1ShardTask({ level: task.level!, shard, ...opts(at, o) })) satisfies Runner
        : task.project === 's1' && task.main !== 'main.ts'
          ? SHARDED_RUNNERS[id]
          : RUNNERS[id];
    if (runner === undefined) throw new Error(`test/workspace.ts has no runner for ${id}`);
    if (only === undefined || only.includes(id)) await runner(at, overrides);
  }
}

/** The whole build, as `nx run taxonomy:finalize` runs it (no cache); returns finalize's result. */
export async function buildAll(at: string, overrides: string[] = []): Promise<RunFinalizeTaskResult> {
  const shards = loadConfig(opts(at, overrides)).config.s1.shards;
  await runTasks(at, buildTasksFor(shards).map(taskId).filter((id) => id !== 'taxonomy:finalize'), overrides);
  return runFinalizeTask(opts(at, overrides));
}

const scratch: string[] = [];

/** A temporary workspace with the repository's config, sample corpus and test fixtures, plus any `extra` repository paths. */
export async function scratchWorkspace(extra: ReadonlyArray<string> = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taxonomy-e2e-'));
  scratch.push(dir);
  await writeFile(join(dir, 'nx.json'), '{}');
  for (const path of ['config', 'corpus', join('test', 'fixtures'), ...extra]) await cp(join(repo, path), join(dir, path), { recursive: true });
  return dir;
}

/** Removes the workspaces `scratchWorkspace` made (call from afterAll). */
export async function removeScratchWorkspaces(): Promise<void> {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
