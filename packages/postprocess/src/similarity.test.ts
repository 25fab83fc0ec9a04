import { describe, expect, it } from 'vitest';
import {
  abbreviationScore,
  contentTokens,
  foldLabel,
  initials,
  jaro,
  jaroWinkler,
  singularize,
  tokenJaccard,
  tokensAligned,
} from './similarity.ts';

describe('jaroWinkler', () => {
  // Reference values (SPEC §4.9 D-09, jellyfish semantics of Appendix B) on the raw lower-case labels.
  it.each([
    ['computer science', 'comp sci', 0.9],
    ['molecular biology', 'molecular biophysics', 0.9047],
    ['information systems', 'information science', 0.8947],
    ['genetics', 'genomics', 0.8833],
    ['theatre', 'theater', 0.9714],
    ['statistics', 'statistic', 0.98],
    ['east asia', 'east asian studies', 0.9],
    ['computer science', 'computer engineering', 0.8771],
    ['organic chemistry', 'inorganic chemistry', 0.8473],
    ['school psychology', 'educational psychology', 0.82],
    ['mechanical engineering', 'mechanical engineering materials science', 0.91],
    ['biomedical engineering', 'biological engineering', 0.8872],
    ['caribbean literature', 'caribbean studies', 0.8761],
    ['applied mathematics', 'applied physics', 0.8696],
    ['electrical engineering', 'electrical and computer engineering', 0.8894],
    ['cs', 'computer science', 0.5208],
    ['machine learning', 'ml', 0.7375],
    ['neuroscience', 'neurosciences', 0.9846],
  ])('%s / %s = %d', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 4);
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 4);
  });

  it.each([
    ['', 'abc', 0],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
  ])('jaro(%j, %j) = %d', (a, b, expected) => {
    expect(jaro(a, b)).toBe(expected);
  });
});

describe('folding', () => {
  it.each([
    ['neurosciences', 'neuroscience'],
    ['studies', 'study'],
    ['classes', 'class'],
    ['analysis', 'analysis'],
    ['campus', 'campus'],
    ['statistics', 'statistic'],
    ['arts', 'art'],
    ['gas', 'gas'],
  ])('singularize(%s) = %s', (token, expected) => {
    expect(singularize(token)).toBe(expected);
  });

  it.each([
    ['data-science', 'data science'],
    ['Data Sciences', 'data science'],
    ['Human–Computer Interaction', 'human computer interaction'],
    ['machine_learning', 'machine learning'],
    ['Études Françaises', 'etude francaise'],
  ])('foldLabel(%s) = %s', (label, expected) => {
    expect(foldLabel(label)).toBe(expected);
  });

  it.each([
    ['computer science and engineering', 'cse'],
    ['electrical and computer engineering', 'ece'],
    ['high performance computing', 'hpc'],
    ['school of the arts', 'sa'],
  ])('initials(%s) = %s', (label, expected) => {
    expect(initials(label)).toBe(expected);
  });

  it('drops stop-words from content tokens', () => {
    expect(contentTokens('history of the art')).toEqual(['history', 'art']);
  });
});

describe('tokenJaccard', () => {
  it.each([
    [['computer', 'vision'], ['vision', 'computer'], 1],
    [['taxonomy'], ['biology'], 0],
    [['a', 'b'], ['b', 'c'], 1 / 3],
    [[], [], 1],
  ])('jaccard(%j, %j) = %d', (a, b, expected) => {
    expect(tokenJaccard(a, b)).toBeCloseTo(expected, 6);
  });

});

describe('abbreviationScore (lower-case)', () => {
  const known = new Set(['earth', 'art', 'computer', 'science', 'genetics', 'genomics']);
  it.each([
    ['cse', 'computer science and engineering', 1],
    ['ece', 'electrical and computer engineering', 1],
    ['hpc', 'high performance computing', 1],
    ['eecs', 'electrical engineering and computer science', 1],
    ['cs', 'computer science', 1],
    ['ai', 'artificial intelligence', 1],
    ['ml research', 'machine learning research', 1],
    ['comp sci', 'computer science', 0.95],
    ['ml', 'machine learning systems', 0],
    ['computer science', 'data science', 0],
    ['math', 'mathematics', 0],
    ['earth science', 'earthquake science', 0],
    ['art', 'applied research techniques', 0],
    ['machine learning', 'machine learning', 0],
  ])('%s / %s = %d', (a, b, expected) => {
    expect(abbreviationScore(a, b, known)).toBe(expected);
    expect(abbreviationScore(b, a, known)).toBe(expected);
  });
});

describe('tokensAligned', () => {
  const known = new Set(['genetics', 'genomics', 'biology', 'biophysics']);
  it.each([
    [['machine', 'lerning'], ['machine', 'learning'], true],
    [['theatre'], ['theater'], true],
    [['genetics'], ['genomics'], false],
    [['molecular', 'biology'], ['molecular', 'biophysic'], false],
    [['mechanical', 'engineering'], ['mechanical', 'engineering', 'material', 'science'], false],
    [['computer', 'vision'], ['computer', 'graphic'], false],
    [['gynecology', 'oncology'], ['gynecologic', 'oncology'], true],
    [['ecology', 'evolutionary', 'biology'], ['ecology', 'evolution'], false],
  ])('%j ~ %j → %s', (a, b, expected) => {
    expect(tokensAligned(a, b, known).aligned).toBe(expected);
  });
});
