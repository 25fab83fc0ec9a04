import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  ARTIFACT_DIRS,
  ONE_SHOT_PARSE,
  forEachChunk,
  PhaseMetricsSchema,
  PhaseTimingSchema,
  RunManifestSchema,
  RunRecordSchema,
  stableHash,
  type ArtifactRef,
  type LlmUsage,
  type PhaseMetrics,
  type PhaseTiming,
  type RunManifest,
  type RunRecord,
  type TimingStatus,
} from '@taxonomy/core';
import { BUILD_TASKS, buildTasksFor, taskId, type GraphTask } from './commands/task-graph.ts';

/** One upstream task with its artifact folder (relative to the workspace root), in build order. */
export interface PhaseFolder {
  task: string;
  dir: string;
}

/** Every task whose artifacts the finalize step reads, in the order of the task graph (helpers and finalize itself left out). */
export const PHASE_FOLDERS: ReadonlyArray<PhaseFolder> = phaseFolders(BUILD_TASKS);

/** The phase folders of the graph for a given s1.shards: with K > 1 the S1 partition and shard tasks too (their LLM usage is theirs). */
export function phaseFoldersFor(shards: number): ReadonlyArray<PhaseFolder> {
  return shards === 1 ? PHASE_FOLDERS : phaseFolders(buildTasksFor(shards));
}

function phaseFolders(tasks: ReadonlyArray<GraphTask>): PhaseFolder[] {
  return tasks.filter((t) => t.helper !== true && t.project !== 'taxonomy').map((t) => ({ task: taskId(t), dir: t.dir }));
}

/**
 * Whether a task's timing belongs to the metrics in its folder: `fresh` when the timing ends when the
 * metrics file was written (the task executed), `cached` when the metrics were written (restored by Nx)
 * long after that timing, `missing` when no timing was recorded.
 */
export { TIMING_STATUSES, type TimingStatus } from '@taxonomy/core';

/**
 * Tolerance between the end of a recorded timing and the mtime of the metrics it produced: the runner
 * writes `metrics.json` and computes the duration right after, so an executed task is within
 * milliseconds, while Nx restores a cached folder (new mtimes) at least the length of a task later.
 */
const FRESH_TOLERANCE_MS = 1_000;

export interface CollectedPhase {
  task: string;
  dir: string;
  metrics: PhaseMetrics;
  timing: PhaseTiming | null;
  timing_status: TimingStatus;
}

/** The timing file name of a task, as `runPhaseTask` writes it. */
export function timingFileName(task: string): string {
  return `${task.replace(/[:/]/gu, '.')}.json`;
}

/** Decides whether a timing belongs to metrics written at `metricsWrittenMs`. */
export function classifyTiming(timing: PhaseTiming | null, metricsWrittenMs: number): TimingStatus {
  if (timing === null) return 'missing';
  // metrics.json is written when the folder goes in place; a task may work on after it (finalize's manifest).
  const end = Date.parse(timing.started_at) + (timing.committed_ms ?? timing.duration_ms);
  if (Number.isNaN(end)) return 'missing';
  return Math.abs(metricsWrittenMs - end) <= FRESH_TOLERANCE_MS ? 'fresh' : 'cached';
}

async function readJsonLoose(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Reads the metrics and timing of every phase folder that holds a valid `metrics.json`. */
export async function collectPhases(root: string, folders: ReadonlyArray<PhaseFolder> = PHASE_FOLDERS): Promise<{ phases: CollectedPhase[]; problems: string[] }> {
  const phases: CollectedPhase[] = [];
  const problems: string[] = [];
  for (const folder of folders) {
    const metricsPath = join(root, folder.dir, 'metrics.json');
    const info = await stat(metricsPath).catch(() => null);
    if (info === null) continue;
    const parsed = PhaseMetricsSchema.safeParse(await readJsonLoose(metricsPath), ONE_SHOT_PARSE);
    if (!parsed.success) {
      problems.push(`${folder.dir}/metrics.json: not a valid metrics file`);
      continue;
    }
    const timingParsed = PhaseTimingSchema.safeParse(await readJsonLoose(join(root, ARTIFACT_DIRS.timings, timingFileName(folder.task))));
    const timing = timingParsed.success ? timingParsed.data : null;
    phases.push({ task: folder.task, dir: folder.dir, metrics: parsed.data, timing, timing_status: classifyTiming(timing, info.mtimeMs) });
  }
  return { phases, problems };
}

async function listFilesRecursive(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFilesRecursive(path)));
    else if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(path);
  }
  return out;
}

/** SHA-256 and, for JSONL, the line count of one file, read in chunks (forEachChunk) so a large shard is never held whole. */
export async function describeArtifact(path: string, root: string): Promise<ArtifactRef> {
  const hash = createHash('sha256');
  let lines = 0;
  let lastByte = 0x0a;
  let size = 0;
  forEachChunk(path, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines += 1;
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
  });
  if (size > 0 && lastByte !== 0x0a) lines += 1;
  const rel = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  return { path: rel, sha256: hash.digest('hex'), records: path.endsWith('.jsonl') ? lines : null };
}

