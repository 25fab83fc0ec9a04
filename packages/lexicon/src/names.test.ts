import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wordListPath from 'word-list';
import { isDictionaryWord, isNameWord, isPersonToken, nameWordKind } from './names.ts';
import { wordListFile } from './word-lists.ts';

// Words as they stand in real unit names (held-out pages and corpus/units).
describe('nameWordKind', () => {
  it.each([
    ['Sir', 'title'], // Sir William Dunn School of Pathology
    ['King', 'title'], // King Edward VII College of Medicine
    ['VII', 'numeral'],
    ['J.', 'initial'], // Edward J. Bloustein School of Planning and Public Policy
    ['S.', 'initial'], // S. Rajaratnam School of International Studies
    ['T.h.', 'initial'], // Harvard T.h. Chan School of Public Health
    ['Saïd', 'diacritic'], // Saïd Business School: never "said"
    ['UCL', 'acronym'], // UCL Engineering
    ["Addenbrooke's", 'possessive'],
    ['Byrd', 'person'], // Byrd Polar Research Center
    ['Sydney', 'person'], // Sydney Conservatorium of Music
    ['Nuffield', 'unknown'], // Nuffield Department of Medicine
    ['Rothermere', 'unknown'], // Rothermere American Institute
    ['bin', 'particle'], // prince alwaleed bin talal islamic studies program
    ["Mary's", 'possessive'], // St Mary's Hospital Medical School: "-ry" ends names too, not only chemistry
  ] as const)('%s → %s', (word, kind) => {
    expect(nameWordKind(word)).toBe(kind);
  });

  it.each(['Intelligent', 'Robotics', 'Medicine', 'Polar', 'Advanced', 'Federated', 'Mathematical', 'Arab', 'Celtic'])('%s is no name', (word) => {
    expect(isNameWord(word)).toBe(false);
  });
});

describe('isPersonToken', () => {
  it.each([
    ['perelman', true],
    ['william', true],
    ['medicine', false],
    ['mason', false], // a field word (CIP "Mason/Masonry")
    ['crown', false], // an English word of the CIP texts
  ])('%s → %s', (token, expected) => {
    expect(isPersonToken(token)).toBe(expected);
  });
});

// word-list is searched in the file's bytes: every word it lists must be found, and none it does not.
describe('isDictionaryWord (binary search in word-list)', () => {
  const words = readFileSync(wordListPath, 'utf8').split('\n').filter((w) => w.length > 0);

  it("reads the file word-list's export names", () => {
    expect(wordListFile()).toBe(wordListPath);
  });

  it('finds every 250th word, the first and the last, and the words of the two pairs out of order', () => {
    const sample = words.filter((_, i) => i % 250 === 0);
    sample.push(words[0]!, words.at(-1)!, 'manlily', 'manlihood', 'sharrows', 'sharrowed');
    expect(sample.length).toBeGreaterThan(1000);
    expect(sample.filter((w) => !isDictionaryWord(w))).toEqual([]);
  });

  it('finds no word it does not list (names, misspellings, non-ASCII)', () => {
    const absent = ['qatar', 'nuffield', 'rothermere', 'alwaleed', 'zzzzqq', 'aaq', 'chemistryy', 'caf\u00e9x'];
    expect(absent.filter((w) => words.includes(w))).toEqual([]);
    expect(absent.filter((w) => isDictionaryWord(w))).toEqual([]);
  });
});
