import { describe, expect, it } from 'vitest';
import { benchDeduplicate, generateBenchConcepts } from './bench.ts';

describe('benchDeduplicate', () => {
  it.each([
    [3000, 1],
    [2000, 7],
  ])('generates %i concepts (seed %i) deterministically, spread over levels and parents', (count, seed) => {
    const a = generateBenchConcepts(count, seed);
    const b = generateBenchConcepts(count, seed);
    expect(a).toEqual(b);
    expect(a).toHaveLength(count);
    expect(new Set(a.map((c) => c.id)).size).toBe(count);
    expect(new Set(a.map((c) => c.level))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(a.map((c) => c.parent)).size).toBeGreaterThan(3);
  });

  it('finds the planted variants and reports the same merges for the same seed', () => {
    const first = benchDeduplicate(2000, 11);
    const second = benchDeduplicate(2000, 11);
    expect(first.count).toBe(2000);
    expect(first.merges).toBe(second.merges);
    expect(first.merges).toBeGreaterThan(0);
    expect(first.ms).toBeGreaterThanOrEqual(0);
  });
});
