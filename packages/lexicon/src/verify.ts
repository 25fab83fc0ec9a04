import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import {
  CFP_FURNITURE,
  CFP_WORDS,
  DEGREE_WORDS,
  FAMILY_HINTS,
  FIXED_NAMES,
  GENERIC_HEADS,
  PEOPLE_AND_AWARDS,
  GENERIC_WORDS,
  NAME_TITLES,
  ORG_ANYWHERE_WORDS,
  ORG_HEAD_WORDS,
  SCHOOL_BRANDS,
  VENUE_WORDS,
  VENUES,
} from './tables.ts';
import { isKnownField, loadFieldLexicon, looksAdjectival, stemToken } from './field-lexicon.ts';
import { isEnglishWord, isFieldWord, isPersonToken } from './names.ts';
import { isHeadingFurniture } from './topic-lines.ts';
import type { Level } from './types.ts';

/** Longest acceptable label, in words, per level (fields are short, CFP topics run longer). */
const MAX_TOKENS: Record<Level, number> = { 0: 6, 1: 7, 2: 8, 3: 9 };


const FURNITURE = new Set(CFP_FURNITURE.map((f) => normalize(f)));

/** True when a label is call-for-papers furniture ("submission guidelines", "important dates", "call for papers"). */
export function isCfpFurniture(label: string): boolean {
  const norm = normalize(label);
  if (FURNITURE.has(norm) || /^(?:call for|important dates|submission|camera ready|paper submission)|\bcall for (?:papers|contributions|submissions|participation)\b/u.test(norm)) return true;
  // "rebuttal period", "poster session chair", "notification of acceptance": logistics words only
  const tokens = tokenize(norm);
  return tokens.some((t) => !/^(?:of|and|the|for|to|by|on|in|at|a|an)$/u.test(t)) && tokens.every((t) => CFP_WORDS.has(t));
}

const verdictCache = new Map<string, { pass: boolean; reasons: string[] }>();

/** Decides whether a label can stand as a field, department, area or topic; every failure has a reason (memoized). */
export function verifyLabel(input: { label: string; level: Level }): { pass: boolean; reasons: string[] } {
  const key = `${input.level}\u0000${input.label}`;
  const hit = verdictCache.get(key);
  if (hit) return { pass: hit.pass, reasons: [...hit.reasons] };
  const verdict = computeVerdict(input);
  if (verdictCache.size > 100_000) verdictCache.clear();
  verdictCache.set(key, verdict);
  return { pass: verdict.pass, reasons: [...verdict.reasons] };
}

