import { collapseWhitespace, editDistance, tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { isKnownField, loadFieldLexicon, looksAdjectival, stemToken } from './field-lexicon.ts';
import { isDictionaryWord, isFieldWord, isNameWord, nameWordKind } from './names.ts';
import { dropInlineNumbers, dropPeopleParentheticals, isActivityDescription, isDefinition, isFurnitureLine, isLeadIn, isQuestion, listOfSentence, splitInlineBullets, stripListFiller } from './topic-lines.ts';
import { splitFields } from './split.ts';
import {
  ADJECTIVE_FIELDS,
  ADMIN_UNITS,
  ADMIN_WORDS,
  CFP_FURNITURE,
  CURATED_FIELDS,
  DEGREE_WORDS,
  FAMILY_HINTS,
  FIXED_NAMES,
  GENERIC_WORDS,
  LEADING_QUALIFIERS,
  REGIONS,
  SCHOOL_BRANDS,
} from './tables.ts';
import type { ExtractedLabel, ExtractionStep, ExtractionTrace, ExtractLabelsInput, Level } from './types.ts';
import { verifyLabel } from './verify.ts';

const UNIT_WORDS =
  'schools?|colleges?|departments?|dept\\.?|divisions?|faculty|faculties|institutes?|centers?|centres?|centre of excellence|center of excellence|programs?|programmes?|committee|laborator(?:y|ies)|labs?|conservator(?:y|ium|ie)|conservatoire|academy|section|office|unit|initiatives?|(?:interdisciplinary |research |graduate )?group';
const OF_HEAD = new RegExp(`^(.*?)\\b(?:interdepartmental\\s+)?(?:${UNIT_WORDS})\\s+(?:of|for|on|in)\\s+(.+)$`, 'iu');
const LEADING_OF_HEAD = new RegExp(`^(?:${UNIT_WORDS})\\s+(?:of|for|on|in)\\s+(.+)$`, 'iu');
const SUFFIX_HEAD = new RegExp(
  `^(.*?)[\\s,]+(?:${UNIT_WORDS}|labs|fund|clinic|group|programs|degree program|undergraduate studies|graduate studies|undergraduate program|graduate program)$`,
  'iu',
);
const MID_HEAD = /^(\S.*?)\s+(?:school|college|department|institute|center|centre|program)\s+(.+)$/iu;
const NON_ACADEMIC_END =
  /\b(?:medical center|hospitals?|health system|health cent(?:er|re)|clinics?|museum|library|libraries|press|fund|collection|rotc|gardens?|herbari(?:um|a)|reserve|legacy|awards?|scholarships?|fellowships?|scholars|chairs|chiefs|health care system|trust|high school|gallery|observatory|archives?|(?:management|student|support|technical|career|computing|library)\s+services)$/iu;
const NON_ACADEMIC_ANY = /\b(?:museum|gallery|observatory) of\b|\buniversity hospitals?\b/iu;
/** Museums, galleries, hospitals, funds, trusts, services: not an academic unit. */
const NON_ACADEMIC = { test: (text: string): boolean => NON_ACADEMIC_END.test(text) || ((/ of |hospital/iu.test(text)) && NON_ACADEMIC_ANY.test(text)) };
const INVERTED = new RegExp(`^(.+?),\\s*((?:[^,]*\\s)?)(?:${UNIT_WORDS})(?:\\s+(?:of|for|on|in))?$`, 'iu');
const DEGREE_NAME = /^(?:bachelor|master|doctor|doctorate|associate)(?:'?s)?(?:\s+of\s+(?:arts|science|sciences|fine arts|philosophy))?\s+(?:of|in)\s+(.+)$/iu;
/** A degree's abbreviation heading a program: "PhD in Nursing", "Ph.D. in Economics", "M.S. in Biostatistics". */
const DEGREE_ABBREVIATION = /^((?:[a-z]\.?){2,6})\s+(?:program\s+)?(?:in|of)\s+(.+)$/iu;
/** The field a degree's name is in, its head ("Master of Science in", "PhD in") removed; null when the text is no degree. */
function degreeField(text: string): string | null {
  const name = DEGREE_NAME.exec(text);
  if (name) return name[1]!;
  const abbreviation = DEGREE_ABBREVIATION.exec(text);
  return abbreviation && DEGREE_WORDS.has(abbreviation[1]!.replaceAll('.', '').toLowerCase()) ? abbreviation[2]! : null;
}
const INSTITUTION_WORD = /\b(?:university|univeristy|universtiy|univesity|universiry|institute of technology|college)\b/iu;
/** The unit words as normalized tokens ("school", "faculties", "group"). */
const UNIT_WORD_SET: ReadonlySet<string> = new Set([
  'school', 'schools', 'college', 'colleges', 'department', 'departments', 'dept', 'division', 'divisions', 'faculty', 'faculties',
  'institute', 'institutes', 'center', 'centers', 'centre', 'centres', 'program', 'programs', 'programme', 'programmes', 'committee',
  'laboratory', 'laboratories', 'lab', 'labs', 'conservatory', 'conservatorium', 'conservatorie', 'conservatoire', 'academy',
  'section', 'office', 'unit', 'initiative', 'group',
]);
const UNIT_WORD_ONLY = { test: (token: string): boolean => UNIT_WORD_SET.has(token.toLowerCase()) };
/** "Pennsylvania College of Technology", "Manchester Institute of Science and Technology": a whole institution, not a unit. */
const TECHNOLOGY_INSTITUTION = /^(\S.*?)\s+(?:institute|college|university)\s+of\s+(?:science\s+and\s+)?technology$/iu;
/** A course code before a unit name ("0203 - Earth Sciences", "HS1.1 – Hydrology"). */
const LEADING_CODE = /^\s*(?:\(?\d{1,6}[a-z]?\)?|[A-Z]{1,4}\d{1,4}(?:\.\d{1,3})*)\s*[-–—:.)]\s+(?=\S)/u;

interface Work {
  steps: ExtractionStep[];
  aliases: string[];
}

function note(work: Work, step: string, detail: string): void {
  work.steps.push({ step, detail });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** Words that name the owning institution, derived from its own name, and the name itself as patterns. */
interface InstitutionInfo {
  words: Set<string>;
  /** The institution's name anywhere in a unit name. */
  patterns: RegExp[];
  /** For each pattern, a word of its name (lower-case ASCII, or '' for a non-ASCII name) an ASCII text must contain to match. */
  needles: string[];
  /** The institution's name after the unit ("… of Tsinghua University"), with the last word it ends in (lower-case ASCII, or ''). */
  after: Array<{ re: RegExp; tail: string }>;
}

const institutionCache = new Map<string, InstitutionInfo>();

function institutionInfo(institution: string | null): InstitutionInfo {
  const key = institution ?? '';
  let info = institutionCache.get(key);
  if (!info) {
    const built = buildInstitutionPatterns(institution);
    const patterns = built.map((b) => b.re);
    const after = patterns.map((re) => ({
      re: new RegExp(`\\s+(?:of|at)\\s+${re.source}$`, 'iu'),
      tail: /([A-Za-z0-9]+)\\b$/u.exec(re.source)?.[1]?.toLowerCase() ?? '',
    }));
    info = { words: buildInstitutionWords(institution), patterns, needles: built.map((b) => b.needle), after };
    if (institutionCache.size > 10_000) institutionCache.clear();
    institutionCache.set(key, info);
  }
  return info;
}

/** What the extraction asks of a word set: only membership. */
interface WordSet {
  has(word: string): boolean;
}

/**
 * The questions the extraction of a unit name asked about its institution, each once (the answers were all "no",
 * so their order does not matter): the words, and the texts asked about the name after or inside the unit and
 * about a same-name prefix.
 */
interface InstitutionQueries {
  words: string[];
  after: string[];
  inside: string[];
  same: string[];
}

/**
 * Everything the extraction of a level-0/1 unit name reads of its institution, as questions: is this word one
 * of the institution's own (`has`), does the name end in "… of <institution>" (`ownAfter`), hold it
 * (`ownInside`), or is this prefix the institution's name (`sameName`). The extraction is a function of the text
 * and these answers, nothing else of the institution, so when a `recording` lens answered every question "no", the
 * same text gives the same result for any institution that answers those same questions "no" too (`replay`):
 * the memo of extractLabels. A "yes" (`touched`) also puts the institution's name into the steps; such a result
 * is never memoized.
 */
class InstitutionLens implements WordSet {
  readonly words: Set<string>;
  readonly #log: { words: Set<string>; after: Set<string>; inside: Set<string>; same: Set<string> } | null;
  touched = false;
  readonly #institution: string | null;
  readonly #info: InstitutionInfo;

  constructor(institution: string | null, recording: boolean) {
    this.#institution = institution;
    this.#info = institutionInfo(institution);
    this.words = this.#info.words;
    this.#log = recording ? { words: new Set(), after: new Set(), inside: new Set(), same: new Set() } : null;
  }

  #answer<T>(kind: keyof InstitutionQueries, arg: string, answer: T, yes: boolean): T {
    this.#log?.[kind].add(arg);
    if (yes) this.touched = true;
    return answer;
  }

  /** What was asked, each question once (a recording lens). */
  queries(): InstitutionQueries {
    const log = this.#log;
    return log === null ? { words: [], after: [], inside: [], same: [] } : { words: [...log.words], after: [...log.after], inside: [...log.inside], same: [...log.same] };
  }

  has(word: string): boolean {
    const yes = this.words.has(word);
    return this.#answer('words', word, yes, yes);
  }

  /** "Academy of Fine Arts of Tsinghua University": the pattern of the institution's name after the unit, if any. */
  ownAfter(text: string): RegExp | undefined {
    const lower = text.toLowerCase();
    const re = this.#info.after.find((a) => (a.tail === '' || lower.endsWith(a.tail)) && a.re.test(text))?.re;
    return this.#answer('after', text, re, re !== undefined);
  }

  /** The pattern of the institution's name inside the text ("University of Michigan School of Dentistry"), if any. */
  ownInside(text: string): RegExp | undefined {
    const { patterns, needles } = this.#info;
    // Case-insensitive Unicode matching can meet an ASCII letter in a non-ASCII one (the Kelvin sign is a "k"): the
    // needle shortcut holds for ASCII text only.
    const asciiLower = ASCII_TEXT.test(text) ? text.toLowerCase() : null;
    let found: RegExp | undefined;
    for (let i = 0; i < patterns.length; i += 1) {
      if (asciiLower !== null && needles[i] !== '' && !asciiLower.includes(needles[i]!)) continue;
      if (patterns[i]!.test(text)) {
        found = patterns[i];
        break;
      }
    }
    return this.#answer('inside', text, found, found !== undefined);
  }

  /** Whether a "<prefix> - " before the unit is the given institution's name. */
  sameName(prefix: string): boolean {
    const yes = this.#institution !== null && normalize(prefix) === normalize(this.#institution);
    return this.#answer('same', prefix, yes, yes);
  }

  get name(): string | null {
    return this.#institution;
  }

  /** Whether this institution answers every one of `queries` "no" (then a result computed from them holds for it). */
  answersNo(queries: InstitutionQueries): boolean {
    return (
      queries.words.every((w) => !this.words.has(w)) &&
      queries.after.every((t) => this.ownAfter(t) === undefined) &&
      queries.inside.every((t) => this.ownInside(t) === undefined) &&
      queries.same.every((p) => !this.sameName(p))
    );
  }
}

/** The lens of topic lines (levels 2-3): no institution, nothing recorded. */
const NO_INSTITUTION: WordSet = { has: () => false };

function buildInstitutionWords(institution: string | null): Set<string> {
  const words = new Set<string>();
  if (institution) {
    for (const tok of tokenize(normalize(institution))) {
      if (!/^(?:university|univeristy|of|the|at|and|institute|technology|college|state|california|new|york)$/u.test(tok)) words.add(tok);
    }
  }
  return words;
}

const ASCII_TEXT = /^[\x00-\x7f]*$/u;

/**
 * The institution's name as written, and without its "University"/"Institute" words ("Ohio State University" → "Ohio State"),
 * each with the last word of the name lower-cased when the name is ASCII: the pattern matches the name's words literally
 * (case aside), so an ASCII text whose lower-case form lacks that word cannot match.
 */
function buildInstitutionPatterns(institution: string | null): Array<{ re: RegExp; needle: string }> {
  if (!institution) return [];
  const full = institution.trim();
  const short = full.replace(/^the\s+/iu, '').replace(/\s*,.*$/u, '').replace(/\s+(?:university|institute|college)$/iu, '').replace(/^(?:university|institute|college)\s+of\s+/iu, '').trim();
  const names = [...new Set([full, short])].filter((n) => n.length >= 3 && normalize(n).split(' ').some((w) => !isFieldWord(w) || n === full));
  return names
    .sort((x, y) => y.length - x.length)
    .map((n) => ({
      re: new RegExp(`\\b(?:the\\s+)?${escapeRegex(n).replace(/\s+/gu, '\\s+')}\\b`, 'iu'),
      needle: ASCII_TEXT.test(n) ? (n.split(/\s+/u).pop() ?? '').toLowerCase() : '',
    }));
}

/**
 * What `stripInstitutionPrefix` needs to find in a text before anything else: white space, a separator, white space.
 * The cleanup before it only collapses white space and drops end quotes, so a text without it never has a prefix.
 */
const OWNER_SEPARATOR = /\s[-–—:|]\s/u;

/** Removes a leading "<INSTITUTION> - " (also all-caps and misspelt forms). */
function stripInstitutionPrefix(text: string, institution: InstitutionLens, work: Work): string {
  const m = /^(.{3,90}?)\s+[-–—:|]\s+(.+)$/u.exec(text);
  if (!m) return text;
  const prefix = m[1]!;
  const sameAsGiven = institution.sameName(prefix);
  const looksInstitution = INSTITUTION_WORD.test(prefix) && (prefix === prefix.toUpperCase() || /^(?:the\s+)?univers/iu.test(prefix) || /\buniversity$/iu.test(prefix));
  if (!sameAsGiven && !looksInstitution) return text;
  note(work, 'strip-institution', `"${prefix} - " removed`);
  return m[2]!;
}

/** True when a piece of a unit name carries a field word once unit words, names and admin words are set aside. */
function carriesField(text: string): boolean {
  return text
    .split(/[\s,/&]+/u)
    .filter((w) => w.length > 0)
    .some((w) => {
      const n = normalize(w);
      return n.length > 1 && !ADMIN_WORDS.has(n) && !UNIT_WORD_ONLY.test(n) && !isNameWord(w) && n.split(' ').some((t) => isFieldWord(t) && !ADMIN_WORDS.has(t));
    });
}

/**
 * "parent - child", "a -> b", "a > b": the most specific unit is the last one; a last part that carries no field
 * ("— Junior Division", "–New Brunswick", ": Undergraduate-New Brunswick") is a campus or qualifier and is dropped.
 */
function takeMostSpecific(text: string, work: Work): string {
  const arrow = text.split(/\s+(?:->|→|>>|>|»)\s+/u);
  if (arrow.length > 1) {
    note(work, 'path-most-specific', `"${arrow.slice(0, -1).join(' > ')}" dropped`);
    return arrow[arrow.length - 1]!;
  }
  if (/--/u.test(text)) return text.replace(/\s*--\s*/gu, ', ');
  const tail = /^(.+?)(?:\s*[–—]\s*|\s+-\s+|:\s+)(.+)$/u.exec(text);
  const degreeTail = tail !== null && tokenize(normalize(tail[2]!)).every((t) => DEGREE_WORDS.has(t));
  if (tail && !degreeTail && !carriesField(tail[2]!) && carriesField(tail[1]!)) {
    note(work, 'drop-qualifier', `"${tail[2]}" carries no field`);
    return tail[1]!;
  }
  const dash = /^(.+?)\s+[-–—]\s+(.+)$/u.exec(text);
  if (dash && new RegExp(`\\b(?:${UNIT_WORDS}|university)\\b`, 'iu').test(dash[1]!)) {
    note(work, 'path-most-specific', `"${dash[1]}" dropped`);
    return dash[2]!;
  }
  if (dash) return `${dash[1]}-${dash[2]}`;
  return text.replace(/\s*[–—]\s*/gu, '-');
}

function dropParentheticals(text: string, work: Work): string {
  return text
    .replace(/\s*\(([^()]*)\)/gu, (_all, inner: string) => {
      const trimmed = inner.trim();
      if (/^[A-Za-z&]{2,8}$/u.test(trimmed)) {
        work.aliases.push(trimmed.toLowerCase());
        note(work, 'drop-acronym', `"(${trimmed})" kept as alias`);
      } else {
        note(work, 'drop-parenthetical', `"(${trimmed})" removed`);
      }
      return '';
    })
    .trim();
}

/** A trailing "-Qatar", " in Qatar", " at Lima", "-Newark": a place after the field, a campus, is dropped. */
function dropCampus(text: string, work: Work, instWords: WordSet): string {
  if (!text.includes('-') && !/\s(?:in|at)\s/iu.test(text)) return text;
  const m = /^(.*?\S)(?:\s*-\s*|\s+(?:in|at)\s+)((?:\p{L}[\p{L}'’.]*)(?:\s+\p{L}[\p{L}'’.]*){0,2})$/u.exec(text);
  if (m && m[2]!.split(/\s+/u).every((w) => isNameWord(w) || instWords.has(normalize(w)))) {
    note(work, 'drop-campus', `"${m[2]}" removed`);
    return m[1]!.trim();
  }
  return text;
}

/** A word the field names themselves use (CIP titles, curated fields, family hints), not merely one ending like them. */
function isStrictFieldWord(token: string): boolean {
  const vocabulary = loadFieldLexicon().vocabulary;
  return vocabulary.has(token) || vocabulary.has(stemToken(token)) || FAMILY_HINTS.has(stemToken(token));
}

/** A word that, before a field, belongs to a name: the institution's own words, brands, titles, initials, names. */
function isLeadingName(word: string, instWords: WordSet): boolean {
  const n = normalize(word);
  return n === 'the' || instWords.has(n) || SCHOOL_BRANDS.has(n) || (isNameWord(word) && !isMisspeltFieldWord(n));
}

const typoCache = new Map<string, boolean>();
let byInitial: Map<string, string[]> | null = null;

/** The field vocabulary grouped by first letter (words of six letters or more), built once. */
function vocabularyByInitial(): Map<string, string[]> {
  if (!byInitial) {
    byInitial = new Map();
    for (const w of loadFieldLexicon().vocabulary) {
      if (w.length < 5) continue;
      const list = byInitial.get(w[0]!) ?? [];
      list.push(w);
      byInitial.set(w[0]!, list);
    }
  }
  return byInitial;
}

/** "throacic" is "thoracic" misspelt, not a name: one edit (OSA) from a field word of similar length. */
function isMisspeltFieldWord(token: string): boolean {
  if (token.length < 6) return false;
  let hit = typoCache.get(token);
  if (hit === undefined) {
    hit = false;
    for (const w of vocabularyByInitial().get(token[0]!) ?? []) {
      if (Math.abs(w.length - token.length) <= 1 && editDistance(w, token) <= 1) {
        hit = true;
        break;
      }
    }
    if (typoCache.size > 50_000) typoCache.clear();
    typoCache.set(token, hit);
  }
  return hit;
}

/**
 * Drops the leading run of name words (institution, donor, brand, titles, initials, particles between names) after
 * which a field remains ("Saw Swee Hock", "Sir William Dunn", "Byrd", "UCL"); a unit made only of names yields "".
 */
function stripLeadingNames(text: string, instWords: WordSet, work: Work): { rest: string; brands: string[] } {
  const words: string[] = [];
  const joined: boolean[] = [];
  for (const chunk of text.split(/\s+/u).filter((w) => w.length > 0)) {
    chunk.split(/(?<=\p{L})-(?=\p{L})/u).forEach((w, i) => {
      words.push(w);
      joined.push(i > 0);
    });
  }
  const isName = (i: number): boolean => {
    const w = words[i]!;
    if (isLeadingName(w, instWords)) return true;
    // "Imperial College Business School", "St Mary's Hospital Medical School": an institution word after a name is part of it.
    if (i > 0 && /^(?:college|university|institute|hospital|infirmary|foundation|trust)$/iu.test(w) && isLeadingName(words[i - 1]!, instWords) && i + 1 < words.length) return true;
    // "Duke-NUS": what is hyphenated to an institution word belongs to the institution's name.
    if (joined[i] && i > 0 && instWords.has(normalize(words[i - 1]!)) && !isStrictFieldWord(normalize(w))) return true;
    // particles ("bin", "de") and "and" count between names ("Prince Alwaleed bin Talal", "Henry and Leigh Bienen")
    const n = normalize(w);
    return (nameWordKind(w) === 'particle' || n === 'and' || n === '&') && i > 0 && i + 1 < words.length && isLeadingName(words[i - 1]!, instWords) && isLeadingName(words[i + 1]!, instWords);
  };
  if (!words.some((w) => isLeadingName(w, instWords))) return { rest: text, brands: [] };
  let k = 0;
  while (k < words.length && isName(k)) k += 1;
  // "Alliance Manchester Business School": words before a later name word belong to it unless they name a field.
  for (let j = k; j < words.length; j += 1) {
    if (isStrictFieldWord(normalize(words[j]!))) break;
    if (isName(j)) k = j + 1;
  }
  const brands = words.slice(0, k).map((w) => normalize(w)).filter((h) => SCHOOL_BRANDS.has(h));
  if (k === words.length) {
    note(work, 'strip-names', `"${words.join(' ')}" are names only`);
    return { rest: '', brands };
  }
  // Keep a leading word when what is left would no longer carry a field ("Sage" in "Sage Philosophy" is dropped, not "Law").
  while (k > 0 && !carriesField(words.slice(k).join(' '))) k -= 1;
  if (k === 0) return { rest: text, brands: [] };
  // What a preposition follows is what the unit is about, not a name before it ("AI in Medicine", "MS in Finance").
  if (/^(?:in|of|for|on|at|to|with)$/iu.test(words[k]!)) return { rest: text, brands: [] };
  // One word left after names must be a field on its own ("Penn Carey Law"); "Vera Moulon Wall" is a name.
  const rest = words.slice(k);
  if (rest.length === 1 && !isFieldLike(rest[0]!) && !adjectiveField(rest[0]!) && !FAMILY_HINTS.has(stemToken(normalize(rest[0]!)))) {
    note(work, 'strip-names', `"${words.join(' ')}" are names only`);
    return { rest: '', brands };
  }
  note(work, 'strip-names', `"${words.slice(0, k).join(' ')}" removed`);
  return { rest: words.slice(k).join(' '), brands };
}

function isFieldLike(text: string): boolean {
  const n = normalize(text);
  return isKnownField(n) || ADJECTIVE_FIELDS.has(n);
}

function stripQualifiers(text: string): string {
  let out = text.trim();
  for (;;) {
    const lower = out.toLowerCase();
    const q = LEADING_QUALIFIERS.find((p) => lower.startsWith(`${p} `));
    if (!q) return out;
    out = out.slice(q.length).trim();
  }
}

/** Administration, delivery and level words only ("Graduate and Postdoctoral Studies", "Division of Student Life"). */
function isAdmin(text: string): boolean {
  const n = normalize(text.replace(/^the\s+/iu, ''));
  if (n.length === 0 || ADMIN_UNITS.has(n)) return true;
  return tokenize(n).every((t) => ADMIN_WORDS.has(t) || UNIT_WORD_ONLY.test(t)) && !isKnownField(n);
}

/** The field an adjective-only unit name stands for ("Historiographical" → historiography, "American" → american studies). */
function adjectiveField(text: string): string | null {
  const n = normalize(text);
  const table = ADJECTIVE_FIELDS.get(n);
  if (table) return table;
  if (n.includes(' ') || isKnownField(n) || !/(?:al|ic|an|ese|ish|ian)$/u.test(n)) return null;
  if (isKnownField(`${n} studies`)) return `${n} studies`;
  const stems = n.endsWith('ical') ? [n.slice(0, -4), n.slice(0, -2)] : n.endsWith('al') ? [n.slice(0, -2)] : n.endsWith('ic') ? [n.slice(0, -2), n] : [];
  for (const stem of stems) {
    for (const candidate of [`${stem}y`, `${stem}ics`, `${stem}s`, `${stem}e`, stem]) {
      if (candidate.length > 3 && (isKnownField(candidate) || (/(?:ology|ography|ics|omy|istry)$/u.test(candidate) && isDictionaryWord(candidate)))) return candidate;
    }
  }
  return null;
}

/** "Fluids Engineering Research" → fluids engineering: "research" after a discipline adds nothing ("medical research" keeps it). */
function dropTrailingResearch(text: string, work: Work): string {
  const m = /^(.+?)\s+research$/iu.exec(text.trim());
  if (!m) return text;
  const last = normalize(m[1]!).split(' ').pop() ?? '';
  if (/^(?:engineering|sciences?|physics|chemistry|biology|medicine|mathematics|economics|studies|psychology|sociology|technology|informatics)$|(?:ology|ics)$/u.test(last)) {
    note(work, 'drop-research', `"research" after "${m[1]}" removed`);
    return m[1]!;
  }
  return text;
}

/** Field part of one unit name, or null when the unit carries no field. */
function unitFieldPart(raw: string, institution: InstitutionLens, work: Work): string | null {
  let text = raw;
  // "Academy of Fine Arts of Tsinghua University": the owning institution after the unit is only its address.
  const own = / (?:of|at) /iu.test(text) ? institution.ownAfter(text) : undefined;
  if (own) {
    text = text.replace(own, '').trim();
    note(work, 'strip-institution', `"${institution.name}" after the unit removed`);
  }
  if (/\buniver\w*$/iu.test(text) || /^(?:the\s+)?university\s+of\s+\w+$/iu.test(text)) {
    note(work, 'campus', `"${text}" names an institution or campus`);
    return null;
  }
  const techInstitution = TECHNOLOGY_INSTITUTION.exec(text);
  if (techInstitution && techInstitution[1]!.split(/\s+/u).every((w) => /^(?:university|of|the|and)$/iu.test(w) || isLeadingName(w, institution))) {
    note(work, 'campus', `"${text}" names an institution`);
    return null;
  }
  // Own institution inside the name ("University of Michigan School of Dentistry", "Ohio State Lima").
  const inside = institution.ownInside(text);
  if (inside) {
    text = text.replace(inside, ' ').replace(/\s+/gu, ' ').trim();
    note(work, 'strip-institution', `"${institution.name}" removed`);
  }
  const generic = /\b(?:university\s+of\s+[a-z]+|[a-z]+\s+univer\w+)\b/iu.exec(text);
  if (generic) {
    text = text.replace(generic[0], ' ').replace(/\s+/gu, ' ').trim();
    note(work, 'strip-institution', `"${generic[0]}" removed`);
  }
  // "Penn State Abington", "Ohio State": a name before "State" is a state university's short name.
  const stateName = /^(?:the\s+)?(\p{Lu}[\p{L}]+)\s+State\b\s*/u.exec(text);
  if (stateName && (isNameWord(stateName[1]!) || institution.has(normalize(stateName[1]!)))) {
    text = text.slice(stateName[0].length).trim();
    note(work, 'strip-institution', `"${stateName[0].trim()}" removed`);
  }
  text = dropCampus(text, work, institution);
  if (/^(?:in|at)\s+\S/iu.test(text) && !carriesField(text)) {
    note(work, 'campus', `"${text}" names a campus`);
    return null;
  }
  // "Feil Family Brain and Mind Research Institute": a proper name followed by "family" is a donor.
  const donor = /^((?:[\p{L}.'’]+\s+){1,3})family\s+(?=\S)/iu.exec(text);
  if (donor && donor[1]!.trim().split(/\s+/u).every((w) => !loadFieldLexicon().vocabulary.has(normalize(w)) && !/^(?:and|of|the|for|in|on|&)$/iu.test(w))) {
    note(work, 'strip-names', `"${donor[0].trim()}" (donor family) removed`);
    text = text.slice(donor[0].length);
  }
  if (NON_ACADEMIC.test(text)) {
    note(work, 'non-academic', `"${text}" is not an academic unit`);
    return null;
  }
  // Inverted forms: "Physics, Department of", "Medicine, Pritzker School of", "Neuroscience, Interdepartmental Program";
  // the words between the comma and the unit word are names or qualifiers, never fields.
  const inv = INVERTED.exec(text);
  if (inv && !carriesField(inv[2]!.replace(/\s+family\s*$/iu, ''))) {
    note(work, 'invert', `"${text.slice(inv[1]!.length)}" removed`);
    text = inv[1]!;
  } else {
    const degree = degreeField(text);
    if (degree !== null) {
      note(work, 'strip-degree', `"${text.slice(0, text.length - degree.length)}" removed`);
      text = degree;
    } else {
      const of = OF_HEAD.exec(text);
      if (of) {
        note(work, 'strip-unit-head', `"${text.slice(0, text.length - of[2]!.length).trim()}" removed`);
        text = of[2]!;
        // "Division of Programs in Business": a second unit head right after the first.
        const inner = LEADING_OF_HEAD.exec(text);
        if (inner && !isKnownField(text)) {
          note(work, 'strip-unit-head', `"${text.slice(0, text.length - inner[1]!.length).trim()}" removed`);
          text = inner[1]!;
        }
      } else if (MID_HEAD.exec(text) && isFieldLike(splitFields(MID_HEAD.exec(text)![2]!).parts[0] ?? '')) {
        const mid = MID_HEAD.exec(text)!;
        note(work, 'strip-unit-head', `"${text.slice(0, text.length - mid[2]!.length).trim()}" removed`);
        text = mid[2]!;
      } else {
        let suffix = SUFFIX_HEAD.exec(text);
        const conservatory = /\bconservator(?:y|ium|ie)|\bconservatoire\b/iu.test(text);
        while (suffix && suffix[1]) {
          note(work, 'strip-unit-head', `"${text.slice(suffix[1].length).trim()}" removed`);
          text = suffix[1];
          suffix = SUFFIX_HEAD.exec(text);
        }
        if (isAdmin(stripQualifiers(text))) {
          note(work, 'admin-unit', `"${text}" carries no field`);
          return null;
        }
        const { rest, brands } = isKnownField(text) ? { rest: text, brands: [] } : stripLeadingNames(text, institution, work);
        if (!rest) {
          // A conservatory that names no field is a school of music ("Peabody Conservatory").
          const brand = brands.map((b) => SCHOOL_BRANDS.get(b)).find((f) => f !== undefined) ?? (conservatory ? 'music' : undefined);
          if (brand) {
            note(work, 'brand', `"${brands.join(' ')}" → ${brand}`);
            return brand;
          }
          note(work, 'no-field', `"${raw}" names no field`);
          return null;
        }
        text = rest;
      }
    }
  }
  text = stripQualifiers(text.replace(/^[\s,:;-]+|[\s,:;-]+$/gu, ''));
  // "lab cardiothoracic transplantation": a leading "lab" is the unit word, unless the whole is a field ("Laboratory Medicine").
  const leadingLab = /^(?:labs?|laborator(?:y|ies))\s+(?!(?:of|for|on|in|and|&)\b)(\S.*)$/iu.exec(text);
  if (leadingLab && !isKnownField(text) && carriesField(leadingLab[1]!)) {
    note(work, 'strip-unit-head', `"${text.slice(0, text.length - leadingLab[1]!.length).trim()}" removed`);
    text = leadingLab[1]!;
  }
  text = dropTrailingResearch(text, work);
  if (isAdmin(text)) {
    note(work, 'admin-unit', `"${text}" carries no field`);
    return null;
  }
  const adjective = adjectiveField(text);
  if (adjective) {
    note(work, 'adjective-field', `"${text}" → ${adjective}`);
    return adjective;
  }
  return text;
}

/**
 * A unit-level label made mostly of words no field name uses ("arthur ashe legacy", "mgh") is a
 * proper name or an unexplained acronym, not a field.
 */
function looksLikeNames(normalized: string): boolean {
  if (isKnownField(normalized)) return false;
  const vocabulary = loadFieldLexicon().wideVocabulary;
  const tokens = tokenize(normalized);
  const unknown = tokens.filter((t) => t.length === 1 || (!vocabulary.has(stemToken(t)) && !/(?:ology|omy|ics|ery|copy|metry|osis|itis|iatry|ism)$/u.test(t)));
  if (tokens.length === 1) return (/^[a-z]{2,3}$/u.test(normalized) || /^[^aeiou]{2,5}$/u.test(normalized)) && !vocabulary.has(normalized);
  return unknown.length >= 2 && unknown.length / tokens.length > 0.6;
}

function makeLabel(label: string, aliases: readonly string[]): ExtractedLabel {
  const clean = collapseWhitespace(label.replace(/^[\s,;:.-]+|[\s,;:.-]+$/gu, '').replace(/\s*&\s*/gu, ' and '));
  const normalized = normalize(clean.replace(/['’]s\b/gu, 's'));
  const all = new Set<string>();
  for (const a of aliases) {
    const n = normalize(a);
    if (n && n !== normalized) all.add(n);
  }
  return { label: clean, normalized, aliases: [...all].sort() };
}

const CURATED = new Set(CURATED_FIELDS);

/** Cleans one split part; returns null when it names nothing. */
function finishPart(part: string, level: Level, instWords: WordSet): string | null {
  let p = stripQualifiers(part.replace(/^(?:and|or|other|e\.g\.|i\.e\.)\s+/iu, '').replace(/\s*(?:,?\s*etc\.?|and more|and others|and many others|…|\.\.\.)$/iu, ''));
  if (level >= 2) p = stripListFiller(p);
  p = p.replace(/^(?:(?:basic|applied|fundamental|current)\s+)?(?:research\s+(?:in|on)|work\s+on|topics?\s+(?:in|on)|(?:the\s+)?entire\s+sub-?\s?fields?\s+of)\s+/iu, '');
  if (level >= 2 && p.split(/\s+/u).length >= 2 && PROSE_WORDS.test(p)) return null;
  p = p.replace(/\s+(?:dnp|bsn|msn|mba|phd|md|mph|mpa|ms|ma|bs|ba|doctorate|degree|certificate|minor|major|residents?|interdepartmental|idp)$/iu, '');
  if (level <= 1) p = p.replace(/^(?:accelerated|executive)\s+/iu, '');
  const n = normalize(p);
  if (!n || GENERIC_WORDS.has(n) || REGIONS.has(n)) return null;
  if (level <= 1 && !n.includes(' ') && /(?:al|ary|ous|ive|ed|ar|atric|iac|acic|edic)$/u.test(n) && !isKnownField(n) && !ADJECTIVE_FIELDS.has(n) && !FAMILY_HINTS.has(stemToken(n))) return null;
  const tokens = tokenize(n);
  // "Norse", "Anglo-Saxon", "Celtic" alone: a people or region adjective names its studies.
  if (level <= 1 && tokens.length <= 2 && !CURATED.has(n) && tokens.every((t) => FAMILY_HINTS.get(stemToken(t)) === '05' && !/(?:ity|ism|ness|ics|tion|ora)$/u.test(t))) return `${p} studies`;
  if (level <= 1 && !FIXED_NAMES.has(n) && looksLikeNames(normalize(p.replace(/['’]s\b/gu, 's')))) return null;
  if (tokens.every((t) => instWords.has(t))) return null;
  const adjective = level <= 1 ? ADJECTIVE_FIELDS.get(n) : undefined;
  if (adjective && tokens.length === 1) p = adjective;
  return p;
}

function extractUnit(text: string, institution: InstitutionLens, level: Level, work: Work): string[] {
  return unitBody(unitWithoutOwner(text, institution, work), institution, level, work);
}

/** A unit name with its enclosing quotes dropped and its spacing collapsed. */
function cleanUnitText(text: string): string {
  return collapseWhitespace(text.replace(/^["'“]+|["'”]+$/gu, ''));
}

/** The first step of a unit name's extraction: `cleanUnitText`, then a leading "<INSTITUTION> - " removed. */
function unitWithoutOwner(text: string, institution: InstitutionLens, work: Work): string {
  return stripInstitutionPrefix(cleanUnitText(text), institution, work);
}

/** The rest of a unit name's extraction, after `unitWithoutOwner`. */
function unitBody(text: string, institution: InstitutionLens, level: Level, work: Work): string[] {
  let t = text;
  const code = LEADING_CODE.exec(t);
  if (code && /\p{L}{3}/u.test(t.slice(code[0].length))) {
    note(work, 'drop-code', `"${code[0].trim()}" removed`);
    t = t.slice(code[0].length);
  }
  // "Biological Sciences, including Veterinary Medicine": what a unit includes is one more field it names.
  t = t.replace(/,?\s+including\s+/giu, ', ');
  t = dropParentheticals(t, work).replace(/\b(department|school|college|division|institute|center|program) of(?=[a-z]{3,})/giu, '$1 of ');
  // "chicana/o", "latina/o": one inclusive name, written as the classic field name.
  t = t.replace(/\b(\w+)a\/o\b/gu, (_m, stem: string) => `${stem}o`);
  t = takeMostSpecific(t, work);
  const field = unitFieldPart(t, institution, work);
  if (field === null) return [];
  const { parts, distributed } = splitFields(field);
  if (parts.length > 1) note(work, distributed ? 'split-distribute' : 'split', `"${field}" → ${parts.map((p) => `"${p}"`).join(', ')}`);
  return parts.map((p) => finishPart(p, level, institution)).filter((p): p is string => p !== null);
}

const TRIGGER =
  /\b(?:including(?:,?\s*but\s+not\s+limited\s+to)?|include(?:s)?(?:,?\s*but\s+(?:are\s+)?not\s+limited\s+to)?|such\s+(?:areas\s+)?as|covers?|encompass(?:es)?|comprises?|consists?\s+of|consisting\s+of|areas?\s+(?:like|of)|ranging\s+from|in\s+the\s+(?:fields?|areas?)\s+of|(?:recent\s+)?advances\s+in|(?:international\s+)?forum\s+for|(?:particular\s+)?strengths?\s+in|(?:special\s+)?expertise\s+in|training\s+in|(?:research|work)\s+spans|\s+are(?<=\b(?:areas?|fields?|topics?|themes?|interests?|specializations?|disciplines?)\b[^,:;.]{0,60}?\s+are))\b\s*(?:the\s+following(?:\s+areas)?)?\s*:?/iu;

const TRIGGER_ALL = new RegExp(TRIGGER.source, 'giu');

const STRONG_TRIGGER = /\b(?:including(?:,?\s*but\s+not\s+limited\s+to)?|such\s+(?:areas\s+)?as)\b\s*:?/iu;

/** Splits a "Head (e.g., a, b, c)" or "Head: a, b" item into head and examples. */
function splitExamples(item: string): { head: string; examples: string[] } {
  const paren = /^(.*?)\s*\((?:e\.g\.,?|i\.e\.,?|including|incl\.|such as)?\s*([^()]*)\)\s*(.*)$/iu.exec(item);
  if (paren) {
    const head = `${paren[1]} ${paren[3]}`.trim();
    return { head, examples: splitConjunctsLoose(paren[2]!) };
  }
  const colon = /^([^:]{2,60}):\s+(.+)$/u.exec(item);
  if (colon) return isLeadIn(colon[1]!) ? { head: '', examples: splitConjunctsLoose(colon[2]!) } : { head: colon[1]!, examples: splitConjunctsLoose(colon[2]!) };
  const trig = TRIGGER.exec(item);
  if (trig && trig.index > 0) {
    const head = item.slice(0, trig.index).replace(/[,\s]+$/u, '');
    return { head: isLeadIn(head) ? '' : head, examples: splitConjunctsLoose(item.slice(trig.index + trig[0].length)) };
  }
  return { head: item, examples: [] };
}

function splitConjunctsLoose(text: string): string[] {
  return text.split(/\s*[,;]\s*/u).map((s) => s.trim()).filter((s) => s.length > 0);
}

const PROSE_WORDS = /\b(?:is|are|was|were|has|have|had|we|our|they|their|this|these|which|that|who|at|been|being|can|will|would|should|uses|using|address|pursue|pursues|pursuing|conduct|conducts|offer|offers|provide|provides|now|also|within|grown|many|it|its)\b/iu;

/** Triggers that are lead-ins themselves: the words before them ("Broad training in …") are never a topic. */
const LEAD_IN_TRIGGER = /^(?:in\s+the\s+(?:fields?|areas?)\s+of|(?:recent\s+)?advances\s+in|(?:international\s+)?forum\s+for|(?:particular\s+)?strengths?\s+in|(?:special\s+)?expertise\s+in|training\s+in|(?:research|work)\s+spans|\s*are)\b/iu;

/** The trigger a list starts after: the last one, before the list's first comma, whose head is a lead-in; else the first. */
function findTrigger(s: string): RegExpExecArray | null {
  const first = TRIGGER.exec(s);
  if (!first) return null;
  TRIGGER_ALL.lastIndex = 0;
  const all = [...s.matchAll(TRIGGER_ALL)];
  if (all.length <= 1) return first;
  const stops = [s.indexOf(','), s.indexOf(';')].filter((i) => i >= 0);
  const firstStop = stops.length > 0 ? Math.min(...stops) : -1;
  let chosen: RegExpExecArray = all[0] as RegExpExecArray;
  for (const m of all) {
    if (firstStop >= 0 && m.index > firstStop) break;
    const head = s.slice(0, m.index);
    if (m !== all[0] && (isLeadIn(head) || LEAD_IN_TRIGGER.test(m[0].trim()))) chosen = m as RegExpExecArray;
  }
  return chosen;
}

/** Removes a lead-in that opens a list item ("special expertise in cognitive control …" → "cognitive control …"). */
function stripItemLeadIn(item: string): string {
  const t = findTrigger(item);
  if (!t) return item;
  if (t.index === 0) return LEAD_IN_TRIGGER.test(t[0].trim()) ? item.slice(t[0].length).trim() : item;
  const head = item.slice(0, t.index);
  if (head.includes(',')) return item;
  return isLeadIn(head) || LEAD_IN_TRIGGER.test(t[0].trim()) ? item.slice(t.index + t[0].length).trim() : item;
}

/** Topic phrases of one line of a research-area or call-for-papers page. */
function topicItems(line: string, work: Work): string[] {
  let l = line
    .replace(/\[stored excerpt ends here\]/giu, '')
    .replace(/^\s*(?:#{1,6}\s*|[-*•·▪‣◦–—]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)/u, '')
    .replace(/^(?:area|track|theme|topic)\s+(?:[ivx]+|\d+)\s*[:.-]\s*/iu, '')
    .replace(/^[A-Z]{1,4}\d{1,3}(?:\.\d{1,3})*\s*[-–—:.]\s+/u, '')
    .trim();
  if (!l || /:$/u.test(l) || isFurnitureLine(l)) {
    if (l) note(work, 'drop-furniture', `"${l.slice(0, 60)}"`);
    return [];
  }
  if (/\w\.\.\.$|\w…$/u.test(l)) l = l.replace(/\s*\S+(?:\.\.\.|…)$/u, '');
  l = dropInlineNumbers(dropPeopleParentheticals(l));
  const bullets = splitInlineBullets(l);
  if (bullets.length > 1) {
    note(work, 'inline-bullets', `${bullets.length} items`);
    return bullets.flatMap((b) => topicItems(b, work));
  }
  const items: string[] = [];
  // "Algorithms – A core area …": the topic is the part before the dash, the rest is description.
  // "Geoinformatics: the digital revolution has …": a topic, then a colon and a sentence describing it.
  const described = /^([^–—:]{2,60}?)(?:\s+[–—-]\s+|:\s+(?=\p{Ll}))(.+)$/u.exec(l);
  if (described && described[1]!.split(/\s+/u).length <= 6 && !PROSE_WORDS.test(described[1]!) && !isLeadIn(described[1]!)) {
    note(work, 'topic-description', `"${described[1]}" kept, description scanned for lists`);
    items.push(described[1]!);
    l = described[2]!;
    if (!TRIGGER.test(l)) return items;
  }
  // Sentences end at ". X" or "; X" after a word of five letters or more ("Low-temp. Physics" is one item).
  for (const sentence of /[.;]\s/u.test(l) ? l.split(/(?<=[a-z]{5}|\))[.;]\s+(?=[A-Z])/u) : [l]) {
    let s = sentence.replace(/\.$/u, '').trim();
    if (!s) continue;
    if (isQuestion(s) || ((isDefinition(s) || isActivityDescription(s)) && !TRIGGER.test(s))) {
      note(work, 'drop-prose', `"${s.slice(0, 60)}"`);
      continue;
    }
    const list = listOfSentence(s);
    if (list !== null) {
      note(work, 'lead-in', `"${s.slice(0, Math.max(0, s.indexOf(list))).slice(0, 60) || s.slice(list.length).slice(0, 60)}" dropped`);
      s = list;
    }
    const strong = STRONG_TRIGGER.exec(s);
    const found = findTrigger(s);
    const trig = strong && !found?.[0].match(LEAD_IN_TRIGGER) ? strong : found;
    const tokens = s.split(/\s+/u).length;
    if (trig) {
      const head = s.slice(0, trig.index).replace(/[,\s]+$/u, '');
      const rest = s.slice(trig.index + trig[0].length);
      const headTokens = head.split(/\s+/u).length;
      if (head && headTokens <= 4 && !PROSE_WORDS.test(head) && !isLeadIn(head) && !LEAD_IN_TRIGGER.test(trig[0].trim())) items.push(head);
      else if (head) note(work, 'drop-prose', `"${head.slice(0, 60)}"`);
      // Each ";" piece can open with its own lead-in ("…; special expertise in cognitive control, …").
      items.push(...rest.split(/\s*;\s*/u).map((piece) => stripItemLeadIn(piece)));
      continue;
    }
    // A long sentence with no list signal (no trigger, fewer than three commas) is prose.
    if (list === null && tokens > 12 && (s.match(/,/gu) ?? []).length < 3 && PROSE_WORDS.test(s)) {
      note(work, 'drop-prose', `"${s.slice(0, 60)}"`);
      continue;
    }
    if (list === null && tokens > 8 && PROSE_WORDS.test(s)) {
      const prose = /^.*?\b(?:on|in|of|for)\s+(?=[^,]*,[^,]*,)/iu.exec(s);
      if (!prose) {
        note(work, 'drop-prose', `"${s.slice(0, 60)}"`);
        continue;
      }
      note(work, 'prose-list', `"${s.slice(0, 40)}…"`);
      items.push(...s.slice(prose[0].length).split(/\s*;\s*/u));
      continue;
    }
    items.push(...s.split(/\s*;\s*/u));
  }
  return items.map((i) => stripListFiller(i)).filter((i) => i.length > 0);
}

function extractTopics(text: string, level: Level, work: Work): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/u)) {
    for (const item of topicItems(line, work)) {
      const { head, examples } = splitExamples(item.replace(/^[\s,]+|[\s,.]+$/gu, ''));
      if (examples.length > 0) note(work, 'examples', `"${head}" with ${examples.length} examples`);
      const headParts = head ? splitFields(stripUnitBoilerplate(head), { topics: true }).parts : [];
      const headWord = head.trim().split(/\s+/u).pop() ?? '';
      for (const p of headParts) out.push(p);
      for (const ex of examples) {
        // An example can itself open a list ("… medical interventions including biomedical imaging and medical robotics").
        const inner = TRIGGER.test(ex) ? splitExamples(ex) : { head: ex, examples: [] };
        const pieces = inner.examples.length > 0 && inner.head ? [inner.head, ...inner.examples] : [ex];
        for (const piece of pieces) {
          for (const e of splitFields(piece, { topics: true }).parts) {
            const single = !e.trim().includes(' ');
            // "General machine learning (supervised, online, …)": a bare adjective borrows the head noun.
            out.push(single && /(?:ed|ive|al|ar|ic|online|offline|robust|convex)$/u.test(e.toLowerCase()) && headWord ? `${e} ${headWord}` : e);
          }
        }
      }
    }
  }
  return out.map((p) => finishPart(p, level, NO_INSTITUTION)).filter((p): p is string => p !== null);
}

/** At levels 2-3 a named unit ("Center for Visual Computing") is reduced to its subject. */
function stripUnitBoilerplate(text: string): string {
  const m = /^(?:the\s+)?(?:center|centre|institute|laboratory|lab|program|group|initiative)\s+(?:for|of|on|in)\s+(.+)$/iu.exec(text);
  return m ? m[1]! : text;
}

const traceCache = new Map<string, ExtractionTrace>();
/** Level-0/1 results by level and text, each with the questions its institution answered "no" to. */
const unitCache = new Map<string, { trace: ExtractionTrace; queries: InstitutionQueries }>();

function copyTrace(trace: ExtractionTrace): ExtractionTrace {
  return { labels: trace.labels.map((l) => ({ ...l, aliases: [...l.aliases] })), steps: trace.steps.map((st) => ({ ...st })) };
}

/**
 * Extracts the field, department, area or topic labels a text names, with the steps taken. Levels 2-3 are memoized
 * on level and text, all the result depends on there (the same topic line recurs on many pages). A unit name at
 * levels 0-1 also depends on its institution, but only through the questions an InstitutionLens answers: the
 * first computation of a text records them, and when its institution answered all of them "no" (most department
 * names hold nothing of their institution's name), another institution that answers the same questions "no" gets
 * the same result without computing it ("department of physics" at forty universities).
 */
export function extractLabels(input: ExtractLabelsInput): ExtractionTrace {
  const key = `${input.level}\u0000${input.text ?? ''}`;
  // OWNER_SEPARATOR first: most names have no "<prefix> - ", and the cleanup and the prefix pattern cost more.
  if (input.level <= 1 && OWNER_SEPARATOR.test(input.text ?? '') && !isBlockText(input.text ?? '', input.level)) {
    // "Boston State University - Department of Physics": the owner's prefix is stripped before anything else reads
    // the text, so what follows is memoized on the rest, shared by every institution that writes its name first.
    const head: Work = { steps: [], aliases: [] };
    const cleaned = cleanUnitText(input.text ?? '');
    const rest = stripInstitutionPrefix(cleaned, new InstitutionLens(input.institution, false), head);
    if (rest !== cleaned) {
      const body = memoizedUnit(`${input.level}\u0001${rest}`, input.institution, (lens) => {
        const work: Work = { steps: [], aliases: [] };
        return finishLabels(unitBody(rest, lens, input.level, work), work, input.level);
      });
      return { labels: body.labels, steps: [...head.steps, ...body.steps] };
    }
  }
  if (input.level <= 1) return memoizedUnit(key, input.institution, (lens) => computeLabels(input, lens));
  let trace = traceCache.get(key);
  if (!trace) {
    trace = computeLabels(input, null);
    if (traceCache.size > 50_000) traceCache.clear();
    traceCache.set(key, trace);
  }
  return copyTrace(trace);
}

/**
 * A level-0/1 result memoized on `key` and the questions its institution answered "no" to: a hit whose questions
 * this institution answers alike is handed out as a copy; else `compute` runs with a lens that records them (the
 * first time) and the result is kept unless an answer was "yes".
 */
function memoizedUnit(key: string, institution: string | null, compute: (lens: InstitutionLens) => ExtractionTrace): ExtractionTrace {
  const hit = unitCache.get(key);
  if (hit !== undefined && new InstitutionLens(institution, false).answersNo(hit.queries)) return copyTrace(hit.trace);
  const lens = new InstitutionLens(institution, hit === undefined);
  const trace = compute(lens);
  if (hit === undefined && !lens.touched) {
    // Bounded lower than the level-2/3 memo: an entry also holds its questions (1,000,000 bench records: S1's
    // level-1 peak 926 MB with 50,000 entries of ordered, repeated questions).
    if (unitCache.size > 20_000) unitCache.clear();
    unitCache.set(key, { trace: copyTrace(trace), queries: lens.queries() });
  }
  return trace;
}

/** extractLabels without its memo: what the memo must give (its tests compare the two). */
export function extractLabelsUncached(input: ExtractLabelsInput): ExtractionTrace {
  return computeLabels(input, null);
}

/** The labels of one text; `institution` is the lens of a level-0/1 unit name (null at levels 2-3). */
function computeLabels(input: ExtractLabelsInput, institution: InstitutionLens | null): ExtractionTrace {
  const work: Work = { steps: [], aliases: [] };
  const text = input.text ?? '';
  const isBlock = isBlockText(text, input.level);
  let raw: string[];
  if (input.level >= 2) raw = extractTopics(text, input.level, work);
  else {
    const lens = institution ?? new InstitutionLens(input.institution, false);
    if (!isBlock) raw = extractUnit(text, lens, input.level, work);
    else {
      raw = [];
      for (const item of extractTopics(text, input.level, work)) raw.push(...extractUnit(item, lens, input.level, work));
    }
  }
  return finishLabels(raw, work, input.level);
}

/** A text is read as a block of items (a list, a paragraph) when it has several lines or many words. */
function isBlockText(text: string, level: Level): boolean {
  const trimmed = text.trim();
  return /\n/u.test(trimmed) || trimmed.split(/\s+/u).length > (level <= 1 ? 24 : 16);
}

/** The labels of the raw names an extraction found: cleaned, normalized, deduplicated and checked by `verifyLabel`. */
function finishLabels(raw: readonly string[], work: Work, level: Level): ExtractionTrace {
  const labels: ExtractedLabel[] = [];
  const seen = new Set<string>();
  const aliasFor = raw.length === 1 ? work.aliases : [];
  for (const r of raw) {
    const label = makeLabel(r, aliasFor);
    if (!label.normalized || seen.has(label.normalized)) continue;
    const verdict = verifyLabel({ label: label.normalized, level });
    if (!verdict.pass) {
      work.steps.push({ step: 'reject', detail: `"${label.label}": ${verdict.reasons.join('; ')}` });
      continue;
    }
    seen.add(label.normalized);
    labels.push(label);
  }
  return { labels, steps: work.steps };
}
