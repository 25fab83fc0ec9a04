import { isAbsolute, join, resolve } from 'node:path';
import {
  ARTIFACT_DIRS,
  TaxonomyError,
  findWorkspaceRoot,
  stableHash,
  writeJsonFile,
  type ArtifactRef,
  type LlmIdentity,
  type LlmUsage,
  type PhaseMetrics,
  type PhaseTiming,
} from '@taxonomy/core';
import { checkConfigPaths, loadConfig, redactConfig, type Config, type Environment, type SliceName } from '@taxonomy/config';
import { holdBuildLock } from './build-lock.ts';
import { Counters } from './counters.ts';
import { verifyTaskInputs } from './input-verification.ts';
import { assertLlmOutcome } from './llm-outcome.ts';
import { createLogger, type Logger } from './logger.ts';
import { createProgress, type Progress } from './progress.ts';
import { Quarantine } from './quarantine.ts';
import { assertReplaceableOutput, stageOutput } from './staged-output.ts';

export interface PhaseTaskContext<S extends SliceName> {
  /** Workspace root (absolute). */
  readonly root: string;
  /**
   * Where the task writes (absolute): an empty staging folder beside the artifact folder, swapped in for it
   * only when the task succeeds, so a failure leaves the last good output untouched.
   */
  readonly outDir: string;
  /** Only the slices the phase declared, plus `global`. */
  readonly config: Readonly<Pick<Config, S | 'global'>>;
  readonly environment: Environment;
  readonly log: Logger;
  readonly counters: Counters;
  readonly quarantine: Quarantine;
  progress(label: string, total: number): Progress;
  /** Makes an absolute path relative to the workspace root (for artifact refs). */
  relative(path: string): string;
}

export interface PhaseTaskResult {
  /** Files the phase read (checksums go to the manifest). */
  inputs: ArtifactRef[];
  /** Data files the phase wrote (quarantine and metrics are added by the runner). */
  outputs: ArtifactRef[];
  llm?: LlmUsage | null;
  /**
   * Provider, model and prompts of output made from LLM calls other tasks spent (the S1 merge step of
   * s1.shards > 1): written to metrics.json as `llm` when `llm` is absent; the calls and tokens stay in
   * those tasks' own timings, so the run record counts each call once.
   */
  llmIdentity?: LlmIdentity | null;
  /** Counters that differ between equal runs (requests vs cache hits, bytes): timing file, never metrics. */
  runCounters?: Record<string, number>;
  /** One line for the console when the task ends. */
  summary?: string;
}

