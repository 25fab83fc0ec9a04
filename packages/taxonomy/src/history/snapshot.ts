import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { ARTIFACT_DIRS, ConceptSchema, RunManifestSchema, RunRecordSchema, TaxonomyError, readJsonlAll, stableHash, writeFileAtomic, type RunManifest, type RunRecord } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';

/** One concept as a snapshot keeps it: `[id, level, label, parent, aliases]`. */
const SnapshotConceptSchema = z.tuple([z.string(), z.number().int(), z.string(), z.string().nullable(), z.array(z.string())]);
export type SnapshotConcept = z.infer<typeof SnapshotConceptSchema>;

/** A compact record of one build, kept in the history folder (outside Nx outputs) for `taxonomy history` and `diff`. */
export const RunSnapshotSchema = z.object({
  version: z.literal(1),
  run_id: z.string(),
  generated_at: z.string().nullable().describe('When finalize ran on this machine (run record); null for a build Nx restored from a cache filled elsewhere'),
  recorded_at: z.string().describe('When the snapshot was taken'),
  origin: z.enum(['finalize', 'restored']).describe('finalize: written by the task; restored: taken later from a build Nx restored from its cache'),
  environment: z.string(),
  policy_version: z.string(),
  config: z.record(z.string(), z.unknown()).describe('The resolved, redacted configuration'),
  counters: z.record(z.string(), z.record(z.string(), z.number())).describe('Task → its metrics counters'),
  counts: z.object({ total: z.number().int(), by_level: z.array(z.number().int()) }),
  concepts: z.array(SnapshotConceptSchema),
  curation: z
    .array(z.object({ index: z.number().int(), op: z.string(), concept: z.string(), status: z.string(), detail: z.string(), note: z.string().nullable() }))
    .default([]),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

export interface HistoryEntry {
  /** Position in the history, 1 = oldest kept. */
  seq: number;
  run_id: string;
  file: string;
  bytes: number;
}

export type HistorySettings = Config['taxonomy']['history'];

const CurationSummarySchema = z
  .object({
    outcomes: z.array(z.object({ index: z.number().int(), decision: z.object({ op: z.string(), concept: z.string(), note: z.string().optional() }).loose(), status: z.string(), detail: z.string() }).loose()),
  })
  .loose();

/** The snapshot of a finished build: its manifest, when it ran (its run record, if any) and its concepts (id, level, label, parent, aliases). */
export function buildSnapshot(
  manifest: RunManifest,
  run: RunRecord | null,
  concepts: ReadonlyArray<{ id: string; level: number; label: string; parent: string | null; aliases: ReadonlyArray<string> }>,
  options: { recordedAt: string; origin: RunSnapshot['origin'] },
): RunSnapshot {
  const counters: Record<string, Record<string, number>> = {};
  for (const phase of manifest.phases) counters[phase.task] = phase.metrics.counters;
  const curation = CurationSummarySchema.safeParse(manifest.summary['curation']);
  const sorted = [...concepts].sort((a, b) => a.level - b.level || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    version: 1,
    run_id: manifest.run_id,
    generated_at: run !== null && run.run_id === manifest.run_id ? run.generated_at : null,
    recorded_at: options.recordedAt,
    origin: options.origin,
    environment: manifest.environment,
    policy_version: manifest.policy_version,
    config: manifest.config,
    counters,
    counts: { total: sorted.length, by_level: [0, 1, 2, 3].map((l) => sorted.filter((c) => c.level === l).length) },
    concepts: sorted.map((c) => [c.id, c.level, c.label, c.parent, [...c.aliases].sort()]),
    curation: curation.success
      ? curation.data.outcomes.map((o) => ({ index: o.index, op: o.decision.op, concept: o.decision.concept, status: o.status, detail: o.detail, note: o.decision.note ?? null }))
      : [],
  };
}

const FILE_PATTERN = /^(\d{6})-(.+)\.json\.gz$/u;

/** The snapshots kept, oldest first. */
export async function listHistory(root: string, settings: Pick<HistorySettings, 'dir'>): Promise<HistoryEntry[]> {
  const dir = join(root, settings.dir);
  if (!existsSync(dir)) return [];
  const entries: HistoryEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const m = FILE_PATTERN.exec(name);
    if (m === null) continue;
    const file = join(dir, name);
    entries.push({ seq: Number(m[1]), run_id: m[2]!, file, bytes: (await stat(file)).size });
  }
  return entries;
}

/** Reads one snapshot; a damaged file is an INPUT_INVALID error naming it. */
export async function readSnapshot(file: string): Promise<RunSnapshot> {
  let raw: unknown;
  try {
    raw = JSON.parse(gunzipSync(await readFile(file)).toString('utf8'));
  } catch (err) {
    throw new TaxonomyError('INPUT_INVALID', `${file}: not a readable run snapshot`, { cause: err });
  }
  const parsed = RunSnapshotSchema.safeParse(raw);
  if (!parsed.success) throw new TaxonomyError('INPUT_INVALID', `${file}: not a run snapshot (${parsed.error.issues[0]?.message ?? 'schema'})`);
  return parsed.data;
}

// The same build re-finalized (say after a report code change) is not a new run.
const contentKey = (s: RunSnapshot) => stableHash({ run_id: s.run_id, concepts: s.concepts, curation: s.curation });

/**
 * Adds a snapshot to the history unless the latest one is the same build (same run, same time, same
 * concepts), then drops the oldest snapshots beyond `max_runs` or `max_total_mb`. Returns the entry kept.
 */
export async function recordSnapshot(root: string, snapshot: RunSnapshot, settings: HistorySettings): Promise<{ entry: HistoryEntry; recorded: boolean; pruned: number }> {
  const entries = await listHistory(root, settings);
  const latest = entries.at(-1);
  if (latest !== undefined && latest.run_id === snapshot.run_id && contentKey(await readSnapshot(latest.file)) === contentKey(snapshot)) {
    return { entry: latest, recorded: false, pruned: 0 };
  }
  const seq = (latest?.seq ?? 0) + 1;
  const file = join(root, settings.dir, `${String(seq).padStart(6, '0')}-${snapshot.run_id}.json.gz`);
  const body = gzipSync(JSON.stringify(snapshot), { level: 9 });
  await writeFileAtomic(file, body);
  const all = [...entries, { seq, run_id: snapshot.run_id, file, bytes: body.length }];
  let pruned = 0;
  let total = all.reduce((n, e) => n + e.bytes, 0);
  while (all.length > 1 && (all.length > settings.max_runs || total > settings.max_total_mb * 1024 * 1024)) {
    const oldest = all.shift()!;
    total -= oldest.bytes;
    await rm(oldest.file, { force: true });
    pruned += 1;
  }
  return { entry: all.at(-1)!, recorded: true, pruned };
}

/** Reads the finished build in `artifacts/taxonomy` (manifest and concepts), or null when there is none. */
export async function snapshotOfCurrentBuild(root: string, options: { recordedAt: string; origin: RunSnapshot['origin'] }): Promise<RunSnapshot | null> {
  const dir = join(root, ARTIFACT_DIRS.taxonomy);
  const manifestFile = join(dir, 'manifest.json');
  const conceptsFile = join(dir, 'concepts.jsonl');
  if (!existsSync(manifestFile) || !existsSync(conceptsFile)) return null;
  const manifest = RunManifestSchema.safeParse(JSON.parse(await readFile(manifestFile, 'utf8')));
  if (!manifest.success) return null;
  const concepts = await readJsonlAll(conceptsFile, {
    schema: ConceptSchema,
    onBad: (bad) => {
      throw new TaxonomyError('INPUT_INVALID', `${bad.file}:${bad.line}: ${bad.reason}`);
    },
  });
  let run: RunRecord | null = null;
  try {
    const parsed = RunRecordSchema.safeParse(JSON.parse(await readFile(join(root, ARTIFACT_DIRS.runRecord), 'utf8')));
    if (parsed.success) run = parsed.data;
  } catch {
    // no run record: the build was restored, or made before run records existed
  }
  return buildSnapshot(manifest.data, run, concepts, options);
}

/**
 * Makes the history's latest entry describe the build on disk: when Nx restored finalize from its
 * cache (no finalize ran, so nothing was recorded), the current build is recorded as `restored`.
 */
export async function syncHistory(root: string, settings: HistorySettings, now: string): Promise<void> {
  const current = await snapshotOfCurrentBuild(root, { recordedAt: now, origin: 'restored' });
  if (current === null) return;
  const latest = (await listHistory(root, settings)).at(-1);
  if (latest !== undefined) {
    const last = await readSnapshot(latest.file);
    if (last.run_id === current.run_id) return;
  }
  await recordSnapshot(root, current, settings);
}
