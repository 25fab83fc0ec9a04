import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runS0Task } from '@taxonomy/s0-raw-extraction';
import { runS1Task } from '@taxonomy/s1-extraction';
import { runS2Task } from '@taxonomy/s2-frequency';
import { runS3Task } from '@taxonomy/s3-verification';
import { runPostprocessTask } from '@taxonomy/postprocess';
import { runPlacementTask } from '@taxonomy/placement';
import { runHierarchyTask } from '@taxonomy/hierarchy';
import { runFinalizeTask, type RunFinalizeTaskResult } from '@taxonomy/taxonomy';

/** The repository these whole-pipeline tests run from. */
export const repo = findWorkspaceRoot(import.meta.dirname);

/** Runs every phase task in graph order on a workspace, as `nx run taxonomy:finalize` would (no cache). */
export async function buildAll(at: string, overrides: string[] = []): Promise<RunFinalizeTaskResult> {
  const o = overrides.length === 0 ? {} : { overrides };
  await runS0Task({ root: at, ...o });
  for (const level of [0, 1, 2, 3]) {
    await runS1Task({ level, root: at, ...o });
    await runS2Task({ level, root: at, ...o });
    await runS3Task({ level, root: at, ...o });
  }
  await runPostprocessTask({ root: at, ...o });
  await runPlacementTask({ root: at, ...o });
  await runHierarchyTask({ root: at, ...o });
  return runFinalizeTask({ root: at, ...o });
}

const scratch: string[] = [];

/** A temporary workspace with the repository's config, sample corpus and test fixtures. */
export async function scratchWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taxonomy-e2e-'));
  scratch.push(dir);
  await writeFile(join(dir, 'nx.json'), '{}');
  await cp(join(repo, 'config'), join(dir, 'config'), { recursive: true });
  await cp(join(repo, 'corpus'), join(dir, 'corpus'), { recursive: true });
  await cp(join(repo, 'test', 'fixtures'), join(dir, 'test', 'fixtures'), { recursive: true });
  return dir;
}

/** Removes the workspaces `scratchWorkspace` made (call from afterAll). */
export async function removeScratchWorkspaces(): Promise<void> {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
