import { join, resolve } from 'node:path';
import * as z from 'zod';
import {
  ARTIFACT_DIRS,
  PhaseMetricsSchema,
  QuarantineEntrySchema,
  SourceRecordSchema,
  TaxonomyError,
  describeFile,
  findWorkspaceRoot,
  listJsonlFiles,
  readJsonFile,
  readJsonl,
  writeJsonl,
  type ArtifactRef,
  type BadLine,
  type LlmIdentity,
  type PhaseMetrics,
} from '@taxonomy/core';
import { runPhaseTask } from '@taxonomy/observability';
import { RECORD_OUTCOMES, type IdentifiedRecord, type RecordExtraction } from './extract.ts';
import { shardOf } from './partition.ts';
import { SortedJsonlWriter } from './sorted-runs.ts';
import { LevelOutputs, S1_COUNTERS, assertLevel, extractFolder, loadParentIndex, streamRecords } from './task.ts';

/** One line of a shard's `extractions-*.jsonl` (and of the partition's `misfiled-*.jsonl`): a record and what extraction made of it. */
export const ExtractionLineSchema = z.object({
  record: SourceRecordSchema.extend({ id: z.string().min(1) }),
  outcome: z.enum(RECORD_OUTCOMES),
  reason: z.string().nullable(),
  labels: z.array(z.object({ label: z.string(), normalized: z.string(), aliases: z.array(z.string()), parents: z.array(z.string()) }).strict()),
  dropped: z.array(z.object({ label: z.string(), reason: z.enum(['empty', 'too_short', 'too_long']), detail: z.string() }).strict()),
  raw: z.number().int().min(0),
});

export interface ShardTaskOptions {
  level: number;
  root?: string;
  overrides?: string[];
}

const overridesOf = (options: ShardTaskOptions) => (options.overrides === undefined ? {} : { overrides: options.overrides });

/** Streams extraction lines to `visit`; a line that does not parse is a broken upstream artifact, so the task fails naming it. */
async function streamExtractions(dir: string, prefix: string, root: string, visit: (e: RecordExtraction) => Promise<void>): Promise<ArtifactRef[]> {
  const inputs: ArtifactRef[] = [];
  for (const file of await listJsonlFiles(dir, prefix)) {
    let lines = 0;
    for await (const { value } of readJsonl(file, { schema: ExtractionLineSchema, onBad: corrupt })) {
      lines += 1;
      await visit(value as RecordExtraction);
    }
    inputs.push({ ...(await describeFile(file, root)), records: lines });
  }
  return inputs;
}

function corrupt(bad: BadLine): never {
  throw new TaxonomyError('ARTIFACT_CORRUPT', `${bad.file}:${bad.line}: ${bad.reason}; rebuild it (nx run … --skip-nx-cache)`);
}

async function readMetrics(dir: string): Promise<PhaseMetrics> {
  return readJsonFile(join(dir, 'metrics.json'), PhaseMetricsSchema);
}

/**
 * `s1:level-N-partition` (s1.shards = K > 1): reads S0's records of level N once and writes them to
 * `shard-0 … shard-(K−1)/records-*.jsonl` by institution (`shardOf`), in S0's order, so a shard's file
 * changes only when one of its institutions' records does: what each shard task hashes. Bad lines and
 * records of another level are quarantined here with S0's file and line (the merge step carries them
 * into the level's quarantine) and the misfiled ones go to `misfiled-*.jsonl` for the record log.
 */
