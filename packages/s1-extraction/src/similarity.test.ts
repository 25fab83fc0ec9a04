import { describe, expect, it } from 'vitest';
import { FuzzyIndex, ratcliffObershelp } from './similarity.ts';

describe('ratcliffObershelp', () => {
  // Values are what Python's difflib.SequenceMatcher(None, a, b).ratio() gives for these strings.
  it.each([
    ['engineering', 'engineering', 1],
    ['engineerin', 'engineering', 20 / 21],
    ['computer sciences', 'computer science', 32 / 33],
    ['abc', 'xyz', 0],
    ['', '', 1],
    ['physics', '', 0],
  ])('%s vs %s = %f', (a, b, expected) => {
    expect(ratcliffObershelp(a, b)).toBeCloseTo(expected, 10);
  });

  it('is symmetric on sample labels', () => {
    expect(ratcliffObershelp('molecular biology', 'molecular biophysics')).toBeCloseTo(ratcliffObershelp('molecular biophysics', 'molecular biology'), 10);
  });
});

describe('FuzzyIndex', () => {
  const index = new FuzzyIndex(['engineering', 'physics', 'medicine', 'computer science', 'electrical engineering', 'economics']);

  it.each([
    ['engineerin', 0.86, 'engineering'],
    ['computer sciences', 0.86, 'computer science'],
    ['phisics', 0.8, 'physics'],
    ['engg', 0.86, null],
    ['law', 0.86, null],
  ])('best(%s, %f) → %s', (query, cutoff, expected) => {
    expect(index.best(query, cutoff)?.key ?? null).toBe(expected);
  });
});
