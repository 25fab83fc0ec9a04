import { describe, expect, it } from 'vitest';
import { compareForm, scoreExtraction, scoreVerification } from './score.ts';

describe('compareForm', () => {
  it.each([
    ['Arts & Sciences', 'arts and sciences'],
    ["Women's Studies", 'womens studies'],
    ['Electrical Engineering', 'electrical engineering'],
  ])('%s → %s', (input, out) => {
    expect(compareForm(input)).toBe(out);
  });
});

describe('scoreExtraction', () => {
  it('micro-averages over normalized labels per level and lists the misses', () => {
    const result = scoreExtraction([
      { level: 0, text: 'UNIVERSITY OF PENNSYLVANIA - the Wharton School', expected: ['business'], predicted: ['Business'] },
      { level: 0, text: 'PRINCETON UNIVERSITY - Department of Electrical and Computer Engineering', expected: ['electrical engineering', 'computer engineering'], predicted: ['electrical and computer engineering'] },
      { level: 0, text: 'UNIVERSITY OF CALIFORNIA, LOS ANGELES - the College', expected: [], predicted: [] },
      { level: 1, text: 'department of radiology', expected: ['radiology'], predicted: ['radiology', 'department'] },
    ]);
    expect(result.perLevel['L0']).toEqual({ records: 3, exact: 2, tp: 1, fp: 1, fn: 2, precision: 0.5, recall: 0.3333, f1: 0.4 });
    expect(result.perLevel['L1']).toMatchObject({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(result.misses.map((m) => m.extra)).toEqual([['electrical and computer engineering'], ['department']]);
  });
});

describe('scoreVerification', () => {
  it('counts matching verdicts overall and per level', () => {
    const result = scoreVerification([
      { level: 3, label: 'sigmod', expected: false, predicted: false, reason: 'venue name: sigmod' },
      { level: 0, label: 'geology', expected: true, predicted: true, reason: 'pass' },
      { level: 0, label: 'haas', expected: false, predicted: true, reason: 'pass' },
    ]);
    expect(result.accuracy).toBe(0.6667);
    expect(result.perLevel['L0']).toEqual({ total: 2, correct: 1, accuracy: 0.5 });
    expect(result.misses).toEqual([{ level: 0, label: 'haas', expected: false, reason: 'pass' }]);
  });
});