/** Every file of the given folders (relative to root) with its checksum, sorted by path. */
export async function listArtifacts(root: string, dirs: ReadonlyArray<string>): Promise<ArtifactRef[]> {
  const refs: ArtifactRef[] = [];
  for (const dir of dirs) {
    for (const file of await listFilesRecursive(join(root, dir))) refs.push(await describeArtifact(file, root));
  }
  return refs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export type PromptVersions = RunManifest['prompt_versions'];

/** Prompt versions used by any phase (first phase in build order wins); conflicting versions are listed. */
export function collectPromptVersions(phases: ReadonlyArray<CollectedPhase>): { prompts: PromptVersions; conflicts: string[] } {
  const prompts: PromptVersions = {};
  const conflicts: string[] = [];
  for (const phase of phases) {
    for (const [key, value] of Object.entries(phase.metrics.llm?.prompts ?? {})) {
      const seen = prompts[key];
      if (seen === undefined) prompts[key] = value;
      else if (seen.hash !== value.hash || seen.version !== value.version || seen.variant !== value.variant) {
        conflicts.push(`${key}: ${phase.task} used ${value.variant}@${value.version}, earlier ${seen.variant}@${seen.version}`);
      }
    }
  }
  return { prompts: Object.fromEntries(Object.entries(prompts).sort(([a], [b]) => (a < b ? -1 : 1))), conflicts };
}

/**
 * The content id of a build: equal resolved config, prompt versions and upstream artifacts give the
 * same id, whenever and wherever the build ran.
 */
export function computeRunId(input: { config: Record<string, unknown>; prompts: PromptVersions; artifacts: ReadonlyArray<ArtifactRef> }): string {
  const artifacts = input.artifacts.map((a) => ({ path: a.path, sha256: a.sha256 }));
  return `run-${stableHash({ config: input.config, prompts: input.prompts, artifacts }).slice(0, 16)}`;
}

type LlmTotals = Omit<LlmUsage, 'provider' | 'model' | 'prompts' | 'latency_ms_p50' | 'latency_ms_p95'>;

/** LLM usage per task and in total; latency percentiles stay per task (they do not add up). */
export function summarizeLlm(phases: ReadonlyArray<CollectedPhase>): {
  by_task: Record<string, Omit<LlmUsage, 'prompts'>>;
  total: LlmTotals;
} {
  const total: LlmTotals = { calls: 0, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 };
  const byTask: Record<string, Omit<LlmUsage, 'prompts'>> = {};
  for (const phase of phases) {
    const llm = phase.timing?.llm ?? null;
    if (llm === null) continue;
    const { prompts: _prompts, ...usage } = llm;
    byTask[phase.task] = usage;
    for (const key of Object.keys(total) as Array<keyof LlmTotals>) total[key] += llm[key] ?? 0;
  }
  total.cost_usd = Math.round(total.cost_usd * 1e6) / 1e6;
  return { by_task: byTask, total };
}

export interface BuildManifestInput {
  runId: string;
  environment: string;
  policyVersion: string;
  config: Record<string, unknown>;
  prompts: PromptVersions;
  phases: ReadonlyArray<CollectedPhase>;
  artifacts: ReadonlyArray<ArtifactRef>;
  summary: Record<string, unknown>;
}

/** Assembles and validates the run manifest: what the build made, the same bytes wherever it is built. */
export function buildManifest(input: BuildManifestInput): RunManifest {
  return RunManifestSchema.parse(
    {
      run_id: input.runId,
      environment: input.environment,
      policy_version: input.policyVersion,
      config: input.config,
      prompt_versions: input.prompts,
      phases: input.phases.map((p) => ({ task: p.task, metrics: p.metrics })),
      summary: input.summary,
      artifacts: input.artifacts,
    },
    ONE_SHOT_PARSE,
  );
}

export interface BuildRunRecordInput {
  runId: string;
  generatedAt: string;
  runtime: RunRecord['runtime'];
  phases: ReadonlyArray<CollectedPhase>;
}

/** Assembles the run record: how this execution went (clock, runtime, every task's timing, LLM usage). */
export function buildRunRecord(input: BuildRunRecordInput): RunRecord {
  return RunRecordSchema.parse(
    {
      run_id: input.runId,
      generated_at: input.generatedAt,
      runtime: input.runtime,
      phases: input.phases.map((p) => ({ task: p.task, timing_status: p.timing_status, timing: p.timing })),
      llm: summarizeLlm(input.phases),
    },
    ONE_SHOT_PARSE,
  );
}

/** Reads the run record; null when there is none or it is unreadable. */
export async function readRunRecord(root: string): Promise<RunRecord | null> {
  const parsed = RunRecordSchema.safeParse(await readJsonLoose(join(root, ARTIFACT_DIRS.runRecord)));
  return parsed.success ? parsed.data : null;
}
