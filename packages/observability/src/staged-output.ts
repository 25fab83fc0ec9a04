import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ARTIFACT_DIRS, TaxonomyError, isProcessAlive, verifyArtifactFolder, type ArtifactRef } from '@taxonomy/core';

/**
 * A task's output folder is replaced the way Make's `.DELETE_ON_ERROR` and an atomic rename would have
 * it: the task writes into a staging folder beside it and the staging folder is swapped in only when the
 * task succeeded, so a failed or killed task leaves the last good output as it was. Before anything is
 * written, a folder that holds the task's own input, or files no task wrote, is refused.
 */

/** Staging folders of this process, removed synchronously when it is stopped (parent watch, signals). */
const LIVE_STAGING = new Set<string>();

/** Removes every staging folder this process still has (for exit paths that skip `finally`). */
export function discardLiveStaging(): void {
  for (const dir of LIVE_STAGING) rmSync(dir, { recursive: true, force: true });
  LIVE_STAGING.clear();
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}${sep}`);
}

function display(root: string, path: string): string {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export interface OutputGuardOptions {
  root: string;
  /** The phase that writes the folder (a folder holding another phase's output is refused). */
  phase: string;
  /** Files and folders the task reads: the output may neither be nor contain any of them. */
  protect: ReadonlyArray<string>;
  /** File names besides `metrics.json` the folder holds legitimately without them being listed (`manifest.json`). */
  unlisted: ReadonlyArray<string>;
}

/**
 * Refuses an output folder the task must not replace: the workspace root or a folder above it, a folder
 * that is or contains an input of the task, or a folder holding files no task wrote — the marker of a
 * task's folder is its `metrics.json`, which lists every file the task wrote.
 */
export async function assertReplaceableOutput(outDir: string, options: OutputGuardOptions): Promise<void> {
  const root = resolve(options.root);
  const out = resolve(outDir);
  if (isInside(root, out)) {
    throw new TaxonomyError('USAGE', `output folder ${out} is the workspace or holds it; choose a folder of its own`);
  }
  for (const input of options.protect) {
    const abs = resolve(root, input);
    if (isInside(abs, out)) {
      throw new TaxonomyError('USAGE', `output folder ${display(root, out)} holds the input ${display(root, abs)}, which it would delete; choose another folder`);
    }
  }
  const info = await stat(out).catch(() => null);
  if (info === null) return;
  if (!info.isDirectory()) throw new TaxonomyError('USAGE', `output ${display(root, out)} is a file, not a folder`);
  if ((await readdir(out)).length === 0) return;
  // Whose output it is, not whether it is intact: the folder is replaced either way, so nothing is hashed.
  const check = await verifyArtifactFolder(out, { root, unlisted: options.unlisted, checksums: false });
  const foreign = check.metrics === null ? check.problems : check.problems.filter((p) => p.includes('not written by the task') || p.includes('outside'));
  if (foreign.length > 0) {
    throw new TaxonomyError(
      'USAGE',
      `output folder ${display(root, out)} holds files no task wrote (${foreign[0]}${foreign.length > 1 ? `; ${foreign.length - 1} more` : ''}); empty it or choose another folder`,
    );
  }
  if (check.metrics !== null && check.metrics.phase !== options.phase) {
    throw new TaxonomyError('USAGE', `output folder ${display(root, out)} holds the output of ${check.metrics.phase}, not ${options.phase}; choose another folder`);
  }
}

export interface StagedOutput {
  /** Where the task writes (absolute). */
  readonly dir: string;
  /** Rewrites a ref that points into the staging folder to the path it will have after the swap. */
  finalRef(ref: ArtifactRef): ArtifactRef;
  /** Swaps the staging folder in place of the output folder. */
  commit(): Promise<void>;
  /**
   * Keeps what a failed task wrote for inspection in `artifacts/.runs/failed/<task>/` (never in the output
   * folder, which keeps the last good output); returns that folder relative to the root, or null.
   */
  keepFailed(task: string): Promise<string | null>;
}

const STAGING = /^\.(.+)\.(?:staging|previous)-(\d+)-[0-9a-f]+$/u;

/** Removes staging and swap leftovers of `name` in `parent` whose process is gone; restores a lost output folder. */
async function cleanLeftovers(parent: string, name: string, out: string): Promise<void> {
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    const m = STAGING.exec(entry);
    if (m === null || m[1] !== name || isProcessAlive(Number(m[2]))) continue;
    const path = join(parent, entry);
    // A crash between the two renames of a swap leaves only the previous folder: it is the last good output.
    if (entry.includes('.previous-') && !existsSync(out)) await rename(path, out).catch(() => undefined);
    else await rm(path, { recursive: true, force: true });
  }
}

/** Creates the staging folder beside `outDir` (same file system, so the swap is two renames). */
export async function stageOutput(outDir: string, root: string): Promise<StagedOutput> {
  const out = resolve(outDir);
  const parent = dirname(out);
  const name = basename(out);
  await mkdir(parent, { recursive: true });
  await cleanLeftovers(parent, name, out);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(parent, `.${name}.staging-${suffix}`);
  await mkdir(dir);
  LIVE_STAGING.add(dir);
  const stagedPrefixes = [`${dir}${sep}`, `${relative(root, dir)}/`];
  const finalPrefixes = [`${out}${sep}`, `${relative(root, out)}/`];
  return {
    dir,
    finalRef(ref) {
      for (const [i, prefix] of stagedPrefixes.entries()) {
        if (ref.path.startsWith(prefix)) return { ...ref, path: `${finalPrefixes[i]}${ref.path.slice(prefix.length)}` };
      }
      return ref;
    },
    async commit() {
      const previous = join(parent, `.${name}.previous-${suffix}`);
      const had = existsSync(out);
      if (had) await rename(out, previous);
      await rename(dir, out);
      LIVE_STAGING.delete(dir);
      if (had) await rm(previous, { recursive: true, force: true });
    },
    async keepFailed(task) {
      LIVE_STAGING.delete(dir);
      if ((await readdir(dir).catch(() => [] as string[])).length === 0) {
        await rm(dir, { recursive: true, force: true });
        return null;
      }
      const kept = join(root, ARTIFACT_DIRS.failed, task.replace(/[:/]/gu, '.'));
      await rm(kept, { recursive: true, force: true });
      await mkdir(dirname(kept), { recursive: true });
      try {
        await rename(dir, kept);
        return display(root, kept);
      } catch {
        await rm(dir, { recursive: true, force: true });
        return null;
      }
    },
  };
}
