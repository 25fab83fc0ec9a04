import { describe, expect, it } from 'vitest';
import { benchLlmThroughput } from './bench.ts';

describe('benchLlmThroughput (small, correctness only)', () => {
  it.each(['in-process', 'process'] as const)('runs 200 extraction calls with the server %s', async (server) => {
    const result = await benchLlmThroughput({ records: 200, latencyMs: 5, concurrency: 8, server });
    expect(result).toMatchObject({ records: 200, ok: 200, failed: 0, requests: 200, idealMs: 125 });
    expect(result.maxInFlight).toBeLessThanOrEqual(8);
    expect(result.usage).toMatchObject({ provider: 'openai', calls: 200, cache_hits: 0, retries: 0, quarantined: 0 });
    expect(result.usage.tokens_in).toBeGreaterThan(0);
  });
});
