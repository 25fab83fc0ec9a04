import { acquireWorkspaceLock, assertLockHeld, type WorkspaceLock } from '@taxonomy/core';
import { readRunEnvironment } from '@taxonomy/config';

/** Locks this process took, per workspace root, with how many tasks of the process use each. */
const held = new Map<string, { lock: Promise<WorkspaceLock>; users: number }>();
const acquired = new Set<WorkspaceLock>();
let exitHookInstalled = false;

/**
 * Makes sure the task that is about to write belongs to the build holding the workspace lock. Under Nx
 * (or `taxonomy run`) the build's token is in the environment and must be the holder's; a task run on its
 * own (a test, `taxonomy generate`, `node main.ts`) takes the lock for its own duration (tasks of one
 * process share it). Returns the function that gives back what this call took (a no-op for a build's lock).
 */
export async function holdBuildLock(root: string, task: string): Promise<() => void> {
  const run = readRunEnvironment();
  if (run.buildToken !== null) {
    assertLockHeld(root, run.buildToken);
    return () => undefined;
  }
  let entry = held.get(root);
  if (entry === undefined) {
    entry = { lock: acquireWorkspaceLock(root, { command: task, waitMs: run.lockWaitMs }), users: 0 };
    held.set(root, entry);
    entry.lock.catch(() => held.delete(root));
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // A task stopped by its parent watch or by an uncaught error still gives its lock back.
      process.on('exit', () => {
        for (const lock of acquired) lock.release();
      });
    }
  }
  entry.users += 1;
  let lock: WorkspaceLock;
  try {
    lock = await entry.lock;
  } catch (err) {
    entry.users -= 1;
    throw err;
  }
  acquired.add(lock);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const current = held.get(root);
    if (current === undefined) return;
    current.users -= 1;
    if (current.users <= 0) {
      held.delete(root);
      acquired.delete(lock);
      lock.release();
    }
  };
}
