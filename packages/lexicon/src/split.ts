import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { isKnownField, looksAdjectival, NOUN_MODIFIERS } from './field-lexicon.ts';
import { FIXED_NAMES } from './tables.ts';

/** Heads that a leading modifier is shared with ("English Language and Literature"). */
const CO_HEADS = new Set([
  'language', 'languages', 'literature', 'literatures', 'civilization', 'civilizations', 'culture', 'cultures', 'policy',
  'management', 'administration', 'linguistics', 'engineering', 'studies', 'arts', 'design', 'technology',
]);

/** Qualifiers a field already implies in its co-head: "Applied Science & Engineering" is applied science and engineering. */
const UNSHARED_MODIFIERS = new Set(['applied', 'pure', 'basic', 'general', 'fundamental']);

/** Disciplines that take an "of" object ("History and Sociology of Science"); others keep theirs ("Architecture and History of Art"). */
const OF_TAKING = /^(?:history|histories|philosophy|sociology|anthropology|economics|psychology|politics|ethics|geography|archaeology|linguistics|theory|theories|science|sciences|law)$/iu;

/** An ordinal or a number, as in "17th- and 18th-century". */
const ORDINAL = /^\d+(?:st|nd|rd|th)?-?$/iu;

const PREPOSITION = /^(.+?)\s+(of|for|in|on|to)\s+(.+)$/iu;
const CONJUNCTION_SPLIT = /\s*,\s*(?:and\s+|&\s+|or\s+)?|\s*;\s*|\s+(?:and|&|\+|or)\s+/iu;

/** Splits a coordination into its conjuncts ("A, B, and C" → [A, B, C]); slashes between words count too. */
export function splitConjuncts(text: string, options: SplitOptions = {}): string[] {
  return maskFixedNames(text)
    .split(CONJUNCTION_SPLIT)
    .map((p) => p.replace(/\u2063/gu, ' '))
    .flatMap((part) => splitSlash(part, options.topics === true))
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !/^(?:beyond|more|others|other areas|other topics|etc\.?|and more)$/iu.test(p));
}

/**
 * Fixed names containing "and", as patterns that also match "&" and any spacing, longest first, each with its
 * first word (lower-case ASCII): an ASCII text that lacks it, lower-cased, cannot match the pattern.
 */
const MASKED: ReadonlyArray<{ re: RegExp; first: string }> = [...FIXED_NAMES]
  .filter((n) => n.includes(' and '))
  .sort((a, b) => b.length - a.length)
  .map((name) => ({
    re: new RegExp(`\\b${name.replace(/ and /gu, '\\s*(?:and|&)\\s*').replace(/ /gu, '\\s+')}\\b`, 'giu'),
    first: /^[a-z]+/u.exec(name)?.[0] ?? '',
  }));

const ASCII_TEXT = /^[\x00-\x7f]*$/u;

/** Protects fixed names inside a longer text ("Otolaryngology / Head & Neck Surgery") from splitting. */
function maskFixedNames(text: string): string {
  if (!/\band\b|&/iu.test(text)) return text;
  // Case-insensitive Unicode matching can meet an ASCII letter in a non-ASCII one (the Kelvin sign is a "k"): the
  // first-word shortcut holds for ASCII text only.
  const lower = ASCII_TEXT.test(text) ? text.toLowerCase() : null;
  let out = text;
  for (const { re, first } of MASKED) {
    if (lower !== null && first !== '' && !lower.includes(first)) continue;
    out = out.replace(re, (m) => m.replace(/\s*(?:&|\band\b)\s*/giu, '\u2063and\u2063').replace(/\s+/gu, '\u2063'));
  }
  return out;
}

function splitSlash(part: string, topics: boolean): string[] {
  if (!part.includes('/')) return [part];
  const pieces = part.split('/');
  // "chicana/o", "AI/ML": an inflection or a pair of acronyms sharing what follows, not two names.
  if (pieces.some((p) => p.trim().length < 3) || /^[A-Z]{1,4}\/[A-Z]{1,4}\b/u.test(part)) return [part];
  // "latina/latino studies": gendered variants of one name, written as the classic field name.
  const [a, b] = pieces.map((p) => p.trim());
  if (pieces.length === 2 && a && b && a.length > 3 && !a.includes(' ') && b.toLowerCase().startsWith(a.slice(0, -1).toLowerCase()) && /^[ao]$/iu.test(a.slice(-1))) {
    return [b];
  }
  // "combinatorial/discrete optimization", "Design/production engineering": a bare modifier before the slash shares the head.
  if (topics && pieces.length === 2 && a && b && !a.includes(' ') && b.includes(' ')) return [`${a} ${b.split(/\s+/u).slice(1).join(' ')}`, b];
  return pieces;
}

function isStandalone(part: string): boolean {
  return isKnownField(part);
}

