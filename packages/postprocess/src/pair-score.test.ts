import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { knownWordsFrom } from './known-words.ts';
import { scorePair } from './pair-score.ts';

const config = defaultConfig().postprocess.deduplication;
// Real CIP 2020 titles stand in for the lexicon's vocabulary.
const knownWords = knownWordsFrom([
  'Molecular Biology', 'Molecular Biophysics', 'Biomedical/Medical Engineering', 'Biological/Biosystems Engineering',
  'Computer Graphics', 'Cognitive Science', 'Cognitive Neuroscience', 'Operations Research', 'Operations Management and Supervision',
  'Genetics, General', 'Genome Sciences/Genomics', 'Computer Science', 'Neuroscience', 'Data Science, General', 'Earth Sciences',
]);

describe('scorePair: must merge', () => {
  it.each([
    ['data-science', 'data science', 0],
    ['data-science', 'data science', 2],
    ['cse', 'computer science and engineering', 1],
    ['hpc', 'high performance computing', 2],
    ['neuroscience', 'neurosciences', 1],
    ['ece', 'electrical and computer engineering', 1],
    ['comp sci', 'computer science', 1],
    ['machine lerning', 'machine learning', 3],
    ['computer vision', 'vision computer', 2],
    ['theatre', 'theater', 1],
  ])('%s ~ %s at L%i', (a, b, level) => {
    const d = scorePair({ label: a }, { label: b }, level, config, knownWords);
    expect(d.merge).toBe(true);
    expect(d.score).toBeGreaterThanOrEqual(d.threshold);
  });
});

describe('scorePair: must not merge', () => {
  it.each([
    ['molecular biology', 'molecular biophysics'],
    ['biomedical engineering', 'biological engineering'],
    ['computer vision', 'computer graphics'],
    ['cognitive science', 'cognitive neuroscience'],
    ['operations research', 'operations management'],
    ['mechanical engineering', 'mechanical engineering materials science'],
    ['genetics', 'genomics'],
    ['information systems', 'information science'],
    ['east asia', 'east asian studies'],
    ['control', 'control systems'],
    ['earth science', 'earthquake science'],
  ])('%s ≁ %s at every level', (a, b) => {
    for (const level of [0, 1, 2, 3]) expect(scorePair({ label: a }, { label: b }, level, config, knownWords).merge).toBe(false);
  });

  it('names the veto when a string match is refused', () => {
    const d = scorePair({ label: 'molecular biology' }, { label: 'molecular biophysics' }, 2, config, knownWords);
    expect(d.score).toBeGreaterThanOrEqual(0.9);
    expect(d.veto).toMatch(/distinct words/u);
  });
});

describe('scorePair: thresholds and aliases', () => {
  it.each([
    [0, 0.93],
    [1, 0.93],
    [2, 0.9],
    [3, 0.9],
  ])('L%i threshold is %d', (level, threshold) => {
    expect(scorePair({ label: 'a b' }, { label: 'c d' }, level, config, knownWords).threshold).toBe(threshold);
  });

  it('matches an upper-case alias against a lower-case acronym label', () => {
    const d = scorePair({ label: 'computer science', aliases: ['CS'] }, { label: 'cs' }, 1, config, knownWords);
    expect(d.merge).toBe(true);
    expect(d.signals.alias_match).toBe(1);
  });
});
