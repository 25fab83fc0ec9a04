import * as z from 'zod';
import { TaxonomyError } from '@taxonomy/core';

/**
 * The variables that describe how a process was started (not settings: none of them changes an artifact,
 * so none is an Nx input). Read here because this package is the one that reads the environment.
 */
export const RUN_ENV_VARS = {
  /** The token of the build holding the workspace lock, set by the Nx lock hook or `taxonomy run`. */
  buildToken: 'TAXONOMY_BUILD_TOKEN',
  /** Seconds a build waits for another one's workspace lock before failing (default 0: fail at once). */
  lockWait: 'TAXONOMY_LOCK_WAIT',
  /**
   * How many processes call the model endpoint at the same time (agents × tasks in parallel on each); each
   * takes 1/N of `llm.concurrency`, `llm.requests_per_minute` and `llm.tokens_per_minute`. Not a setting of
   * the slice on purpose: `config/llm.json` is part of every model task's hash, and the share changes how
   * fast calls go, never what they answer — a 4-agent CI run must reuse a laptop's cache entries.
   */
  llmAgents: 'TAXONOMY_LLM_AGENTS',
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

/** `TAXONOMY_LLM_AGENTS`: a whole number of processes sharing the endpoint's limits, 1 when unset or empty. */
export const LlmAgentsSchema = z
  .string()
  .trim()
  .regex(/^[0-9]+$/u, 'expected a whole number of agents ≥ 1')
  .transform(Number)
  .pipe(z.number().int().min(1, 'expected a whole number of agents ≥ 1').max(100_000));

/**
 * Reads the agent count of the model endpoint's limits (`TAXONOMY_LLM_AGENTS`, default 1). A value that is not a
 * whole number ≥ 1 fails (`CONFIG_INVALID`): running N agents at full rate each is what the variable is there to stop.
 */
export function readLlmAgents(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[RUN_ENV_VARS.llmAgents];
  if (raw === undefined || raw.trim() === '') return 1;
  const parsed = LlmAgentsSchema.safeParse(raw);
  if (!parsed.success) throw new TaxonomyError('CONFIG_INVALID', `${RUN_ENV_VARS.llmAgents}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
