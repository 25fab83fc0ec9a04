import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { readSeedStrings } from './corpus.ts';
import { PER_INSTITUTION, VENUE_EVERY, generateScaleCorpus } from './scale-corpus.ts';

const seeds = readSeedStrings(findWorkspaceRoot());
const lines = (text: string | undefined) => (text ?? '').trimEnd().split('\n').filter((l) => l !== '');

describe('generateScaleCorpus', () => {
  it.each([10, 37])('%i institutions: each has its schools and departments, one venue per %i', (n) => {
    const corpus = generateScaleCorpus(seeds, n, 5);
    expect(new Set(corpus.institutions.map((i) => i.toLowerCase())).size).toBe(n);
    expect(corpus.venues).toHaveLength(Math.ceil(n / VENUE_EVERY));
    const units = lines(corpus.files['level-0-units.jsonl']).map((l) => JSON.parse(l) as { text: string; provenance: { institution: string } });
    const depts = lines(corpus.files['level-1-departments.txt']).map((l) => l.split('||'));
    expect(units).toHaveLength(corpus.itemsPerLevel[0]);
    expect(depts).toHaveLength(corpus.itemsPerLevel[1]);
    for (const name of corpus.institutions) {
      const own = units.filter((u) => u.provenance.institution === name);
      expect(own.length).toBeGreaterThanOrEqual(PER_INSTITUTION.units[0]);
      expect(own.length).toBeLessThanOrEqual(PER_INSTITUTION.units[1]);
      for (const u of own) expect(u.text.startsWith(`${name} - `)).toBe(true);
      const ownDepts = depts.filter(([inst]) => inst === name.toLowerCase());
      expect(ownDepts.length).toBeGreaterThanOrEqual(PER_INSTITUTION.departments[0]);
      expect(ownDepts.length).toBeLessThanOrEqual(PER_INSTITUTION.departments[1]);
    }
    const topics = lines(corpus.files['level-3-topics.jsonl']).map((l) => JSON.parse(l) as { institution: string; text: string; meta: { level_hint: number } });
    expect(topics.map((t) => t.institution)).toEqual(corpus.venues);
    expect(topics.reduce((s, t) => s + t.text.split('\n').length - 1, 0)).toBe(corpus.itemsPerLevel[3]);
    for (const t of topics) expect(t.meta.level_hint).toBe(3);
  });

  it('grows by institution: the corpus of N + 1 holds the first N institutions unchanged', () => {
    const small = generateScaleCorpus(seeds, 12, 9);
    const large = generateScaleCorpus(seeds, 13, 9);
    expect(large.institutions.slice(0, 12)).toEqual(small.institutions);
    const depts = (c: typeof small, names: string[]) => lines(c.files['level-1-departments.txt']).filter((l) => names.includes(l.split('||')[0]!));
    const firstTwelve = small.institutions.map((n) => n.toLowerCase());
    expect(depts(large, firstTwelve)).toEqual(depts(small, firstTwelve));
  });

  it('is deterministic for a seed and draws real strings of the sample corpus', () => {
    expect(generateScaleCorpus(seeds, 15, 1)).toEqual(generateScaleCorpus(seeds, 15, 1));
    expect(generateScaleCorpus(seeds, 15, 2).institutions).not.toEqual(generateScaleCorpus(seeds, 15, 1).institutions);
    const known = new Set(seeds.departments.map((d) => d.toLowerCase()));
    const depts = lines(generateScaleCorpus(seeds, 15, 1).files['level-1-departments.txt']).map((l) => l.split('||')[1]!.toLowerCase().replace(/^(department|school|division|college) of /u, ''));
    expect(depts.filter((d) => known.has(d)).length / depts.length).toBeGreaterThan(0.8);
  });
});
