import { describe, expect, it } from 'vitest';
import { conceptId, slugify, unresolvedParentId } from './ids.ts';
import { stableHash, stableStringify, textChecksum } from './hashing.ts';
import { editDistance, foldDiacritics, normalizeLabel } from './text.ts';
import { levelFromArgv, parseLevel } from './levels.ts';

describe('normalizeLabel', () => {
  it.each([
    ['Computer Science', 'computer science'],
    ['  Data-Science ', 'data science'],
    ['School of Social Policy & Practice', 'school of social policy & practice'],
    ['Harvard T.h. Chan School of Public Health', 'harvard t h chan school of public health'],
    ['Film, Television, and Media', 'film television and media'],
    ['Álgebra', 'algebra'],
    ['Straße', 'strasse'],
    ['Ørsted', 'orsted'],
    ['ﬁeld theory', 'field theory'],
    ['機械学習', '機械学習'],
    ['AI/ML for Health', 'ai ml for health'],
    ['Socio-technical aspects of AI', 'socio technical aspects of ai'],
    ['"Quoted" (CS)', 'quoted cs'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeLabel(input)).toBe(expected);
  });

  it('folds letters NFKD leaves alone', () => {
    expect(foldDiacritics('Œuvre Æsir Łódź')).toBe('OEuvre AEsir Lodz');
  });

  it('returns ASCII text as it is and folds a diacritic beside it', () => {
    expect(foldDiacritics('Computer Science & Engineering (CSE), 2nd-year')).toBe('Computer Science & Engineering (CSE), 2nd-year');
    expect(foldDiacritics('Saïd Business School')).toBe('Said Business School');
  });
});

describe('hashing', () => {
  it('sorts keys at every depth', () => {
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(stableHash({ b: 1, a: 2 })).toBe(stableHash({ a: 2, b: 1 }));
  });

  it('computes the PageSnapshot checksum over collapsed text (SPEC §1.4 example)', () => {
    const expected = '64ec88ca00b268e5ba1a35678a1b5316d212f4f366b2477232534a8aeca37f3c';
    expect(textChecksum('Hello world')).toBe(expected);
    expect(textChecksum('  Hello   world\n')).toBe(expected);
  });
});

describe('ids', () => {
  it.each([
    ['machine learning', 'machine-learning'],
    ['Social Policy & Practice', 'social-policy-&-practice'],
    ['  c++ ', 'c++'],
  ])('slugify(%s) = %s', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it('scopes ids below L0 by parent and keeps them stable', () => {
    expect(conceptId(0, 'medicine', null)).toBe('L0:medicine');
    const a = conceptId(2, 'machine learning', 'L1:computer-science~abc123');
    expect(a).toMatch(/^L2:machine-learning~[0-9a-f]{6}$/u);
    expect(conceptId(2, 'machine learning', 'L1:computer-science~abc123')).toBe(a);
    expect(conceptId(2, 'machine learning', 'L1:statistics~abc123')).not.toBe(a);
    expect(unresolvedParentId(1, 'Department of Physics')).toBe('unresolved:L1:department-of-physics');
  });
});

describe('editDistance', () => {
  it.each([
    ['univeristy', 'university', 1],
    ['colombia', 'columbia', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['min_institution', 'min_institutions', 1],
    ['same', 'same', 0],
    ['theatre', 'theater', 1],
    ['lerning', 'learning', 1],
    ['genetics', 'genomics', 2],
    ['biomedical', 'biological', 3],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('parseLevel', () => {
  it.each([['0', 0], [' 3 ', 3]])('%j → %i', (raw, level) => {
    expect(parseLevel(raw)).toBe(level);
  });
  it.each([[undefined], ['4'], ['x'], ['-1']])('%j is a USAGE error', (raw) => {
    expect(() => parseLevel(raw)).toThrow(/--level must be 0, 1, 2 or 3/u);
  });
  it('reads --level N and --level=N from an argument vector', () => {
    expect(levelFromArgv(['node', 'main.ts', '--level', '2'])).toBe(2);
    expect(levelFromArgv(['node', 'main.ts', '--level=3'])).toBe(3);
    expect(() => levelFromArgv(['node', 'main.ts'])).toThrow(/got nothing/u);
  });
});
