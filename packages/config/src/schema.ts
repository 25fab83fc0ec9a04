import { z } from 'zod';
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

/** A pattern the phase compiles with `flags`: checked to compile and screened for catastrophic backtracking. */
const Pattern = (flags: string) =>
  z.string().superRefine((pattern, ctx) => {
    const problem = regexProblem(pattern, flags);
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
        header_patterns: z.array(Pattern('u')).default(['^#{1,6}\\s+\\S.*$', '^[A-Z][A-Z0-9&,\\- ]{2,60}:?$']),
        header_max_words: z.number().int().min(1).default(12),
      })
      .strict()
      .prefault({}),
    boilerplate_patterns: z
      .array(Pattern('iu'))
      .default([
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
      ]),
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
        forbidden_patterns: z.array(Pattern('iu')).default(['\\b(neurips|icml|cvpr|acl|emnlp|kdd|siggraph)\\b(\\s*\\d{2,4})?$']),
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
  })
  .strict();

export const ConfigSchema = z
  .object({
    global: GlobalSliceSchema.prefault({}),
    s0: S0SliceSchema.prefault({}),
    s1: S1SliceSchema.prefault({}),
    s2: S2SliceSchema.prefault({}),
    s3: S3SliceSchema.prefault({}),
    llm: LlmSliceSchema.prefault({}),
    postprocess: PostprocessSliceSchema.prefault({}),
    hierarchy: HierarchySliceSchema.prefault({}),
    taxonomy: TaxonomySliceSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type SliceName = keyof Config;
export const SLICE_NAMES = Object.keys(ConfigSchema.shape) as SliceName[];
export const ENVIRONMENTS = ['development', 'testing', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
