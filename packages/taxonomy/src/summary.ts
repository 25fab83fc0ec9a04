import { basename, join } from 'node:path';
import * as z from 'zod';
import { ARTIFACT_DIRS, listJsonlFiles, readJsonl, type PhaseMetrics, type RunRecord } from '@taxonomy/core';
import type { CollectedPhase, summarizeLlm } from './manifest.ts';
import { SourceContributionSchema, zeroContributionWarning, type SourceContribution } from './sources.ts';

const Count = z.number().int().min(0).nullable().describe('null when the phase did not report it');
const LEVELS = [0, 1, 2, 3] as const;

/** What the build kept and dropped at every phase: printed at the end and stored as the manifest's `summary`. */
export const FinalizeSummarySchema = z.object({
  concepts: z.object({ total: z.number().int(), by_level: z.record(z.string(), z.number().int()) }),
  s1: z.array(
    z.object({
      level: z.number().int(),
      records: Count.describe('Input records in the per-record log'),
      by_outcome: z.record(z.string(), z.number().int()).describe('Per-record outcome (e.g. labelled, empty, quarantined) → records'),
      candidates: Count,
      quarantined: Count,
    }),
  ),
  s2: z.array(z.object({ level: z.number().int(), kept: Count, dropped: Count })),
  s3: z.array(z.object({ level: z.number().int(), verified: Count, failed: Count, concepts: Count })),
  postprocess: z
    .object({
      concepts: Count,
      merge_ops: Count,
      merged: Count.describe('Concepts folded into a winner'),
      split_ops: Count,
      split_into: Count.describe('Sense concepts created by splits'),
      validation_failed: Count.describe('Concepts kept with validation.passed = false'),
      dropped: Count.describe('Concepts removed by post-processing (validation.drop_failed)'),
      deferred: Count.describe('Ambiguous labels left unsplit'),
      iterations: Count,
    })
    .nullable(),
  placement: z
    .object({
      levels: z.array(
        z.object({
          level: z.number().int(),
          declared: Count.describe('Concepts placed under a parent their sources declare'),
          institution: Count.describe("Concepts placed under their institutions' own schools (backbone)"),
          backbone: Count.describe('Concepts placed by the CIP backbone alone'),
          unplaced: Count.describe('Concepts left for review (below placement.min_confidence)'),
          declared_kept: Count,
          declared_overridden: Count,
          declared_unresolved: Count,
        }),
      ),
      labels_moved: Count.describe('Labels found at several levels and given one'),
      derived_schools: Count,
      senses_merged: Count,
    })
    .nullable(),
  shape: z
    .object({
      l0: z.number().int(),
      l0_at_most_one_child: z.number().int(),
      l0_at_most_one_child_share: z.number(),
      same_label_edges: z.number().int().describe('Parent and child with the same label (must be 0)'),
      edges: z.number().int(),
    })
    .nullable(),
  sources: z.array(SourceContributionSchema).nullable(),
  hierarchy: z
    .object({
      passed: z.boolean(),
      placed: z.number().int(),
      orphaned: z.number().int(),
      dropped: z.number().int(),
      rejected: z.number().int(),
      placeholders: z.number().int(),
    })
    .nullable(),
  crawl: z
    .object({
      entries: z.number().int(),
      snapshots: z.number().int(),
      pages_read: z.number().int(),
      skipped: z.number().int(),
      errors: z.number().int(),
    })
    .nullable()
    .default(null)
    .describe('The crawl that fed S0; null when no seeds file is configured'),
  files: z.array(z.string()),
});
export type FinalizeSummary = z.infer<typeof FinalizeSummarySchema>;

/** Sum of the records of a phase's outputs whose file name starts with `prefix`; null when none matched. */
export function countOutputs(metrics: PhaseMetrics, prefix: string): number | null {
  const matching = metrics.outputs.filter((ref) => basename(ref.path).startsWith(`${prefix}-`) || basename(ref.path) === `${prefix}.jsonl`);
  if (matching.length === 0) return null;
  return matching.reduce((n, ref) => n + (ref.records ?? 0), 0);
}

function counter(metrics: PhaseMetrics, ...names: string[]): number | null {
  for (const name of names) {
    const value = metrics.counters[name];
    if (value !== undefined) return value;
  }
  return null;
}

const OutcomeSchema = z.object({ outcome: z.string() });
const MergeOpLoose = z.object({ losers: z.array(z.string()) });
const SplitOpLoose = z.object({ new_ids: z.array(z.string()) });
const ValidationLoose = z.object({ validation: z.object({ passed: z.boolean().nullable() }).nullable().optional() });

