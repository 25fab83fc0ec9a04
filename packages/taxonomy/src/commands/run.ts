import { spawn } from 'node:child_process';
import { RUN_ENV_VARS, loadConfig, readRunEnvironment } from '@taxonomy/config';
import { ERROR_CODES, TaxonomyError, acquireWorkspaceLock, type ErrorCode } from '@taxonomy/core';
import { readTaskFailures } from '@taxonomy/observability';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { groupOverridesIntoEnv } from './overrides.ts';
import { RESUME_PHASES, buildTasksFor, parseResumePhase, planResume } from './task-graph.ts';
import { optionalString, stringList } from './usage.ts';

/** One `npx nx …` invocation. */
export interface NxInvocation {
  args: string[];
  env: Record<string, string>;
}

export interface PlanRunOptions {
  environment?: string;
  overrides: ReadonlyArray<string>;
  resumeFrom?: string;
  skipCache: boolean;
  /** The caller's environment (existing TAXONOMY_OVERRIDES_* are kept, before the -o values). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  /** s1.shards as resolved (default 1): with K > 1 a resume from S1 re-executes the partition and shard tasks too. */
  shards?: number;
}

/**
 * The Nx commands `taxonomy run` executes, in order. Without `--resume-from` it is one
 * `nx run taxonomy:finalize`; with it, the upstream tasks run normally (cache hits), then the phase's
 * tasks and everything downstream of them run one by one with `--skip-nx-cache --exclude-task-dependencies`.
 */
export function planNxRun(options: PlanRunOptions): NxInvocation[] {
  const env: Record<string, string> = {
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    ...(options.environment === undefined ? {} : { TAXONOMY_ENV: options.environment }),
    ...groupOverridesIntoEnv(options.overrides, options.baseEnv),
  };
  const base = ['nx', 'run'];
  const style = '--output-style=static';
  const skip = options.skipCache ? ['--skip-nx-cache'] : [];
  if (options.resumeFrom === undefined) return [{ args: [...base, 'taxonomy:finalize', style, ...skip], env }];
  const plan = planResume(parseResumePhase(options.resumeFrom), buildTasksFor(options.shards ?? 1));
  return [
    ...plan.upstreamFrontier.map((task) => ({ args: [...base, task, style, ...skip], env })),
    ...plan.rerun.map((task) => ({ args: [...base, task, style, '--skip-nx-cache', '--exclude-task-dependencies'], env })),
  ];
}

/** Runs `npx <args>` in the workspace root, passing Nx's output through; resolves to its exit code. */
export function spawnNx(invocation: NxInvocation, ctx: CommandContext): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', invocation.args, {
      cwd: ctx.root,
      env: { ...ctx.env, ...invocation.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => ctx.out(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => ctx.note(chunk.toString('utf8')));
    child.on('error', (err) => reject(new TaxonomyError('PROVIDER_UNAVAILABLE', `cannot start npx nx: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + 15)));
  });
}

/**
 * The error `taxonomy run` ends with when an Nx invocation failed: the first failed task's own code and
 * line (so the exit code is the task's — 3 input, 4 provider — not Nx's 1), else what Nx's code says.
 */
export function nxFailure(root: string, buildToken: string, target: string, nxExitCode: number): TaxonomyError {
  const failures = readTaskFailures(root, buildToken);
  const first = failures[0];
  if (first !== undefined) {
    const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(first.code) ? (first.code as ErrorCode) : 'TASK_FAILED';
    const more = failures.length > 1 ? `; ${failures.length - 1} more task(s) failed: ${failures.slice(1).map((f) => f.task).join(', ')}` : '';
    const line = first.message.startsWith(`${first.task}:`) ? first.message : `${first.task}: ${first.message}`;
    return new TaxonomyError(code, `${line}${more}`);
  }
  if (nxExitCode === 130) return new TaxonomyError('ABORTED', `nx run ${target} was interrupted (exit 130)`);
  return new TaxonomyError('TASK_FAILED', `nx run ${target} failed (exit ${nxExitCode}) before any task reported an error; see the Nx output above`);
}

export const runCommand: CommandDef = {
  path: ['run'],
  summary: 'Build the taxonomy through Nx (cached, incremental, resumable)',
  options: {
    ...CONFIG_OPTIONS,
    'resume-from': { type: 'string', value: 'PHASE', description: `Re-execute this phase and everything after it: ${RESUME_PHASES.join('|')}` },
    'skip-cache': { type: 'boolean', description: 'Ignore the Nx cache (re-run every task)' },
    'dry-run': { type: 'boolean', description: 'Print the Nx commands and environment instead of running them' },
    ...HELP_OPTION,
  },
  details: [
    'Runs `npx nx run taxonomy:finalize --output-style=static` with NX_DAEMON=false NX_TUI=false.',
    '-o overrides are validated first, then passed as TAXONOMY_OVERRIDES_<SLICE> (Nx task inputs), so an',
    'override re-runs exactly the tasks that read that slice.',
  ].join('\n'),
  async run(args, ctx) {
    const environment = optionalString(args.values, 'env');
    const overrides = stringList(args.values, 'override');
    // Fail on a typo before Nx starts: the same loader the tasks use, with the same inputs.
    const resolved = loadConfig({ root: ctx.root, env: ctx.env, overrides, ...(environment === undefined ? {} : { environment }) });
    const resumeFrom = optionalString(args.values, 'resume-from');
    const invocations = planNxRun({
      overrides,
      shards: resolved.config.s1.shards,
      skipCache: args.values['skip-cache'] === true,
      baseEnv: ctx.env,
      ...(environment === undefined ? {} : { environment }),
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
    });
    if (args.values['dry-run'] === true) {
      for (const inv of invocations) {
        const vars = Object.entries(inv.env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        ctx.out(`${[...vars, 'npx', ...inv.args].join(' ')}\n`);
      }
      return 0;
    }
    // One lock for the whole run, however many Nx invocations it takes: no other build slips in between them.
    const inherited = readRunEnvironment(ctx.env);
    const lock = await acquireWorkspaceLock(ctx.root, {
      command: 'taxonomy run',
      waitMs: inherited.lockWaitMs,
      ...(inherited.buildToken === null ? {} : { token: inherited.buildToken }),
      onWait: (message) => ctx.note(`taxonomy: ${message}\n`),
    });
    try {
      for (const inv of invocations) {
        ctx.note(`taxonomy run: npx ${inv.args.join(' ')}\n`);
        const code = await spawnNx({ ...inv, env: { ...inv.env, [RUN_ENV_VARS.buildToken]: lock.token } }, ctx);
        if (code !== 0) throw nxFailure(ctx.root, lock.token, inv.args[2] ?? '', code);
      }
    } finally {
      lock.release();
    }
    return 0;
  },
};
