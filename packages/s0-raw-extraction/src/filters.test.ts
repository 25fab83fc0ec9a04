import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import {
  checkLanguage,
  compileBoilerplate,
  compileHeaderPatterns,
  dedupeNearDuplicates,
  isBoilerplateLine,
  jaccard,
  parseConfidence,
  wordShingles,
  withinLengthBounds,
} from './filters.ts';

const s0 = defaultConfig().s0;
const boilerplate = compileBoilerplate(s0.boilerplate_patterns);

describe('boilerplate lines', () => {
  it.each([
    ['We invite submissions presenting new and original research on topics including but not limited to the following:', true],
    ['Topics of interest include (but are not limited to):', true],
    ['Relevant topics for the conference include, but are not limited to, the following areas (in alphabetical order):', true],
    ['© 2024 Example University', true],
    ['All Rights Reserved 2024', true],
    ['Contact us', true],
    ['Skip to main content', true],
    ['Computer vision', false],
    ['Decision-making, reinforcement learning, and control', false],
    ['Information Retrieval and Text Mining', false],
  ])('%s → %s', (line, expected) => {
    expect(isBoilerplateLine(line, boilerplate)).toBe(expected);
  });

  it('names an invalid pattern', () => {
    expect(() => compileBoilerplate(['(unclosed'])).toThrow(/s0\.boilerplate_patterns: invalid regular expression "\(unclosed"/u);
  });

  it.each([
    ['COMPUTER SCIENCE', true],
    ['Computer Science', false],
    ['## Submission Topics', true],
    ['SUBMISSIONS TOPICS', true],
    ['Course\tCredits', false],
  ])('header patterns are case-sensitive: %s → %s', (line, expected) => {
    const patterns = compileHeaderPatterns(s0.segmentation.header_patterns);
    expect(patterns.some((re) => re.test(line))).toBe(expected);
  });
});

describe('length bounds', () => {
  it.each([
    ['AI', 3, 2000, false],
    ['Theory', 3, 2000, true],
    ['A'.repeat(2050), 3, 2000, false],
    ['  Optimization  ', 12, 2000, true],
    ['Generation', 12, 2000, false],
  ])('%s within [%i, %i] → %s', (text, min, max, expected) => {
    expect(withinLengthBounds(text, min, max)).toBe(expected);
  });
});

describe('language gate', () => {
  const gate = s0.language;
  it.each([
    ['en', 0.79, false, 'low-confidence'],
    ['en', 0.8, true, 'ok'],
    ['en-US', 0.9, true, 'ok'],
    ['es', 0.99, false, 'language-mismatch'],
    ['EN', 0.95, true, 'ok'],
    ['en', null, true, 'ok'],
    ['und', null, true, 'ok'],
    [null, null, true, 'ok'],
    ['de', null, false, 'language-mismatch'],
  ] as const)('lang %s, confidence %s → keep %s (%s)', (language, confidence, keep, reason) => {
    expect(checkLanguage(language, confidence, gate)).toEqual({ keep, reason });
  });

  it('drops a record without confidence only when require_confidence is set', () => {
    expect(checkLanguage('en', null, { ...gate, require_confidence: true })).toEqual({ keep: false, reason: 'missing-confidence' });
    expect(checkLanguage('fr', 0.2, { ...gate, target: 'any' })).toEqual({ keep: true, reason: 'target-any' });
  });

  it.each([
    [0.93, 0.93],
    ['0.95', 0.95],
    ['abc', null],
    [undefined, null],
    [1.7, null],
  ])('parseConfidence(%s) → %s', (value, expected) => {
    expect(parseConfidence(value)).toBe(expected);
  });
});

describe('shingle dedup', () => {
  it.each([
    ['Question Answering', ['question answering']],
    ['Machine Translation and Multilinguality', ['machine translation and', 'translation and multilinguality']],
    ['Ethics, Bias, and Fairness', ['ethics bias and', 'bias and fairness']],
  ])('wordShingles(%s)', (text, expected) => {
    expect([...wordShingles(text, 3)]).toEqual(expected);
  });

  it.each([
    [new Set<string>(), new Set<string>(), 1],
    [new Set(['a b c']), new Set<string>(), 0],
    [new Set(['a b c', 'b c d']), new Set(['b c d', 'c d e']), 1 / 3],
  ])('jaccard %#', (a, b, expected) => {
    expect(jaccard(a, b)).toBeCloseTo(expected, 10);
  });

  it('drops near-duplicate blocks of one page and keeps the first', () => {
    const texts = [
      'Our programs emphasise research excellence and collaboration.',
      'Information Retrieval and Text Mining',
      'Our programs emphasise research excellence and collaboration',
      'Information Retrieval and Question Answering',
    ];
    expect(dedupeNearDuplicates(texts, 0.95, 3)).toEqual([0, 1, 3]);
  });
});
