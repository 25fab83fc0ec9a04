import type { Config } from '@taxonomy/config';
import { keepDistinctFlat, wordShingleSets } from './near-duplicates.ts';

export type S0Settings = Config['s0'];

/** Compiles the configured boilerplate patterns, case-insensitive; a bad pattern names itself. */
export function compileBoilerplate(patterns: ReadonlyArray<string>): RegExp[] {
  return patterns.map((p) => compilePattern(p, 'iu', 's0.boilerplate_patterns'));
}

/** Compiles header patterns case-SENSITIVELY, so "Computer Science" is not a header but "COMPUTER SCIENCE" is. */
export function compileHeaderPatterns(patterns: ReadonlyArray<string>): RegExp[] {
  return patterns.map((p) => compilePattern(p, 'u', 's0.segmentation.header_patterns'));
}

function compilePattern(pattern: string, flags: string, key: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw new Error(`${key}: invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
}

/** True when one line is boilerplate (the line alone is dropped, never the block around it). */
export function isBoilerplateLine(line: string, patterns: ReadonlyArray<RegExp>): boolean {
  return patterns.some((re) => re.test(line));
}

/** True when the text length (in characters, after trimming) lies within [min, max]. */
export function withinLengthBounds(text: string, min: number, max: number): boolean {
  const trimmed = text.trim();
  // Code points, not UTF-16 units; only text with surrogate pairs needs the (allocating) count.
  const n = SURROGATE.test(trimmed) ? [...trimmed].length : trimmed.length;
  return n >= min && n <= max;
}

export interface LanguageVerdict {
  keep: boolean;
  reason: 'target-any' | 'language-mismatch' | 'low-confidence' | 'missing-confidence' | 'ok';
}

/**
 * The language gate. A page or record is dropped when its known language differs from the target, when
 * its confidence is below the threshold, or — only if `require_confidence` — when it has no confidence.
 * An unknown language ("und") with no confidence passes: missing metadata is not evidence of a foreign page.
 */
export function checkLanguage(
  language: string | null,
  confidence: number | null,
  settings: S0Settings['language'],
): LanguageVerdict {
  const target = settings.target.trim().toLowerCase();
  if (target === 'any') return { keep: true, reason: 'target-any' };
  const base = (language ?? 'und').trim().toLowerCase().split('-')[0] ?? 'und';
  if (base !== 'und' && base !== '' && base !== target) return { keep: false, reason: 'language-mismatch' };
  if (confidence === null) {
    return settings.require_confidence ? { keep: false, reason: 'missing-confidence' } : { keep: true, reason: 'ok' };
  }
  return confidence < settings.confidence_threshold ? { keep: false, reason: 'low-confidence' } : { keep: true, reason: 'ok' };
}

/** Reads a confidence value from metadata: a finite number in [0, 1] (or a numeric string), else null. */
export function parseConfidence(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

const ASCII = /^[\x00-\x7f]*$/u;
const SURROGATE = /[\uD800-\uDFFF]/;

/** The words shingles are made of: lower-cased, non-word characters to spaces, split on spaces. */
export function shingleWords(text: string): string[] {
  const lower = text.toLowerCase();
  // ASCII text (most of it) takes a plain class: for ASCII, \p{L}/\p{N} after lower-casing are exactly a-z/0-9.
  return (ASCII.test(lower) ? lower.replace(/[^a-z0-9]+/gu, ' ') : lower.replace(/[^\p{L}\p{N}]+/gu, ' '))
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

/** Word shingles of a text: lower-cased, non-word characters to spaces; a text of ≤ size words is one shingle. */
export function wordShingles(text: string, size: number): Set<string> {
  const words = shingleWords(text);
  const out = new Set<string>();
  if (words.length === 0) return out;
  if (words.length <= size) {
    out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + size <= words.length; i += 1) out.add(words.slice(i, i + size).join(' '));
  return out;
}

export { jaccard } from './near-duplicates.ts';

/**
 * Greedy near-duplicate filter over the blocks of one page: a text is dropped when its shingle Jaccard
 * similarity to an earlier kept text reaches the threshold. Returns the indexes kept, in order. Indexed
 * (prefix filtering, `near-duplicates.ts`), so 100k items of one page take seconds, not minutes.
 */
export function dedupeNearDuplicates(texts: ReadonlyArray<string>, threshold: number, shingleSize: number): number[] {
  // The shingles of `wordShingles`, interned as integers (no shingle string per text is kept).
  return keepDistinctFlat(wordShingleSets(texts, shingleSize, shingleWords), threshold);
}
