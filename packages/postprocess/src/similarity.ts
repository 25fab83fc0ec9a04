import { editDistance, foldDiacritics } from '@taxonomy/core';

/**
 * Label similarity for deduplication. Everything works on lower-case canonical labels: tokens are
 * letter/digit runs (so hyphens, slashes and underscores separate words), plurals are folded to a
 * singular stem, and stop-words are ignored when comparing content.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'from', 'in', 'into', 'of', 'on', 'or', 'the', 'to', 'with']);

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-case word tokens of a text, diacritics folded; punctuation of any kind separates words. */
export function wordTokens(text: string): string[] {
  return foldDiacritics(text).toLowerCase().match(WORD) ?? [];
}

/** A crude but symmetric singular stem: `neurosciences` → `neuroscience`, `studies` → `study`, `classes` → `class`. */
export function singularize(token: string): string {
  if (token.length <= 3 || !token.endsWith('s')) return token;
  if (/(?:ss|us|is)$/u.test(token)) return token;
  if (token.length > 4 && token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x|z)es$/u.test(token)) return token.slice(0, -2);
  return token.slice(0, -1);
}

const CACHE_LIMIT = 200_000;
const foldedCache = new Map<string, ReadonlyArray<string>>();
const contentCache = new Map<string, ReadonlyArray<string>>();

function remember(cache: Map<string, ReadonlyArray<string>>, key: string, value: ReadonlyArray<string>): ReadonlyArray<string> {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Folded word tokens: lower-case, diacritics folded, singular stems (stop-words kept). Memoised: labels recur in many pairs. */
export function foldedTokens(text: string): ReadonlyArray<string> {
  return foldedCache.get(text) ?? remember(foldedCache, text, wordTokens(text).map(singularize));
}

/** Folded tokens without stop-words: what two labels must share to name the same thing. */
export function contentTokens(text: string): ReadonlyArray<string> {
  return contentCache.get(text) ?? remember(contentCache, text, foldedTokens(text).filter((t) => !STOP_WORDS.has(t)));
}

/** The comparison form of a label: folded tokens joined by one space. */
export function foldLabel(text: string): string {
  return foldedTokens(text).join(' ');
}

/**
 * Jaro similarity as jellyfish computes it: match window `max(len)/2 − 1` (floor, at least 0),
 * transpositions halved; 0 when either string is empty.
 */
export function jaro(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const matchedA = new Array<boolean>(a.length).fill(false);
  const matchedB = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i += 1) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(i + window, b.length - 1);
    for (let j = lo; j <= hi; j += 1) {
      if (!matchedB[j] && a[i] === b[j]) {
        matchedA[i] = true;
        matchedB[j] = true;
        matches += 1;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i += 1) {
    if (!matchedA[i]) continue;
    while (!matchedB[k]) k += 1;
    if (a[i] !== b[k]) halfTranspositions += 1;
    k += 1;
  }
  const t = Math.floor(halfTranspositions / 2);
  return (matches / a.length + matches / b.length + (matches - t) / matches) / 3;
}

/**
 * Jaro–Winkler: Jaro plus 0.1 per common-prefix character (at most 4) times (1 − Jaro), applied only
 * when Jaro exceeds 0.7. The pair is ordered lexicographically first so the value is symmetric.
 */
export function jaroWinkler(a: string, b: string): number {
  const [x, y] = a <= b ? [a, b] : [b, a];
  const j = jaro(x, y);
  if (j <= 0.7) return j;
  let prefix = 0;
  const limit = Math.min(4, x.length, y.length);
  while (prefix < limit && x[prefix] === y[prefix]) prefix += 1;
  return j + prefix * 0.1 * (1 - j);
}

/** Jaccard of two token sets (1 for two empty sets). */
export function tokenJaccard(a: ReadonlyArray<string>, b: ReadonlyArray<string>): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const t of sa) if (sb.has(t)) inter += 1;
  return inter / (sa.size + sb.size - inter);
}

/** Initials of the content tokens of a text: `computer science and engineering` → `cse`. */
export function initials(text: string): string {
  return contentTokens(text)
    .map((t) => t[0] ?? '')
    .join('');
}

/** A token that can stand for an acronym: 2–6 ASCII letters. */
export function isAcronymToken(token: string): boolean {
  return /^[a-z]{2,6}$/u.test(token);
}

type AbbreviationKind = 'acronym' | 'prefix' | 'exact';

/**
 * Aligns the content tokens of a short form with those of a long form, left to right: each short
 * token equals a long token, is a truncation of it (`comp` → `computer`, at least 3 letters, not itself
 * a known word), or is the initials of 2+ consecutive long tokens (`hpc` → `high performance computing`).
 * Returns the strongest device needed, or null when the tokens do not align.
 */
