import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyRequire, packageRoot } from './lazy-require.ts';

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

describe('packageRoot', () => {
  it('is the folder of a workspace package, whoever asks: the one holding its package.json and shipped files', () => {
    const root = packageRoot('@taxonomy/lexicon');
    expect(root).toBe(join(import.meta.dirname, '..', '..', 'lexicon'));
    expect(existsSync(join(root, 'data', 'cip', 'CIPCode2020.csv'))).toBe(true);
    expect(existsSync(join(packageRoot('@taxonomy/llm'), 'prompts'))).toBe(true);
  });

  it('names the package when it cannot be resolved', () => {
    expect(() => packageRoot('@taxonomy/no-such-package')).toThrow(/@taxonomy\/no-such-package/u);
  });
});