export async function runS1PartitionTask(options: ShardTaskOptions): Promise<PhaseMetrics> {
  const { level } = options;
  assertLevel(level);
  const root = options.root ?? findWorkspaceRoot();
  const inputDir = resolve(root, ARTIFACT_DIRS.s0Level(level));
  return runPhaseTask({
    task: `s1:level-${level}-partition`,
    phase: 'S1',
    level,
    slices: ['s1'],
    outDir: ARTIFACT_DIRS.s1Partition(level),
    root,
    reads: [inputDir],
    ...overridesOf(options),
    run: async (ctx) => {
      const shards = ctx.config.s1.shards;
      // Input order kept (constant sort key): the shard reads its records as S0 wrote them. Streamed: each
      // shard's writer holds at most its share of one run of lines.
      const runChars = Math.max(1024 * 1024, Math.floor((16 * 1024 * 1024) / shards));
      const writers = Array.from({ length: shards }, (_, k) => new SortedJsonlWriter<IdentifiedRecord>({ dir: join(ctx.outDir, `shard-${k}`), name: 'records', relativeTo: root, runChars }, () => ''));
      const misfiledWriter = new SortedJsonlWriter<RecordExtraction>({ dir: ctx.outDir, name: 'misfiled', relativeTo: root, runChars }, () => '');
      const institutions: Array<Set<string>> = Array.from({ length: shards }, () => new Set());
      const read = await streamRecords(inputDir, level, root, ctx.quarantine, {
        record: async (record) => {
          const k = shardOf(record.provenance.institution, shards);
          institutions[k]!.add(record.provenance.institution.trim());
          await writers[k]!.add(record);
        },
        misfiled: (e) => misfiledWriter.add(e),
      });
      if (read.withoutId > 0) ctx.log.warn({ withoutId: read.withoutId }, 'records without id: ids derived from content and provenance');
      const parts = writers.map((w) => ({ length: w.size }));
      const records = parts.reduce((n, p) => n + p.length, 0);
      ctx.counters.set('shards', shards);
      ctx.counters.set('records_in', records + misfiledWriter.size);
      ctx.counters.set('records_misfiled', misfiledWriter.size);
      const outputs: ArtifactRef[] = [];
      for (const [k, writer] of writers.entries()) {
        ctx.counters.set(`shard_${k}_records`, writer.size);
        ctx.counters.set(`shard_${k}_institutions`, institutions[k]!.size);
        outputs.push(...(await writer.finish()));
      }
      outputs.push(...(await misfiledWriter.finish()));
      const sizes = parts.map((p) => p.length).join('/');
      return { inputs: read.inputs, outputs, summary: `s1:level-${level}-partition: ${records} records → ${shards} shards (${sizes} records)` };
    },
  });
}

/**
 * `s1:level-N-shard-K`: the model work of one shard. Extracts and normalizes its partition's records
 * through the LLM client (response cache, limits and accounting as in the unsharded task, counted in this
 * task's own timing) and writes every record's extraction to `extractions-*.jsonl`. Anchoring and
 * aggregation wait for the merge step, which needs the whole level.
 */
export async function runS1ShardTask(options: ShardTaskOptions & { shard: number }): Promise<PhaseMetrics> {
  const { level, shard } = options;
  assertLevel(level);
  const root = options.root ?? findWorkspaceRoot();
  const inputDir = resolve(root, ARTIFACT_DIRS.s1Partition(level), `shard-${shard}`);
  return runPhaseTask({
    task: `s1:level-${level}-shard-${shard}`,
    phase: 'S1',
    level,
    slices: ['s1', 'llm'],
    outDir: ARTIFACT_DIRS.s1Shard(level, shard),
    root,
    reads: [inputDir],
    ...overridesOf(options),
    run: async (ctx) => {
      const { config, counters, log, quarantine } = ctx;
      if (!Number.isInteger(shard) || shard < 0 || shard >= config.s1.shards) {
        throw new TaxonomyError('USAGE', `--shard must be 0–${config.s1.shards - 1} with s1.shards = ${config.s1.shards} (got ${shard})`);
      }
      counters.declare('records_in', 'records_labelled', 'records_empty', 'records_quarantined', 'labels_dropped_length', 'labels_dropped_empty');
      // Streamed: each window's extractions go to sorted runs by record id, never all in memory.
      const writer = new SortedJsonlWriter<RecordExtraction>({ dir: ctx.outDir, name: 'extractions', relativeTo: root }, (e) => e.record.id);
      const read = await extractFolder(inputDir, level, config, { root, log, quarantine, progress: ctx.progress }, {
        onExtraction: async (e) => {
          counters.increment(`records_${e.outcome}`);
          if (e.outcome === 'quarantined') quarantine.add({ reason: e.reason ?? 'llm failure', item_id: e.record.id, raw: e.record.text });
          for (const d of e.dropped) counters.increment(d.reason === 'empty' ? 'labels_dropped_empty' : 'labels_dropped_length');
          await writer.add(e);
        },
        // The partition files each record under its own level: none is misfiled here.
        onMisfiled: () => undefined,
      });
      const usage = read.usage;
      counters.set('records_in', writer.size);
      const outputs = await writer.finish();
      return {
        inputs: read.inputs,
        outputs,
        llm: usage,
        summary: `s1:level-${level}-shard-${shard}: ${writer.size} records, ${usage?.calls ?? 0} model calls (${usage?.cache_hits ?? 0} cache hits), ${usage?.tokens_in ?? 0}+${usage?.tokens_out ?? 0} tokens`,
      };
    },
  });
}