function isModifierOnly(part: string): boolean {
  const norm = normalize(part);
  const tokens = tokenize(norm);
  const last = tokens[tokens.length - 1];
  if (!last) return false;
  if (NOUN_MODIFIERS.has(norm)) return true;
  return looksAdjectival(last) && (tokens.length === 1 || !isKnownField(norm));
}

/** The shared head a modifier borrows from the conjunct that follows it. */
function headOf(part: string): string | null {
  const prep = PREPOSITION.exec(part);
  if (prep) {
    const before = prep[1]!.split(/\s+/u);
    if (before.length >= 2) return `${before.slice(1).join(' ')} ${prep[2]} ${prep[3]}`;
    return null;
  }
  const tokens = part.split(/\s+/u);
  return tokens.length >= 2 ? tokens[tokens.length - 1]! : null;
}

/** "of Science" in "Sociology of Science": a prepositional tail every earlier conjunct shares. */
function prepositionalTail(part: string): string | null {
  const prep = PREPOSITION.exec(part);
  if (!prep || prep[1]!.trim().includes(' ')) return null;
  return `${prep[2]} ${prep[3]}`;
}

/** How to split: `topics` for level-2/3 topic lists, where a shared head or tail is distributed more freely. */
export interface SplitOptions {
  topics?: boolean;
}

/** Heads a bare conjunct shares in a topic list even when it is a topic itself ("security or privacy features"). */
const GENERIC_TOPIC_HEADS = new Set([
  'methods', 'models', 'features', 'data', 'techniques', 'algorithms', 'mining', 'aspects', 'imaging', 'phenomena', 'modeling',
  'modelling', 'processes', 'approaches', 'tools',
]);

/** Single nouns that take the modifier of the conjunct before them in a two-part topic ("Quantum Measurement and Control"). */
const TOPIC_CO_HEADS = new Set([
  'modeling', 'modelling', 'control', 'imaging', 'management', 'governance', 'design', 'analysis', 'theory', 'processing', 'policy',
  'planning', 'evaluation', 'reconstruction', 'registration', 'segmentation', 'assessment', 'sustainability', 'simulation',
  'visualization', 'measurement', 'optimization', 'engineering', 'recognition', 'synthesis', 'verification', 'testing', 'monitoring',
]);

/** Adjective endings beyond looksAdjectival's ("efficient", "robust-looking" forms) for a bare modifier in a topic list. */
const ADJECTIVE_SHAPE = /(?:ent|ant|al|ic|ive|ous|ar|ary|ed|ful|less|able|ible)$/u;

/** A plural noun standing alone ("networks", "phenomena"): a topic of its own rather than a modifier. */
function isBarePlural(word: string): boolean {
  const n = normalize(word);
  return !n.includes(' ') && (/[^s]s$/u.test(n) || /(?:ena|ata|ia)$/u.test(n)) && !/(?:ics|sis|ss|us)$/u.test(n);
}

/**
 * A comma list whose items hold their own coordination ("cognition and language, social and cognitive development")
 * is a list of coordinations: its comma groups, with a bare modifier group joined to the next ("atomic, molecular and
 * optical physics"). Null when the commas separate plain conjuncts ("Atomic, molecular, and optical physics").
 */
function commaGroups(text: string): string[] | null {
  if (!text.includes(',')) return null;
  const raw = text.split(/\s*[,;]\s*/u).map((g) => g.replace(/^(?:and|or|&)\s+/iu, '').trim()).filter((g) => g.length > 0);
  if (!raw.some((g) => /\s(?:and|or|&)\s/iu.test(` ${g} `))) return null;
  const groups: string[] = [];
  let pending: string[] = [];
  for (const g of raw) {
    if (!g.includes(' ') && looksAdjectival(normalize(g))) {
      pending.push(g);
      continue;
    }
    groups.push(pending.length > 0 ? `${pending.join(', ')}, ${g}` : g);
    pending = [];
  }
  if (pending.length > 0) groups.push(...pending);
  return groups.length > 1 ? groups : null;
}

