import * as z from 'zod';
import { redactUrlCredentials } from '@taxonomy/core';
import { regexProblem } from './regex-safety.ts';

/**
 * The whole configuration, one zod schema. Each top-level key is a *slice* that one phase reads; each
 * slice lives in its own file `config/<slice>.json`, so Nx hashes (and `nx affected` sees) exactly the
 * settings a phase depends on. Every default of the reference (SPEC §2) is here, with corrected quirks.
 */

const PerLevel = <T extends z.ZodType>(item: T, defaults: [z.input<T>, z.input<T>, z.input<T>, z.input<T>]) =>
  z
    .object({ level_0: item, level_1: item, level_2: item, level_3: item })
    .strict()
    .prefault({ level_0: defaults[0], level_1: defaults[1], level_2: defaults[2], level_3: defaults[3] } as never);

const Ratio = z.number().min(0).max(1);

/**
 * The built-in patterns. A test screens each of them for catastrophic backtracking once; a load only checks
 * that they compile, so a task with default settings never loads the screen (scslre: ~50 ms of start-up).
 */
export const DEFAULT_PATTERNS = {
  header: { flags: 'u', patterns: ['^#{1,6}\\s+\\S.*$', '^[A-Z][A-Z0-9&,\\- ]{2,60}:?$'] },
  boilerplate: {
    flags: 'iu',
    patterns: [
      '©\\s*\\d{4}',
      'all rights reserved',
      'privacy policy',
      'terms of use',
      'contact us',
      'home \\| about \\| contact',
      'skip to (main )?content',
      'we invite submissions',
      'topics (of interest )?include',
      'but (are )?not limited to',
    ],
  },
  forbidden: { flags: 'iu', patterns: ['\\b(neurips|icml|cvpr|acl|emnlp|kdd|siggraph)\\b(\\s*\\d{2,4})?$'] },
} as const;

/** A pattern the phase compiles with `flags`: checked to compile and screened for catastrophic backtracking. */
const Pattern = ({ flags, patterns }: { flags: string; patterns: readonly string[] }) =>
  z.string().superRefine((pattern, ctx) => {
    const problem = regexProblem(pattern, flags, patterns.includes(pattern));
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: pattern });
  });

/** Cross-field rule: `low` may not exceed `high` (`min_chars` 500 with `max_chars` 10 quarantines every record). */
function notAbove<T extends Record<string, unknown>>(low: keyof T & string, high: keyof T & string) {
  return (value: T, ctx: z.RefinementCtx) => {
    const a = value[low];
    const b = value[high];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      ctx.addIssue({ code: 'custom', path: [low], input: a, message: `must not exceed ${high} (${b})` });
    }
  };
}

/** An http(s) URL, or null. */
const HttpUrl = z
  .string()
  .nullable()
  .superRefine((value, ctx) => {
    if (value === null) return;
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      url = null;
    }
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', input: redactUrlCredentials(value), message: 'not an http(s) URL' });
    }
  });

