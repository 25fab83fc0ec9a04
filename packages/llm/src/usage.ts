import type { LlmUsage } from '@taxonomy/core';

export interface PromptVersionInfo {
  variant: string;
  version: string;
  hash: string;
}

export interface TokenPrice {
  input_per_1k: number;
  output_per_1k: number;
}

/** Value at quantile `q` (0..1) of sorted numbers by the nearest-rank method; null when empty. */
export function quantile(sorted: ReadonlyArray<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/** Running accounting of one client: counts, tokens, cost, latency of real provider calls, prompt versions used. */
export class UsageMeter {
  calls = 0;
  cacheHits = 0;
  retries = 0;
  repairs = 0;
  quarantined = 0;
  quarantinedTransient = 0;
  quarantinedPermanent = 0;
  tokensIn = 0;
  tokensOut = 0;
  private readonly latencies: number[] = [];
  private readonly prompts = new Map<string, PromptVersionInfo>();

  constructor(
    readonly provider: string,
    readonly model: string,
    private readonly price: TokenPrice | null,
  ) {}

  /** Counts one call without a usable answer, by whether its reason is transient or permanent. */
  recordFailure(kind: 'transient' | 'permanent' | 'item'): void {
    this.quarantined += 1;
    if (kind === 'transient') this.quarantinedTransient += 1;
    else if (kind === 'permanent') this.quarantinedPermanent += 1;
  }

  recordLatency(ms: number): void {
    this.latencies.push(Math.max(0, ms));
  }

  recordTokens(tokensIn: number, tokensOut: number): void {
    this.tokensIn += Math.max(0, Math.trunc(tokensIn));
    this.tokensOut += Math.max(0, Math.trunc(tokensOut));
  }

  recordPrompt(key: string, info: PromptVersionInfo): void {
    if (!this.prompts.has(key)) this.prompts.set(key, info);
  }

  snapshot(): LlmUsage {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const cost = this.price ? (this.tokensIn / 1000) * this.price.input_per_1k + (this.tokensOut / 1000) * this.price.output_per_1k : 0;
    const prompts: Record<string, PromptVersionInfo> = {};
    for (const key of [...this.prompts.keys()].sort()) prompts[key] = { ...this.prompts.get(key)! };
    const p50 = quantile(sorted, 0.5);
    const p95 = quantile(sorted, 0.95);
    return {
      provider: this.provider,
      model: this.model,
      calls: this.calls,
      cache_hits: this.cacheHits,
      retries: this.retries,
      repairs: this.repairs,
      quarantined: this.quarantined,
      quarantined_transient: this.quarantinedTransient,
      quarantined_permanent: this.quarantinedPermanent,
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      cost_usd: Math.round(cost * 1e6) / 1e6,
      latency_ms_p50: p50 === null ? null : Math.round(p50),
      latency_ms_p95: p95 === null ? null : Math.round(p95),
      prompts,
    };
  }
}