/** The topic-list forms of distribution; null when none applies. */
function distributeTopics(parts: readonly string[]): string[] | null {
  const words = parts.map((p) => p.trim().split(/\s+/u));
  const last = words[words.length - 1]!;
  // "Data representation, compression, and procedural modeling for geospatial data": a shared prepositional tail.
  const tail = /^(.+?)\s+((?:for|in|on)\s+.+)$/iu.exec(parts[parts.length - 1]!.trim());
  const earlier = parts.slice(0, -1).map((p) => p.trim().split(/\s+/u).length);
  // "for" tails reach short conjuncts, "in"/"on" tails only bare words ("knowledge and belief in multi-agent systems")
  if (tail && parts.length <= 3 && !parts.slice(0, -1).some((p) => PREPOSITION.test(p)) && earlier.every((n) => (/^for\s/iu.test(tail[2]!) ? n <= 2 : n === 1))) {
    return [...parts.slice(0, -1).map((p) => `${p.trim()} ${tail[2]}`), parts[parts.length - 1]!.trim()];
  }
  // "Representing Belief, Intention, Time, Space": a leading gerund is shared by the bare nouns after it.
  if (parts.length >= 3 && words[0]!.length === 2 && /ing$/iu.test(words[0]![0]!) && words.slice(1).every((w) => w.length === 1)) {
    return [parts[0]!.trim(), ...parts.slice(1).map((p) => `${words[0]![0]} ${p.trim()}`)];
  }
  if (parts.length !== 2) return null;
  const [first, second] = words as [string[], string[]];
  // "mining temporal and spatial data": both modifiers take the head, the second also the leading word.
  if (first.length >= 2 && second.length >= 2 && isModifierOnly(first[first.length - 1]!) && looksAdjectival(normalize(second[0]!)) && !isModifierOnly(second.join(' '))) {
    return [`${first.join(' ')} ${second.slice(1).join(' ')}`, `${first.slice(0, -1).join(' ')} ${second.join(' ')}`];
  }
  // "Quantum Measurement and Control", "Groundwater assessment and management": a co-head takes the modifier.
  if (first.length >= 2 && second.length === 1 && TOPIC_CO_HEADS.has(normalize(second[0]!)) && !PREPOSITION.test(parts[0]!) && !isKnownField(parts[0]!)) {
    return [first.join(' '), `${first.slice(0, -1).join(' ')} ${second[0]}`];
  }
  // "Natural Scenes and Phenomena": a bare plural noun after "adjective noun" takes the adjective.
  if (first.length === 2 && second.length === 1 && looksAdjectival(normalize(first[0]!)) && isBarePlural(second[0]!)) {
    return [first.join(' '), `${first[0]} ${second[0]}`];
  }
  // "theoretical and experimental elementary particle physics": an adjective takes all that follows the other one.
  if (first.length === 1 && second.length >= 3 && (looksAdjectival(normalize(first[0]!)) || ADJECTIVE_SHAPE.test(normalize(first[0]!))) && looksAdjectival(normalize(second[0]!))) {
    return [`${first[0]} ${second.slice(1).join(' ')}`, second.join(' ')];
  }
  void last;
  return null;
}

/**
 * Splits a unit's field part into fields, distributing a shared head ("Electrical and Computer
 * Engineering" → electrical engineering, computer engineering) or a shared modifier ("English Language
 * and Literature" → english language, english literature) only where the bare conjunct is no field.
 */
