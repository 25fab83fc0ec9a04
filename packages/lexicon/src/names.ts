import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import wordListPath from 'word-list';
import { foldDiacritics } from '@taxonomy/core';
import { loadFieldLexicon, stemToken } from './field-lexicon.ts';
import { FAMILY_HINTS, NAME_PARTICLES, NAME_TITLES } from './tables.ts';

/**
 * Proper names in unit names, recognised by rule rather than listed: a word that is neither a field word nor a unit
 * word is a name when it is a title or an initial, carries a diacritic, is an all-capitals acronym, is a possessive,
 * is a personal name of the maintained people-names dictionary (@cspell/dict-people-names) that the CIP texts do not
 * use, or is no English word at all (word-list, ~274k lower-case English words without proper nouns). Whether such a
 * word is dropped depends on where it stands (see extract.ts).
 */

let english: string | null = null;
const englishCache = new Map<string, boolean>();

/**
 * True when word-list holds the word: "intelligent", "federated" are English, "qatar", "nuffield" are not. The file is
 * sorted (but for two adjacent swaps), so a binary search over its text finds a word without building a 274k-entry set.
 */
function inWordList(word: string): boolean {
  const hit = englishCache.get(word);
  if (hit !== undefined) return hit;
  english ??= readFileSync(wordListPath, 'utf8');
  const text = english;
  const lineAt = (offset: number): { start: number; end: number } => {
    const start = text.lastIndexOf('\n', offset - 1) + 1;
    const nl = text.indexOf('\n', start);
    return { start, end: nl < 0 ? text.length : nl };
  };
  let lo = 0;
  let hi = text.length;
  let found = false;
  while (lo < hi && !found) {
    const { start, end } = lineAt((lo + hi) >>> 1);
    const w = text.slice(start, end);
    if (w === word) found = true;
    else if (w < word) lo = end + 1;
    else hi = start;
  }
  // the adjacent swaps: look at the lines around where the search ended
  if (!found && lo <= text.length) {
    let at = Math.min(lo, text.length - 1);
    for (let back = 0; back < 2 && at > 0; back += 1) at = lineAt(at - 1).start;
    for (let k = 0; k < 5 && at < text.length && !found; k += 1) {
      const { start, end } = lineAt(at + 1 > text.length ? text.length : at);
      found = text.slice(start, end) === word;
      at = end + 1;
    }
  }
  if (englishCache.size > 100_000) englishCache.clear();
  englishCache.set(word, found);
  return found;
}

let people: ReadonlySet<string> | null = null;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
const PEOPLE_WORD = /^[a-z][a-z'-]*$/;

/** Given names and surnames of many cultures (@cspell/dict-people-names, ~39k entries), folded to lower-case ASCII. */
export function peopleNames(): ReadonlySet<string> {
  if (people) return people;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('@cspell/dict-people-names/cspell-ext.json')), 'dict', 'people-names.txt');
  const set = new Set<string>();
  // Non-Unicode patterns and string ends instead of a replace: the same set, in under half the time (~0.1 CPU-s per task before).
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const entry = line.trim();
    if (entry.length === 0 || entry.startsWith('#')) continue;
    let word = (NOT_PRINTABLE_ASCII.test(entry) ? foldDiacritics(entry) : entry).toLowerCase();
    // A final "." goes, else a final "'s" (as the replace of /['’]s$|\.$/ did: one of the two, the dot first).
    if (word.endsWith('.')) word = word.slice(0, -1);
    else if (word.endsWith("'s") || word.endsWith('’s')) word = word.slice(0, -2);
    if (PEOPLE_WORD.test(word)) set.add(word);
  }
  people = set;
  return people;
}

/** Endings that make a word a field word even when CIP does not list it ("-ology", "-ics", …). */
const FIELD_ENDING = /(?:ancy|ency|ology|ologies|omy|ics|graphy|metry|iatry|osis|itis|ism|ture|tion|ence|ance|ing|ment|ship|ity|ry)$/u;