function alignAbbreviation(short: ReadonlyArray<string>, long: ReadonlyArray<string>, knownWords: ReadonlySet<string>): AbbreviationKind | null {
  const memo = new Map<number, AbbreviationKind | null>();
  const rank: Record<AbbreviationKind, number> = { exact: 0, prefix: 1, acronym: 2 };
  const stronger = (x: AbbreviationKind, y: AbbreviationKind): AbbreviationKind => (rank[x] >= rank[y] ? x : y);
  const go = (i: number, j: number): AbbreviationKind | null => {
    if (i === short.length && j === long.length) return 'exact';
    if (i === short.length || j === long.length) return null;
    const key = i * 1000 + j;
    if (memo.has(key)) return memo.get(key)!;
    let best: AbbreviationKind | null = null;
    const s = short[i]!;
    const l = long[j]!;
    const consider = (kind: AbbreviationKind, next: AbbreviationKind | null) => {
      if (next === null) return;
      const k = stronger(kind, next);
      if (best === null || rank[k] < rank[best]) best = k;
    };
    if (s === l || singularize(s) === singularize(l)) consider('exact', go(i + 1, j + 1));
    if (s.length >= 3 && s.length < l.length && l.startsWith(s) && !knownWords.has(s)) consider('prefix', go(i + 1, j + 1));
    if (isAcronymToken(s) && !(s.length >= 3 && knownWords.has(s)) && j + s.length <= long.length) {
      let ok = true;
      for (let k = 0; k < s.length; k += 1) if (long[j + k]![0] !== s[k]) ok = false;
      if (ok) consider('acronym', go(i + 1, j + s.length));
    }
    memo.set(key, best);
    return best;
  };
  return go(0, 0);
}

/**
 * Abbreviation score of two lower-case texts: 1.0 when one is an acronym of the other (`cse` ↔
 * `computer science and engineering`, `ml research` ↔ `machine learning research`), 0.95 when one is a
 * multi-word truncation of the other (`comp sci` ↔ `computer science`), else 0. A single truncated word
 * (`math`) is not enough: too many real words are prefixes of others (`earth` → `earthquake`).
 */
export function abbreviationScore(a: string, b: string, knownWords: ReadonlySet<string> = new Set()): number {
  // Unfolded tokens: singular stemming would turn the acronym `eecs` into `eec`.
  const ta = wordTokens(a).filter((t) => !STOP_WORDS.has(t));
  const tb = wordTokens(b).filter((t) => !STOP_WORDS.has(t));
  let best = 0;
  for (const [short, long] of [
    [ta, tb],
    [tb, ta],
  ] as const) {
    if (short.length === 0 || long.length <= 1 || short.length > long.length) continue;
    const kind = alignAbbreviation(short, long, knownWords);
    if (kind === 'acronym') best = Math.max(best, 1);
    else if (kind === 'prefix' && short.length >= 2) best = Math.max(best, 0.95);
  }
  return best;
}

/**
 * Whether the content tokens two labels do not share can be paired one-to-one as spelling variants
 * (one edit, or two in long words that are not both known words). Differing tokens that are distinct
 * real words (`biology`/`biophysics`, `vision`/`graphics`) or extra words on one side
 * (`mechanical engineering`/`mechanical engineering materials science`) leave it false.
 */
export function tokensAligned(a: ReadonlyArray<string>, b: ReadonlyArray<string>, knownWords: ReadonlySet<string> = new Set()): { aligned: boolean; unmatched: string[] } {
  const sb = new Set(b);
  const sa = new Set(a);
  const onlyA = [...sa].filter((t) => !sb.has(t)).sort();
  const onlyB = [...sb].filter((t) => !sa.has(t)).sort();
  if (onlyA.length !== onlyB.length) return { aligned: false, unmatched: [...onlyA, ...onlyB] };
  const used = new Set<number>();
  const unmatched: string[] = [];
  for (const x of onlyA) {
    let found = -1;
    for (const [k, y] of onlyB.entries()) {
      if (used.has(k)) continue;
      if (isSpellingVariant(x, y, knownWords)) {
        found = k;
        break;
      }
    }
    if (found === -1) unmatched.push(x);
    else used.add(found);
  }
  for (const [k, y] of onlyB.entries()) if (!used.has(k)) unmatched.push(y);
  return { aligned: unmatched.length === 0, unmatched };
}

/** Strips one adjectival ending so `gynecologic`/`gynecology` and `evolutionary`/`evolution` meet. */
export function derivationalStem(token: string): string {
  for (const suffix of ['ical', 'ary', 'ic', 'al', 'y']) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 5) return token.slice(0, -suffix.length);
  }
  return token;
}

function isSpellingVariant(x: string, y: string, knownWords: ReadonlySet<string>): boolean {
  const shortest = Math.min(x.length, y.length);
  if (shortest < 4) return false;
  if (derivationalStem(x) === derivationalStem(y)) return true;
  const d = editDistance(x, y);
  if (d <= 1) return true;
  return d === 2 && shortest >= 7 && !(knownWords.has(x) && knownWords.has(y));
}
