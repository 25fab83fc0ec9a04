import { join, resolve } from 'node:path';
import {
  ARTIFACT_DIRS,
  ConceptSchema,
  SourceRecordSchema,
  TaxonomyError,
  collapseWhitespace,
  describeFile,
  findWorkspaceRoot,
  listJsonlFiles,
  readJsonl,
  stableId,
  writeJsonl,
  type ArtifactRef,
  type PhaseMetrics,
} from '@taxonomy/core';
import { createLlmClient } from '@taxonomy/llm';
import { runPhaseTask, type Quarantine } from '@taxonomy/observability';
import type { Config } from '@taxonomy/config';
import type { Counters, Logger } from '@taxonomy/observability';
import { accountRecords, aggregateCandidates, buildRecordLog, candidateSortKey } from './aggregate.ts';
import { ParentIndex, type ParentConcept } from './anchor.ts';
import { extractRecords, type IdentifiedRecord, type RecordExtraction } from './extract.ts';

export interface RunS1TaskOptions {
  level: number;
  root?: string;
  /** Folder of `records-*.jsonl` (default `artifacts/s0/level-N`), relative to the root or absolute. */
  inputDir?: string;
  /** Folder of the level above's `concepts-*.jsonl` (default `artifacts/s3/level-(N-1)`); ignored at level 0. */
  parentsDir?: string;
  /** Output folder relative to the root (default `artifacts/s1/level-N`). */
  outDir?: string;
  overrides?: string[];
}

/** The id S0 would have given a record that lacks one: content and provenance. */
export function recordIdOf(record: { id?: string | undefined; text: string; provenance: { institution: string; url: string | null } }): string {
  return record.id ?? stableId('r-', [collapseWhitespace(record.text), record.provenance.institution, record.provenance.url ?? '']);
}

export async function readRecords(dir: string, level: number, root: string, quarantine: Quarantine): Promise<{ records: IdentifiedRecord[]; misfiled: RecordExtraction[]; inputs: ArtifactRef[]; withoutId: number }> {
  const records: IdentifiedRecord[] = [];
  const misfiled: RecordExtraction[] = [];
  const inputs: ArtifactRef[] = [];
  let withoutId = 0;
  for (const file of await listJsonlFiles(dir, 'records')) {
    let lines = 0;
    for await (const { value, line } of readJsonl(file, { schema: SourceRecordSchema, onBad: quarantine.addBadLine })) {
      lines += 1;
      if (value.id === undefined) withoutId += 1;
      const record: IdentifiedRecord = { ...value, id: recordIdOf(value) };
      if (value.level !== undefined && value.level !== level) {
        const reason = `record of level ${value.level} in the level-${level} input`;
        quarantine.add({ reason, file: rootRelative(file, root), line, item_id: record.id, raw: value.text });
        misfiled.push({ record, outcome: 'quarantined', reason, labels: [], dropped: [], raw: 0 });
      } else records.push(record);
    }
    inputs.push({ ...(await describeFile(file, root)), records: lines });
  }
  return { records, misfiled, inputs, withoutId };
}

async function readParents(dir: string, parentLevel: number, root: string, quarantine: Quarantine): Promise<{ parents: ParentConcept[]; inputs: ArtifactRef[] }> {
  const parents: ParentConcept[] = [];
  const inputs: ArtifactRef[] = [];
  for (const file of await listJsonlFiles(dir, 'concepts')) {
    let lines = 0;
    for await (const { value, line } of readJsonl(file, { schema: ConceptSchema, onBad: quarantine.addBadLine })) {
      lines += 1;
      if (value.level !== parentLevel) {
        quarantine.add({ reason: `concept of level ${value.level} among level-${parentLevel} parents`, file: rootRelative(file, root), line, item_id: value.id });
        continue;
      }
      parents.push({ id: value.id, label: value.label, aliases: value.aliases, institutions: value.institutions });
    }
    inputs.push({ ...(await describeFile(file, root)), records: lines });
  }
  return { parents, inputs };
}