export interface RunPhaseTaskOptions<S extends SliceName> {
  /** Nx-style task name, e.g. `s2:level-2`. */
  task: string;
  /** Phase name for metrics: S0, S1, S2, S3, postprocess, hierarchy, finalize. */
  phase: string;
  level: number | null;
  /** Config slices the phase reads; their hash is recorded and is what Nx hashes as the task's config input. */
  slices: ReadonlyArray<S>;
  /** Artifact folder, relative to the root (ARTIFACT_DIRS.x) or absolute (ad-hoc `taxonomy generate` runs). */
  outDir: string;
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** `slice.key=value` overrides for this run (the CLI's `-o`). */
  overrides?: ReadonlyArray<string>;
  environment?: string;
  log?: Logger;
  /**
   * Upstream artifact folders (or sub-folders, files) the task reads. Before the task starts, each one's
   * files are checked against the sha256 its `metrics.json` records; a mismatch fails the task with one
   * line naming the file, before anything is written. The output folder may never hold one of them.
   */
  reads?: ReadonlyArray<string>;
  /** Other inputs (source files, manifests) the output folder may neither be nor contain. */
  protect?: ReadonlyArray<string>;
  /** File names `finish` adds to the folder after it is in place (finalize's `manifest.json`, its report). */
  alsoWrites?: ReadonlyArray<string>;
  run: (ctx: PhaseTaskContext<S>) => Promise<PhaseTaskResult>;
  /**
   * Work on the folder once it is in place with its `metrics.json` (finalize's manifest, which describes that
   * file, and its report): still under the workspace lock and counted in `duration_ms`, which then runs to its
   * end; `committed_ms` keeps the time to the folder in place. A failure here fails the task.
   */
  finish?: (metrics: PhaseMetrics) => Promise<void>;
}

/**
 * Runs one phase task at its edge: checks the workspace lock (one build per checkout), resolves config,
 * verifies every upstream file it reads against its recorded checksum, refuses an output folder it must
 * not replace, runs the pure phase into a staging folder, fails when LLM calls failed transiently (or
 * too many permanently), writes `quarantine.jsonl` and a deterministic `metrics.json` (last: it lists
 * every file written), swaps the staging folder in, runs `finish` if given, and records its wall-clock time (from
 * the lock, its first step, to its outputs in place) outside Nx outputs in `artifacts/.runs/timings/<task>.json`.
 */
export async function runPhaseTask<S extends SliceName>(options: RunPhaseTaskOptions<S>): Promise<PhaseMetrics> {
  // The task's time (`duration_ms`) starts here, with its first step: the lock, the config and the checksums of
  // everything it reads are its own work too; before this is Node's start and the imports.
  const started = new Date();
  const t0 = performance.now();
  const root = resolve(options.root ?? findWorkspaceRoot());
  const releaseLock = await holdBuildLock(root, options.task);
  try {
    return await runLocked(root, options, started, t0);
  } finally {
    releaseLock();
  }
}

async function runLocked<S extends SliceName>(root: string, options: RunPhaseTaskOptions<S>, started: Date, t0: number): Promise<PhaseMetrics> {
  const resolved = loadConfig({
    root,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.environment === undefined ? {} : { environment: options.environment }),
  });
  const picked = { global: resolved.config.global } as Record<string, unknown>;
  for (const slice of options.slices) picked[slice] = resolved.config[slice];
  const pathProblems = checkConfigPaths(resolved, options.slices.filter((s) => s === 'llm'));
  if (pathProblems.length > 0) throw new TaxonomyError('CONFIG_INVALID', `invalid configuration: ${pathProblems.join('; ')}`);
  const rootLog = options.log ?? createLogger({ level: resolved.config.global.log_level });
  const log = rootLog.child({ task: options.task });
  const outDir = isAbsolute(options.outDir) ? options.outDir : join(root, options.outDir);
  const reads = (options.reads ?? []).map((r) => resolve(root, r));
  await assertReplaceableOutput(outDir, { root, phase: options.phase, protect: [...reads, ...(options.protect ?? [])], unlisted: options.alsoWrites ?? [] });
  await verifyTaskInputs(reads, root);
  const staged = await stageOutput(outDir, root);
  const counters = new Counters();
  const quarantine = new Quarantine(options.phase);
  const relative = (path: string) => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);
  log.info({ outDir: options.outDir }, `${options.task} started`);
  let result: PhaseTaskResult;
  try {
    result = await options.run({
      root,
      outDir: staged.dir,
      config: picked as Pick<Config, S | 'global'>,
      environment: resolved.environment,
      log,
      counters,
      quarantine,
      progress: (label, total) => createProgress(`${options.task} ${label}`, total),
      relative,
    });
    assertLlmOutcome(options.task, result.llm, { maxQuarantineRatio: resolved.config.llm.max_quarantine_ratio, cacheEnabled: resolved.config.llm.cache_enabled });
  } catch (err) {
    await quarantine.write(staged.dir, root).catch(() => undefined);
    const kept = await staged.keepFailed(options.task);
    log.error(
      { kept, quarantined: quarantine.size },
      `${options.task} failed; the last good ${options.outDir} is untouched${kept === null ? '' : `, what the task wrote is in ${kept}`}`,
    );
    throw err;
  }
  const quarantineRefs = await quarantine.write(staged.dir, root);
  counters.set('quarantined', quarantine.size);
  const metrics: PhaseMetrics = {
    phase: options.phase,
    level: options.level,
    policy_version: resolved.config.global.policy_version,
    config_hash: stableHash(redactConfig(picked as Config)),
    counters: counters.toJSON(),
    inputs: result.inputs,
    outputs: [...result.outputs, ...quarantineRefs].map(staged.finalRef),
    llm: result.llm === undefined || result.llm === null ? (result.llmIdentity ?? null) : { provider: result.llm.provider, model: result.llm.model, prompts: result.llm.prompts },
  };
  await writeJsonFile(join(staged.dir, 'metrics.json'), metrics);
  await staged.commit();
  const committedMs = Math.round(performance.now() - t0);
  if (options.finish !== undefined) await options.finish(metrics);
  const timing: PhaseTiming = {
    task: options.task,
    started_at: started.toISOString(),
    duration_ms: Math.round(performance.now() - t0),
    ...(options.finish === undefined ? {} : { committed_ms: committedMs }),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    llm: result.llm ?? null,
    ...(result.runCounters === undefined ? {} : { run_counters: result.runCounters }),
  };
  await writeJsonFile(join(root, ARTIFACT_DIRS.timings, `${options.task.replace(/[:/]/gu, '.')}.json`), timing);
  if (quarantine.size > 0) {
    log.warn({ quarantined: quarantine.size, byReason: quarantine.countsByReason() }, `${options.task}: ${quarantine.size} item(s) quarantined, see ${options.outDir}/quarantine.jsonl`);
  }
  log.info({ counters: metrics.counters, ms: timing.duration_ms }, result.summary ?? `${options.task} done`);
  return metrics;
}
