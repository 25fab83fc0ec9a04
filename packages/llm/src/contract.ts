import * as z from 'zod';
import type { LlmUsage } from '@taxonomy/core';

/**
 * The contract between business code and the LLM layer: prompt keys, the variables each takes and the
 * output schema each answer must satisfy. Business code passes a key and variables, never prompt text;
 * every provider (offline or OpenAI-compatible) answers the same keys with the same shapes.
 */

const Level = z.number().int().min(0).max(3);

export const ExtractVariablesSchema = z.object({
  institution: z.string().nullable(),
  level: Level,
  source_text: z.string(),
  section: z.string().nullable().describe('Page section or heading the text sits under'),
  parent_anchor: z.string().nullable().describe('Parent the source declares, if any'),
});
export const ExtractOutputSchema = z.object({
  candidates: z
    .array(
      z.object({
        label: z.string().min(1).max(160).describe('The field, department, area or topic as named'),
        normalized: z.string().min(1).max(160).describe('Lower-case canonical phrase of 1-6 words'),
        aliases: z.array(z.string()).max(10).describe('Other names, acronyms'),
        parents: z.array(z.string()).describe('Textual parent anchors (empty at level 0)'),
      }),
    )
    .describe('One entry per distinct field/area/topic; empty when the text names none'),
});

export const VerifyVariablesSchema = z.object({ label: z.string().min(1), level: Level });
export const VerifyOutputSchema = z.object({
  pass: z.boolean().describe('True when the label is a real academic field/topic at this level'),
  reason: z.string().min(1).max(240),
});

export const EntailmentVariablesSchema = z.object({
  concept: z.object({ id: z.string(), label: z.string(), level: Level, parent_label: z.string().nullable() }),
  evidence: z.array(z.object({ text: z.string(), url: z.string().nullable(), institution: z.string().nullable() })),
});
export const EntailmentOutputSchema = z.object({
  pass: z.boolean().describe('True when the evidence supports the concept as a field/area/topic at this level'),
  confidence: z.number().min(0).max(1),
  reason: z.string().min(1).max(280),
});

export const DisambiguateVariablesSchema = z.object({
  label: z.string(),
  level: Level,
  senses: z.array(z.object({ concept_id: z.string(), parent_label: z.string().nullable(), contexts: z.array(z.string()) })),
});
export const DisambiguateOutputSchema = z.object({
  separable: z.boolean().describe('True when the uses are genuinely different senses'),
  confidence: z.number().min(0).max(1),
  senses: z.array(z.object({ concept_id: z.string(), gloss: z.string().min(1).max(200) })),
  reason: z.string().min(1).max(280),
});

export const PROMPTS = {
  'taxonomy.extract': { variables: ExtractVariablesSchema, output: ExtractOutputSchema },
  'taxonomy.verify_single_token': { variables: VerifyVariablesSchema, output: VerifyOutputSchema },
  'validation.entailment': { variables: EntailmentVariablesSchema, output: EntailmentOutputSchema },
  'taxonomy.disambiguate': { variables: DisambiguateVariablesSchema, output: DisambiguateOutputSchema },
} as const;

export type PromptKey = keyof typeof PROMPTS;
export const PROMPT_KEYS = Object.keys(PROMPTS) as PromptKey[];
export type PromptVariables<K extends PromptKey> = z.infer<(typeof PROMPTS)[K]['variables']>;
export type PromptOutput<K extends PromptKey> = z.infer<(typeof PROMPTS)[K]['output']>;

/**
 * Why a call gave no usable answer; the item is quarantined with this reason and the phase goes on.
 * `invalid_variables`: the item's values break the variables schema (e.g. an empty label); no call was made.
 */
export const FAILURE_REASONS = ['invalid_json', 'schema_invalid', 'response_too_large', 'provider_error', 'timeout', 'rate_limited', 'invalid_variables'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * Failures that say nothing about the item (the server was down, slow or busy): a task with any of them
 * fails instead of being cached, and its rerun asks again. `timeout` covers a request that exceeded its total
 * time (headers and body), `provider_error` 5xx answers and connection failures, `rate_limited` 429.
 */
export const TRANSIENT_FAILURES: ReadonlySet<FailureReason> = new Set(['provider_error', 'timeout', 'rate_limited']);
/** Failures of the answer itself (no valid JSON after the repair re-ask, an answer over the size limit). */
export const PERMANENT_FAILURES: ReadonlySet<FailureReason> = new Set(['invalid_json', 'schema_invalid', 'response_too_large']);

/** How a failure counts: transient (the task fails), permanent (bounded by `llm.max_quarantine_ratio`), or a bad item. */
export function failureKind(reason: FailureReason): 'transient' | 'permanent' | 'item' {
  if (TRANSIENT_FAILURES.has(reason)) return 'transient';
  return PERMANENT_FAILURES.has(reason) ? 'permanent' : 'item';
}

export type LlmCallResult<T> =
  | { ok: true; value: T; cached: boolean; repaired: boolean }
  | { ok: false; reason: FailureReason; error: string };

/**
 * What phases hold: one client per phase task. `run` never throws for a bad item (it returns ok:false);
 * it throws TaxonomyError('PROVIDER_UNAVAILABLE') when the provider is plainly down, so the phase stops
 * with one clear message instead of quarantining everything.
 */
export interface LlmClient {
  readonly provider: 'offline' | 'openai';
  readonly model: string;
  run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>>;
  /** Accounting so far: calls, cache hits, retries, repairs, quarantines, tokens, cost, latency. */
  usage(): LlmUsage;
  /** Flushes the response cache and releases resources. */
  close(): Promise<void>;
}
