import { collapseWhitespace, foldDiacritics } from '@taxonomy/core';

export interface InstitutionPolicy {
  campus_vs_system: 'prefer-campus' | 'prefer-system';
  canonical_mappings: Readonly<Record<string, string>>;
  typo_max_edits: number;
  unknown_placeholder: string;
}

/** Words institution names are built from; a token within a small edit distance of one is a typo of it. */
const NAME_WORDS = ['university', 'college', 'institute', 'technology', 'state', 'school', 'polytechnic', 'academy', 'california', 'pennsylvania', 'massachusetts'];
const LOWER_WORDS = new Set(['of', 'and', 'for', 'the', 'at', 'in', 'de', 'du', 'la']);
const STOP_INITIALS = new Set(['of', 'and', 'for', 'the', 'at', 'in']);

/** Short forms everyone uses, by comparison key → comparison key of the full name. */
const BUILT_IN_ALIASES: Readonly<Record<string, string>> = {
  mit: 'massachusetts institute of technology',
  upenn: 'university of pennsylvania',
  penn: 'university of pennsylvania',
  'uc berkeley': 'university of california berkeley',
  berkeley: 'university of california berkeley',
  ucla: 'university of california los angeles',
  cmu: 'carnegie mellon university',
  jhu: 'johns hopkins university',
  uiuc: 'university of illinois urbana champaign',
  'university of illinois at urbana champaign': 'university of illinois urbana champaign',
  nyu: 'new york university',
  caltech: 'california institute of technology',
  uw: 'university of washington',
  umich: 'university of michigan',
  uchicago: 'university of chicago',
};

/** The comparison key of a name: folded, lower-case, punctuation to spaces, a leading "the" dropped. */
export function institutionKey(name: string): string {
  return collapseWhitespace(
    foldDiacritics(name)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' '),
  ).replace(/^the /u, '');
}

function isMixedCase(text: string): boolean {
  return /\p{Lu}/u.test(text) && /\p{Ll}/u.test(text);
}

