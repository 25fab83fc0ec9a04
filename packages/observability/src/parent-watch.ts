import { findNxCliAncestor, isProcessAlive } from '@taxonomy/core';

export interface ParentWatch {
  /** The process watched and how it was found. */
  readonly pid: number;
  readonly kind: 'nx' | 'parent';
  stop(): void;
}

/**
 * Calls `onGone` once when the process that started this one exits. Under Nx that is the nx CLI: Nx puts
 * each task in a session of its own, so killing the nx process group leaves the task running, still
 * writing into its folder. Elsewhere it is the direct parent (a changed `process.ppid` means it died). The
 * timer is unref'd: it never keeps a finished process alive.
 */
export function watchParentProcess(onGone: (message: string) => void, intervalMs = 1000): ParentWatch {
  const nx = findNxCliAncestor(process.ppid);
  const pid = nx?.pid ?? process.ppid;
  const startTime = nx?.startTime ?? null;
  const originalParent = process.ppid;
  let fired = false;
  const timer = setInterval(() => {
    const gone = nx !== null ? !isProcessAlive(pid, startTime) : process.ppid !== originalParent || !isProcessAlive(pid);
    if (!gone || fired) return;
    fired = true;
    clearInterval(timer);
    onGone(nx !== null ? `the nx process (pid ${pid}) that started this task is gone` : `the parent process (pid ${pid}) is gone`);
  }, intervalMs);
  timer.unref();
  return { pid, kind: nx !== null ? 'nx' : 'parent', stop: () => clearInterval(timer) };
}