/** Streams JSONL files (a folder's `prefix*` shards) through `visit`; a missing folder visits nothing. */
async function visitJsonl<T>(dir: string, prefix: string, schema: z.ZodType<T>, visit: (value: T) => void): Promise<number | null> {
  const files = await listJsonlFiles(dir, prefix).catch(() => [] as string[]);
  if (files.length === 0) return null;
  let seen = 0;
  for (const file of files) {
    for await (const { value } of readJsonl(file, { schema, onBad: () => undefined })) {
      visit(value);
      seen += 1;
    }
  }
  return seen;
}

export interface ReadSummaryInput {
  root: string;
  phases: ReadonlyArray<CollectedPhase>;
  conceptsByLevel: Record<string, number>;
  hierarchy: FinalizeSummary['hierarchy'];
  files: string[];
  /** The final concepts, for the shape of the tree (null: not measured). */
  concepts?: ReadonlyArray<{ id: string; level: number; label: string; parent: string | null }>;
  sources?: SourceContribution[] | null;
}

/** The tree's shape figures: level-0 fields, how many have at most one child, same-label edges. */
export function measureShape(concepts: NonNullable<ReadSummaryInput['concepts']>): NonNullable<FinalizeSummary['shape']> {
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const children = new Map<string, number>();
  let sameLabel = 0;
  let edges = 0;
  for (const c of concepts) {
    if (c.parent === null) continue;
    edges += 1;
    children.set(c.parent, (children.get(c.parent) ?? 0) + 1);
    if (byId.get(c.parent)?.label === c.label) sameLabel += 1;
  }
  const l0 = concepts.filter((c) => c.level === 0);
  const small = l0.filter((c) => (children.get(c.id) ?? 0) <= 1).length;
  return { l0: l0.length, l0_at_most_one_child: small, l0_at_most_one_child_share: l0.length === 0 ? 0 : Math.round((small / l0.length) * 1000) / 1000, same_label_edges: sameLabel, edges };
}

function readPlacement(p: CollectedPhase | undefined): FinalizeSummary['placement'] {
  if (p === undefined) return null;
  const c = (name: string) => counter(p.metrics, name);
  return {
    levels: [1, 2, 3].map((level) => ({
      level,
      declared: c(`level_${level}_placed_declared`),
      institution: c(`level_${level}_placed_institution`),
      backbone: c(`level_${level}_placed_backbone`),
      unplaced: c(`level_${level}_unplaced`),
      declared_kept: c(`level_${level}_declared_kept`),
      declared_overridden: c(`level_${level}_declared_overridden`),
      declared_unresolved: c(`level_${level}_declared_unresolved`),
    })),
    labels_moved: c('labels_moved'),
    derived_schools: c('derived_schools'),
    senses_merged: c('senses_merged'),
  };
}

/**
 * Gathers what each phase kept and dropped from its metrics (output record counts, counters) and, where
 * a count is only in the data (per-record outcomes, merge and split logs), from its artifacts.
 */
