/** Collapses every run of white space to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const DASHES_AND_STOPS = /[‘’“”"'`´\-‐‑‒–—―.,;:/\\_|·•]+/gu;

/** Folds diacritics (NFKD, combining marks dropped) and the letters NFKD leaves alone (ß, ø, æ, œ, ł, đ, þ). */
export function foldDiacritics(text: string): string {
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
