import { collapseWhitespace, foldDiacritics, memoBounded, normalizeLabel, tokenize } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import { isKnownField } from '@taxonomy/lexicon';
import { ratcliffObershelp } from './similarity.ts';

/** One candidate as the model returned it (the `taxonomy.extract` wire shape). */
export interface RawCandidate {
  label: string;
  normalized: string;
  aliases: ReadonlyArray<string>;
  parents: ReadonlyArray<string>;
}

/** A candidate after normalization: canonical form, cleaned aliases, textual parent anchors. */
export interface NormalizedCandidate {
  label: string;
  normalized: string;
  aliases: string[];
  parents: string[];
}

export interface NormalizationStep {
  step: string;
  detail: string;
}

export type NormalizeResult =
  | { ok: true; value: NormalizedCandidate; steps: NormalizationStep[] }
  | { ok: false; reason: 'empty' | 'too_short' | 'too_long'; detail: string; steps: NormalizationStep[] };

export interface NormalizeContext {
  level: number;
  /** Institution of the record (raw name as seen); its name is stripped from labels and never becomes an alias. */
  institution: string | null;
  config: Config['s1'];
  /** False: the steps are not written down (a task keeps only the result; `explain` shows them). Default true. */
  trace?: boolean;
}

/** Words that are never acronyms of a field even when written in capitals. */
const ACRONYM_STOP_WORDS = new Set([
  'OF', 'THE', 'AND', 'FOR', 'WITH', 'FROM', 'IN', 'ON', 'BY', 'AT', 'TO', 'AN', 'A', 'OR',
  'UNIVERSITY', 'UNIVERISTY', 'COLLEGE', 'SCHOOL', 'DEPARTMENT', 'DEPT', 'CENTER', 'CENTRE', 'INSTITUTE', 'LAB',
  'LABORATORY', 'PROGRAM', 'PROGRAMME', 'RESEARCH', 'SCIENCE', 'ENGINEERING', 'STUDIES', 'DIVISION',
]);

/** Function words skipped when matching an acronym against the initials of a phrase ("ECE" = electrical and computer engineering). */
const INITIALS_STOP_WORDS = new Set(['of', 'and', 'the', 'for', 'in', 'on', '&', '+', 'a', 'an', 'to', 'with']);

/**
 * Acronyms with one meaning in a unit name (levels 0–1 only); "ai" is ambiguous and expands only with
 * `include_ambiguous_acronyms`.
 */
export const ACRONYM_EXPANSIONS: ReadonlyMap<string, string> = new Map([
  ['cs', 'computer science'],
  ['cee', 'civil and environmental engineering'],
  ['ce', 'civil engineering'],
  ['ece', 'electrical and computer engineering'],
  ['ee', 'electrical engineering'],
  ['eecs', 'electrical engineering and computer science'],
  ['ise', 'industrial and systems engineering'],
  ['me', 'mechanical engineering'],
  ['mse', 'materials science and engineering'],
  ['ai', 'artificial intelligence'],
]);
const AMBIGUOUS_ACRONYMS = new Set(['ai']);

/** Unit words that, after a comma at the end of a name, mark an inverted unit ("Physics, Department of"). */
const INVERTED_UNIT_WORDS = ['committee on', 'committee for', 'committee in', 'interdepartmental program', 'program', 'department'];

const MAX_ALIAS_CHARS = 160;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** Prefix lists and inverted-name patterns derived from one config slice, computed once per slice object. */
interface DerivedRules {
  prefixes: Map<number, string[]>;
  inverted: RegExp[];
}
const derivedCache = new WeakMap<Config['s1'], DerivedRules>();