export async function readSummary(input: ReadSummaryInput): Promise<FinalizeSummary> {
  const byTask = new Map(input.phases.map((p) => [p.task, p]));
  const s1: FinalizeSummary['s1'] = [];
  const s2: FinalizeSummary['s2'] = [];
  const s3: FinalizeSummary['s3'] = [];
  for (const level of LEVELS) {
    const p1 = byTask.get(`s1:level-${level}`);
    if (p1 !== undefined) {
      // S1 counts `records_<outcome>`; without those counters the per-record log is counted instead.
      const byOutcome: Record<string, number> = {};
      for (const [name, value] of Object.entries(p1.metrics.counters)) {
        const outcome = /^records_(labelled|empty|quarantined)$/u.exec(name)?.[1];
        if (outcome !== undefined) byOutcome[outcome] = value;
      }
      const records =
        Object.keys(byOutcome).length > 0
          ? counter(p1.metrics, 'records_in')
          : await visitJsonl(join(input.root, ARTIFACT_DIRS.s1(level)), 'record-log', OutcomeSchema, ({ outcome }) => {
              byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
            });
      s1.push({
        level,
        records: records ?? counter(p1.metrics, 'records_in'),
        by_outcome: Object.fromEntries(Object.entries(byOutcome).sort(([a], [b]) => (a < b ? -1 : 1))),
        candidates: countOutputs(p1.metrics, 'candidates') ?? counter(p1.metrics, 'candidates_out'),
        quarantined: counter(p1.metrics, 'quarantined'),
      });
    }
    const p2 = byTask.get(`s2:level-${level}`);
    if (p2 !== undefined) {
      s2.push({ level, kept: countOutputs(p2.metrics, 'kept') ?? counter(p2.metrics, 'kept'), dropped: countOutputs(p2.metrics, 'dropped') ?? counter(p2.metrics, 'dropped') });
    }
    const p3 = byTask.get(`s3:level-${level}`);
    if (p3 !== undefined) {
      s3.push({
        level,
        verified: countOutputs(p3.metrics, 'verified') ?? counter(p3.metrics, 'verified', 'passed'),
        failed: countOutputs(p3.metrics, 'failed') ?? counter(p3.metrics, 'failed'),
        concepts: countOutputs(p3.metrics, 'concepts') ?? counter(p3.metrics, 'concepts'),
      });
    }
  }
  let postprocess: FinalizeSummary['postprocess'] = null;
  const pp = byTask.get('postprocess:run');
  if (pp !== undefined) {
    const dir = join(input.root, ARTIFACT_DIRS.postprocess);
    let merged = 0;
    let splitInto = 0;
    let failed = 0;
    const mergeOps = await visitJsonl(dir, 'merge-ops', MergeOpLoose, (op) => {
      merged += op.losers.length;
    });
    const splitOps = await visitJsonl(dir, 'split-ops', SplitOpLoose, (op) => {
      splitInto += op.new_ids.length;
    });
    const concepts = await visitJsonl(dir, 'concepts', ValidationLoose, (c) => {
      if (c.validation?.passed === false) failed += 1;
    });
    postprocess = {
      concepts: concepts ?? countOutputs(pp.metrics, 'concepts'),
      merge_ops: mergeOps ?? counter(pp.metrics, 'merge_ops', 'merges_applied'),
      merged: mergeOps === null ? counter(pp.metrics, 'merged') : merged,
      split_ops: splitOps ?? counter(pp.metrics, 'split_ops', 'splits_made'),
      split_into: splitOps === null ? null : splitInto,
      validation_failed: concepts === null ? counter(pp.metrics, 'validated_failed', 'validation_failed') : failed,
      dropped: countOutputs(pp.metrics, 'dropped') ?? 0,
      deferred: counter(pp.metrics, 'deferred'),
      iterations: counter(pp.metrics, 'iterations'),
    };
  }
  const pc = byTask.get('crawl:run');
  const crawlEntries = pc === undefined ? 0 : (counter(pc.metrics, 'entries') ?? 0);
  const crawl: FinalizeSummary['crawl'] =
    pc === undefined || crawlEntries === 0
      ? null
      : {
          entries: crawlEntries,
          snapshots: counter(pc.metrics, 'snapshots') ?? 0,
          pages_read: counter(pc.metrics, 'pages_read') ?? 0,
          skipped: counter(pc.metrics, 'skipped') ?? 0,
          errors: counter(pc.metrics, 'errors') ?? 0,
        };
  const total = Object.values(input.conceptsByLevel).reduce((a, b) => a + b, 0);
  return FinalizeSummarySchema.parse({
    concepts: { total, by_level: input.conceptsByLevel },
    s1,
    s2,
    s3,
    postprocess,
    placement: readPlacement(byTask.get('placement:run')),
    shape: input.concepts === undefined ? null : measureShape(input.concepts),
    sources: input.sources ?? null,
    hierarchy: input.hierarchy,
    crawl,
    files: input.files,
  });
}

const show = (n: number | null): string => (n === null ? 'n/a' : String(n));

/** The short, human summary printed at the end of a build. */
/** LLM usage as `summarizeLlm` gives it (per task and in total). */
export type LlmSummary = ReturnType<typeof summarizeLlm>;

/** The LLM lines of the summary: the total, then one line per task that used a model endpoint. */
export function formatLlmLines(llm: LlmSummary): string[] {
  const tasks = Object.entries(llm.by_task).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (tasks.length === 0) return [];
  const providers = [...new Set(tasks.map(([, u]) => `${u.provider}/${u.model}`))].sort().join(', ');
  const t = llm.total;
  const lines = [
    `llm          ${providers}: ${t.calls} calls, ${t.cache_hits} cache hits, ${t.retries} retries, ${t.repairs} repairs, ${t.quarantined} quarantined, tokens ${t.tokens_in} in / ${t.tokens_out} out, est. $${t.cost_usd.toFixed(4)}`,
  ];
  for (const [task, u] of tasks) {
    if (u.provider === 'offline') continue;
    const latency = u.latency_ms_p50 === null ? 'no endpoint calls' : `p50 ${u.latency_ms_p50} ms, p95 ${u.latency_ms_p95 ?? '?'} ms`;
    lines.push(
      `  ${task.padEnd(18)} ${u.calls} calls, ${u.cache_hits} cache hits, ${u.retries} retries, ${u.repairs} repairs, ${u.quarantined} quarantined, tokens ${u.tokens_in}/${u.tokens_out}, $${u.cost_usd.toFixed(4)}, ${latency}`,
    );
  }
  return lines;
}

