import { TaxonomyError } from '@taxonomy/core';
import { sha256Hex, stableStringify } from '@taxonomy/core';
import type { Logger } from '@taxonomy/observability';
import * as z from 'zod';
import { PROMPTS, type LlmCallResult, type LlmClient, type PromptKey, type PromptOutput, type PromptVariables } from './contract.ts';
import { canonicalizeAnswer } from './answer.ts';
import { OFFLINE_RULES_VERSION, answerOffline } from './offline.ts';
import { UsageMeter } from './usage.ts';

/** Model name the offline provider reports: the lexicon's rules, not a language model. */
export const OFFLINE_MODEL = 'lexicon-rules';

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Checks variables against the key's schema. A missing variable or an unknown key is a programming error and
 * throws PROMPT_INVALID before any call; a present value that breaks a rule (an empty label, level 7) is a bad
 * item, returned as an error message for an `invalid_variables` result.
 */
export function parseVariables<K extends PromptKey>(key: K, variables: unknown): { ok: true; value: PromptVariables<K> } | { ok: false; error: string } {
  const spec = PROMPTS[key];
  if (!spec) throw new TaxonomyError('PROMPT_INVALID', `unknown prompt key "${String(key)}"`);
  const parsed = spec.variables.safeParse(variables);
  if (parsed.success) return { ok: true, value: parsed.data as PromptVariables<K> };
  const missing = parsed.error.issues.filter((i) => valueAt(variables, i.path) === undefined).map((i) => i.path.join('.') || '(root)');
  if (missing.length > 0) throw new TaxonomyError('PROMPT_INVALID', `variables for "${key}" lack: ${[...new Set(missing)].join(', ')}`);
  return { ok: false, error: `variables for "${key}" are invalid: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/gu, '; ')}` };
}

const promptInfo = new Map<PromptKey, { variant: string; version: string; hash: string }>();

/** What the offline provider reports per key: rules version and a hash of it with the output schema. */
function offlinePromptInfo(key: PromptKey): { variant: string; version: string; hash: string } {
  let info = promptInfo.get(key);
  if (!info) {
    const hash = sha256Hex(stableStringify({ key, rules: OFFLINE_RULES_VERSION, schema: z.toJSONSchema(PROMPTS[key].output) }));
    info = { variant: 'offline', version: OFFLINE_RULES_VERSION, hash };
    promptInfo.set(key, info);
  }
  return { ...info };
}

/** The deterministic provider: answers every key from the lexicon; no cache needed, calls are counted. */
export class OfflineLlmClient implements LlmClient {
  readonly provider = 'offline' as const;
  readonly model = OFFLINE_MODEL;
  private readonly meter = new UsageMeter('offline', OFFLINE_MODEL, null);

  constructor(private readonly log: Logger) {}

  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    const parsed = parseVariables(key, variables);
    this.meter.calls += 1;
    if (!parsed.ok) {
      this.meter.recordFailure('item');
      this.log.warn({ key, error: parsed.error }, 'llm call skipped: invalid variables');
      return { ok: false, reason: 'invalid_variables', error: parsed.error };
    }
    const vars = parsed.value;
    this.meter.recordPrompt(key, offlinePromptInfo(key));
    const answer = answerOffline(key, vars);
    const checked = PROMPTS[key].output.safeParse(answer);
    if (!checked.success) {
      this.meter.recordFailure('permanent');
      const error = `offline answer for "${key}" fails its schema: ${z.prettifyError(checked.error).replace(/\s*\n\s*/gu, '; ')}`;
      this.log.warn({ key, error }, 'offline answer rejected');
      return { ok: false, reason: 'schema_invalid', error };
    }
    return { ok: true, value: canonicalizeAnswer(key, checked.data as PromptOutput<K>), cached: false, repaired: false };
  }

  usage() {
    return this.meter.snapshot();
  }

  async close(): Promise<void> {}
}
