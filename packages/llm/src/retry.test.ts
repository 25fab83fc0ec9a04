import { describe, expect, it } from 'vitest';
import { checkAnswer } from './answer.ts';
import { RateLimiter, Semaphore, sleep } from './limiter.ts';
import { backoffDelayMs, hasErrorCode, parseRetryAfterMs } from './retry.ts';
import { quantile } from './usage.ts';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, 3000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'soon' }, null],
    [{}, null],
  ])('reads %j', (h, expected) => {
    expect(parseRetryAfterMs(headers(h), NOW)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  it.each([0, 1, 2, 3, 8])('is deterministic and within [50%, 100%] of the capped exponential at attempt %i', (attempt) => {
    const options = { attempt, baseMs: 100, maxMs: 1000, seed: 'abc' };
    const ceiling = Math.min(1000, 100 * 2 ** attempt);
    const delay = backoffDelayMs(options);
    expect(delay).toBe(backoffDelayMs(options));
    expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
    expect(delay).toBeLessThanOrEqual(ceiling);
  });

  it('differs between requests', () => {
    const delays = new Set(['a', 'b', 'c', 'd'].map((seed) => backoffDelayMs({ attempt: 3, baseMs: 1000, maxMs: 100_000, seed })));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('hasErrorCode', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), true],
    [new Error('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), true],
    [new Error('fetch failed', { cause: { errors: [Object.assign(new Error('a'), { code: 'ECONNREFUSED' })] } }), true],
    [new Error('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), false],
  ])('finds ECONNREFUSED in %s', (err, expected) => {
    expect(hasErrorCode(err, 'ECONNREFUSED')).toBe(expected);
  });
});

describe('checkAnswer', () => {
  it.each([
    ['a valid object', '{"pass":true,"reason":"a field"}', 'taxonomy.verify_single_token', { ok: true, unwrapped: false }],
    ['a fenced object', '```json\n{"pass":true,"reason":"a field"}\n```', 'taxonomy.verify_single_token', { ok: true, unwrapped: false }],
    ['a one-element array', '[{"pass":false,"reason":"brand"}]', 'taxonomy.verify_single_token', { ok: true, unwrapped: true }],
    ['a bare candidates array', '[]', 'taxonomy.extract', { ok: true, unwrapped: true }],
    ['prose', 'Here you go', 'taxonomy.verify_single_token', { ok: false, reason: 'invalid_json' }],
    ['an empty answer', '', 'taxonomy.verify_single_token', { ok: false, reason: 'invalid_json' }],
    ['a wrong shape', '{"validated":true}', 'taxonomy.verify_single_token', { ok: false, reason: 'schema_invalid' }],
    ['a two-element array', '[{"pass":true,"reason":"a"},{"pass":true,"reason":"b"}]', 'taxonomy.verify_single_token', { ok: false, reason: 'schema_invalid' }],
  ] as const)('handles %s', (_name, content, key, expected) => {
    expect(checkAnswer(key, content)).toMatchObject(expected);
  });
});

describe('checkAnswer ordering', () => {
  it('sorts extraction candidates by lower-cased normalized form', () => {
    const content = JSON.stringify({
      candidates: [
        { label: 'B Lab', normalized: 'b lab', aliases: [], parents: [] },
        { label: 'Accounting', normalized: 'Accounting', aliases: [], parents: [] },
      ],
    });
    const res = checkAnswer('taxonomy.extract', content);
    expect(res.ok && res.value.candidates.map((c) => c.label)).toEqual(['Accounting', 'B Lab']);
  });
});

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
