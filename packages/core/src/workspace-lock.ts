import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
// zod/mini (the same zod, tree-shakable): the Nx lock hook bundles this file and loads it on every `nx run`.
import * as z from 'zod/mini';
import { TaxonomyError } from './errors.ts';
import { isProcessAlive, readProcess } from './processes.ts';

/**
 * One build per checkout. A build (one `nx run …`, one `taxonomy run`, or one task run outside Nx) takes
 * `artifacts/.runs/build.lock` before anything writes an artifact, and every task of that build carries the
 * lock's token (`TAXONOMY_BUILD_TOKEN`). The holder is a process id with its start time: when that process
 * is gone (killed, crashed) the lock is stale and the next build takes it over, so no one ever deletes a
 * lock by hand. A per-task lock would not do: Nx runs each task as its own process and restores cached
 * folders itself, so two interleaved builds would each hold the lock in turn and mix their results.
 */
export const WORKSPACE_LOCK_FILE = 'artifacts/.runs/build.lock';

export const LockHolderSchema = z.object({
  token: z.string().check(z.minLength(1)),
  pid: z.int().check(z.minimum(1)),
  start_time: z.nullable(z.string()),
  host: z.string(),
  command: z.string(),
  acquired_at: z.string(),
});
export type LockHolder = z.infer<typeof LockHolderSchema>;

export interface AcquireLockOptions {
  /** The process whose life the lock follows (default: this one). The Nx hook passes the nx CLI's pid. */
  pid?: number;
  /** What the holder is doing, for the message another build prints ("nx run taxonomy:finalize"). */
  command: string;
  /** Reuse a token (the build's own, handed down by a parent `taxonomy run`); default a new random one. */
  token?: string;
  /** How long to wait for a live holder to finish before failing (default 0: fail at once). */
  waitMs?: number;
  pollMs?: number;
  /** Called once when the build starts waiting, with the line it would fail with. */
  onWait?: (message: string) => void;
}

export interface WorkspaceLock {
  readonly token: string;
  /** True when this call created the lock (false when the build already held it: release is then a no-op). */
  readonly owner: boolean;
  readonly holder: LockHolder;
  /** Removes the lock if this build still holds it. Synchronous, so it also works in an `exit` handler. */
  release(): void;
}

export function lockFilePath(root: string): string {
  return join(root, WORKSPACE_LOCK_FILE);
}

/** The current holder, or null when the workspace is not locked (an unreadable lock file counts as none). */
export function readWorkspaceLock(root: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(lockFilePath(root), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = LockHolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** True while the lock's holder runs; a holder on another host is taken as alive (it cannot be checked). */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  return isProcessAlive(holder.pid, holder.start_time);
}

/** "pid 4242 (nx run taxonomy:finalize) since 2026-…Z" — how a message names the holder. */
export function describeHolder(holder: LockHolder): string {
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `pid ${holder.pid}${where} (${holder.command}) since ${holder.acquired_at}`;
}

function lockedError(root: string, holder: LockHolder): TaxonomyError {
  return new TaxonomyError(
    'WORKSPACE_LOCKED',
    `${root} is being built by ${describeHolder(holder)}; one build per checkout — wait for it (TAXONOMY_LOCK_WAIT=SECONDS waits) or stop it`,
  );
}

/** A new random build token. */
export function newBuildToken(): string {
  return `b-${randomBytes(8).toString('hex')}`;
}

/**
 * Takes the workspace lock, or joins it when `token` is the holder's. A live holder with another token
 * makes this wait up to `waitMs`, then throw WORKSPACE_LOCKED naming the holder; a dead holder's lock is
 * taken over. Creation is atomic (`link` of a complete temp file), so two builds never both win.
 */
export async function acquireWorkspaceLock(root: string, options: AcquireLockOptions): Promise<WorkspaceLock> {
  const path = lockFilePath(root);
  mkdirSync(dirname(path), { recursive: true });
  const token = options.token ?? newBuildToken();
  const pid = options.pid ?? process.pid;
  const holder: LockHolder = {
    token,
    pid,
    start_time: readProcess(pid)?.startTime ?? null,
    host: hostname(),
    command: options.command,
    acquired_at: new Date().toISOString(),
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  let announced = false;
  for (let attempt = 0; ; attempt += 1) {
    if (tryCreate(path, holder)) return handle(root, holder, true);
    const current = readWorkspaceLock(root);
    if (current !== null && current.token === token) return handle(root, current, false);
    if (current !== null && isHolderAlive(current)) {
      if (Date.now() >= deadline) throw lockedError(root, current);
      if (!announced) {
        announced = true;
        options.onWait?.(`waiting for the workspace lock: ${describeHolder(current)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
      continue;
    }
    // Stale (holder gone) or unreadable: move it aside and try again. A lock created meanwhile by a third
    // build is put back untouched (link fails if yet another one exists; that one then wins).
    takeOver(path, current);
    if (attempt > 50) throw new TaxonomyError('WORKSPACE_LOCKED', `cannot take the workspace lock ${path}: it keeps changing`);
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function takeOver(path: string, seen: LockHolder | null): void {
  const tomb = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, tomb);
  } catch {
    return; // someone else moved it first
  }
  let moved: LockHolder | null = null;
  try {
    const parsed = LockHolderSchema.safeParse(JSON.parse(readFileSync(tomb, 'utf8')));
    moved = parsed.success ? parsed.data : null;
  } catch {
    moved = null;
  }
  if (moved !== null && (seen === null || moved.token !== seen.token) && isHolderAlive(moved)) {
    try {
      linkSync(tomb, path);
    } catch {
      // a newer lock exists already
    }
  }
  unlinkSync(tomb);
}

function handle(root: string, holder: LockHolder, owner: boolean): WorkspaceLock {
  let released = false;
  return {
    token: holder.token,
    owner,
    holder,
    release() {
      if (!owner || released) return;
      released = true;
      releaseWorkspaceLock(root, holder.token);
    },
  };
}

/** Removes the lock when `token` holds it; anything else is left alone. */
export function releaseWorkspaceLock(root: string, token: string): void {
  const current = readWorkspaceLock(root);
  if (current === null || current.token !== token) return;
  try {
    unlinkSync(lockFilePath(root));
  } catch {
    // already gone
  }
}

/**
 * Checks that the build with `token` holds the lock: a task started by Nx under the lock hook must find
 * its build's token there. Throws WORKSPACE_LOCKED naming the actual holder otherwise.
 */
export function assertLockHeld(root: string, token: string): LockHolder {
  const current = readWorkspaceLock(root);
  if (current !== null && current.token === token) return current;
  if (current === null) {
    throw new TaxonomyError('WORKSPACE_LOCKED', `the workspace lock of this build (${token}) is gone from ${WORKSPACE_LOCK_FILE}; another build may be writing — rerun`);
  }
  throw lockedError(root, current);
}