export function splitFields(text: string, options: SplitOptions = {}): { parts: string[]; distributed: boolean } {
  const topics = options.topics === true;
  const norm = normalize(text.replace(/\s*&\s*/gu, ' and '));
  if (FIXED_NAMES.has(norm)) return { parts: [text], distributed: false };
  if (topics) {
    const groups = commaGroups(text);
    if (groups) return { parts: groups.flatMap((g) => splitFields(g, options).parts), distributed: true };
  }
  // "History of Science & Medicine" → history of science, history of medicine.
  const prep = PREPOSITION.exec(text);
  // "psychological, sociological, and economic aspects of security and privacy": every head with every object.
  if (topics && prep && /,|\band\b|&/iu.test(prep[1]!) && /\band\b|\bor\b|&/iu.test(prep[3]!) && !prep[3]!.includes(',')) {
    const heads = splitFields(prep[1]!, options).parts;
    const objects = splitFields(prep[3]!, options).parts;
    if (heads.length > 1 && heads.length * objects.length <= 9 && heads.every((h) => h.includes(' '))) {
      return { parts: heads.flatMap((h) => objects.map((o) => `${h} ${prep[2]} ${o}`)), distributed: true };
    }
  }
  const objectsShort = !topics || (prep !== null && prep[3]!.split(',').length <= 3);
  if (prep && objectsShort && !/,|\band\b|&/iu.test(prep[1]!) && prep[1]!.split(/\s+/u).length <= 4 && /,|\band\b|&|\+|\bor\b/iu.test(prep[3]!)) {
    const objects = splitFields(prep[3]!, options).parts;
    // "Quantitative Research Methods in Social, … Sciences": a long head is the field; its scope is context (units only).
    if (!topics && prep[1]!.split(/\s+/u).length >= 3) return { parts: [prep[1]!], distributed: false };
    if (objects.length > 1) return { parts: objects.map((o) => `${prep[1]} ${prep[2]} ${o}`), distributed: true };
  }
  const parts = splitConjuncts(text, options);
  if (parts.length <= 1) return { parts, distributed: false };
  if (topics) {
    const spread = distributeTopics(parts);
    if (spread) return { parts: spread, distributed: true };
  }
  let distributed = false;
  const out = [...parts];
  // "17th and 18th Century Studies": a bare ordinal borrows everything after the next conjunct's ordinal.
  for (let i = parts.length - 2; i >= 0; i -= 1) {
    const next = /^(\d+(?:st|nd|rd|th)?)[-\s]+(\S.*)$/iu.exec(out[i + 1]!.trim());
    if (ORDINAL.test(parts[i]!.trim()) && next) {
      out[i] = `${parts[i]!.trim().replace(/-$/u, '')} ${next[2]}`;
      distributed = true;
    }
  }
  // Shared modifier: a bare co-head borrows the modifier of the multi-word conjunct before it
  // ("Near Eastern Languages and Civilizations", "Space Sciences & Engineering").
  for (let i = 1; i < parts.length; i += 1) {
    const part = parts[i]!;
    const prev = parts[i - 1]!.split(/\s+/u);
    const prevHead = (prev[prev.length - 1] ?? '').toLowerCase();
    const modifier = prev.slice(0, -1).join(' ');
    const adjectivalModifier =
      prev.length === 2 && /(?:al|ic|ive)$/u.test(normalize(prev[0]!)) && (!/^(?:management|administration|design|arts)$/iu.test(part) || isKnownField(`${modifier} ${part}`));
    if (!part.includes(' ') && CO_HEADS.has(part.toLowerCase()) && prev.length >= 2 && !UNSHARED_MODIFIERS.has(normalize(modifier)) && (CO_HEADS.has(prevHead) || /^scien/u.test(prevHead) || adjectivalModifier)) {
      out[i] = `${prev.slice(0, -1).join(' ')} ${part}`;
      distributed = true;
    }
  }
  // Shared head: each bare modifier borrows the head of the nearest following multi-word conjunct.
  const tail = prepositionalTail(parts[parts.length - 1]!);
  const tailHead = PREPOSITION.exec(parts[parts.length - 1]!)?.[1] ?? '';
  if (tail && OF_TAKING.test(tailHead.trim()) && parts.slice(0, -1).every((p) => !p.includes(' ') && !PREPOSITION.test(p) && OF_TAKING.test(p.trim()))) {
    return { parts: [...parts.slice(0, -1).map((p) => `${p} ${tail}`), parts[parts.length - 1]!], distributed: true };
  }
  let nextHead: string | null = null;
  let headFromLast = false;
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const part = out[i]!;
    const head = headOf(part);
    // "theoretical and experimental elementary particle physics, …": an adjective takes all after the next one's adjective.
    const nextWords = i < parts.length - 1 ? parts[i + 1]!.trim().split(/\s+/u) : [];
    if (topics && !part.trim().includes(' ') && looksAdjectival(normalize(part)) && nextWords.length >= 3 && looksAdjectival(normalize(nextWords[0]!))) {
      out[i] = `${part.trim()} ${nextWords.slice(1).join(' ')}`;
      distributed = true;
      continue;
    }
    if (i < parts.length - 1 && nextHead) {
      const combined = `${part} ${nextHead}`;
      // Topic lists: a bare conjunct shares the head of the last conjunct ("graph and link mining"), a topic of its
      // own only a generic head ("security or privacy features"), never the head of "distributed computing".
      if (topics && headFromLast && !part.trim().includes(' ')) {
        const lastWords = parts[parts.length - 1]!.trim().split(/\s+/u);
        const generic = GENERIC_TOPIC_HEADS.has(normalize(nextHead));
        // a nominalization ("generalization", "assessment") is a topic of its own, not a modifier
        const compound = /\p{L}-\p{L}/u.test(part);
        const nominal = () => /(?:tion|sion|ment|ness|ity|ism|ance|ence|ing)$/u.test(normalize(part)) || isBarePlural(part);
        if (generic || compound || (!nominal() && !looksAdjectival(normalize(lastWords[0]!)) && !isStandalone(part))) {
          out[i] = combined;
          distributed = true;
          continue;
        }
      }
      const regional =
        nextHead.toLowerCase() === 'studies' &&
        (looksAdjectival(normalize(part).split(' ').pop() ?? '', true) || (!part.includes(' ') && !isStandalone(part)));
      const singleWord = !part.trim().includes(' ');
      const modifierNoun = NOUN_MODIFIERS.has(normalize(part)) && isKnownField(combined);
      if (regional || modifierNoun || (!isStandalone(part) && (isModifierOnly(part) || (singleWord && isKnownField(combined))))) {
        out[i] = combined;
        distributed = true;
        continue;
      }
    }
    if (head && !isModifierOnly(part)) {
      nextHead = head;
      headFromLast = i === parts.length - 1 && !PREPOSITION.test(part);
    }
  }
  return { parts: out, distributed };
}
