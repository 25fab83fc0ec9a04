import { describe, expect, it } from 'vitest';
import { UsageMeter, quantile } from './usage.ts';

describe('quantile', () => {
  it.each([
    [[], 0.5, null],
    [[5], 0.95, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.95, 19],
  ])('of %j at %f is %j', (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });
});

describe('UsageMeter', () => {
  it.each([
    [{ input_per_1k: 0.00015, output_per_1k: 0.0006 }, 2000, 1000, 0.0009],
    [null, 2000, 1000, 0],
  ])('prices %j for %i tokens in and %i out at %f USD', (price, tokensIn, tokensOut, cost) => {
    const meter = new UsageMeter('openai', 'gpt-4o-mini', price);
    meter.recordTokens(tokensIn, tokensOut);
    for (const ms of [30, 10, 20]) meter.recordLatency(ms);
    meter.recordPrompt('taxonomy.extract', { variant: 'v2', version: '2', hash: 'h' });
    meter.recordPrompt('taxonomy.extract', { variant: 'v9', version: '9', hash: 'other' });
    expect(meter.snapshot()).toMatchObject({
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      cost_usd: cost,
      latency_ms_p50: 20,
      latency_ms_p95: 30,
      prompts: { 'taxonomy.extract': { variant: 'v2', version: '2', hash: 'h' } },
    });
  });
});
