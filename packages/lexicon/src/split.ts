import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';
import { isKnownField, looksAdjectival, NOUN_MODIFIERS } from './field-lexicon.ts';
import { FIXED_NAMES } from './tables.ts';

/** Heads that a leading modifier is shared with ("English Language and Literature"). */
const CO_HEADS = new Set([
  'language', 'languages', 'literature', 'literatures', 'civilization', 'civilizations', 'culture', 'cultures', 'policy',
  'management', 'administration', 'linguistics', 'engineering', 'studies', 'arts', 'design',
]);

/** An ordinal or a number, as in "17th- and 18th-century". */
const ORDINAL = /^\d+(?:st|nd|rd|th)?-?$/iu;

const PREPOSITION = /^(.+?)\s+(of|for|in|on|to)\s+(.+)$/iu;
const CONJUNCTION_SPLIT = /\s*,\s*(?:and\s+|&\s+|or\s+)?|\s*;\s*|\s+(?:and|&|\+|or)\s+/iu;

/** Splits a coordination into its conjuncts ("A, B, and C" → [A, B, C]); slashes between words count too. */
export function splitConjuncts(text: string): string[] {
  return maskFixedNames(text)
    .split(CONJUNCTION_SPLIT)
    .map((p) => p.replace(/\u2063/gu, ' '))
    .flatMap((part) => splitSlash(part))
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !/^(?:beyond|more|others|other areas|other topics|etc\.?|and more)$/iu.test(p));
}

/** Fixed names containing "and", as patterns that also match "&" and any spacing, longest first. */
const MASKED: readonly RegExp[] = [...FIXED_NAMES]
  .filter((n) => n.includes(' and '))
  .sort((a, b) => b.length - a.length)
  .map((name) => new RegExp(`\\b${name.replace(/ and /gu, '\\s*(?:and|&)\\s*').replace(/ /gu, '\\s+')}\\b`, 'giu'));

/** Protects fixed names inside a longer text ("Otolaryngology / Head & Neck Surgery") from splitting. */
function maskFixedNames(text: string): string {
  if (!/\band\b|&/iu.test(text)) return text;
  let out = text;
  for (const re of MASKED) {
    out = out.replace(re, (m) => m.replace(/\s*(?:&|\band\b)\s*/giu, '\u2063and\u2063').replace(/\s+/gu, '\u2063'));
  }
  return out;
}

function splitSlash(part: string): string[] {
  if (!part.includes('/')) return [part];
  const pieces = part.split('/');
  // "chicana/o", "AI/ML": an inflection or a pair of acronyms sharing what follows, not two names.
  if (pieces.some((p) => p.trim().length < 3) || /^[A-Z]{1,4}\/[A-Z]{1,4}\b/u.test(part)) return [part];
  // "latina/latino studies": gendered variants of one name, written as the classic field name.
  const [a, b] = pieces.map((p) => p.trim());
  if (pieces.length === 2 && a && b && a.length > 3 && !a.includes(' ') && b.toLowerCase().startsWith(a.slice(0, -1).toLowerCase()) && /^[ao]$/iu.test(a.slice(-1))) {
    return [b];
  }
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

/**
 * Splits a unit's field part into fields, distributing a shared head ("Electrical and Computer
 * Engineering" → electrical engineering, computer engineering) or a shared modifier ("English Language
 * and Literature" → english language, english literature) only where the bare conjunct is no field.
 */
export function splitFields(text: string): { parts: string[]; distributed: boolean } {
  const norm = normalize(text.replace(/\s*&\s*/gu, ' and '));
  if (FIXED_NAMES.has(norm)) return { parts: [text], distributed: false };
  // "History of Science & Medicine" → history of science, history of medicine.
  const prep = PREPOSITION.exec(text);
  if (prep && !/,|\band\b|&/iu.test(prep[1]!) && prep[1]!.split(/\s+/u).length <= 4 && /,|\band\b|&|\+/iu.test(prep[3]!)) {
    const objects = splitFields(prep[3]!).parts;
    // "Quantitative Research Methods in Social, … Sciences": a long head is the field; its scope is context.
    if (prep[1]!.split(/\s+/u).length >= 3) return { parts: [prep[1]!], distributed: false };
    if (objects.length > 1) return { parts: objects.map((o) => `${prep[1]} ${prep[2]} ${o}`), distributed: true };
  }
  const parts = splitConjuncts(text);
  if (parts.length <= 1) return { parts, distributed: false };
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
    const adjectivalModifier = prev.length === 2 && /(?:al|ic|ive)$/u.test(normalize(prev[0]!)) && !/^(?:management|administration|design|arts)$/iu.test(part);
    if (!part.includes(' ') && CO_HEADS.has(part.toLowerCase()) && prev.length >= 2 && (CO_HEADS.has(prevHead) || /^scien/u.test(prevHead) || adjectivalModifier)) {
      out[i] = `${prev.slice(0, -1).join(' ')} ${part}`;
      distributed = true;
    }
  }
  // Shared head: each bare modifier borrows the head of the nearest following multi-word conjunct.
  const tail = prepositionalTail(parts[parts.length - 1]!);
  if (tail && parts.slice(0, -1).every((p) => !p.includes(' ') && !PREPOSITION.test(p))) {
    return { parts: [...parts.slice(0, -1).map((p) => `${p} ${tail}`), parts[parts.length - 1]!], distributed: true };
  }
  let nextHead: string | null = null;
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const part = out[i]!;
    const head = headOf(part);
    if (i < parts.length - 1 && nextHead) {
      const combined = `${part} ${nextHead}`;
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
    if (head && !isModifierOnly(part)) nextHead = head;
  }
  return { parts: out, distributed };
}
