import { describe, expect, it } from 'vitest';
import { explainMerge } from './explain.ts';

describe('explainMerge (lexicon vocabulary)', () => {
  it.each([
    ['cse', 'computer science and engineering', 1, true, 'abbreviation'],
    ['data-science', 'data science', 2, true, 'compact_equal'],
    ['neuroscience', 'neurosciences', 1, true, 'compact_equal'],
    ['molecular biology', 'molecular biophysics', 2, false, 'jaro_winkler'],
    ['operations research', 'operations management', 1, false, 'jaro_winkler'],
  ] as const)('%s vs %s at L%i → merge %s (driver %s)', (a, b, level, merge, driver) => {
    const r = explainMerge({ a, b, level });
    expect(r.merge).toBe(merge);
    expect(r.driver).toBe(driver);
    expect(r.threshold).toBe(level <= 1 ? 0.93 : 0.9);
    expect(r.reason.length).toBeGreaterThan(0);
    expect(Object.keys(r.signals).sort()).toEqual(['abbreviation', 'alias_match', 'compact_equal', 'jaro_winkler', 'token_jaccard']);
  });
});
