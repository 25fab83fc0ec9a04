import { describe, expect, it } from 'vitest';
import { RateLimiter, Semaphore, agentShare, sleep } from './limiter.ts';

describe('Semaphore', () => {
  it.each([1, 3])('holds at most %i at once and serves everyone', async (limit) => {
    const sem = new Semaphore(limit);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await sem.acquire();
        active += 1;
        peak = Math.max(peak, active);
        await sleep(2);
        active -= 1;
        done.push(i);
        sem.release();
      }),
    );
    expect(peak).toBe(limit);
    expect(sem.maxInFlight).toBe(limit);
    expect(done.length).toBe(10);
    expect(sem.inFlight).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('makes a request wait until the tokens-per-minute budget refills', async () => {
    const limiter = new RateLimiter(1000, 600); // 600 tokens a minute = 10 a second
    await limiter.acquire(600);
    const started = performance.now();
    await limiter.acquire(5); // needs 0.5 s of refill
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('makes a request wait until the requests-per-minute budget refills', async () => {
    const limiter = new RateLimiter(300, 1_000_000); // 5 a second
    for (let i = 0; i < 300; i += 1) await limiter.acquire(1);
    const started = performance.now();
    await limiter.acquire(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('books the real token count after a request', async () => {
    const limiter = new RateLimiter(1000, 600);
    await limiter.acquire(10);
    limiter.settle(10, 600); // the answer was much longer than estimated
    const started = performance.now();
    await limiter.acquire(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('agentShare', () => {
  const limits = { concurrency: 8, requests_per_minute: 3000, tokens_per_minute: 2_000_000 };
  it.each([
    [1, { concurrency: 8, requests_per_minute: 3000, tokens_per_minute: 2_000_000 }],
    [4, { concurrency: 2, requests_per_minute: 750, tokens_per_minute: 500_000 }],
    [3, { concurrency: 2, requests_per_minute: 1000, tokens_per_minute: 666_666 }],
    [16, { concurrency: 1, requests_per_minute: 187, tokens_per_minute: 125_000 }],
  ])('%i agent(s) each take limit/N, rounded down, at least 1', (agents, share) => {
    expect(agentShare(limits, agents)).toEqual(share);
    // Together they stay within the account's limits as long as every limit is ≥ N.
    if (agents <= limits.concurrency) expect(share.concurrency * agents).toBeLessThanOrEqual(limits.concurrency);
    expect(share.requests_per_minute * agents).toBeLessThanOrEqual(limits.requests_per_minute);
  });

  it.each([0, -1, 1.5])('refuses %d agents', (agents) => {
    expect(() => agentShare(limits, agents)).toThrow(RangeError);
  });
});
