import { TaxonomyError, type LlmUsage } from '@taxonomy/core';

export interface LlmOutcomeLimits {
  /** Largest share of calls that may end without a valid answer (invalid JSON after the repair re-ask, oversized answers). */
  maxQuarantineRatio: number;
  /** Whether finished calls are replayed from the response cache on a rerun (said in the message). */
  cacheEnabled: boolean;
}

/**
 * Decides whether a task's LLM work deserves to be cached. A call that failed for a transient reason (5xx,
 * 429, timeout, connection) says nothing about the item: the task fails so that a rerun asks again, instead
 * of Nx caching the loss. Permanent failures (no valid answer after the repair re-ask) fail the task above
 * `llm.max_quarantine_ratio` of its calls.
 */
export function assertLlmOutcome(task: string, usage: LlmUsage | null | undefined, limits: LlmOutcomeLimits): void {
  if (usage === null || usage === undefined) return;
  const replay = limits.cacheEnabled ? 'finished calls are replayed from the response cache' : 'the response cache is off, so every call runs again';
  const transient = usage.quarantined_transient ?? 0;
  const permanent = usage.quarantined_permanent ?? 0;
  if (transient > 0) {
    throw new TaxonomyError('PROVIDER_FAILED', `${task}: ${transient} ${transient === 1 ? 'call' : 'calls'} failed transiently; rerun — ${replay}`);
  }
  const ratio = usage.calls === 0 ? 0 : permanent / usage.calls;
  if (permanent > 0 && ratio > limits.maxQuarantineRatio) {
    throw new TaxonomyError(
      'PROVIDER_FAILED',
      `${task}: ${permanent} of ${usage.calls} calls (${(ratio * 100).toFixed(1)}%) gave no valid answer, above llm.max_quarantine_ratio=${limits.maxQuarantineRatio}`,
    );
  }
}
