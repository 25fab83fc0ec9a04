import { join, resolve } from 'node:path';
import {
  ARTIFACT_DIRS,
  ConceptSchema,
  SourceRecordSchema,
  TaxonomyError,
  collapseWhitespace,
  describeFile,
  findWorkspaceRoot,
  forEachChunk,
  listJsonlFiles,
  readJsonl,
  stableId,
  writeJsonl,
  type ArtifactRef,
  type PhaseMetrics,
} from '@taxonomy/core';
import { createLlmClient } from '@taxonomy/llm';
import { isInteractive, runPhaseTask, type Quarantine } from '@taxonomy/observability';
import type { Config } from '@taxonomy/config';
import type { Counters, Logger } from '@taxonomy/observability';
import { CandidateAggregator, accountRecords, candidateSortKey, recordLogEntry, recordLogLine, type RecordLogEntry } from './aggregate.ts';
import { SortedJsonlWriter } from './sorted-runs.ts';
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

/** What reading S0's records of one level found besides the records: the files read and the records without id. */
export interface RecordsRead {
  inputs: ArtifactRef[];
  withoutId: number;
}

/**
 * Streams the `records-*.jsonl` of a folder one record at a time: `record` gets each record of the level
 * (id settled), `misfiled` the extraction of each record of another level (quarantined here with file and
 * line). Holds one line at a time; the callbacks are awaited, so a consumer bounds what it buffers.
 */
export async function streamRecords(
  dir: string,
  level: number,
  root: string,
  quarantine: Quarantine,
  visit: { record: (record: IdentifiedRecord) => Promise<void> | void; misfiled: (extraction: RecordExtraction) => Promise<void> | void },
): Promise<RecordsRead> {
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
        await visit.misfiled({ record, outcome: 'quarantined', reason, labels: [], dropped: [], raw: 0 });
      } else await visit.record(record);
    }
    inputs.push({ ...(await describeFile(file, root)), records: lines });
  }
  return { inputs, withoutId };
}

/** Every record of a folder in memory (`streamRecords` collected). */
export async function readRecords(dir: string, level: number, root: string, quarantine: Quarantine): Promise<RecordsRead & { records: IdentifiedRecord[]; misfiled: RecordExtraction[] }> {
  const records: IdentifiedRecord[] = [];
  const misfiled: RecordExtraction[] = [];
  const read = await streamRecords(dir, level, root, quarantine, { record: (r) => void records.push(r), misfiled: (e) => void misfiled.push(e) });
  return { ...read, records, misfiled };
}