function derivedRules(config: Config['s1']): DerivedRules {
  let rules = derivedCache.get(config);
  if (rules === undefined) {
    const prefixes = new Map<number, string[]>();
    for (const level of [0, 1, 2, 3]) {
      const key = `level_${level}` as keyof Config['s1']['level_prefixes'];
      prefixes.set(level, [...config.level_prefixes[key]].map((p) => p.toLowerCase()).sort((a, b) => b.length - a.length || (a < b ? -1 : 1)));
    }
    const inverted = allUnitWords(config).map(
      (word) => new RegExp(`^(.+?)\\s*,\\s*${escapeRegExp(word).replace(/\s+/gu, '\\s+')}\\.?$`, 'iu'),
    );
    rules = { prefixes, inverted };
    derivedCache.set(config, rules);
  }
  return rules;
}

/** The level's configured prefixes, lower-cased, longest first so "programs in " wins over "program in ". */
export function levelPrefixes(config: Config['s1'], level: number): string[] {
  return derivedRules(config).prefixes.get(Math.max(0, Math.min(3, level))) ?? [];
}

/** Every level's prefixes (trimmed), for inverted unit names and parent anchors, which may name a unit of any level. */
export function allUnitWords(config: Config['s1']): string[] {
  const words = new Set<string>(INVERTED_UNIT_WORDS);
  for (const list of Object.values(config.level_prefixes)) for (const p of list) words.add(p.toLowerCase().replace(/[\s:]+$/u, ''));
  return [...words].filter((w) => w.length > 0).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** What normalization needs of an institution's name: its normalized form, and its tokens as a list and a set. */
interface InstitutionFacts {
  key: string;
  tokens: readonly string[];
  tokenSet: ReadonlySet<string>;
}

const NO_INSTITUTION: InstitutionFacts = { key: '', tokens: [], tokenSet: new Set() };
const institutionFactsCache = new Map<string, InstitutionFacts>();

/** An institution's facts, computed once per name (bounded): every label of a record asks for them two or three times. */
function institutionFacts(institution: string | null): InstitutionFacts {
  if (institution === null) return NO_INSTITUTION;
  return memoBounded(institutionFactsCache, institution, 10_000, (name) => {
    const key = normalizeLabel(name);
    const tokens = tokenize(key);
    return { key, tokens, tokenSet: new Set(tokens) };
  });
}

/** Institution name tokens (folded, lower-case), for prefix stripping and for rejecting acronym aliases like DUKE. */
function institutionTokens(institution: string | null): readonly string[] {
  return institutionFacts(institution).tokens;
}

/** An institution's name as a pattern for the start of a label, compiled once per name. */
interface InstitutionPattern {
  /** Case-insensitive, Unicode-aware: for any label (compiled when a label needs it). */
  unicode: () => RegExp;
  /** The same pattern for an ASCII label lower-cased (null when the name is not ASCII): compiling the Unicode case-insensitive form costs ~4 ms per name, and most labels are ASCII. */
  ascii: RegExp | null;
}

const institutionPatterns = new Map<string, InstitutionPattern | null>();
const ASCII = /^[\x00-\x7f]*$/u;

/** The pattern of an institution name at the start of a label, compiled once per name. */
function institutionPattern(institution: string | null): InstitutionPattern | null {
  if (institution === null) return null;
  let re = institutionPatterns.get(institution);
  if (re === undefined) {
    const tokens = institutionTokens(institution);
    const name = tokens.map(escapeRegExp).join('[^\\p{L}\\p{N}]+');
    // The name must be followed by a separator with white space after it, or by white space: "Harvard University-Law" stays.
    const tail = '(?:\\s*[-–—:|,]\\s+|\\s+)(?=\\S)';
    // On lower-cased ASCII text, [^a-z0-9] is [^\p{L}\p{N}] and no letter needs case folding.
    const ascii = tokens.every((t) => ASCII.test(t)) ? `^(?:the\\s+)?${tokens.map(escapeRegExp).join('[^a-z0-9]+')}${tail}` : null;
    let unicode: RegExp | null = null;
    re = tokens.length === 0 ? null : { unicode: () => (unicode ??= new RegExp(`^(?:the\\s+)?${name}${tail}`, 'iu')), ascii: ascii === null ? null : new RegExp(ascii, 'u') };
    if (institutionPatterns.size > 10_000) institutionPatterns.clear();
    institutionPatterns.set(institution, re);
  }
  return re;
}

/** Removes the owning institution's name from the start of a label: "UNIVERSITY OF PENNSYLVANIA - the Wharton School". */
export function stripInstitutionPrefix(text: string, institution: string | null): string {
  const re = institutionPattern(institution);
  if (re === null) return text;
  const folded = foldDiacritics(text);
  if (folded.length !== text.length) return text;
  const match = re.ascii !== null && ASCII.test(folded) ? re.ascii.exec(folded.toLowerCase()) : re.unicode().exec(folded);
  return match === null ? text : text.slice(match[0].length);
}

/** A token that reads as an acronym: 2–6 capitals (with an inner `&`), not a function or unit word. */
function isAcronymToken(token: string, institution: ReadonlyArray<string>): boolean {
  const letters = token.replace(/&/gu, '');
  if (!/^[A-Z][A-Z&]{1,7}$/u.test(token) || letters.length < 2 || letters.length > 6) return false;
  if (ACRONYM_STOP_WORDS.has(token)) return false;
  return !institution.includes(token.toLowerCase());
}

/** Initials of a phrase's words, with and without function words. */
function initials(phrase: string): string[] {
  const tokens = tokenize(phrase);
  const all = tokens.map((t) => t[0] ?? '').join('');
  const content = tokens.filter((t) => !INITIALS_STOP_WORDS.has(t)).map((t) => t[0] ?? '').join('');
  return [...new Set([all, content])].filter((s) => s.length > 1);
}

/** True when `acronym` (any case) abbreviates `phrase`: a known expansion or the initials of its words. */
export function isAcronymOf(acronym: string, phrase: string): boolean {
  const a = acronym.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (a.length < 2) return false;
  if (ACRONYM_EXPANSIONS.get(a) === phrase) return true;
  return initials(phrase).includes(a);
}

export interface CanonicalForm {
  /** The canonical comparison form ('' when nothing is left). */
  canonical: string;
  /** Surface forms met on the way (before each removal), for aliases. */
  forms: string[];
  /** Acronyms found (upper-case), for aliases. */
  acronyms: string[];
  /** The text with only the institution prefix removed and white space collapsed (the label as named). */
  surface: string;
  steps: NormalizationStep[];
}

/**
 * The canonical form of one label: owning-institution prefix, leading article, trailing parenthetical
 * (an acronym inside becomes an alias), inverted unit suffix ("Physics, Department of"), the level's
 * prefixes anchored at the start only, then core `normalizeLabel` (diacritics folded, any script kept).
 */
export function canonicalForm(text: string, ctx: NormalizeContext): CanonicalForm {
  const traced = ctx.trace !== false;
  const steps: NormalizationStep[] = [];
  const forms: string[] = [];
  const acronyms: string[] = [];
  const instTokens = institutionTokens(ctx.institution);
  let t = collapseWhitespace(text);
  const record = (step: string, next: string) => {
    if (next === t || next.length === 0) return;
    forms.push(t);
    if (traced) steps.push({ step, detail: `"${t}" → "${next}"` });
    t = next;
  };
  record('institution prefix', stripInstitutionPrefix(t, ctx.institution).trim());
  const surface = t;
  record('leading article', t.replace(/^the\s+/iu, ''));
  const paren = /^(.*\S)\s*[([]([^()[\]]{1,60})[)\]]$/u.exec(t);
  if (paren !== null) {
    const inner = paren[2]!.trim();
    if (/^[\p{L}&.]{2,10}$/u.test(inner) && !/\s/u.test(inner)) {
      const acr = inner.replace(/\./gu, '').toUpperCase();
      if (acr.length >= 2 && acr.length <= 8 && !instTokens.includes(acr.toLowerCase())) acronyms.push(acr);
    }
    record('trailing parenthetical', paren[1]!.trim());
  }
  // Every inverted pattern needs a comma before its unit word: most labels have none.
  if (t.includes(',')) {
    for (const re of derivedRules(ctx.config).inverted) {
      const m = re.exec(t);
      if (m !== null) {
        record('inverted unit name', m[1]!.trim());
        break;
      }
    }
  }
  const lower = t.toLowerCase();
  for (const prefix of levelPrefixes(ctx.config, ctx.level)) {
    if (lower.startsWith(prefix)) {
      record(`level ${ctx.level} prefix "${prefix.trim()}"`, t.slice(prefix.length).replace(/^[\s\-:,\t]+/u, ''));
      break;
    }
  }
  // Capital tokens of a mixed-case label that abbreviate the rest ("EECS"), never institution words (DUKE, URBANA).
  const words = t.split(/[^\p{L}&]+/u).filter((w) => w.length > 0);
  const hasLower = /\p{Ll}/u.test(t);
  // In-word apostrophes join ("women's" → "womens"); a free-standing "&" reads "and", so both spellings meet.
  const canonicalSoFar = normalizeLabel(t.replace(/(\p{L})['’](\p{L})/gu, '$1$2').replace(/(^|\s)[&+](?=\s|$)/gu, '$1and'));
  for (const w of words) {
    if (!isAcronymToken(w, instTokens)) continue;
    const bare = words.length === 1;
    if (bare && w.length <= 6) acronyms.push(w);
    else if (hasLower) {
      const rest = tokenize(canonicalSoFar).filter((x) => x !== w.toLowerCase()).join(' ');
      if (isAcronymOf(w, rest)) acronyms.push(w);
    }
  }
  let canonical = canonicalSoFar;
  if (traced && canonical !== t) steps.push({ step: 'normalize', detail: `"${t}" → "${canonical}"` });
  const expansion = ACRONYM_EXPANSIONS.get(canonical);
  if (
    expansion !== undefined &&
    ctx.level <= 1 &&
    (!AMBIGUOUS_ACRONYMS.has(canonical) || ctx.config.include_ambiguous_acronyms)
  ) {
    if (traced) steps.push({ step: 'acronym expansion', detail: `"${canonical}" → "${expansion}"` });
    if (!acronyms.includes(canonical.toUpperCase())) acronyms.push(canonical.toUpperCase());
    canonical = expansion;
  }
  return { canonical, forms, acronyms: [...new Set(acronyms)], surface, steps };
}

function stem(token: string): string {
  if (token.length > 4 && token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (token.length > 3 && token.endsWith('s') && !token.endsWith('ss')) return token.slice(0, -1);
  return token;
}

/**
 * Why the model's normalized form may stand for the label, or null when it names something the label
 * does not: equal, a part of the label, the expansion of an acronym label, a spelling variant, or a
 * known field the model mapped a non-field unit name to ("Wharton School" → business).
 */
export function supportForModelForm(modelForm: string, labelForm: string): string | null {
  if (modelForm === labelForm) return 'equal to the label form';
  const labelStems = new Set(tokenize(labelForm).map(stem));
  const modelTokens = tokenize(modelForm);
  if (labelForm.length > 0 && modelTokens.length > 0 && modelTokens.every((t) => labelStems.has(stem(t)))) return 'its words all occur in the label';
  if (labelForm.length > 0 && !labelForm.includes(' ') && isAcronymOf(labelForm, modelForm)) return `expands the acronym "${labelForm}"`;
  if (labelForm.length > 0 && ratcliffObershelp(modelForm, labelForm) >= 0.85) return 'a spelling variant of the label';
  if (isKnownField(modelForm) && (labelForm.length === 0 || !isKnownField(labelForm))) return 'a known field the label\'s unit maps to';
  return null;
}

/**
 * Normalizes one model candidate: canonical forms of both the label and the model's `normalized`, the
 * model's form kept when the label supports it, acronyms and surface forms as aliases (never the
 * institution's name), length bounds from config. Pure and deterministic.
 */
export function normalizeCandidate(raw: RawCandidate, ctx: NormalizeContext): NormalizeResult {
  const traced = ctx.trace !== false;
  const steps: NormalizationStep[] = [];
  const label = collapseWhitespace(raw.label);
  const modelText = collapseWhitespace(raw.normalized);
  const fromLabel = canonicalForm(label, ctx);
  // The same text gives the same form (canonicalForm is pure): most models echo the label as its normalized form.
  const fromModel = modelText === label ? fromLabel : canonicalForm(modelText, ctx);
  if (traced) steps.push(...fromLabel.steps.map((s) => ({ step: `label: ${s.step}`, detail: s.detail })));
  if (traced && modelText !== label) steps.push(...fromModel.steps.map((s) => ({ step: `model normalized: ${s.step}`, detail: s.detail })));
  let canonical = fromLabel.canonical;
  if (fromModel.canonical.length > 0 && fromModel.canonical !== fromLabel.canonical) {
    const why = supportForModelForm(fromModel.canonical, fromLabel.canonical);
    if (why !== null) {
      canonical = fromModel.canonical;
      if (traced) steps.push({ step: 'choose form', detail: `model form "${fromModel.canonical}" kept: ${why}` });
    } else {
      if (traced) steps.push({ step: 'choose form', detail: `model form "${fromModel.canonical}" rejected: the label "${label}" does not support it; using "${fromLabel.canonical}"` });
    }
  } else if (traced) steps.push({ step: 'choose form', detail: `"${canonical}"` });
  if (canonical.length === 0) return { ok: false, reason: 'empty', detail: `nothing left of "${label}"`, steps };
  const length = [...canonical].length;
  if (length < ctx.config.min_label_length) {
    return { ok: false, reason: 'too_short', detail: `"${canonical}" has ${length} < ${ctx.config.min_label_length} characters`, steps };
  }
  if (length > ctx.config.max_label_length) {
    return { ok: false, reason: 'too_long', detail: `"${canonical}" has ${length} > ${ctx.config.max_label_length} characters`, steps };
  }
  const facts = institutionFacts(ctx.institution);
  const instKey = ctx.institution === null ? null : facts.key;
  const instTokens = facts.tokenSet;
  const aliasSet = new Set<string>();
  const seenLower = new Set<string>([canonical]);
  const modelAliases = raw.aliases.map(collapseWhitespace);
  for (const alias of [fromLabel.surface, modelText, ...modelAliases, ...fromLabel.forms, ...fromModel.forms, ...fromLabel.acronyms, ...fromModel.acronyms]) {
    if (alias.length === 0 || alias.length > MAX_ALIAS_CHARS || seenLower.has(alias.toLowerCase())) continue;
    const key = normalizeLabel(alias);
    if (key.length === 0 || key === instKey) continue;
    // A single institution word (YALE, DUKE) is not an alias of a field.
    if (!key.includes(' ') && instTokens.has(key)) continue;
    // The model's rejected form is not an alias either.
    if (alias === modelText && canonical !== fromModel.canonical && key !== canonical) continue;
    // Surface forms still carrying the institution's name are the unit, not the field.
    if (instKey !== null && instKey.length > 0 && ` ${key} `.includes(` ${instKey} `)) continue;
    aliasSet.add(alias);
    seenLower.add(alias.toLowerCase());
  }
  const parents = [...new Set(raw.parents.map(collapseWhitespace).filter((p) => p.length > 0))];
  if (traced && aliasSet.size > 0) steps.push({ step: 'aliases', detail: [...aliasSet].sort().join(' | ') });
  return { ok: true, value: { label: fromLabel.surface.length > 0 ? fromLabel.surface : canonical, normalized: canonical, aliases: [...aliasSet].sort(), parents }, steps };
}
