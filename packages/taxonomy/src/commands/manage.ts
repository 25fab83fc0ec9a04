import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACT_DIRS,
  PhaseMetricsSchema,
  PhaseTimingSchema,
  RunManifestSchema,
  TaxonomyError,
  verifyArtifactFolder,
  type PhaseMetrics,
  type PhaseTiming,
  type RunManifest,
  type RunRecord,
} from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { FINALIZE_AFTER_TASK_FILES } from '../finalize.ts';
import { readRunRecord } from '../manifest.ts';
import { HELP_OPTION, type CommandDef } from './context.ts';
import { buildTasksFor, taskId } from './task-graph.ts';

export interface TaskStatus {
  task: string;
  dir: string;
  folder: boolean;
  metrics: boolean;
  /** Records per output kind (shards summed), e.g. `{ candidates: 120, "record-log": 466 }`. */
  records: Record<string, number>;
  timing: PhaseTiming | null;
  problem: string | null;
  /** Files whose sha256 matches the one `metrics.json` records. */
  verified: number;
  /** True when a file disagrees with `metrics.json` (edited, truncated, missing, or not written by the task). */
  corrupt: boolean;
}

/** `candidates-00001.jsonl` → `candidates`; `merge-ops.jsonl` → `merge-ops`. */
export function outputKind(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(/(-\d{5})?\.[a-z]+$/u, '');
}

/** s1.shards of the workspace's config (the graph Nx builds); 1 when the config does not load (status still shows the folders). */
function configuredShards(root: string): number {
  try {
    return loadConfig({ root }).config.s1.shards;
  } catch {
    return 1;
  }
}