/**
 * The human summary. `run` (this execution's record) adds what differs between equal builds: the crawl's
 * requests and cache hits, the LLM lines and how many tasks Nx restored from its cache.
 */
export function formatSummary(summary: FinalizeSummary, header: string, run?: RunRecord): string {
  const timingOf = (task: string) => run?.phases.find((p) => p.task === task)?.timing ?? null;
  const lines = [header];
  const levels = LEVELS.map((l) => `L${l} ${summary.concepts.by_level[String(l)] ?? 0}`).join(' · ');
  lines.push(`concepts     ${levels} (total ${summary.concepts.total})`);
  const c = summary.crawl;
  if (c !== null) {
    const counters = timingOf('crawl:run')?.run_counters;
    lines.push(
      `crawl        ${c.entries} seeds entries → ${c.snapshots} snapshots from ${c.pages_read} pages read, ${c.skipped} URLs skipped, ${c.errors} errors; ${show(counters?.['requests'] ?? null)} requests, ${show(counters?.['cache_hits'] ?? null)} cache hits`,
    );
  }
  for (const s of summary.s1) {
    const outcomes = Object.entries(s.by_outcome).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`S1 level ${s.level}   ${show(s.records)} records${outcomes === '' ? '' : ` (${outcomes})`} → ${show(s.candidates)} candidates, ${show(s.quarantined)} quarantined`);
  }
  for (const s of summary.s2) lines.push(`S2 level ${s.level}   kept ${show(s.kept)}, dropped ${show(s.dropped)}`);
  for (const s of summary.s3) lines.push(`S3 level ${s.level}   verified ${show(s.verified)}, failed ${show(s.failed)} → ${show(s.concepts)} concepts`);
  const pp = summary.postprocess;
  if (pp !== null) {
    lines.push(
      `postprocess  ${show(pp.concepts)} concepts after ${show(pp.iterations)} iteration(s); merged ${show(pp.merged)} in ${show(pp.merge_ops)} ops; split ${show(pp.split_ops)} into ${show(pp.split_into)}, deferred ${show(pp.deferred)}; validation failed ${show(pp.validation_failed)} kept flagged, ${show(pp.dropped)} dropped`,
    );
  }
  const pl = summary.placement;
  if (pl !== null) {
    for (const l of pl.levels) {
      lines.push(
        `placement L${l.level}  declared ${show(l.declared)}, institution ${show(l.institution)}, backbone ${show(l.backbone)}, unplaced ${show(l.unplaced)}; declared parents kept ${show(l.declared_kept)}, overridden ${show(l.declared_overridden)}, unresolved ${show(l.declared_unresolved)}`,
      );
    }
    lines.push(`placement    ${show(pl.labels_moved)} label(s) found at several levels given one; ${show(pl.derived_schools)} school unit(s) stood for by a school-level field; ${show(pl.senses_merged)} sense(s) merged back`);
  }
  const shape = summary.shape;
  if (shape !== null) {
    lines.push(
      `tree         L0 ${shape.l0} field(s), ${shape.l0_at_most_one_child} with ≤ 1 child (${(shape.l0_at_most_one_child_share * 100).toFixed(1)}%); same-label edges ${shape.same_label_edges} of ${shape.edges}`,
    );
  }
  for (const src of summary.sources ?? []) {
    const gates = Object.entries(src.dropped).map(([g, n]) => `${g} ${n}`).join(', ');
    lines.push(
      `source       ${src.id} (L${src.level}${src.trust === 'default' ? '' : `, ${src.trust}`}): ${src.records_in} in → ${src.records_out} records → ${src.labels} labels → ${src.concepts_kept} concepts${gates === '' ? '' : `; dropped: ${gates}`}`,
    );
  }
  for (const src of summary.sources ?? []) {
    const warning = zeroContributionWarning(src);
    if (warning !== null) lines.push(`warning      ${warning}`);
  }
  const h = summary.hierarchy;
  if (h !== null) {
    lines.push(
      `hierarchy    placed ${h.placed}, orphaned ${h.orphaned}, dropped ${h.dropped}, rejected ${h.rejected}, placeholders ${h.placeholders} (invariants ${h.passed ? 'passed' : 'FAILED'})`,
    );
  }
  if (run !== undefined) {
    lines.push(...formatLlmLines(run.llm));
    const cached = run.phases.filter((p) => p.timing_status === 'cached').length;
    if (cached > 0) lines.push(`from cache   ${cached} task(s): timings are those of the run that produced them`);
  }
  lines.push(`files        ${summary.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
