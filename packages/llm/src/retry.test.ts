import { describe, expect, it } from 'vitest';
import { backoffDelayMs, hasErrorCode, parseRetryAfterMs } from './retry.ts';

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
