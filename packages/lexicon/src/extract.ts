import { collapseWhitespace, tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { isKnownField, loadFieldLexicon, looksAdjectival, stemToken } from './field-lexicon.ts';
import { splitFields } from './split.ts';
import {
  ADJECTIVE_FIELDS,
  ADMIN_UNITS,
  AMBIGUOUS_BRANDS,
  CAMPUS_PLACES,
  CFP_FURNITURE,
  FAMILY_HINTS,
  GENERIC_WORDS,
  INSTITUTION_TOKENS,
  LEADING_QUALIFIERS,
  REGIONS,
  SCHOOL_BRANDS,
} from './tables.ts';
import type { ExtractedLabel, ExtractionStep, ExtractionTrace, ExtractLabelsInput, Level } from './types.ts';
import { verifyLabel } from './verify.ts';

const UNIT_WORDS =
  'school|college|department|dept\\.?|division|faculty|institute|center|centre|program|programme|committee|laboratory|lab|conservatory|academy|section|office|unit|initiative|graduate group';
const OF_HEAD = new RegExp(`^(.*?)\\b(?:interdepartmental\\s+)?(?:${UNIT_WORDS})\\s+(?:of|for|on|in)\\s+(.+)$`, 'iu');
const SUFFIX_HEAD = new RegExp(
  `^(.*?)[\\s,]+(?:${UNIT_WORDS}|labs|fund|clinic|group|programs|degree program|undergraduate studies|graduate studies|undergraduate program|graduate program)$`,
  'iu',
);
const MID_HEAD = /^(\S.*?)\s+(?:school|college|department|institute|center|centre|program)\s+(.+)$/iu;
const NON_ACADEMIC = /\b(?:medical center|hospitals?|health system|clinics?|museum|library|libraries|press|fund|collection|rotc|gardens?|herbari(?:um|a)|reserve|legacy|awards?|scholarships?|fellowships?|scholars|chairs|chiefs|health care system|(?:management|student|support|technical|career|computing|library)\s+services)$/iu;
const INVERTED = new RegExp(`^(.+?),\\s*((?:[^,]*\\s)?)(?:${UNIT_WORDS})(?:\\s+(?:of|for|on|in))?$`, 'iu');
const DEGREE = /^(?:bachelor|master|doctor|doctorate|associate)(?:'?s)?(?:\s+of\s+(?:arts|science|sciences|fine arts|philosophy))?\s+(?:of|in)\s+(.+)$/iu;
const INSTITUTION_WORD = /\b(?:university|univeristy|universtiy|univesity|universiry|institute of technology|college)\b/iu;

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

/** Words that name the owning institution: its own name's distinctive words plus the known short names. */
const institutionCache = new Map<string, { words: Set<string>; pattern: RegExp | null }>();

function institutionInfo(institution: string | null): { words: Set<string>; pattern: RegExp | null } {
  const key = institution ?? '';
  let info = institutionCache.get(key);
  if (!info) {
    info = { words: buildInstitutionWords(institution), pattern: institution ? new RegExp(`\\b${escapeRegex(institution)}\\b`, 'iu') : null };
    if (institutionCache.size > 10_000) institutionCache.clear();
    institutionCache.set(key, info);
  }
  return info;
}

function institutionWords(institution: string | null): Set<string> {
  return institutionInfo(institution).words;
}

function buildInstitutionWords(institution: string | null): Set<string> {
  const words = new Set(INSTITUTION_TOKENS);
  if (institution) {
    for (const tok of tokenize(normalize(institution))) {
      if (!/^(?:university|univeristy|of|the|at|and|institute|technology|college|state|california|new|york)$/u.test(tok)) words.add(tok);
    }
  }
  return words;
}

/** Removes a leading "<INSTITUTION> - " (also all-caps and misspelt forms). */
function stripInstitutionPrefix(text: string, institution: string | null, work: Work): string {
  const m = /^(.{3,90}?)\s+[-–—:|]\s+(.+)$/u.exec(text);
  if (!m) return text;
  const prefix = m[1]!;
  const sameAsGiven = institution !== null && normalize(prefix) === normalize(institution);
  const looksInstitution = INSTITUTION_WORD.test(prefix) && (prefix === prefix.toUpperCase() || /^(?:the\s+)?univers/iu.test(prefix) || /\buniversity$/iu.test(prefix));
  if (!sameAsGiven && !looksInstitution) return text;
  note(work, 'strip-institution', `"${prefix} - " removed`);
  return m[2]!;
}

/** "parent - child", "a -> b", "a > b": the most specific unit is the last one. */
function takeMostSpecific(text: string, work: Work): string {
  const arrow = text.split(/\s+(?:->|→|>>|>|»)\s+/u);
  if (arrow.length > 1) {
    note(work, 'path-most-specific', `"${arrow.slice(0, -1).join(' > ')}" dropped`);
    return arrow[arrow.length - 1]!;
  }
  if (/--/u.test(text)) return text.replace(/\s*--\s*/gu, ', ');
  const dash = /^(.+?)\s+[-–—]\s+(.+)$/u.exec(text);
  if (dash && new RegExp(`\\b(?:${UNIT_WORDS}|university)\\b`, 'iu').test(dash[1]!)) {
    note(work, 'path-most-specific', `"${dash[1]}" dropped`);
    return dash[2]!;
  }
  if (dash) return `${dash[1]}-${dash[2]}`;
  return text;
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

function dropCampus(text: string, work: Work): string {
  const m = /^(.*?)(?:[\s-]+(?:in\s+)?)([A-Za-z]+(?:\s+[A-Za-z]+){0,2})$/u.exec(text);
  if (m && m[1] && CAMPUS_PLACES.has(normalize(m[2]!))) {
    note(work, 'drop-campus', `"${m[2]}" removed`);
    return m[1].trim();
  }
  return text;
}

/** Drops leading words that are institution names, donors, brands, initials or qualifiers. */
function stripLeadingNames(text: string, instWords: Set<string>, work: Work, unknownToo: boolean): { rest: string; brands: string[] } {
  const vocabulary = loadFieldLexicon().vocabulary;
  const words = text.split(/[\s-]+/u).filter((w) => w.length > 0);
  const brands: string[] = [];
  const removed: string[] = [];
  if (unknownToo) {
    // Drop the shortest run of leading proper names after which a field remains ("prince alwaleed bin talal islamic studies").
    for (let k = 1; k < words.length; k += 1) {
      const head = words.slice(0, k).map((w) => normalize(w));
      if (head.every((h) => !vocabulary.has(h) || instWords.has(h) || AMBIGUOUS_BRANDS.has(h)) && isFieldLike(words.slice(k).join(' '))) {
        note(work, 'strip-names', `"${words.slice(0, k).join(' ')}" removed`);
        return { rest: words.slice(k).join(' '), brands: head.filter((h) => SCHOOL_BRANDS.has(h)) };
      }
    }
    if (words.every((w) => !vocabulary.has(normalize(w)) || instWords.has(normalize(w)))) {
      const brands = words.map((w) => normalize(w)).filter((h) => SCHOOL_BRANDS.has(h));
      note(work, 'strip-names', `"${words.join(' ')}" are names only`);
      return { rest: '', brands };
    }
  }
  while (words.length > 0) {
    const w = words[0]!;
    const n = normalize(w);
    const isInitial = /^[A-Za-z]\.?$/u.test(w) || /^[A-Za-z]\.[A-Za-z]\.?$/u.test(w);
    const isName = instWords.has(n) || SCHOOL_BRANDS.has(n) || AMBIGUOUS_BRANDS.has(n) || isInitial || n === 'the';
    // An unknown word is a proper name only when what follows it is a field ("mahindra humanities").
    const isUnknown = unknownToo && !vocabulary.has(n) && (words.length === 1 || isFieldLike(words.slice(1).join(' ')));
    if (!isName && !isUnknown) break;
    if (SCHOOL_BRANDS.has(n)) brands.push(n);
    removed.push(w);
    words.shift();
  }
  if (removed.length > 0) note(work, 'strip-names', `"${removed.join(' ')}" removed`);
  return { rest: words.join(' '), brands };
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

function isAdmin(text: string): boolean {
  const n = normalize(text.replace(/^the\s+/iu, ''));
  return n.length === 0 || ADMIN_UNITS.has(n) || /^(?:graduate|honors|extension|continuing|summer|professional|undergraduate|general|student|academic)\s+(?:studies|education|programs?|services|affairs|sessions?|school|college|division)$/u.test(n);
}

/** Field part of one unit name, or null when the unit carries no field. */
function unitFieldPart(raw: string, institution: string | null, work: Work): string | null {
  const instWords = institutionWords(institution);
  let text = raw;
  if (/\buniver\w*$/iu.test(text) || /^(?:the\s+)?university\s+of\s+\w+$/iu.test(text)) {
    note(work, 'campus', `"${text}" names an institution or campus`);
    return null;
  }
  // Own institution inside the name ("University of Michigan School of Dentistry").
  const re = institutionInfo(institution).pattern;
  if (institution && re) {
    if (re.test(text)) {
      text = text.replace(re, ' ').trim();
      note(work, 'strip-institution', `"${institution}" removed`);
    }
  }
  const generic = /\b(?:university\s+of\s+[a-z]+|[a-z]+\s+univer\w+)\b/iu.exec(text);
  if (generic) {
    text = text.replace(generic[0], ' ').replace(/\s+/gu, ' ').trim();
    note(work, 'strip-institution', `"${generic[0]}" removed`);
  }
  text = dropCampus(text, work);
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
  // Inverted forms: "Physics, Department of", "Medicine, Pritzker School of", "Neuroscience, Interdepartmental Program".
  const inv = INVERTED.exec(text);
  if (inv) {
    note(work, 'invert', `"${text.slice(inv[1]!.length)}" removed`);
    text = inv[1]!;
  } else {
    const degree = DEGREE.exec(text);
    if (degree) {
      note(work, 'strip-degree', `"${text.slice(0, text.length - degree[1]!.length)}" removed`);
      text = degree[1]!;
    } else {
      const of = OF_HEAD.exec(text);
      if (of) {
        note(work, 'strip-unit-head', `"${text.slice(0, text.length - of[2]!.length).trim()}" removed`);
        text = of[2]!;
      } else if (MID_HEAD.exec(text) && isFieldLike(splitFields(MID_HEAD.exec(text)![2]!).parts[0] ?? '')) {
        const mid = MID_HEAD.exec(text)!;
        note(work, 'strip-unit-head', `"${text.slice(0, text.length - mid[2]!.length).trim()}" removed`);
        text = mid[2]!;
      } else {
        let suffix = SUFFIX_HEAD.exec(text);
        let hadSuffix = false;
        while (suffix && suffix[1]) {
          hadSuffix = true;
          note(work, 'strip-unit-head', `"${text.slice(suffix[1].length).trim()}" removed`);
          text = suffix[1];
          suffix = SUFFIX_HEAD.exec(text);
        }
        if (isAdmin(stripQualifiers(text))) {
          note(work, 'admin-unit', `"${text}" carries no field`);
          return null;
        }
        const { rest, brands } = isKnownField(text) ? { rest: text, brands: [] } : stripLeadingNames(text, instWords, work, hadSuffix);
        if (!rest) {
          const brand = brands.map((b) => SCHOOL_BRANDS.get(b)).find((f) => f !== undefined);
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
  if (isAdmin(text)) {
    note(work, 'admin-unit', `"${text}" carries no field`);
    return null;
  }
  const adjective = ADJECTIVE_FIELDS.get(normalize(text));
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

/** Cleans one split part; returns null when it names nothing. */
function finishPart(part: string, level: Level, instWords: Set<string>): string | null {
  let p = stripQualifiers(part.replace(/^(?:and|or|other|e\.g\.|i\.e\.)\s+/iu, '').replace(/\s*(?:,?\s*etc\.?|and more|and others|and many others|…|\.\.\.)$/iu, ''));
  p = p.replace(/^(?:(?:basic|applied|fundamental|current)\s+)?(?:research\s+(?:in|on)|work\s+on|topics?\s+(?:in|on)|(?:the\s+)?entire\s+sub-?\s?fields?\s+of)\s+/iu, '');
  if (level >= 2 && p.split(/\s+/u).length >= 2 && PROSE_WORDS.test(p)) return null;
  p = p.replace(/\s+(?:dnp|bsn|msn|mba|phd|md|mph|mpa|ms|ma|bs|ba|doctorate|degree|certificate|minor|major|residents?|interdepartmental|idp)$/iu, '');
  p = p.replace(/^(?:accelerated|executive)\s+/iu, '');
  const n = normalize(p);
  if (!n || GENERIC_WORDS.has(n) || CAMPUS_PLACES.has(n) || REGIONS.has(n)) return null;
  if (level <= 1 && !n.includes(' ') && /(?:al|ary|ous|ive|ed|ar|atric|iac|acic|edic)$/u.test(n) && !isKnownField(n) && !ADJECTIVE_FIELDS.has(n) && !FAMILY_HINTS.has(stemToken(n))) return null;
  if (level <= 1 && looksLikeNames(normalize(p.replace(/['’]s\b/gu, 's')))) return null;
  const tokens = tokenize(n);
  if (tokens.every((t) => instWords.has(t))) return null;
  const adjective = level <= 1 ? ADJECTIVE_FIELDS.get(n) : undefined;
  if (adjective && tokens.length === 1) p = adjective;
  return p;
}

function extractUnit(text: string, institution: string | null, level: Level, work: Work): string[] {
  let t = collapseWhitespace(text.replace(/^["'“]+|["'”]+$/gu, ''));
  t = stripInstitutionPrefix(t, institution, work);
  t = dropParentheticals(t, work).replace(/\b(department|school|college|division|institute|center|program) of(?=[a-z]{3,})/giu, '$1 of ');
  // "chicana/o", "latina/o": one inclusive name, written as the classic field name.
  t = t.replace(/\b(\w+)a\/o\b/gu, (_m, stem: string) => `${stem}o`);
  t = takeMostSpecific(t, work);
  const field = unitFieldPart(t, institution, work);
  if (field === null) return [];
  const { parts, distributed } = splitFields(field);
  if (parts.length > 1) note(work, distributed ? 'split-distribute' : 'split', `"${field}" → ${parts.map((p) => `"${p}"`).join(', ')}`);
  const instWords = institutionWords(institution);
  return parts.map((p) => finishPart(p, level, instWords)).filter((p): p is string => p !== null);
}

const TRIGGER =
  /\b(?:including(?:,?\s*but\s+not\s+limited\s+to)?|include(?:s)?(?:,?\s*but\s+(?:are\s+)?not\s+limited\s+to)?|such\s+(?:areas\s+)?as|covers?|encompass(?:es)?|comprises?|consists?\s+of|consisting\s+of|areas?\s+(?:like|of)|ranging\s+from)\b\s*(?:the\s+following(?:\s+areas)?)?\s*:?/iu;

const STRONG_TRIGGER = /\b(?:including(?:,?\s*but\s+not\s+limited\s+to)?|such\s+(?:areas\s+)?as)\b\s*:?/iu;

function isFurniture(line: string): boolean {
  const n = normalize(line);
  if (!n) return true;
  if (CFP_FURNITURE.includes(n)) return true;
  if (/^(?:call for papers|important dates|submission|camera ready|the following|we invite|we solicit|papers are invited)/u.test(n)) return true;
  if (/\bcall for (?:papers|contributions|submissions|participation)\b/u.test(n) && tokenize(n).length <= 8) return true;
  if (/\b(?:19|20)\d\d\b/u.test(n) && tokenize(n).length <= 8 && /\b(?:call|conference|cfp|track|papers|[a-z]{2,8} (?:19|20)\d\d)\b/u.test(n)) return true;
  return false;
}

/** Splits a "Head (e.g., a, b, c)" or "Head: a, b" item into head and examples. */
function splitExamples(item: string): { head: string; examples: string[] } {
  const paren = /^(.*?)\s*\((?:e\.g\.,?|i\.e\.,?|including|incl\.|such as)?\s*([^()]*)\)\s*(.*)$/iu.exec(item);
  if (paren) {
    const head = `${paren[1]} ${paren[3]}`.trim();
    return { head, examples: splitConjunctsLoose(paren[2]!) };
  }
  const colon = /^([^:]{2,60}):\s+(.+)$/u.exec(item);
  if (colon) return { head: colon[1]!, examples: splitConjunctsLoose(colon[2]!) };
  const trig = TRIGGER.exec(item);
  if (trig && trig.index > 0) {
    return { head: item.slice(0, trig.index).replace(/[,\s]+$/u, ''), examples: splitConjunctsLoose(item.slice(trig.index + trig[0].length)) };
  }
  return { head: item, examples: [] };
}

function splitConjunctsLoose(text: string): string[] {
  return text.split(/\s*[,;]\s*/u).map((s) => s.trim()).filter((s) => s.length > 0);
}

const PROSE_WORDS = /\b(?:is|are|was|were|has|have|had|we|our|they|their|this|these|which|that|who|at|been|being|can|will|would|should|use|uses|using|address|pursuing|now|also|within|grown|many)\b/iu;

/** Topic phrases of one line of a research-area or call-for-papers page. */
function topicItems(line: string, work: Work): string[] {
  let l = line
    .replace(/\[stored excerpt ends here\]/giu, '')
    .replace(/^\s*(?:#{1,6}\s*|[-*•·▪‣◦–—]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)/u, '')
    .replace(/^(?:area|track|theme|topic)\s+(?:[ivx]+|\d+)\s*[:.-]\s*/iu, '')
    .trim();
  if (!l || /:$/u.test(l) || isFurniture(l)) {
    if (l) note(work, 'drop-furniture', `"${l.slice(0, 60)}"`);
    return [];
  }
  if (/\w\.\.\.$|\w…$/u.test(l)) l = l.replace(/\s*\S+(?:\.\.\.|…)$/u, '');
  const items: string[] = [];
  // "Algorithms – A core area …": the topic is the part before the dash, the rest is description.
  const described = /^([^–—:]{2,60}?)\s+[–—-]\s+(.+)$/u.exec(l);
  if (described && described[1]!.split(/\s+/u).length <= 6 && !PROSE_WORDS.test(described[1]!)) {
    note(work, 'topic-description', `"${described[1]}" kept, description scanned for lists`);
    items.push(described[1]!);
    l = described[2]!;
    if (!TRIGGER.test(l)) return items;
  }
  for (const sentence of l.split(/(?<=[a-z)])[.;]\s+(?=[A-Z])/u)) {
    const s = sentence.replace(/\.$/u, '').trim();
    if (!s) continue;
    const trig = STRONG_TRIGGER.exec(s) ?? TRIGGER.exec(s);
    const tokens = s.split(/\s+/u).length;
    if (trig) {
      const head = s.slice(0, trig.index).replace(/[,\s]+$/u, '');
      const list = s.slice(trig.index + trig[0].length);
      const headTokens = head.split(/\s+/u).length;
      if (head && headTokens <= 4 && !PROSE_WORDS.test(head)) items.push(head);
      else if (head) note(work, 'drop-prose', `"${head.slice(0, 60)}"`);
      items.push(...list.split(/\s*;\s*/u));
      continue;
    }
    if (tokens > 8 && PROSE_WORDS.test(s) && !s.includes(',')) {
      note(work, 'drop-prose', `"${s.slice(0, 60)}"`);
      continue;
    }
    if (tokens > 8 && PROSE_WORDS.test(s)) {
      const list = s.replace(/^.*?\b(?:on|in|of|for)\s+(?=[^,]*,)/iu, '');
      note(work, 'prose-list', `"${s.slice(0, 40)}…"`);
      items.push(...list.split(/\s*;\s*/u));
      continue;
    }
    items.push(...s.split(/\s*;\s*/u));
  }
  return items;
}

function extractTopics(text: string, level: Level, work: Work): string[] {
  const out: string[] = [];
  const instWords = new Set<string>();
  for (const line of text.split(/\r?\n/u)) {
    for (const item of topicItems(line, work)) {
      const { head, examples } = splitExamples(item.replace(/^[\s,]+|[\s,.]+$/gu, ''));
      if (examples.length > 0) note(work, 'examples', `"${head}" with ${examples.length} examples`);
      const headParts = head ? splitFields(stripUnitBoilerplate(head)).parts : [];
      const headWord = head.trim().split(/\s+/u).pop() ?? '';
      for (const p of headParts) out.push(p);
      for (const ex of examples) {
        const exParts = splitFields(ex).parts;
        for (const e of exParts) {
          const single = !e.trim().includes(' ');
          // "General machine learning (supervised, online, …)": a bare adjective borrows the head noun.
          out.push(single && /(?:ed|ive|al|ar|ic|online|offline|robust|convex)$/u.test(e.toLowerCase()) && headWord ? `${e} ${headWord}` : e);
        }
      }
    }
  }
  return out.map((p) => finishPart(p, level, instWords)).filter((p): p is string => p !== null);
}

/** At levels 2-3 a named unit ("Center for Visual Computing") is reduced to its subject. */
function stripUnitBoilerplate(text: string): string {
  const m = /^(?:the\s+)?(?:center|centre|institute|laboratory|lab|program|group|initiative)\s+(?:for|of|on|in)\s+(.+)$/iu.exec(text);
  return m ? m[1]! : text;
}

/** Extracts the field, department, area or topic labels a text names, with the steps taken. */
export function extractLabels(input: ExtractLabelsInput): ExtractionTrace {
  const work: Work = { steps: [], aliases: [] };
  const text = input.text ?? '';
  const isBlock = /\n/u.test(text.trim()) || text.trim().split(/\s+/u).length > (input.level <= 1 ? 24 : 16);
  let raw: string[];
  if (input.level <= 1 && !isBlock) raw = extractUnit(text, input.institution, input.level, work);
  else if (input.level <= 1) {
    raw = [];
    for (const item of extractTopics(text, input.level, work)) raw.push(...extractUnit(item, input.institution, input.level, work));
  } else raw = extractTopics(text, input.level, work);
  const labels: ExtractedLabel[] = [];
  const seen = new Set<string>();
  const aliasFor = raw.length === 1 ? work.aliases : [];
  for (const r of raw) {
    const label = makeLabel(r, aliasFor);
    if (!label.normalized || seen.has(label.normalized)) continue;
    const verdict = verifyLabel({ label: label.normalized, level: input.level });
    if (!verdict.pass) {
      work.steps.push({ step: 'reject', detail: `"${label.label}": ${verdict.reasons.join('; ')}` });
      continue;
    }
    seen.add(label.normalized);
    labels.push(label);
  }
  return { labels, steps: work.steps };
}
