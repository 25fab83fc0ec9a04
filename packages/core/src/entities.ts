import * as z from 'zod';

/** A non-empty string after trimming; the trimmed value is what is kept. */
const NonEmpty = z.string().trim().min(1, 'must not be empty');
const Level = z.number().int().min(0).max(3).describe('Taxonomy level: 0 fields, 1 departments, 2 research areas, 3 topics');
const Url = z
  .string()
  .trim()
  .regex(/^(https?|file):/iu, 'must start with http://, https:// or file:')
  .describe('Where the text came from');

// ---------------------------------------------------------------------------------------------
// Source side
// ---------------------------------------------------------------------------------------------

export const ProvenanceSchema = z.object({
  institution: NonEmpty.describe('Institution (or venue) name as seen in the source'),
  url: Url.nullable().default(null),
  section: z.string().trim().nullable().default(null).describe('Page section, header text or sheet name'),
  fetched_at: z.string().nullable().default(null).describe('ISO-8601 time the source was fetched, if known'),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const SourceMetaSchema = z.object({
  language: z.string().trim().toLowerCase().min(2).default('en'),
  charset: z.string().trim().toLowerCase().min(3).default('utf-8'),
  hints: z.record(z.string(), z.string()).default({}),
});
export type SourceMeta = z.infer<typeof SourceMetaSchema>;

/** One unit of source text (a unit name, a list item, a paragraph) with where it came from. */
export const SourceRecordSchema = z.object({
  id: z.string().optional().describe('Stable record id; S0 assigns one from content and provenance'),
  level: Level.optional().describe('Level the record feeds; S0 sets it from the sources manifest'),
  text: NonEmpty,
  provenance: ProvenanceSchema,
  meta: SourceMetaSchema.default({ language: 'en', charset: 'utf-8', hints: {} }),
  parent_anchor: z
    .string()
    .trim()
    .min(1)
    .nullable()
    .default(null)
    .describe('Parent the source declares for this record (e.g. a CFP page belongs to "machine learning")'),
});
export type SourceRecord = z.infer<typeof SourceRecordSchema>;
export type SourceRecordInput = z.input<typeof SourceRecordSchema>;

function normalizePageUrl(raw: string): string {
  const u = new URL(raw.trim());
  u.hash = '';
  return u.toString();
}

const PageUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\//iu, 'must be an http(s) URL')
  .transform((v, ctx) => {
    try {
      return normalizePageUrl(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a valid URL: ${v}` });
      return z.NEVER;
    }
  });

/** A fetched web page (the web miner's output and one of S0's inputs). */
export const PageSnapshotSchema = z.object({
  institution: NonEmpty,
  url: PageUrl,
  canonical_url: PageUrl.nullable().default(null),
  fetched_at: z.string().nullable().default(null),
  http_status: z.number().int().min(100).max(599).default(200),
  content_type: z.string().trim().toLowerCase().regex(/\//u, 'must contain "/"').default('text/html'),
  html: z.string().nullable().default(null),
  text: NonEmpty,
  lang: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]{2,35}$/u)
    .default('und'),
  checksum: z.string().regex(/^[0-9a-f]{64}$/u).optional().describe('SHA-256 of the whitespace-collapsed text'),
  title: z.string().nullable().default(null),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type PageSnapshot = z.infer<typeof PageSnapshotSchema>;

// ---------------------------------------------------------------------------------------------
// Candidates (S1 → S3)
// ---------------------------------------------------------------------------------------------

export const SupportSchema = z.object({
  records: z.number().int().min(0).default(0).describe('Distinct supporting records'),
  institutions: z.number().int().min(0).default(0).describe('Distinct institutions after identity resolution'),
  count: z.number().int().min(0).default(0).describe('Raw observations'),
});
export type Support = z.infer<typeof SupportSchema>;

export const ANCHOR_METHODS = ['root', 'declared', 'name', 'lexicon', 'institution', 'unresolved'] as const;
export const AnchorSchema = z.object({
  method: z.enum(ANCHOR_METHODS).describe('Why this parent was chosen'),
  anchor: z.string().nullable().describe('The anchor text that was resolved (declared parent, matched name, lexicon field)'),
  detail: z.string().default('').describe('One line explaining the choice'),
});
export type Anchor = z.infer<typeof AnchorSchema>;

export const SOURCE_TRUST = ['default', 'authoritative'] as const;

/** What a source (an entry of the sources manifest) says about how far its items are trusted. */
export const SourcePolicySchema = z.object({
  id: NonEmpty.describe('Source id from the sources manifest'),
  trust: z.enum(SOURCE_TRUST).default('default').describe('authoritative: its items skip the cross-institution frequency gate (never verification)'),
  min_institutions: z.number().int().min(1).nullable().default(null).describe("The source's own frequency threshold for its items, if it sets one"),
  min_records: z.number().int().min(1).nullable().default(null),
});
export type SourcePolicy = z.infer<typeof SourcePolicySchema>;

/** The record hints S0 writes for a source's policy (hints are strings). */
export function sourcePolicyHints(policy: SourcePolicy): Record<string, string> {
  const hints: Record<string, string> = { source_id: policy.id };
  if (policy.trust !== 'default') hints['source_trust'] = policy.trust;
  if (policy.min_institutions !== null) hints['source_min_institutions'] = String(policy.min_institutions);
  if (policy.min_records !== null) hints['source_min_records'] = String(policy.min_records);
  return hints;
}

/** A record's source policy read back from its hints (null for a record S0 did not tag). */
export function sourcePolicyOf(hints: Readonly<Record<string, string>>): SourcePolicy | null {
  const id = hints['source_id'];
  if (id === undefined || id.trim() === '') return null;
  const int = (v: string | undefined) => (v === undefined || !/^\d+$/u.test(v) || Number(v) < 1 ? null : Number(v));
  return {
    id,
    trust: hints['source_trust'] === 'authoritative' ? 'authoritative' : 'default',
    min_institutions: int(hints['source_min_institutions']),
    min_records: int(hints['source_min_records']),
  };
}

/** A label proposed for one level, with its parent and support; S1 writes it, S2 and S3 gate it. */
export const CandidateSchema = z.object({
  level: Level,
  label: NonEmpty.describe('Label as extracted, before canonicalisation'),
  normalized: NonEmpty.describe('Canonical comparison form'),
  parent: z.string().nullable().describe('Concept id of the parent one level up, a scoped fallback id, or null at L0'),
  anchor: AnchorSchema,
  aliases: z.array(z.string()).default([]),
  institutions: z.array(z.string()).default([]).describe('Institution names as seen (S1) or canonical identities (S2 on)'),
  record_ids: z.array(z.string()).default([]),
  support: SupportSchema.default({ records: 0, institutions: 0, count: 0 }),
  weight: z.number().optional().describe('1.0·institutions + 0.3·ln(1+records), set by S2'),
  gates: z.record(z.string(), z.boolean()).default({}).describe('Gate name → passed'),
  reasons: z.array(z.string()).default([]).describe('Why each gate decided as it did'),
  sources: z.array(SourcePolicySchema).default([]).describe('The sources of its records, with their trust, sorted by id'),
});
export type Candidate = z.infer<typeof CandidateSchema>;

// ---------------------------------------------------------------------------------------------
// Concepts (S3 promotion → post-processing → assembly)
// ---------------------------------------------------------------------------------------------

export const PLACEMENT_METHODS = ['root', 'declared', 'institution', 'backbone', 'curated', 'unplaced'] as const;
export type PlacementMethod = (typeof PLACEMENT_METHODS)[number];

/** One parent a concept could have, with the evidence that voted for it. */
export const PlacementAlternativeSchema = z.object({
  parent: NonEmpty.describe('Parent concept id'),
  label: NonEmpty.describe("The parent's label"),
  votes: z.number().min(0).describe('Support-weighted votes for this parent'),
  institutions: z.array(z.string()).default([]).describe('Institutions whose evidence voted for it'),
  methods: z.array(z.enum(PLACEMENT_METHODS)).default([]).describe('Kinds of evidence behind the votes'),
});
export type PlacementAlternative = z.infer<typeof PlacementAlternativeSchema>;

/** Why a concept sits under its parent: the winning evidence, its confidence and the runners-up (set by placement). */
export const PlacementSchema = z.object({
  method: z.enum(PLACEMENT_METHODS).describe('The strongest kind of evidence behind the chosen parent'),
  confidence: z.number().min(0).max(1).describe("The winner's share of all votes (backbone only: the share of the field evidence)"),
  votes: z.number().min(0).describe("The winner's support-weighted votes"),
  institutions: z.array(z.string()).default([]).describe('Institutions whose evidence voted for the chosen parent'),
  alternatives: z.array(PlacementAlternativeSchema).default([]).describe('Runners-up, best first'),
  reasons: z.array(z.string()).default([]).describe('One line per decision: declared parents kept or overridden, level moves, merges'),
});
export type Placement = z.infer<typeof PlacementSchema>;

export const ConceptSchema = z.object({
  id: NonEmpty.describe('Stable id: L{level}:{label}, suffixed with a parent hash when scoped'),
  level: Level,
  label: NonEmpty.describe('Canonical label'),
  parent: z.string().nullable().describe('Parent concept id (null at L0)'),
  anchor: AnchorSchema.optional(),
  aliases: z.array(z.string()).default([]),
  institutions: z.array(z.string()).default([]).describe('Canonical institution identities supporting the concept'),
  record_ids: z.array(z.string()).default([]),
  records: z.number().int().min(0).describe('Distinct supporting records'),
  support: SupportSchema,
  weight: z.number(),
  gates: z.record(z.string(), z.boolean()).default({}),
  reasons: z.array(z.string()).default([]),
  gloss: z.string().nullable().default(null).describe('Short sense description, set by disambiguation'),
  validation: z
    .object({
      passed: z.boolean().nullable(),
      confidence: z.number().min(0).max(1),
      scores: z.record(z.string(), z.number()).default({}),
      evidence_count: z.number().int().min(0).default(0),
      top_evidence_url: z.string().nullable().default(null),
    })
    .nullable()
    .default(null),
  placement: PlacementSchema.optional().describe('How placement chose the parent (absent before the placement phase)'),
});
export type Concept = z.infer<typeof ConceptSchema>;
export type ConceptInput = z.input<typeof ConceptSchema>;

export const VALIDATION_MODES = ['rule', 'evidence', 'llm'] as const;
export const ValidationFindingSchema = z.object({
  concept_id: NonEmpty,
  mode: z.enum(VALIDATION_MODES),
  outcome: z.enum(['pass', 'fail', 'unknown']).describe('unknown votes nothing in the aggregation'),
  hard: z.boolean().default(false).describe('A hard rule failure blocks the concept whatever else says'),
  detail: NonEmpty,
  evidence: z.record(z.string(), z.unknown()).nullable().default(null),
});
export type ValidationFinding = z.infer<typeof ValidationFindingSchema>;

/** One deduplication merge: losers folded into the winner. Ids derive from content, so logs replay byte-identically. */
export const MergeOpSchema = z
  .object({
    operation_id: NonEmpty,
    level: Level,
    winner: NonEmpty,
    losers: z.array(NonEmpty).min(1),
    rule: NonEmpty,
    evidence: z.record(z.string(), z.unknown()).nullable().default(null),
    before: z.array(z.unknown()).default([]).describe('The concepts as they were before the merge (for undo)'),
  })
  .refine((op) => !op.losers.includes(op.winner), { message: 'winner must not be among the losers' });
export type MergeOp = z.infer<typeof MergeOpSchema>;

/** One disambiguation split: a concept replaced by sense concepts. */
export const SplitOpSchema = z
  .object({
    operation_id: NonEmpty,
    level: Level,
    source_id: NonEmpty,
    new_ids: z.array(NonEmpty).min(1),
    rule: NonEmpty,
    evidence: z.record(z.string(), z.unknown()).nullable().default(null),
    before: z.array(z.unknown()).default([]).describe('The concepts as they were before the split (for undo)'),
  })
  .refine((op) => !op.new_ids.includes(op.source_id), { message: 'source_id must not be among new_ids' })
  .refine((op) => new Set(op.new_ids).size === op.new_ids.length, { message: 'new_ids must be unique' });
export type SplitOp = z.infer<typeof SplitOpSchema>;

/** A bad item set aside with the reason, never silently dropped. */
export const QuarantineEntrySchema = z.object({
  phase: NonEmpty,
  reason: NonEmpty,
  file: z.string().nullable().default(null),
  line: z.number().int().min(1).nullable().default(null),
  item_id: z.string().nullable().default(null),
  raw: z.string().nullable().default(null).describe('The offending input, truncated'),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;

// ---------------------------------------------------------------------------------------------
// Metrics and manifests
// ---------------------------------------------------------------------------------------------

export const ArtifactRefSchema = z.object({
  path: NonEmpty.describe('Path relative to the workspace root'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/u),
  records: z.number().int().min(0).nullable().default(null),
});
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>;

export const LlmUsageSchema = z.object({
  provider: z.string(),
  model: z.string(),
  calls: z.number().int().min(0),
  cache_hits: z.number().int().min(0),
  retries: z.number().int().min(0),
  repairs: z.number().int().min(0),
  quarantined: z.number().int().min(0),
  quarantined_transient: z.number().int().min(0).optional().describe('Calls that failed for a transient reason (5xx, 429, timeout, connection)'),
  quarantined_permanent: z.number().int().min(0).optional().describe('Calls without a valid answer after the repair re-ask, or with an oversized answer'),
  tokens_in: z.number().int().min(0),
  tokens_out: z.number().int().min(0),
  cost_usd: z.number().min(0),
  latency_ms_p50: z.number().min(0).nullable(),
  latency_ms_p95: z.number().min(0).nullable(),
  prompts: z.record(z.string(), z.object({ variant: z.string(), version: z.string(), hash: z.string() })).default({}),
});
export type LlmUsage = z.infer<typeof LlmUsageSchema>;

/** The deterministic part of a phase's LLM use (which provider, model and prompt versions), kept in metrics. */
export const LlmIdentitySchema = LlmUsageSchema.pick({ provider: true, model: true, prompts: true });
export type LlmIdentity = z.infer<typeof LlmIdentitySchema>;

/**
 * What a phase task writes as `metrics.json` in its artifact folder: deterministic (no clock values),
 * so equal inputs give equal bytes and Nx can cut off unchanged downstream work.
 */
export const PhaseMetricsSchema = z.object({
  phase: NonEmpty.describe('S0, S1, S2, S3, postprocess, hierarchy, finalize'),
  level: Level.nullable(),
  policy_version: NonEmpty,
  config_hash: z.string().describe('stableHash of the config slice the phase read'),
  counters: z.record(z.string(), z.number()),
  inputs: z.array(ArtifactRefSchema),
  outputs: z.array(ArtifactRefSchema),
  llm: LlmIdentitySchema.nullable().default(null).describe('Provider, model and prompt versions; call counts and latencies live in the timing file'),
});
export type PhaseMetrics = z.infer<typeof PhaseMetricsSchema>;

/**
 * Facts of one task execution that differ between equal runs (clock, memory, LLM calls vs cache hits,
 * latency), kept outside Nx outputs (`artifacts/.runs/timings/`) so the artifacts stay byte-identical.
 */
export const PhaseTimingSchema = z.object({
  task: NonEmpty,
  started_at: NonEmpty,
  duration_ms: z.number().min(0),
  committed_ms: z
    .number()
    .min(0)
    .optional()
    .describe('Time to the folder in place with its metrics.json, for a task that works on after it (finalize: its manifest and report)'),
  peak_rss_mb: z.number().min(0),
  llm: LlmUsageSchema.nullable().default(null).describe('Calls, cache hits, retries, tokens, cost and latency of this execution'),
  run_counters: z
    .record(z.string(), z.number())
    .optional()
    .describe('Counters of this execution that differ between equal runs: requests sent vs cache hits, bytes downloaded, rates'),
});
export type PhaseTiming = z.infer<typeof PhaseTimingSchema>;

/**
 * What a build made, written by finalize into its Nx output (`artifacts/taxonomy/manifest.json`): deterministic
 * like every artifact — no clock, memory, call accounting or machine facts — so the same inputs give the same
 * bytes on every machine and a manifest restored from a shared remote cache is the one a local build would
 * write. How the execution went lives in the run record (`RunRecordSchema`).
 */
export const RunManifestSchema = z.object({
  run_id: NonEmpty.describe('Content id of the build: hash of resolved config, prompts and input checksums'),
  environment: NonEmpty,
  policy_version: NonEmpty,
  config: z.record(z.string(), z.unknown()),
  prompt_versions: z.record(z.string(), z.object({ variant: z.string(), version: z.string(), hash: z.string() })),
  phases: z.array(
    z.object({
      task: NonEmpty,
      metrics: PhaseMetricsSchema,
    }),
  ),
  summary: z.record(z.string(), z.unknown()),
  artifacts: z.array(ArtifactRefSchema),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

/** Whether a task's timing is of the execution that wrote its folder (`fresh`), of an earlier one whose output Nx restored (`cached`), or absent. */
export const TIMING_STATUSES = ['fresh', 'cached', 'missing'] as const;
export type TimingStatus = (typeof TIMING_STATUSES)[number];

const LlmTotalsSchema = LlmUsageSchema.omit({ provider: true, model: true, prompts: true, latency_ms_p50: true, latency_ms_p95: true });

/**
 * How the finalize execution that wrote a manifest went, on the machine that ran it: when, on which runtime,
 * each task's timing (duration, peak RSS, LLM calls vs cache hits, tokens, cost, latency, run counters) and the
 * LLM totals. Kept outside Nx outputs (`artifacts/.runs/run.json`) because these values differ between equal
 * builds; a finalize Nx restores from a cache writes none, so `run_id` says which manifest it belongs to.
 */
export const RunRecordSchema = z.object({
  run_id: NonEmpty.describe('The run id of the manifest this execution wrote'),
  generated_at: NonEmpty,
  runtime: z.object({ node: z.string(), platform: z.string(), arch: z.string() }),
  phases: z.array(z.object({ task: NonEmpty, timing_status: z.enum(TIMING_STATUSES), timing: PhaseTimingSchema.nullable() })),
  llm: z.object({ by_task: z.record(z.string(), LlmUsageSchema.omit({ prompts: true })), total: LlmTotalsSchema }),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;