/**
 * `s1:level-N` with s1.shards = K > 1: the merge step. Reads the K shards' extractions, the partition's
 * misfiled records and quarantine, and the level above's concepts, then anchors, aggregates and writes
 * exactly what the unsharded task writes (`writeLevelOutputs`): the same candidates, record log and
 * quarantine bytes for every K. It makes no model call: its metrics name the shards' provider, model and
 * prompts, the calls and tokens are each shard's (run record `llm.by_task`).
 */
export async function runS1MergeTask(options: ShardTaskOptions): Promise<PhaseMetrics> {
  const { level } = options;
  assertLevel(level);
  const root = options.root ?? findWorkspaceRoot();
  const partitionDir = resolve(root, ARTIFACT_DIRS.s1Partition(level));
  const parentsDir = resolve(root, ARTIFACT_DIRS.s3(Math.max(0, level - 1)));
  const preview = await readMetrics(partitionDir).catch(() => null);
  const shards = preview?.counters['shards'] ?? 0;
  const shardDirs = Array.from({ length: shards }, (_, k) => resolve(root, ARTIFACT_DIRS.s1Shard(level, k)));
  return runPhaseTask({
    task: `s1:level-${level}`,
    phase: 'S1',
    level,
    slices: ['s1', 'llm'],
    outDir: ARTIFACT_DIRS.s1(level),
    root,
    reads: [partitionDir, ...shardDirs, ...(level > 0 ? [parentsDir] : [])],
    ...overridesOf(options),
    run: async (ctx) => {
      const { config, counters, quarantine } = ctx;
      if (shards !== config.s1.shards) {
        throw new TaxonomyError(
          'INVARIANT_VIOLATED',
          `${ARTIFACT_DIRS.s1Partition(level)} holds ${shards} shard(s) but s1.shards = ${config.s1.shards}: run nx run s1:level-${level} so the partition and shards are rebuilt`,
        );
      }
      counters.declare(...S1_COUNTERS);
      for await (const { value } of readJsonl(join(partitionDir, 'quarantine.jsonl'), { schema: QuarantineEntrySchema, onBad: corrupt })) quarantine.add(value);
      const parents = await loadParentIndex(level, parentsDir, { ...ctx, root });
      // Streamed: every shard's extractions go straight to the level's outputs, as the unsharded task's do.
      const sink = new LevelOutputs({ ...ctx, root }, level, parents.index);
      // Misfiled records sort after the extracted ones on equal ids whatever the order they come in (LevelOutputs).
      const inputs: ArtifactRef[] = [...(await streamExtractions(partitionDir, 'misfiled', root, (e) => sink.addMisfiled(e)))];
      let identity: LlmIdentity | null = null;
      for (const dir of shardDirs) {
        const metrics = await readMetrics(dir);
        identity ??= metrics.llm;
        inputs.push(...(await streamExtractions(dir, 'extractions', root, (e) => sink.add(e))));
      }
      inputs.push(...parents.inputs);
      const written = await sink.finish();
      return { inputs, outputs: written.outputs, llmIdentity: identity, summary: `${written.summary} (merged from ${shards} shards)` };
    },
  });
}