function rootRelative(path: string, root: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** The counters of `s1:level-N` (and of its merge step, which writes the same metrics). */
export const S1_COUNTERS = [
  'records_in', 'records_labelled', 'records_empty', 'records_quarantined', 'candidates_raw', 'candidates_out',
  'labels_dropped_length', 'labels_dropped_empty', 'parents_in',
  'anchors_root', 'anchors_declared', 'anchors_name', 'anchors_lexicon', 'anchors_unresolved',
] as const;

/** Reads the verified concepts of the level above into the anchoring index (null at level 0). */
export async function loadParentIndex(
  level: number,
  parentsDir: string,
  ctx: { root: string; quarantine: Quarantine; counters: Counters; log: Logger; config: Readonly<{ s1: Config['s1'] }> },
): Promise<{ index: ParentIndex | null; inputs: ArtifactRef[] }> {
  if (level === 0) return { index: null, inputs: [] };
  const { parents, inputs } = await readParents(parentsDir, level - 1, ctx.root, ctx.quarantine);
  ctx.counters.set('parents_in', parents.length);
  if (parents.length === 0) ctx.log.warn({ parentsDir }, `no verified L${level - 1} concepts: every parent will be unresolved`);
  return { index: new ParentIndex(parents, { parentLevel: level - 1, config: ctx.config.s1 }), inputs };
}

/**
 * What `s1:level-N` writes from the level's extractions, whether one task made them or K shards did:
 * quarantines the failed records, counts, anchors and aggregates the candidates, writes
 * `candidates-*.jsonl` and `record-log-*.jsonl`. Every output depends only on the set of extractions
 * (aggregation and the record log sort by record id), so the bytes are the same for every shard count.
 */
export async function writeLevelOutputs(
  ctx: { root: string; outDir: string; quarantine: Quarantine; counters: Counters },
  level: number,
  extractions: ReadonlyArray<RecordExtraction>,
  misfiled: ReadonlyArray<RecordExtraction>,
  index: ParentIndex | null,
): Promise<{ outputs: ArtifactRef[]; summary: string }> {
  const { counters, quarantine, root } = ctx;
  for (const e of extractions) {
    if (e.outcome === 'quarantined') quarantine.add({ reason: e.reason ?? 'llm failure', item_id: e.record.id, raw: e.record.text });
    for (const d of e.dropped) counters.increment(d.reason === 'empty' ? 'labels_dropped_empty' : 'labels_dropped_length');
  }
  const all = [...extractions, ...misfiled];
  const recordLog = buildRecordLog(all);
  const accounting = accountRecords(all.length, recordLog);
  for (const [name, value] of Object.entries(accounting)) counters.set(name, value);
  const { candidates, raw } = aggregateCandidates(extractions, { level, index });
  counters.set('candidates_raw', raw);
  counters.set('candidates_out', candidates.length);
  for (const c of candidates) counters.increment(`anchors_${c.anchor.method}`);
  const outputs = [
    ...(await writeJsonl({ dir: ctx.outDir, name: 'candidates', items: candidates, sortKey: candidateSortKey, relativeTo: root })),
    ...(await writeJsonl({ dir: ctx.outDir, name: 'record-log', items: recordLog, sortKey: (l) => l.record_id, relativeTo: root })),
  ];
  return {
    outputs,
    summary: `s1:level-${level}: ${accounting.records_in} records (${accounting.records_labelled} labelled, ${accounting.records_empty} empty, ${accounting.records_quarantined} quarantined) → ${candidates.length} candidates`,
  };
}

export function assertLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 3) throw new TaxonomyError('USAGE', `level must be 0–3 (got ${level})`);
}

type LlmClientOf = Awaited<ReturnType<typeof createLlmClient>>;

/** Extracts labels from every record through the configured model client (opened and closed here), with progress. */
export async function extractWithModel(
  records: readonly IdentifiedRecord[],
  level: number,
  config: Readonly<Pick<Config, 'llm' | 's1'>>,
  ctx: { root: string; log: Logger; progress: (label: string, total: number) => { tick(n?: number): void; done(): void } },
): Promise<{ extractions: RecordExtraction[]; usage: ReturnType<LlmClientOf['usage']> }> {
  const client = await createLlmClient({ config: config.llm, root: ctx.root, log: ctx.log, phase: 'S1' });
  const progress = ctx.progress('extract', records.length);
  let extractions: RecordExtraction[];
  try {
    extractions = await extractRecords(records, { level, client, config: config.s1, onProgress: (n) => progress.tick(n) });
  } finally {
    progress.done();
    await client.close();
  }
  // Read after close, as the task did: the client's accounting is final once it is closed.
  return { extractions, usage: client.usage() };
}

/**
 * The `s1:level-N` task (s1.shards = 1): reads S0's records of level N (and for N>0 the verified
 * concepts of level N−1), extracts labels through the LLM client, normalizes and anchors them, and
 * writes `candidates-*.jsonl` and `record-log-*.jsonl`. With s1.shards > 1 the same folder is written by
 * the merge step (`runS1MergeTask`, shards.ts) from the shard tasks' extractions.
 */
export async function runS1Task(options: RunS1TaskOptions): Promise<PhaseMetrics> {
  const level = options.level;
  assertLevel(level);
  const root = options.root ?? findWorkspaceRoot();
  return runPhaseTask({
    task: `s1:level-${level}`,
    phase: 'S1',
    level,
    slices: ['s1', 'llm'],
    outDir: options.outDir ?? ARTIFACT_DIRS.s1(level),
    root,
    // Checked against their upstream metrics.json before the task starts.
    reads: [
      resolve(root, options.inputDir ?? join(ARTIFACT_DIRS.s0, `level-${level}`)),
      ...(level > 0 ? [resolve(root, options.parentsDir ?? ARTIFACT_DIRS.s3(level - 1))] : []),
    ],
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const { config, counters, quarantine, log } = ctx;
      counters.declare(...S1_COUNTERS);
      const inputDir = resolve(root, options.inputDir ?? join(ARTIFACT_DIRS.s0, `level-${level}`));
      const read = await readRecords(inputDir, level, root, quarantine);
      if (read.withoutId > 0) log.warn({ withoutId: read.withoutId }, 'records without id: ids derived from content and provenance');
      const inputs = [...read.inputs];
      const parents = await loadParentIndex(level, resolve(root, options.parentsDir ?? ARTIFACT_DIRS.s3(Math.max(0, level - 1))), { ...ctx, root });
      inputs.push(...parents.inputs);
      const { extractions, usage } = await extractWithModel(read.records, level, config, { root, log, progress: ctx.progress });
      const written = await writeLevelOutputs({ ...ctx, root }, level, extractions, read.misfiled, parents.index);
      return { inputs, outputs: written.outputs, llm: usage, summary: written.summary };
    },
  });
}
