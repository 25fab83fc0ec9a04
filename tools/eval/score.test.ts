import { describe, expect, it } from 'vitest';
import { checkFloors, compareForm, formatExtractionTable, scoreExtraction, scoreVerification, type PrfScore, type VerificationScore } from './score.ts';

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

describe('checkFloors', () => {
  const prf = (f1: number): PrfScore => ({ records: 10, exact: 5, tp: 8, fp: 1, fn: 1, precision: f1, recall: f1, f1 });
  const verification = (accuracy: number): VerificationScore => ({ total: 10, correct: Math.round(accuracy * 10), accuracy, perLevel: {}, misses: [] });
  it.each([
    ['all at or above', { L0: prf(0.95), L1: prf(0.93) }, 0.96, []],
    ['one level below', { L0: prf(0.94), L1: prf(0.93) }, 0.96, ['held-out L0: extraction F1 0.9400 is below the recorded floor 0.9500']],
    ['a level with no records', { L0: prf(0.95) }, 0.96, ['held-out L1: no records scored (floor F1 0.930)']],
    ['verification below', { L0: prf(0.95), L1: prf(0.93) }, 0.9, ['held-out: verification accuracy 0.9000 is below the recorded floor 0.9500']],
  ] as const)('%s', (_name, extraction, accuracy, expected) => {
    expect(checkFloors('held-out', extraction, verification(accuracy), { extraction: { L0: 0.95, L1: 0.93 }, verification: 0.95 })).toEqual(expected);
  });
});

describe('formatExtractionTable', () => {
  it('puts the sets side by side per level and marks a level a set lacks', () => {
    const score: PrfScore = { records: 122, exact: 100, tp: 120, fp: 10, fn: 12, precision: 0.9231, recall: 0.9091, f1: 0.916 };
    const table = formatExtractionTable([
      { name: 'in-sample', perLevel: { L0: score, L1: score } },
      { name: 'held-out', perLevel: { L0: score } },
    ]);
    expect(table.split('\n')[2]).toBe('  L0          122 0.923 0.909 0.916         122 0.923 0.909 0.916');
    expect(table.split('\n')[3]).toBe('  L1          122 0.923 0.909 0.916           -');
  });
});