/** A word CIP titles, the curated fields or the family hints use, or that ends like a field name (normalized input). */
export function isFieldWord(token: string): boolean {
  const vocabulary = loadFieldLexicon().vocabulary;
  const stem = stemToken(token);
  return vocabulary.has(token) || vocabulary.has(stem) || FAMILY_HINTS.has(stem) || FIELD_ENDING.test(token);
}

/** Field endings strong enough to rule out a name ("-ology", "-ics"); "-ry", "-ing", "-ity" also end names (Mary, Henry). */
const STRONG_FIELD_ENDING = /(?:ology|ologies|omy|ics|graphy|metry|iatry|istry|osis|itis)$/u;

/** A field word for the purpose of telling names apart: CIP/curated vocabulary, family hints, strong field endings. */
function isNameBlockingFieldWord(token: string): boolean {
  const vocabulary = loadFieldLexicon().vocabulary;
  const stem = stemToken(token);
  return vocabulary.has(token) || vocabulary.has(stem) || FAMILY_HINTS.has(stem) || STRONG_FIELD_ENDING.test(token);
}

/** A word of ordinary English as the CIP titles and definitions use it (normalized input). */
export function isEnglishWord(token: string): boolean {
  return loadFieldLexicon().wideVocabulary.has(stemToken(token));
}

/** A word of any English dictionary sense (CIP texts or word-list); "qatar", "rothermere", "alwaleed" are none. */
export function isDictionaryWord(token: string): boolean {
  return isEnglishWord(token) || inWordList(token) || inWordList(stemToken(token));
}

const ROMAN = /^(?:I{2,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV)$/u;


/** Why a raw word (as written, before normalization) reads as part of a proper name, or null. */
type NameWordKind = 'title' | 'particle' | 'initial' | 'numeral' | 'diacritic' | 'acronym' | 'possessive' | 'person' | 'unknown' | null;
const kindCache = new Map<string, NameWordKind>();

export function nameWordKind(raw: string): NameWordKind {
  let kind = kindCache.get(raw);
  if (kind === undefined) {
    kind = computeNameWordKind(raw);
    if (kindCache.size > 100_000) kindCache.clear();
    kindCache.set(raw, kind);
  }
  return kind;
}

function computeNameWordKind(raw: string): NameWordKind {
  const word = raw.replace(/^[("“']+|[)"”',;:]+$/gu, '');
  if (!word) return null;
  if (/^\p{Lu}\.?$/u.test(word) || /^(?:\p{Lu}\.){1,3}\p{Lu}?\.?$/u.test(word) || /^\p{Lu}\.\p{Ll}\.?$/u.test(word)) return 'initial';
  if (ROMAN.test(word)) return 'numeral';
  const possessive = /['’]s$/u.test(word);
  const folded = foldDiacritics(word).toLowerCase().replace(/['’]s$/u, '').replace(/[^a-z-]/gu, '');
  if (!folded) return null;
  if (NAME_TITLES.has(folded)) return 'title';
  if (NAME_PARTICLES.has(folded) && word === word.toLowerCase()) return 'particle';
  const parts = folded.split('-').filter((p) => p.length > 0);
  if (parts.length === 0 || parts.some((p) => isNameBlockingFieldWord(p))) return null;
  if (/[^\p{ASCII}]/u.test(word)) return 'diacritic';
  if (/^\p{Lu}{2,6}$/u.test(word)) return 'acronym';
  if (possessive) return 'possessive';
  if (parts.every((p) => peopleNames().has(p)) && (parts.length > 1 ? parts.some((p) => !isEnglishWord(p)) : !isEnglishWord(parts[0]!))) return 'person';
  if (parts.every((p) => !isDictionaryWord(p))) return 'unknown';
  return null;
}

/** True when the raw word reads as part of a proper name (see nameWordKind); particles only count between names. */
export function isNameWord(raw: string): boolean {
  const kind = nameWordKind(raw);
  return kind !== null && kind !== 'particle';
}

/** A normalized token that is a personal name and no field or English word: a label with one names a person. */
export function isPersonToken(token: string): boolean {
  return peopleNames().has(token) && !isFieldWord(token) && !isEnglishWord(token);
}
