import { foldDiacritics } from '@taxonomy/core';
import { loadFieldLexicon, stemToken } from './field-lexicon.ts';
import { inWordList, isPeopleName } from './word-lists.ts';
import { FAMILY_HINTS, NAME_PARTICLES, NAME_TITLES } from './tables.ts';

/**
 * Proper names in unit names, recognised by rule rather than listed: a word that is neither a field word nor a unit
 * word is a name when it is a title or an initial, carries a diacritic, is an all-capitals acronym, is a possessive,
 * is a personal name of the maintained people-names dictionary (@cspell/dict-people-names) that the CIP texts do not
 * use, or is no English word at all (word-list, ~274k lower-case English words without proper nouns). Whether such a
 * word is dropped depends on where it stands (see extract.ts).
 */

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
  if (parts.every((p) => isPeopleName(p)) && (parts.length > 1 ? parts.some((p) => !isEnglishWord(p)) : !isEnglishWord(parts[0]!))) return 'person';
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
  return isPeopleName(token) && !isFieldWord(token) && !isEnglishWord(token);
}