/** Reads the state of every task of the graph from its artifact folder and its timing file. */
export async function collectStatus(root: string, shards = configuredShards(root)): Promise<TaskStatus[]> {
  const out: TaskStatus[] = [];
  for (const task of buildTasksFor(shards).filter((t) => t.helper !== true)) {
    const id = taskId(task);
    const folder = existsSync(join(root, task.dir));
    const metricsFile = join(root, task.dir, 'metrics.json');
    let metrics: PhaseMetrics | null = null;
    let problem: string | null = null;
    let verified = 0;
    let corrupt = false;
    if (existsSync(metricsFile)) {
      const parsed = PhaseMetricsSchema.safeParse(await readJson(metricsFile));
      if (parsed.success) metrics = parsed.data;
      else problem = 'metrics.json does not match the schema';
    }
    if (metrics !== null) {
      // The same check every task runs on what it reads: each file against the sha256 metrics.json records.
      const check = await verifyArtifactFolder(task.dir, { root, unlisted: task.dir === ARTIFACT_DIRS.taxonomy ? FINALIZE_AFTER_TASK_FILES : [] });
      verified = check.verified;
      if (check.problems.length > 0) {
        corrupt = true;
        problem = `${check.problems[0]}${check.problems.length > 1 ? ` (+${check.problems.length - 1} more)` : ''}`;
      }
    }
    const records: Record<string, number> = {};
    for (const ref of metrics?.outputs ?? []) {
      if (ref.records === null) continue;
      const kind = outputKind(ref.path);
      records[kind] = (records[kind] ?? 0) + ref.records;
    }
    const timingFile = join(root, ARTIFACT_DIRS.timings, `${id.replace(/[:/]/gu, '.')}.json`);
    let timing: PhaseTiming | null = null;
    if (existsSync(timingFile)) {
      const parsed = PhaseTimingSchema.safeParse(await readJson(timingFile));
      if (parsed.success) timing = parsed.data;
    }
    out.push({ task: id, dir: task.dir, folder, metrics: metrics !== null, records, timing, problem, verified, corrupt });
  }
  return out;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The status table: one line per task. */
export function formatStatus(rows: ReadonlyArray<TaskStatus>): string {
  const lines = [`${'task'.padEnd(20)} ${'state'.padEnd(10)} ${'last run'.padEnd(26)} records`];
  for (const row of rows) {
    const state = row.corrupt ? 'corrupt' : row.problem !== null ? 'invalid' : row.metrics ? 'complete' : row.folder ? 'partial' : 'missing';
    const last = row.timing === null ? '-' : `${row.timing.started_at.slice(0, 19)}Z ${(row.timing.duration_ms / 1000).toFixed(1)}s`;
    const records = Object.entries(row.records).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
    lines.push(`${row.task.padEnd(20)} ${state.padEnd(10)} ${last.padEnd(26)} ${records}`);
  }
  for (const row of rows) if (row.problem !== null) lines.push(`  ${row.task}: ${row.problem}`);
  const done = rows.filter((r) => r.metrics && !r.corrupt).length;
  const corrupt = rows.filter((r) => r.corrupt).length;
  lines.push(`${done}/${rows.length} tasks complete${corrupt > 0 ? `, ${corrupt} corrupt (checksums disagree with metrics.json)` : `, checksums verified (${rows.reduce((n, r) => n + r.verified, 0)} files)`}`);
  return `${lines.join('\n')}\n`;
}

/** Reads `artifacts/taxonomy/manifest.json`; ARTIFACT_MISSING when no build has finished. */
export async function readManifest(root: string): Promise<RunManifest> {
  const file = join(root, ARTIFACT_DIRS.taxonomy, 'manifest.json');
  if (!existsSync(file)) {
    throw new TaxonomyError('ARTIFACT_MISSING', `no finished build: ${ARTIFACT_DIRS.taxonomy}/manifest.json does not exist (run "taxonomy run")`);
  }
  const parsed = RunManifestSchema.safeParse(await readJson(file));
  if (!parsed.success) throw new TaxonomyError('ARTIFACT_MISSING', `${ARTIFACT_DIRS.taxonomy}/manifest.json is not a valid run manifest`);
  return parsed.data;
}

/** A short human view of the manifest, with the run record when it is this manifest's (null: restored from a cache). */
export function formatManifest(manifest: RunManifest, run: RunRecord | null = null): string {
  const own = run !== null && run.run_id === manifest.run_id ? run : null;
  const lines = [
    `run ${manifest.run_id}`,
    `${own === null ? 'generated elsewhere or restored from the cache (no run record of it here)' : `generated ${own.generated_at} (node ${own.runtime.node}, ${own.runtime.platform}/${own.runtime.arch})`}, environment ${manifest.environment}, policy version ${manifest.policy_version}`,
    'phases:',
  ];
  for (const phase of manifest.phases) {
    const outputs = phase.metrics.outputs.reduce((n, ref) => n + (ref.records ?? 0), 0);
    const timing = own?.phases.find((p) => p.task === phase.task)?.timing ?? null;
    const time = timing === null ? '-' : `${(timing.duration_ms / 1000).toFixed(1)}s`;
    lines.push(`  ${phase.task.padEnd(20)} ${String(outputs).padStart(8)} records out  ${time}`);
  }
  if (own !== null) lines.push(`llm: ${own.llm.total.calls} calls, $${own.llm.total.cost_usd.toFixed(4)}`);
  lines.push(`artifacts: ${manifest.artifacts.length}`);
  return `${lines.join('\n')}\n`;
}

export const manageStatusCommand: CommandDef = {
  path: ['manage', 'status'],
  summary: 'Show every task of the graph: artifacts present, metrics, checksums, record counts, last timing',
  options: { json: { type: 'boolean', description: 'Print JSON instead of a table' }, ...HELP_OPTION },
  details: 'Every file of a task folder is checked against the sha256 its metrics.json records; exit 3 when one disagrees.',
  async run(args, ctx) {
    const rows = await collectStatus(ctx.root);
    ctx.out(args.values['json'] === true ? `${JSON.stringify(rows, null, 2)}\n` : formatStatus(rows));
    return rows.some((r) => r.corrupt) ? 3 : 0;
  },
};

export const manageManifestCommand: CommandDef = {
  path: ['manage', 'manifest'],
  summary: 'Print the run manifest of the last finished build (with its run record: time, durations, LLM usage)',
  options: { json: { type: 'boolean', description: 'Print the manifest JSON as written' }, ...HELP_OPTION },
  details: `The manifest (artifacts/taxonomy/manifest.json) is the same on every machine; when and how the build ran here is in ${ARTIFACT_DIRS.runRecord}.`,
  async run(args, ctx) {
    const manifest = await readManifest(ctx.root);
    ctx.out(args.values['json'] === true ? `${JSON.stringify(manifest, null, 2)}\n` : formatManifest(manifest, await readRunRecord(ctx.root)));
  },
};