/** Lines of a folder's `records-*.jsonl`, counted on bytes (for a progress total in a terminal only). */
export async function countRecordLines(dir: string): Promise<number> {
  let lines = 0;
  for (const file of await listJsonlFiles(dir, 'records')) {
    forEachChunk(file, (bytes) => {
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines += 1;
    });
  }
  return lines;
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

/** Tie order of the misfiled records in the record log: after every extracted record, as they always were. */
const MISFILED_ORDER = 2 ** 40;

/**
 * What `s1:level-N` writes from the level's extractions, whether one task made them or K shards did,
 * fed one extraction at a time as they are made or read: quarantines the failed records, counts, anchors
 * and aggregates the candidates (`CandidateAggregator`), and writes `candidates-*.jsonl` and
 * `record-log-*.jsonl` — the record log through sorted runs on disk (`SortedJsonlWriter`), so neither the
 * records nor their extractions are held. Every output depends only on the set of extractions
 * (aggregation and the record log order by record id), so the bytes are the same for every shard count.
 */
export class LevelOutputs {
  readonly #aggregator: CandidateAggregator;
  readonly #recordLog: SortedJsonlWriter<RecordLogEntry>;
  readonly #outcomes = { labelled: 0, empty: 0, quarantined: 0 };
  #extracted = 0;
  #misfiled = 0;

  constructor(
    private readonly ctx: { root: string; outDir: string; quarantine: Quarantine; counters: Counters },
    private readonly level: number,
    index: ParentIndex | null,
  ) {
    this.#aggregator = new CandidateAggregator({ level, index });
    this.#recordLog = new SortedJsonlWriter({ dir: ctx.outDir, name: 'record-log', relativeTo: ctx.root }, (l) => l.record_id, recordLogLine);
  }

  /** One record's extraction (the misfiled records' ones go to `addMisfiled`). */
  async add(e: RecordExtraction): Promise<void> {
    const { counters, quarantine } = this.ctx;
    if (e.outcome === 'quarantined') quarantine.add({ reason: e.reason ?? 'llm failure', item_id: e.record.id, raw: e.record.text });
    for (const d of e.dropped) counters.increment(d.reason === 'empty' ? 'labels_dropped_empty' : 'labels_dropped_length');
    this.#outcomes[e.outcome] += 1;
    this.#aggregator.add(e, this.#extracted);
    await this.#recordLog.add(recordLogEntry(e), this.#extracted);
    this.#extracted += 1;
  }

  /** A record of another level, quarantined where it was read: in the record log, never aggregated. */
  async addMisfiled(e: RecordExtraction): Promise<void> {
    this.#outcomes[e.outcome] += 1;
    await this.#recordLog.add(recordLogEntry(e), MISFILED_ORDER + this.#misfiled);
    this.#misfiled += 1;
  }

  async finish(): Promise<{ outputs: ArtifactRef[]; summary: string }> {
    const { counters, root } = this.ctx;
    const recordsIn = this.#extracted + this.#misfiled;
    const accounting = accountRecords(recordsIn, this.#outcomes);
    for (const [name, value] of Object.entries(accounting)) counters.set(name, value);
    const { candidates, raw } = this.#aggregator.finish();
    counters.set('candidates_raw', raw);
    counters.set('candidates_out', candidates.length);
    for (const c of candidates) counters.increment(`anchors_${c.anchor.method}`);
    const outputs = [
      ...(await writeJsonl({ dir: this.ctx.outDir, name: 'candidates', items: candidates, sortKey: candidateSortKey, relativeTo: root })),
      ...(await this.#recordLog.finish()),
    ];
    return {
      outputs,
      summary: `s1:level-${this.level}: ${accounting.records_in} records (${accounting.records_labelled} labelled, ${accounting.records_empty} empty, ${accounting.records_quarantined} quarantined) → ${candidates.length} candidates`,
    };
  }
}

/** `LevelOutputs` over extractions held in memory (the tests' and small callers' form). */
export async function writeLevelOutputs(
  ctx: { root: string; outDir: string; quarantine: Quarantine; counters: Counters },
  level: number,
  extractions: ReadonlyArray<RecordExtraction>,
  misfiled: ReadonlyArray<RecordExtraction>,
  index: ParentIndex | null,
): Promise<{ outputs: ArtifactRef[]; summary: string }> {
  const sink = new LevelOutputs(ctx, level, index);
  for (const e of extractions) await sink.add(e);
  for (const e of misfiled) await sink.addMisfiled(e);
  return sink.finish();
}

export function assertLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 3) throw new TaxonomyError('USAGE', `level must be 0–3 (got ${level})`);
}

type LlmClientOf = Awaited<ReturnType<typeof createLlmClient>>;

/** Records sent to the client at once; the client bounds real concurrency and rate itself. */
export const EXTRACT_WINDOW = 256;

/** An open model client for one task's extraction: `extract` a window of records at a time, then `close`. */
export interface ModelSession {
  extract(records: readonly IdentifiedRecord[]): Promise<RecordExtraction[]>;
  /** Closes the client (also after a failure) and returns its usage, final once it is closed. */
  close(): Promise<ReturnType<LlmClientOf['usage']>>;
}

/** Opens the configured model client with a progress display over `total` records (0: none). */
export async function openModel(
  level: number,
  config: Readonly<Pick<Config, 'llm' | 's1'>>,
  ctx: { root: string; log: Logger; progress: (label: string, total: number) => { tick(n?: number): void; done(): void } },
  total: number,
): Promise<ModelSession> {
  const client = await createLlmClient({ config: config.llm, root: ctx.root, log: ctx.log, phase: 'S1' });
  const progress = ctx.progress('extract', total);
  return {
    extract: (records) => extractRecords(records, { level, client, config: config.s1, window: EXTRACT_WINDOW, onProgress: (n) => progress.tick(n) }),
    close: async () => {
      try {
        progress.done();
      } finally {
        await client.close();
      }
      // Read after close, as the task did: the client's accounting is final once it is closed.
      return client.usage();
    },
  };
}

/**
 * Streams a folder's records through the model: windows of `EXTRACT_WINDOW` records, each extraction
 * handed to `onExtraction` in input order and each misfiled record to `onMisfiled`; the client is closed
 * (also on failure) and its usage returned. Holds one window of records at a time.
 */
export async function extractFolder(
  dir: string,
  level: number,
  config: Readonly<Pick<Config, 'llm' | 's1'>>,
  ctx: { root: string; log: Logger; quarantine: Quarantine; progress: (label: string, total: number) => { tick(n?: number): void; done(): void } },
  sink: { onExtraction: (e: RecordExtraction) => Promise<void> | void; onMisfiled: (e: RecordExtraction) => Promise<void> | void },
): Promise<RecordsRead & { usage: ReturnType<LlmClientOf['usage']> }> {
  const total = isInteractive() ? await countRecordLines(dir) : 0;
  const model = await openModel(level, config, ctx, total);
  let read: RecordsRead;
  try {
    let window: IdentifiedRecord[] = [];
    const flush = async () => {
      const batch = window;
      window = [];
      for (const e of await model.extract(batch)) await sink.onExtraction(e);
    };
    read = await streamRecords(dir, level, ctx.root, ctx.quarantine, {
      record: async (r) => {
        window.push(r);
        if (window.length >= EXTRACT_WINDOW) await flush();
      },
      misfiled: sink.onMisfiled,
    });
    await flush();
  } catch (err) {
    await model.close();
    throw err;
  }
  const usage = await model.close();
  if (read.withoutId > 0) ctx.log.warn({ withoutId: read.withoutId }, 'records without id: ids derived from content and provenance');
  return { ...read, usage };
}

/** Extracts labels from records held in memory through the configured model client (opened and closed here), with progress. */
export async function extractWithModel(
  records: readonly IdentifiedRecord[],
  level: number,
  config: Readonly<Pick<Config, 'llm' | 's1'>>,
  ctx: { root: string; log: Logger; progress: (label: string, total: number) => { tick(n?: number): void; done(): void } },
): Promise<{ extractions: RecordExtraction[]; usage: ReturnType<LlmClientOf['usage']> }> {
  const model = await openModel(level, config, ctx, records.length);
  let extractions: RecordExtraction[];
  try {
    extractions = await model.extract(records);
  } catch (err) {
    await model.close();
    throw err;
  }
  return { extractions, usage: await model.close() };
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
      const { config, counters } = ctx;
      counters.declare(...S1_COUNTERS);
      const inputDir = resolve(root, options.inputDir ?? join(ARTIFACT_DIRS.s0, `level-${level}`));
      const parents = await loadParentIndex(level, resolve(root, options.parentsDir ?? ARTIFACT_DIRS.s3(Math.max(0, level - 1))), { ...ctx, root });
      // Records are read, extracted and written as they come: a level's records are never all in memory.
      const sink = new LevelOutputs({ ...ctx, root }, level, parents.index);
      const read = await extractFolder(inputDir, level, config, { ...ctx, root }, { onExtraction: (e) => sink.add(e), onMisfiled: (e) => sink.addMisfiled(e) });
      const usage = read.usage;
      const inputs = [...read.inputs, ...parents.inputs];
      const written = await sink.finish();
      return { inputs, outputs: written.outputs, llm: usage, summary: written.summary };
    },
  });
}
