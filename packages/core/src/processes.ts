import { readFileSync } from 'node:fs';

/**
 * What one process is, as far as the lock and the parent watch need to know: its parent and when it
 * started (so a reused pid is not mistaken for the process that took a lock).
 */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22); null where /proc is absent. */
  startTime: string | null;
  /** The command line, arguments joined by spaces (empty where /proc is absent). */
  command: string;
}

/** Reads `/proc/<pid>`; null when the process does not exist or /proc cannot be read (not Linux). */
export function readProcess(pid: number): ProcessInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000').filter((s) => s !== '').join(' ');
  } catch {
    // a process that just exited keeps its stat for a moment; the command line is only informative
  }
  return { pid, ppid: Number(fields[1]), startTime: fields[19] ?? null, command };
}

/** True when /proc describes processes on this machine (Linux). */
export function hasProcFs(): boolean {
  return readProcess(process.pid) !== null;
}

/**
 * True while the process `pid` runs. With a recorded start time (from `readProcess`), a different process
 * that got the same pid counts as dead. EPERM (another user's process) is alive.
 */
export function isProcessAlive(pid: number, startTime: string | null = null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (startTime === null) return true;
  const info = readProcess(pid);
  return info === null ? !hasProcFs() : info.startTime === startTime;
}

/** True for the command line of the Nx CLI (`node …/nx run …`), not its plugin workers, daemon or task runners. */
export function isNxCliCommand(command: string): boolean {
  const [, script] = command.split(' ');
  if (script === undefined) return false;
  return /(?:^|\/)(?:\.bin\/nx|nx\/bin\/nx(?:\.js)?|nx\/dist\/bin\/nx(?:\.js)?)$/u.test(script);
}

/**
 * The nearest ancestor of `pid` (itself included) that is the Nx CLI, or null when the process does not run
 * under Nx or /proc is absent. A task's parent chain is task ← `sh -c` ← nx CLI: Nx gives each task its
 * own session, so killing the nx process group does not reach the task, which must watch this pid itself.
 */
export function findNxCliAncestor(pid: number = process.pid): ProcessInfo | null {
  let current = readProcess(pid);
  for (let depth = 0; current !== null && depth < 32; depth += 1) {
    if (isNxCliCommand(current.command)) return current;
    if (current.ppid <= 1) return null;
    current = readProcess(current.ppid);
  }
  return null;
}
