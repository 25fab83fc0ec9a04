import { TaxonomyError } from '@taxonomy/core';
import { sha256Hex, stableStringify } from '@taxonomy/core';
import type { Logger } from '@taxonomy/observability';
import { z } from 'zod';
import { PROMPTS, type LlmCallResult, type LlmClient, type PromptKey, type PromptOutput, type PromptVariables } from './contract.ts';
import { OFFLINE_RULES_VERSION, answerOffline } from './offline.ts';
import { UsageMeter } from './usage.ts';

/** Model name the offline provider reports: the lexicon's rules, not a language model. */
export const OFFLINE_MODEL = 'lexicon-rules';

/** Checks variables against the key's schema; a mismatch is a programming error, so it throws PROMPT_INVALID. */
export function parseVariables<K extends PromptKey>(key: K, variables: unknown): PromptVariables<K> {
  const spec = PROMPTS[key];
  if (!spec) throw new TaxonomyError('PROMPT_INVALID', `unknown prompt key "${String(key)}"`);
  const parsed = spec.variables.safeParse(variables);
  if (!parsed.success) {
    throw new TaxonomyError('PROMPT_INVALID', `variables for "${key}" are invalid: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/gu, '; ')}`);
  }
  return parsed.data as PromptVariables<K>;
}

/** The deterministic provider: answers every key from the lexicon; no cache needed, calls are counted. */
export class OfflineLlmClient implements LlmClient {
  readonly provider = 'offline' as const;
  readonly model = OFFLINE_MODEL;
  private readonly meter = new UsageMeter('offline', OFFLINE_MODEL, null);

  constructor(private readonly log: Logger) {}

  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    const vars = parseVariables(key, variables);
    this.meter.calls += 1;
    this.meter.recordPrompt(key, {
      variant: 'offline',
      version: OFFLINE_RULES_VERSION,
      hash: sha256Hex(stableStringify({ key, rules: OFFLINE_RULES_VERSION, schema: z.toJSONSchema(PROMPTS[key].output) })),
    });
    const answer = answerOffline(key, vars);
    const checked = PROMPTS[key].output.safeParse(answer);
    if (!checked.success) {
      this.meter.quarantined += 1;
      const error = `offline answer for "${key}" fails its schema: ${z.prettifyError(checked.error).replace(/\s*\n\s*/gu, '; ')}`;
      this.log.warn({ key, error }, 'offline answer rejected');
      return { ok: false, reason: 'schema_invalid', error };
    }
    return { ok: true, value: checked.data as PromptOutput<K>, cached: false, repaired: false };
  }

  usage() {
    return this.meter.snapshot();
  }

  async close(): Promise<void> {}
}