function computeVerdict(input: { label: string; level: Level }): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const raw = input.label.trim();
  const norm = normalize(raw.replace(/['’]s\b/gu, 's'));
  const tokens = tokenize(norm);
  if (norm.length < 2) return { pass: false, reasons: ['too short: fewer than 2 characters'] };
  const maxChars = input.level <= 1 ? 64 : 80;
  if (norm.length > maxChars) reasons.push(`too long: ${norm.length} characters (max ${maxChars})`);
  if (tokens.length > MAX_TOKENS[input.level]) reasons.push(`too many words: ${tokens.length} (max ${MAX_TOKENS[input.level]} at level ${input.level})`);
  const letters = (raw.match(/\p{L}/gu) ?? []).length;
  const visible = raw.replace(/\s+/gu, '').length;
  if (visible > 0 && letters / visible < 0.7) reasons.push(`mostly non-letters: ${(letters / visible).toFixed(2)} letter ratio`);
  if (/https?:|www\.|@/u.test(raw)) reasons.push('looks like an address');
  // "program synthesis", "program repair" are topics: a program is an organisational unit only at levels 0/1.
  const anywhere = tokens.filter((t) => ORG_ANYWHERE_WORDS.has(t) && (input.level <= 1 || !/^program(?:me)?$/u.test(t)));
  if (anywhere.length > 0) reasons.push(`organisational word: ${anywhere.join(', ')}`);
  const last = tokens[tokens.length - 1] ?? '';
  if (/^(?:the )?(?:school|college|schools|colleges) (?:of|for|on|in)\b/u.test(norm)) reasons.push(`organisational word: ${tokens[0] === 'the' ? tokens[1] : tokens[0]}`);
  if (anywhere.length === 0 && ORG_HEAD_WORDS.has(last)) reasons.push(`organisational head: ${last}`);
  if (tokens.length === 1 && SCHOOL_BRANDS.has(norm)) reasons.push(`brand name, not a field: ${norm}`);
  if (GENERIC_WORDS.has(norm) || (tokens.length === 1 && GENERIC_WORDS.has(stemToken(norm)))) reasons.push(`generic word: ${norm}`);
  if (isCfpFurniture(norm)) reasons.push(`call-for-papers furniture: ${norm}`);
  else if (input.level >= 2 && isHeadingFurniture(norm)) reasons.push(`section heading, not a topic: ${norm}`);
  const squeezed = norm.replace(/\s+/gu, '');
  const venueStem = norm.replace(/\s*'?\d{2,4}$/u, '').replace(/(?<=[a-z])(?:19|20)?\d{2}$/u, '').trim();
  if (VENUES.has(norm) || VENUES.has(squeezed) || VENUES.has(venueStem)) reasons.push(`venue name: ${norm}`);
  else if (/^[a-z]{2,10}\s*'?(?:19|20)?\d{2}$/u.test(norm) && /\d/u.test(norm)) reasons.push(`acronym followed by a year: ${norm}`);
  const venueWords = tokens.filter((t) => VENUE_WORDS.has(t));
  if (venueWords.length > 0) reasons.push(`venue word: ${venueWords.join(', ')}`);
  if (/\b(?:19|20)\d\d\b/u.test(norm)) reasons.push('contains a year');
  if (input.level <= 1 && tokens.length === 1 && /^[a-z]{2,4}$/u.test(norm) && !/[aeiouy]/u.test(norm.slice(1)) && !isKnownField(norm)) {
    reasons.push(`unexplained acronym: ${norm}`);
  }
  if (input.level <= 1 && tokens.length > 0) reasons.push(...unitLabelReasons(norm, tokens));
  return { pass: reasons.length === 0, reasons };
}


/**
 * Level 0/1 rules for unit labels: degree names ("md phd"), people and awards ("scholarships"),
 * generic nouns without a field word ("function", "free institutions"), labels cut after an adjective
 * ("new student academic") or an ordinal ("17th studies"), personal names with initials, unknown words.
 */
function unitLabelReasons(norm: string, tokens: readonly string[]): string[] {
  const out: string[] = [];
  // A fixed name ("hip and knee", an orthopaedic subspecialty) is a field, though "Knee" is a surname too.
  const known = isKnownField(norm) || FIXED_NAMES.has(norm);
  if (tokens.every((t) => DEGREE_WORDS.has(t))) out.push(`degree name, not a field: ${norm}`);
  const people = tokens.filter((t) => PEOPLE_AND_AWARDS.has(stemToken(t)));
  if (people.length > 0) out.push(`names people, awards or services, not a field: ${people.join(', ')}`);
  const last = tokens[tokens.length - 1]!;
  if (!known && GENERIC_HEADS.has(stemToken(last)) && tokens.slice(0, -1).every((t) => GENERIC_HEADS.has(stemToken(t)) || !isFieldWord(t))) {
    out.push(`generic word without a field: ${norm}`);
  }
  if (!known && tokens.length >= 2 && looksAdjectival(last) && !isFieldWord(last)) out.push(`no head noun: ends in "${last}"`);
  const ordinal = tokens.findIndex((t) => /^\d+(?:st|nd|rd|th)$/u.test(t));
  if (ordinal >= 0 && tokens[ordinal + 1] !== 'century' && tokens[ordinal + 1] !== 'centuries') out.push(`ordinal without its noun: ${tokens[ordinal]}`);
  if (tokens.length >= 3 && tokens.slice(1, -1).some((t) => /^[a-z]$/u.test(t))) out.push('personal name with an initial');
  // Only an unknown label can be a name; field and English words are checked before the people-names list, which
  // costs ~0.3 CPU-s to load and is then needed only for words that are neither (same result as isPersonToken alone).
  const persons = known ? [] : tokens.filter((t) => NAME_TITLES.has(t) || (!isFieldWord(t) && !isEnglishWord(t) && isPersonToken(t)));
  if (persons.length > 0 && !known) out.push(`personal or place name: ${persons.join(', ')}`);
  if (tokens.length === 1 && /^[a-z]+$/u.test(last) && !known && !isFieldWord(last) && !loadFieldLexicon().wideVocabulary.has(stemToken(last)) && !/^(?:neuro|bio|geo|immuno|hemato|socio|psycho|astro|cosmo|exo|nano)/u.test(last)) {
    out.push(`unknown word (a name or an unexplained acronym): ${norm}`);
  }
  return out;
}
