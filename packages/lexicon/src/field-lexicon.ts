import { memoBounded, tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { cleanCipTitle, loadCip, type CipEntry, type CipIndex } from './cip.ts';
import { readLexiconSnapshot } from './lexicon-snapshot.ts';
import { americanSpelling } from './spelling.ts';
import { CURATED_FIELDS } from './tables.ts';

/** Adjective-like endings: such a word modifies a head ("electrical", "molecular") rather than naming a field. */
const ADJECTIVAL = /(?:al|ic|ar|an|ive|ous|ary|ese|ish|ed|ile)$/u;

/** Nouns that commonly modify a shared head in unit names ("Computer and … Engineering"). */
export const NOUN_MODIFIERS: ReadonlySet<string> = new Set([
  'computer', 'earth', 'space', 'climate', 'labor', 'labour', 'brain', 'system', 'systems', 'network', 'data', 'information',
  'stem cell', 'language', 'speech', 'signal', 'control', 'power', 'energy', 'ocean', 'marine', 'materials',
  'polymer', 'plant', 'animal', 'soil', 'food', 'water', 'atmosphere', 'human', 'women s', 'womens', 'gender', 'sexuality',
  'consumer', 'employment', 'development', 'regeneration', 'radiation', 'nuclear', 'aerospace', 'ethnicity', 'migration',
  'family', 'child', 'video', 'game', 'population', 'operations', 'risk', 'sleep', 'cancer', 'drug',
  'sound', 'light', 'motion', 'metal', 'visual', 'fine', 'applied', 'pure', 'public', 'social', 'natural', 'modern', 'ancient',
  'early', 'late', 'pre', 'built', 'performing', 'liberal', 'life', 'physical', 'image', 'foot', 'ankle', 'hand', 'head',
  'neck', 'spine', 'heart', 'lung', 'kidney', 'liver', 'breast', 'skin', 'eye', 'bone', 'joint', 'quantum', 'convex', 'robust', 'online', 'offline', 'parallel',
]);

/** True when a (normalized) word reads as an adjective. */
export function looksAdjectival(word: string, includeNationalities = false): boolean {
  return word.length > 3 && ADJECTIVAL.test(word) && (includeNationalities || !KNOWN_NOUN_ENDINGS.has(word));
}
const KNOWN_NOUN_ENDINGS = new Set([
  'urban', 'german', 'italian', 'russian', 'korean', 'latin', 'persian', 'christian', 'ethic', 'retrieval', 'signal', 'material',
  'capital', 'potential', 'trial', 'hospital', 'survival', 'removal', 'approval', 'proposal', 'interval', 'portal', 'journal',
  'animal', 'tutorial', 'arrival', 'rehearsal', 'renewal', 'disposal', 'festival', 'manual', 'terminal', 'crystal', 'fundamental',
]);

/** A light stemmer that folds British spellings (`americanSpelling`) and plurals, so "centres" and "center", "sciences" and "science" meet. */
export function stemToken(raw: string): string {
  const token = americanSpelling(raw);
  if (token.length > 4 && token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (token.length > 4 && token.endsWith('s') && !/(?:ss|is|us|ics)$/u.test(token)) return token.slice(0, -1);
  return token;
}

const fieldKeyCache = new Map<string, string>();

/** Normalized, stem-folded comparison key of a label (memoized: labels repeat across records). */
export function fieldKey(label: string): string {
  return memoBounded(fieldKeyCache, label, 200_000, (l) => tokenize(normalize(l.replace(/['’]s\b/gu, 's'))).map(stemToken).join(' '));
}

export interface FieldLexicon {
  /** Stem-folded keys of known fields (CIP titles and their parts, curated fields). */
  readonly known: ReadonlySet<string>;
  /** Every word that occurs in a field name: a word outside it in a unit name is a proper name. */
  readonly vocabulary: ReadonlySet<string>;
  /** Every word of the CIP titles and definitions: words outside it are names or unexplained acronyms. */
  readonly wideVocabulary: ReadonlySet<string>;
  /** Sorted normalized CIP series and program titles. */
  readonly titles: readonly string[];
  /** Stemmed token → family code → how specific the token is for that family (idf-like weight). */
  readonly tokenFamilies: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Stem-folded title key → CIP entries with that title, most general first. */
  readonly entriesByKey: ReadonlyMap<string, readonly CipEntry[]>;
}

const STOP = new Set(['and', 'of', 'the', 'in', 'for', 'on', 'to', 'with', 'a', 'an', 'or', 'related', 'general', 'other', 'studies', 'study', 'science', 'sciences']);

let cached: FieldLexicon | null = null;

function addPart(known: Set<string>, part: string): void {
  const norm = normalize(part);
  if (!norm) return;
  const tokens = tokenize(norm);
  if (tokens.length === 1 && (looksAdjectival(tokens[0]!) || STOP.has(tokens[0]!))) return;
  known.add(fieldKey(norm));
}

/** The field lexicon once per process: from the lexicon snapshot when it is current, else built. */
export function loadFieldLexicon(): FieldLexicon {
  if (cached) return cached;
  cached = readLexiconSnapshot()?.lexicon ?? buildFieldLexicon(loadCip());
  return cached;
}

/** Builds the field lexicon from CIP 2020 and the curated tables (what the snapshot stores). */
export function buildFieldLexicon(cip: CipIndex): FieldLexicon {
  const known = new Set<string>();
  const vocabulary = new Set<string>();
  const wideVocabulary = new Set<string>();
  const titles = new Set<string>();
  const familyDocs = new Map<string, Map<string, number>>();
  const entriesByKey = new Map<string, CipEntry[]>();
  for (const entry of cip.entries) {
    const clean = cleanCipTitle(entry.title);
    if (entry.kind !== 'family') titles.add(entry.normalized);
    for (const tok of tokenize(normalize(clean))) vocabulary.add(tok);
    for (const tok of tokenize(normalize(`${entry.definition} ${clean}`))) wideVocabulary.add(stemToken(tok));
    if (entry.kind !== 'family' || entry.family === '14' || entry.family === '42' || entry.family === '54' || entry.family === '13') {
      addPart(known, clean);
      const key = fieldKey(clean);
      const list = entriesByKey.get(key) ?? [];
      list.push(entry);
      entriesByKey.set(key, list);
      for (const alt of clean.split(/\//u)) {
        if (alt.trim().includes(' ') || /(?:ics|ogy|ies|ry|ure|ism|ing|ion|phy|ment|ship|ence|ance)$/iu.test(alt.trim())) addPart(known, alt);
        const altKey = fieldKey(alt);
        if (alt !== clean && altKey && (altKey.includes(' ') || !looksAdjectival(altKey))) {
          const altList = entriesByKey.get(altKey) ?? [];
          altList.push(entry);
          entriesByKey.set(altKey, altList);
        }
      }
      for (const part of clean.split(/,\s*|\s+and\s+|\//u)) if (part.trim().includes(' ')) addPart(known, part);
      const lang = /^([A-Za-z]+(?: [A-Za-z]+)?) Languages?(?:,| and|$)/u.exec(clean);
      if (lang && !/^(?:Foreign|Modern|Classical|Ancient|Second|Sign|World|Area|Ethnic)\b/u.test(lang[1]!)) addPart(known, lang[1]!);
    }
    const doc = familyDocs.get(entry.family) ?? new Map<string, number>();
    for (const tok of new Set(tokenize(entry.normalized).map(stemToken))) {
      if (STOP.has(tok)) continue;
      doc.set(tok, (doc.get(tok) ?? 0) + (entry.kind === 'program' ? 1 : 2));
    }
    familyDocs.set(entry.family, doc);
  }
  for (const field of CURATED_FIELDS) {
    known.add(fieldKey(field));
    for (const tok of tokenize(normalize(field))) vocabulary.add(tok);
  }
  // Token → family weights: share of the token's occurrences that fall in the family, damped by spread.
  const totals = new Map<string, number>();
  for (const doc of familyDocs.values()) for (const [tok, n] of doc) totals.set(tok, (totals.get(tok) ?? 0) + n);
  const tokenFamilies = new Map<string, Map<string, number>>();
  for (const [family, doc] of familyDocs) {
    if (family === '21' || family === '55') continue;
    for (const [tok, n] of doc) {
      const share = n / (totals.get(tok) ?? n);
      const map = tokenFamilies.get(tok) ?? new Map<string, number>();
      map.set(family, share);
      tokenFamilies.set(tok, map);
    }
  }
  for (const tok of [...vocabulary]) vocabulary.add(stemToken(tok));
  for (const tok of vocabulary) wideVocabulary.add(stemToken(tok));
  return { known, vocabulary, wideVocabulary, titles: [...titles].sort(), tokenFamilies, entriesByKey };
}

/** True when the label names a field the lexicon knows (CIP title or part of one, or curated). */
export function isKnownField(label: string): boolean {
  const hit = knownCache.get(label);
  if (hit !== undefined) return hit;
  const key = fieldKey(label);
  const known = key.length > 0 && loadFieldLexicon().known.has(key);
  if (knownCache.size > 200_000) knownCache.clear();
  knownCache.set(label, known);
  return known;
}
const knownCache = new Map<string, boolean>();

/** Normalized CIP series and program titles: the authoritative vocabulary for validation evidence. */
export function authoritativeTitles(): ReadonlyArray<string> {
  return loadFieldLexicon().titles;
}

/** CIP 2020 entries a label names, for exports: codes with titles, most general first. */
export interface CipMatches {
  /** A CIP title (or one of its "/" alternatives) equals the normalized label. */
  readonly exact: ReadonlyArray<{ code: string; title: string }>;
  /** Only the stem-folded key matches (plural, "studies", word order of the same words). */
  readonly close: ReadonlyArray<{ code: string; title: string }>;
}

const MAX_CIP_MATCHES = 3;

/** The CIP 2020 codes the lexicon knows for a label: exact title matches, then close (stem-folded) ones. */
export function cipMatches(label: string): CipMatches {
  const norm = normalize(label);
  const usable = (e: CipEntry) => !/,\s*other$/iu.test(e.title);
  const byTitle = (loadCip().byTitle.get(norm) ?? []).filter(usable);
  // Exact: the whole cleaned title is the label; a match through one "/" alternative does not count.
  const exactEntries = byTitle.filter((e) => e.normalized === norm);
  const exactCodes = new Set(exactEntries.map((e) => e.code));
  const key = fieldKey(label);
  const keyed = key.length === 0 ? [] : (loadFieldLexicon().entriesByKey.get(key) ?? []);
  // Close: the whole title folds to the label's key ("area studies" ~ "area study"), not one alternative of it.
  const closeEntries = keyed.filter((e) => usable(e) && !exactCodes.has(e.code) && fieldKey(cleanCipTitle(e.title)) === key);
  const pick = (entries: ReadonlyArray<CipEntry>) =>
    [...new Map(entries.map((e) => [e.code, { code: e.code, title: e.title }])).values()].slice(0, MAX_CIP_MATCHES);
  return { exact: pick(exactEntries), close: pick(closeEntries) };
}
