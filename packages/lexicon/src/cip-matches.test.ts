import { describe, expect, it } from 'vitest';
import { cipMatches } from './field-lexicon.ts';

describe('cipMatches', () => {
  it.each([
    { label: 'computer science', exact: ['11.07', '11.0701'], close: [] },
    { label: 'mechanical engineering', exact: ['14.19', '14.1901'], close: [] },
    { label: 'physics', exact: ['40.08', '40.0801'], close: [], why: '"Physics, Other" is not a match' },
    { label: 'biology', exact: ['26.01'], close: [], why: 'a title matched through one "/" alternative does not count' },
    { label: 'neurosciences', exact: [], close: ['26.1501'], why: 'the plural folds to "Neuroscience"' },
    { label: 'machine learning', exact: [], close: [] },
    { label: 'reinforcement learning', exact: [], close: [] },
  ])('$label', ({ label, exact, close }) => {
    const m = cipMatches(label);
    expect(m.exact.map((e) => e.code)).toEqual(exact);
    expect(m.close.map((e) => e.code)).toEqual(close);
  });
});
