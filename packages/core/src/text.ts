/** Collapses every run of white space to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const DASHES_AND_STOPS = /[‘’“”"'`´\-‐‑‒–—―.,;:/\\_|·•]+/gu;

/** Pure ASCII: NFKD leaves it alone and it has no marks or special letters, so the folds below are identities. */
const ASCII_ONLY = /^[\x00-\x7f]*$/u;

/** Folds diacritics (NFKD, combining marks dropped) and the letters NFKD leaves alone (ß, ø, æ, œ, ł, đ, þ). */
export function foldDiacritics(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/gu, 'ss')
    .replace(/[øØ]/gu, (c) => (c === 'ø' ? 'o' : 'O'))
    .replace(/[æÆ]/gu, (c) => (c === 'æ' ? 'ae' : 'AE'))
    .replace(/[œŒ]/gu, (c) => (c === 'œ' ? 'oe' : 'OE'))
    .replace(/[łŁ]/gu, (c) => (c === 'ł' ? 'l' : 'L'))
    .replace(/[đĐ]/gu, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[þÞ]/gu, (c) => (c === 'þ' ? 'th' : 'TH'));
}

/**
 * The canonical comparison form of a label: diacritics folded, lower-case, dashes, stops, slashes and
 * underscores turned into spaces, other punctuation except `&` and `+` dropped, white space collapsed.
 * Letters of any script survive (a Japanese label is not erased).
 */
export function normalizeLabel(text: string): string {
  // ASCII fast path, equal by construction: lower-cased ASCII letters are a-z, digits 0-9, and every ASCII dash
  // or stop is also outside [a-z0-9\s&+], so one replacement does what the two below do (a hot loop in S0).
  if (ASCII_ONLY.test(text)) return collapseWhitespace(text.toLowerCase().replace(/[^a-z0-9\s&+]+/gu, ' '));
  return collapseWhitespace(
    foldDiacritics(text)
      .toLowerCase()
      .replace(DASHES_AND_STOPS, ' ')
      .replace(/[^\p{L}\p{N}\s&+]/gu, ' '),
  );
}

/** Whitespace tokens of a normalized label. */
export function tokenize(label: string): string[] {
  return label.split(' ').filter((t) => t.length > 0);
}

/**
 * Optimal-string-alignment edit distance: insertions, deletions, substitutions and adjacent
 * transpositions each cost one ("univeristy" → "university" is 1). Used for typo tolerance and
 * "did you mean" suggestions everywhere.
 */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** A record's section when it is a real heading: not the sheet placeholder `<default>`, not empty or punctuation only. */
export function usableSection(section: string | null): string | null {
  if (section === null) return null;
  const s = section.trim();
  if (s.length === 0 || /^<[^>]*>$/u.test(s)) return null;
  return tokenize(normalizeLabel(s)).length === 0 ? null : s;
}
