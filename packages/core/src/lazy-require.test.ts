import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lazyRequire } from './lazy-require.ts';

describe('lazyRequire', () => {
  it('loads nothing until called: a missing module fails at the first call, not at creation', () => {
    const missing = lazyRequire(import.meta.url, 'no-such-module-taxonomy-test');
    expect(() => missing()).toThrow(/no-such-module-taxonomy-test/u);
  });

  it('returns the module its caller would require, the same object every time', () => {
    const parser = lazyRequire<typeof import('htmlparser2')>(import.meta.url, 'htmlparser2');
    const first = parser();
    expect(first).toBe(createRequire(import.meta.url)('htmlparser2'));
    expect(parser()).toBe(first);
    expect(typeof first.Parser).toBe('function');
  });
});
