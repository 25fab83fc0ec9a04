import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { createRandom, generateBenchCorpus, readSeedStrings } from './corpus.ts';

const seeds = readSeedStrings(findWorkspaceRoot());

describe('readSeedStrings', () => {
  it('reads the real strings of the bundled corpus', () => {
    expect(seeds.units).toHaveLength(466);
    expect(seeds.departments.length).toBeGreaterThanOrEqual(2166);
    expect(seeds.institutions).toContain('UNIVERSITY OF PENNSYLVANIA');
    expect(seeds.areas.length).toBeGreaterThan(50);
    expect(seeds.topics.length).toBeGreaterThan(50);
    expect(seeds.venues).toContain('NeurIPS');
  });
});

describe('generateBenchCorpus', () => {
  it.each([1000, 12345])('%i records: split over four levels, each level file holds its share', (records) => {
    const corpus = generateBenchCorpus(seeds, records, 7);
    expect(corpus.itemsPerLevel.reduce((a, b) => a + b, 0)).toBe(records);
    const lines = (name: string) => corpus.files[name]!.trimEnd().split('\n');
    expect(lines('level-0-units.jsonl')).toHaveLength(corpus.itemsPerLevel[0]);
    expect(lines('level-1-departments.txt')).toHaveLength(corpus.itemsPerLevel[1]);
    const items = (name: string) => lines(name).reduce((n, l) => n + (JSON.parse(l) as { text: string }).text.split('\n').length - 1, 0);
    expect(items('level-2-research-areas.jsonl')).toBe(corpus.itemsPerLevel[2]);
    expect(items('level-3-topics.jsonl')).toBe(corpus.itemsPerLevel[3]);
    for (const line of lines('level-1-departments.txt')) expect(line).toMatch(/^[^|]+\|\|.+$/u);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateBenchCorpus(seeds, 2000, 1)).toEqual(generateBenchCorpus(seeds, 2000, 1));
    expect(generateBenchCorpus(seeds, 2000, 1).files['level-1-departments.txt']).not.toBe(generateBenchCorpus(seeds, 2000, 2).files['level-1-departments.txt']);
  });

  it('recombines: conjunctions, prefixes, case changes and many institutions appear', () => {
    const text = Object.values(generateBenchCorpus(seeds, 5000, 3).files).join('\n');
    expect(text).toMatch(/ and /u);
    expect(text).toMatch(/ & /u);
    expect(text).toMatch(/Department of |School of /u);
    expect(text).toMatch(/[A-Z]{4,} [A-Z]{4,}/u);
    const institutions = new Set(generateBenchCorpus(seeds, 5000, 3).files['level-1-departments.txt']!.split('\n').map((l) => l.split('||')[0]));
    expect(institutions.size).toBeGreaterThan(40);
  });
});

describe('createRandom', () => {
  it('gives the same sequence for a seed, in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
