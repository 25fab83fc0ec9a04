/**
 * The variables that describe how a process was started (not settings: none of them changes an artifact,
 * so none is an Nx input). Read here because this package is the one that reads the environment.
 */
export const RUN_ENV_VARS = {
  /** The token of the build holding the workspace lock, set by the Nx lock hook or `taxonomy run`. */
  buildToken: 'TAXONOMY_BUILD_TOKEN',
  /** Seconds a build waits for another one's workspace lock before failing (default 0: fail at once). */
  lockWait: 'TAXONOMY_LOCK_WAIT',
  /** Set by Nx for every task it runs. */
  nxProject: 'NX_TASK_TARGET_PROJECT',
  nxTarget: 'NX_TASK_TARGET_TARGET',
  nxWorkspaceRoot: 'NX_WORKSPACE_ROOT',
} as const;

export interface RunEnvironment {
  buildToken: string | null;
  /** Milliseconds to wait for the workspace lock. */
  lockWaitMs: number;
  /** `project:target` when Nx started this process, else null. */
  nxTask: string | null;
  nxWorkspaceRoot: string | null;
}

/** Reads the run variables (default `process.env`); a `TAXONOMY_LOCK_WAIT` that is not a number of seconds is 0. */
export function readRunEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): RunEnvironment {
  const token = env[RUN_ENV_VARS.buildToken]?.trim() ?? '';
  const wait = Number(env[RUN_ENV_VARS.lockWait] ?? '0');
  const project = env[RUN_ENV_VARS.nxProject]?.trim() ?? '';
  const target = env[RUN_ENV_VARS.nxTarget]?.trim() ?? '';
  const root = env[RUN_ENV_VARS.nxWorkspaceRoot]?.trim() ?? '';
  return {
    buildToken: token === '' ? null : token,
    lockWaitMs: Number.isFinite(wait) && wait > 0 ? Math.round(wait * 1000) : 0,
    nxTask: project !== '' && target !== '' ? `${project}:${target}` : null,
    nxWorkspaceRoot: root === '' ? null : root,
  };
}