export const GlobalSliceSchema = z
  .object({
    policy_version: z.string().min(1).default('2026.11.0').describe('Bumped whenever a default changes meaning'),
    random_seed: z.number().int().default(20250927),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .strict();

export const S0SliceSchema = z
  .object({
    sources_manifest: z.string().min(1).default('corpus/sources.json').describe('Sources manifest, relative to the workspace root'),
    shard_size: z.number().int().min(1).default(50_000),
    max_line_bytes: z.number().int().min(1024).default(4 * 1024 * 1024),
    segmentation: z
      .object({
        segment_on_headers: z.boolean().default(true),
        segment_on_lists: z.boolean().default(true),
        segment_on_tables: z.boolean().default(true),
        detect_sections: z.boolean().default(true),
        header_patterns: z.array(Pattern(DEFAULT_PATTERNS.header)).default([...DEFAULT_PATTERNS.header.patterns]),
        header_max_words: z.number().int().min(1).default(12),
      })
      .strict()
      .prefault({}),
    boilerplate_patterns: z.array(Pattern(DEFAULT_PATTERNS.boilerplate)).default([...DEFAULT_PATTERNS.boilerplate.patterns]),
    min_chars: z.number().int().min(1).default(3),
    max_chars: z.number().int().min(1).default(2000),
    max_source_bytes: z
      .number()
      .int()
      .min(1)
      .default(1024 * 1024 * 1024)
      .describe('Largest source file S0 reads (a FIFO or /dev/zero is refused whatever its size)'),
    max_unzipped_bytes: z.number().int().min(1).default(512 * 1024 * 1024).describe('Largest total an XLSX workbook may inflate to'),
    language: z
      .object({
        target: z.string().default('en').describe('"any" disables the gate'),
        confidence_threshold: Ratio.default(0.8),
        require_confidence: z.boolean().default(false).describe('When false, a record without a confidence value is not dropped'),
      })
      .strict()
      .prefault({}),
    intra_page_dedup: z
      .object({
        enabled: z.boolean().default(true),
        similarity_threshold: Ratio.default(0.95),
        shingle_size: z.number().int().min(1).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(notAbove('min_chars', 'max_chars'));

export const S1SliceSchema = z
  .object({
    min_label_length: z.number().int().min(1).default(2),
    max_label_length: z.number().int().min(2).default(64),
    level_prefixes: PerLevel(z.array(z.string()), [
      [],
      ['school of ', 'college of ', 'department of ', 'dept of ', 'dept. of ', 'division of ', 'program in ', 'programs in '],
      ['center for ', 'centre for ', 'laboratory for ', 'lab for ', 'institute for ', 'research area: '],
      ['workshop on ', 'symposium on ', 'track: '],
    ]),
    include_ambiguous_acronyms: z.boolean().default(false),
    parent_similarity_cutoff: Ratio.default(0.86),
    progress_every: z.number().int().min(1).default(500),
    shards: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('K: each level\'s S1 runs as K Nx tasks over a partition of the records by institution, then a merge step; 1 = one task per level'),
  })
  .strict()
  .superRefine(notAbove('min_label_length', 'max_label_length'));

const Threshold = z.object({ min_institutions: z.number().int().min(1), min_records: z.number().int().min(1) }).strict();

export const S2SliceSchema = z
  .object({
    level_thresholds: PerLevel(Threshold, [
      { min_institutions: 1, min_records: 1 },
      { min_institutions: 1, min_records: 1 },
      { min_institutions: 2, min_records: 1 },
      { min_institutions: 2, min_records: 3 },
    ]),
    weight: z
      .object({ institution_weight: z.number().min(0).default(1), record_weight: z.number().min(0).default(0.3) })
      .strict()
      .prefault({})
      .describe('weight = institution_weight·institutions + record_weight·ln(1+records)'),
    institution_policy: z
      .object({
        campus_vs_system: z.enum(['prefer-campus', 'prefer-system']).default('prefer-campus'),
        canonical_mappings: z.record(z.string(), z.string()).default({}).describe('Variant → canonical name'),
        typo_max_edits: z.number().int().min(0).max(3).default(2),
        unknown_placeholder: z.string().default('placeholder::unknown'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const S3SliceSchema = z
  .object({
    max_tokens_per_level: PerLevel(z.number().int().min(1), [5, 6, 6, 7]),
    min_length: z.number().int().min(1).default(2),
    max_length: z.number().int().min(2).default(64),
    min_alnum_ratio: Ratio.default(0.7),
    forbidden_punctuation: z.array(z.string()).default(['_', '/', ':', ';', '|', '@', '#', '(', ')', '[', ']']),
    allowlist: z
      .array(z.string())
      .default(['computer vision', 'machine learning', 'natural language processing', 'artificial intelligence', 'data science']),
    venue_names: z
      .array(z.string())
      .default([
        'neurips', 'nips', 'neural information processing systems', 'icml', 'international conference on machine learning',
        'iclr', 'cvpr', 'iccv', 'eccv', 'acl', 'naacl', 'eacl', 'emnlp', 'coling', 'kdd', 'sigmod', 'vldb', 'icde',
        'pods', 'siggraph', 'isca', 'asplos', 'osdi', 'sosp', 'nsdi', 'sigcomm', 'stoc', 'focs', 'soda',
        'sigir', 'uist', 'aaai', 'ijcai', 'usenix', 'arr',
      ]),
    venue_keywords: z
      .array(z.string())
      .default(['conference', 'symposium', 'symposia', 'journal', 'transactions', 'workshop', 'proceedings', 'call for papers']),
    prefer_rule_over_llm: z.boolean().default(true),
  })
  .strict()
  .superRefine(notAbove('min_length', 'max_length'));

const Price = z.object({ input_per_1k: z.number().min(0), output_per_1k: z.number().min(0) }).strict();

export const LlmSliceSchema = z
  .object({
    provider: z.enum(['auto', 'offline', 'openai']).default('auto').describe('auto: openai when an endpoint or key is configured'),
    base_url: HttpUrl.default(null).describe('OpenAI-compatible endpoint; OPENAI_BASE_URL also sets it'),
    model: z.string().default('gpt-4o-mini'),
    organization: z.string().nullable().default(null),
    api_key: z.string().nullable().default(null).describe('Prefer OPENAI_API_KEY; never written to any artifact'),
    response_format: z.enum(['json_schema', 'json_object']).default('json_schema'),
    temperature: z.number().min(0).max(2).default(0),
    seed: z.number().int().nullable().default(12345),
    max_output_tokens: z.number().int().min(16).default(1024),
    request_timeout_ms: z.number().int().min(1).default(30_000).describe('Total time of one request, headers and body'),
    max_response_bytes: z.number().int().min(1024).default(4 * 1024 * 1024).describe('Largest answer body read; a larger one is cut off, retried, then quarantined'),
    max_retry_after_ms: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe('A Retry-After asking for longer than this means the provider is unavailable: the phase stops'),
    max_quarantine_ratio: Ratio.default(0.01).describe('Largest share of calls that may end without a valid answer before the task fails'),
    max_retries: z.number().int().min(0).default(4),
    backoff_base_ms: z.number().int().min(0).default(500),
    backoff_max_ms: z.number().int().min(0).default(20_000),
    concurrency: z.number().int().min(1).default(8),
    requests_per_minute: z.number().int().min(1).default(3000),
    tokens_per_minute: z.number().int().min(1).default(2_000_000).describe('Set to your account limit; an extraction call is ~800 tokens'),
    circuit_breaker_failures: z.number().int().min(1).default(20).describe('Stop the phase when this many calls in a row failed'),
    cache_dir: z.string().default('.cache/llm').describe('Response cache, relative to the workspace root, outside Nx outputs'),
    cache_enabled: z.boolean().default(true),
    prompt_variants: z.record(z.string(), z.string()).default({}).describe('Prompt key → variant overriding the registry default'),
    prices: z.record(z.string(), Price).default({
      'gpt-4o-mini': { input_per_1k: 0.00015, output_per_1k: 0.0006 },
      'gpt-4o': { input_per_1k: 0.0025, output_per_1k: 0.01 },
    }),
  })
  .strict()
  .superRefine(notAbove('backoff_base_ms', 'backoff_max_ms'));

export const PostprocessSliceSchema = z
  .object({
    max_iterations: z.number().int().min(1).default(5),
    validation: z
      .object({
        forbidden_patterns: z.array(Pattern(DEFAULT_PATTERNS.forbidden)).default([...DEFAULT_PATTERNS.forbidden.patterns]),
        venue_detection_hard: z.boolean().default(true),
        required_vocabularies: z.record(z.string(), z.array(z.string())).default({}),
        evidence_enabled: z.boolean().default(true),
        max_snippets: z.number().int().min(1).default(3),
        snippet_chars: z.number().int().min(40).max(2000).default(200),
        llm_enabled: z.boolean().default(true),
        rule_weight: z.number().min(0).default(1),
        evidence_weight: z.number().min(0).default(0.7),
        llm_weight: z.number().min(0).default(0.4),
        hard_rule_failure_blocks: z.boolean().default(true),
        tie_break_conservative: z.boolean().default(true),
        tie_break_min_strength: Ratio.default(0.7),
        drop_failed: z.boolean().default(false).describe('Remove concepts that fail validation (otherwise only flagged)'),
      })
      .strict()
      .prefault({}),
    deduplication: z
      .object({
        threshold_l0_l1: Ratio.default(0.93),
        threshold_l2_l3: Ratio.default(0.9),
        prefix_length: z.number().int().min(1).default(6),
        phonetic_enabled: z.boolean().default(true),
        phonetic_probe_threshold: Ratio.default(0.75),
        acronym_blocking_enabled: z.boolean().default(true),
        max_block_size: z.number().int().min(2).default(1000),
        parent_context_strict: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    disambiguation: z
      .object({
        enabled: z.boolean().default(true),
        min_parent_divergence: Ratio.default(0.3),
        max_context_overlap: Ratio.default(0.2),
        min_confidence: Ratio.default(0.6),
        defer_below: Ratio.default(0.4),
        gloss_max_words: z.number().int().min(3).default(20),
        max_contexts: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const PlacementSliceSchema = z
  .object({
    min_confidence: Ratio.default(0.3).describe('Below this a concept is left unplaced for review, never put under a guess'),
    backbone_weight_exact: Ratio.default(0.7).describe('Confidence per unit of backbone fit when the label is a CIP title and no institution voted'),
    backbone_weight_words: Ratio.default(0.45).describe('Confidence per unit of backbone fit when only the label\'s words point to CIP'),
    max_alternatives: z.number().int().min(0).default(5).describe('Runners-up kept on a concept'),
    max_override_warnings: z.number().int().min(0).default(10).describe('Overridden declared parents printed on the console (all are in the artifacts)'),
  })
  .strict();

export const HierarchySliceSchema = z
  .object({
    orphan_strategy: z.enum(['quarantine', 'attach_placeholder', 'drop']).default('quarantine'),
    placeholder_prefix: z.string().default('placeholder::'),
    enforce_unique_paths: z.boolean().default(true),
    max_graph_size: z.number().int().min(1).default(1_000_000),
  })
  .strict();

export const TaxonomySliceSchema = z
  .object({
    summary_sample_size: z.number().int().min(0).default(20),
    report: z
      .object({
        max_records_per_concept: z.number().int().min(0).default(25).describe('Records listed per concept in the HTML report (the count is always shown)'),
        max_snippets_per_concept: z.number().int().min(0).default(3).describe('Validation evidence snippets listed per concept'),
        low_confidence_below: Ratio.default(0.6).describe('Placements with a lower confidence are listed in the quality view'),
      })
      .strict()
      .prefault({}),
    exports: z
      .object({
        base_iri: z.string().regex(/^[a-z][a-z0-9+.-]*:/u, 'must be an absolute IRI').default('https://taxonomy.invalid/').describe('Namespace of the SKOS concept IRIs: set it to your own'),
        cip_namespace: z.string().regex(/^[a-z][a-z0-9+.-]*:/u, 'must be an absolute IRI').default('urn:cip:2020:').describe('Prefix of CIP 2020 codes in skos:exactMatch / closeMatch (CIP publishes no IRIs)'),
        scheme_label: z.string().min(1).default('Academic taxonomy'),
        dot_max_level: z.number().int().min(0).max(3).default(1).describe('Deepest level drawn in tree.dot'),
      })
      .strict()
      .prefault({}),
    history: z
      .object({
        dir: z.string().min(1).default('artifacts/.runs/history').describe('Run snapshots, relative to the workspace root, outside Nx outputs'),
        max_runs: z.number().int().min(1).default(30),
        max_total_mb: z.number().min(1).default(50).describe('Oldest snapshots go first when the folder grows past this'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const CrawlBudgetsSchema = z
  .object({
    max_pages: z.number().int().min(1).default(100).describe('HTML pages read per seeds entry (cache hits count)'),
    max_depth: z.number().int().min(0).default(3).describe('Link hops from a seed; sitemap URLs sit at depth 1'),
    max_time_seconds: z.number().positive().default(1800).describe('Wall-clock budget per seeds entry'),
    max_content_bytes: z
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024)
      .describe('Largest response body read: a declared Content-Length above it is skipped unread, a stream is cut at it'),
  })
  .strict();

export const CrawlSliceSchema = z
  .object({
    seeds_file: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Seeds file (relative to the workspace root); null: crawl:run crawls nothing and writes an empty snapshot set'),
    contact: z
      .string()
      .trim()
      .min(3)
      .nullable()
      .default(null)
      .describe('Email or URL site operators can reach you at; sent in the User-Agent, required to crawl'),
    user_agent: z
      .string()
      .regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/u, 'product/version, e.g. taxonomy-build/0.1')
      .default('taxonomy-build/0.1')
      .describe('Product token; robots.txt groups match its name, the contact is appended in parentheses'),
    cache_dir: z.string().min(1).default('.cache/crawl').describe('Snapshot cache and journal, relative to the workspace root, outside Nx outputs'),
    ttl_days: z.number().min(0).default(14).describe('How long a fetched page, redirect, 4xx or skipped file is reused without a request'),
    robots_ttl_hours: z.number().min(0).default(24).describe('How long robots.txt and sitemaps are reused'),
    error_ttl_minutes: z.number().min(0).default(30).describe('How long a transient failure (5xx, 429, timeout, network) is remembered before a retry'),
    respect_robots: z.boolean().default(true),
    respect_crawl_delay: z.boolean().default(true),
    read_sitemaps: z.boolean().default(true).describe('Queue the URLs of the sitemaps robots.txt names (depth 1)'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Requests in flight across all hosts'),
    per_host_concurrency: z.number().int().min(1).max(16).default(2).describe('Requests in flight per host'),
    per_host_requests_per_second: z.number().positive().max(1000).default(1).describe('Request starts per host per second (robots crawl-delay widens the gap)'),
    request_timeout_seconds: z.number().positive().default(20),
    retries: z.number().int().min(0).max(10).default(3).describe('Retries after a 5xx, 429, timeout or dropped connection'),
    retry_base_ms: z.number().int().min(0).default(500).describe('Backoff: min(base·2^attempt, max), or Retry-After when the server sends one'),
    retry_max_ms: z.number().int().min(0).default(30_000),
    max_redirects: z.number().int().min(0).max(20).default(5),
    include_html: z.boolean().default(false).describe('Keep the raw markup in each snapshot (S0 reads the text; markup makes lines large)'),
    defaults: CrawlBudgetsSchema.prefault({}).describe('Budgets of a seeds entry that sets none'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    global: GlobalSliceSchema.prefault({}),
    crawl: CrawlSliceSchema.prefault({}),
    s0: S0SliceSchema.prefault({}),
    s1: S1SliceSchema.prefault({}),
    s2: S2SliceSchema.prefault({}),
    s3: S3SliceSchema.prefault({}),
    llm: LlmSliceSchema.prefault({}),
    postprocess: PostprocessSliceSchema.prefault({}),
    placement: PlacementSliceSchema.prefault({}),
    hierarchy: HierarchySliceSchema.prefault({}),
    taxonomy: TaxonomySliceSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type SliceName = keyof Config;
export const SLICE_NAMES = Object.keys(ConfigSchema.shape) as SliceName[];
export const ENVIRONMENTS = ['development', 'testing', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