/** Title case with lower-case function words; capitals after hyphens ("Urbana-Champaign"). */
export function titleCaseName(text: string): string {
  return collapseWhitespace(text)
    .toLowerCase()
    .split(' ')
    .map((word, i) =>
      i > 0 && LOWER_WORDS.has(word) ? word : word.replace(/(^|[-/(])(\p{L})/gu, (_m, pre: string, ch: string) => `${pre}${ch.toUpperCase()}`),
    )
    .join(' ');
}

function initialsOf(key: string): string {
  return key
    .split(' ')
    .filter((t) => !STOP_INITIALS.has(t))
    .map((t) => t[0])
    .join('');
}

/**
 * Resolves institution names as seen in sources to one canonical identity: case, diacritics and
 * punctuation folded; typos of name words corrected ("UNIVERISTY"); short forms and initials mapped
 * ("MIT", "UPenn", "UC Berkeley"); campus or system by policy; one placeholder for unknown names. The
 * display form is the best-cased spelling seen (mixed case wins over all-caps or all-lower), else a
 * title-cased one, so the result does not depend on which spelling came first.
 */
export class InstitutionResolver {
  readonly #policy: InstitutionPolicy;
  readonly #mappings: Map<string, string>;
  readonly #display = new Map<string, string>();
  readonly #known = new Set<string>();
  /** Known multi-word keys by their initials ("mit" → the keys whose initials are "mit"), kept as #known grows. */
  readonly #byInitials = new Map<string, string[]>();
  /** The part of a name's key that depends on the name alone (campus policy, folding, typo fixes, mappings), by raw name. */
  readonly #baseKeys = new Map<string, string | null>();
  /** Typo-corrected form of each token seen. */
  readonly #tokens = new Map<string, string>();
  /** The key each raw name was last observed under: observing it again under the same key changes nothing. */
  readonly #observed = new Map<string, string>();
  /**
   * How many times #byInitials has changed. A name's canonical key depends on nothing else that changes
   * (mappings are fixed, base keys memoized), so a name observed since the last change would get the same key
   * and change nothing: `observe` skips it on one lookup. Every record repeats its institution (11,078
   * mentions of 571 spellings at level 0 of the 100k bench).
   */
  #initialsVersion = 0;
  /** The #initialsVersion at which each raw name was last observed. */
  readonly #observedAt = new Map<string, number>();

  constructor(policy: InstitutionPolicy, names: Iterable<string> = []) {
    this.#policy = policy;
    this.#mappings = new Map(Object.entries(BUILT_IN_ALIASES));
    for (const [from, to] of Object.entries(policy.canonical_mappings)) {
      const target = institutionKey(to);
      this.#mappings.set(institutionKey(from), target);
      this.#offerDisplay(target, to);
    }
    for (const name of names) this.observe(name);
  }

  /** Registers a spelling so the best-cased display and the initials table know it. */
  observe(name: string): void {
    if (this.#observedAt.get(name) === this.#initialsVersion) return;
    const key = this.#canonicalKey(name);
    if (key !== null && this.#observed.get(name) !== key) {
      this.#observed.set(name, key);
      if (!this.#known.has(key)) {
        this.#known.add(key);
        if (key.includes(' ')) {
          const initials = initialsOf(key);
          const list = this.#byInitials.get(initials);
          if (list === undefined) this.#byInitials.set(initials, [key]);
          else list.push(key);
          this.#initialsVersion += 1;
        }
      }
      this.#offerDisplay(key, this.#applyCampusPolicy(collapseWhitespace(name)));
    }
    this.#observedAt.set(name, this.#initialsVersion);
  }

  /** The canonical identity of a raw name (the display string). */
  resolve(name: string | null | undefined): string {
    const key = name === null || name === undefined ? null : this.#canonicalKey(name);
    if (key === null) return this.#policy.unknown_placeholder;
    return this.#display.get(key) ?? titleCaseName(key);
  }

  #canonicalKey(name: string): string | null {
    const key = this.#baseKey(name);
    if (key === null || key === undefined) return null;
    if (this.#mappings.has(key)) return this.#mappings.get(key)!;
    if (!key.includes(' ') && key.length >= 2 && key.length <= 6) {
      const matches = this.#byInitials.get(key);
      if (matches !== undefined && matches.length === 1) return matches[0]!;
    }
    return key;
  }

  /** The key before initials are matched: null for a placeholder name. Memoized, as every record repeats its institution. */
  #baseKey(name: string): string | null {
    const cached = this.#baseKeys.get(name);
    if (cached !== undefined || this.#baseKeys.has(name)) return cached ?? null;
    let key: string | null = institutionKey(this.#applyCampusPolicy(name));
    if (key === '' || key === 'unknown' || key === 'n a' || key === 'none') key = null;
    else
      key = key
        .split(' ')
        .map((token) => this.#correctTokenCached(token))
        .join(' ');
    this.#baseKeys.set(name, key);
    return key;
  }

  #correctTokenCached(token: string): string {
    let fixed = this.#tokens.get(token);
    if (fixed === undefined) this.#tokens.set(token, (fixed = this.#correctToken(token)));
    return fixed;
  }

  #correctToken(token: string): string {
    if (token.length < 5 || NAME_WORDS.includes(token)) return token;
    for (const word of NAME_WORDS) {
      if (Math.abs(word.length - token.length) <= this.#policy.typo_max_edits && withinEditDistance(token, word, Math.min(this.#policy.typo_max_edits, 2))) {
        return word;
      }
    }
    return token;
  }

  #applyCampusPolicy(name: string): string {
    if (this.#policy.campus_vs_system === 'prefer-system') {
      const comma = name.indexOf(',');
      if (comma > 0) return name.slice(0, comma);
      const at = name.search(/ at /iu);
      if (at > 0) return name.slice(0, at);
    }
    return name;
  }

  #offerDisplay(key: string, spelling: string): void {
    const current = this.#display.get(key);
    // A short form or a misspelling says nothing about how the full name is written: it only fills a gap.
    if (institutionKey(spelling) !== key) {
      if (current === undefined) this.#display.set(key, titleCaseName(key));
      return;
    }
    const display = isMixedCase(spelling) || /^[\p{Lu}\p{N}&]{2,6}$/u.test(spelling) ? spelling : titleCaseName(spelling);
    if (current === undefined || rankDisplay(display) > rankDisplay(current) || (rankDisplay(display) === rankDisplay(current) && display < current)) {
      this.#display.set(key, display);
    }
  }
}

/**
 * `editDistance(a, b) <= k` (core's optimal-string-alignment distance: insertions, deletions, substitutions and
 * adjacent transpositions) without computing the whole distance. A row's minimum is at least the smaller of the
 * previous row's minimum and the one before plus one, so once two consecutive rows exceed `k` every later row
 * does too and the answer is known. Most tokens differ from a name word early ("northwestern" against
 * "institute"), so the check stops after a few rows; the full table was a third of S2's start on 571 names.
 */
export function withinEditDistance(a: string, b: string, k: number): boolean {
  if (k < 0 || Math.abs(a.length - b.length) > k) return false;
  const n = b.length;
  let prev2 = new Int32Array(n + 1);
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j += 1) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i += 1) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j += 1) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > k && prevMin > k) return false;
    prevMin = rowMin;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  return prev[n]! <= k;
}

function rankDisplay(text: string): number {
  return (isMixedCase(text) ? 2 : 0) + (text.includes(',') ? 1 : 0);
}
