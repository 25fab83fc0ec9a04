import { foldedTokens, STOP_WORDS } from './similarity.ts';

/**
 * The words of an authoritative vocabulary (CIP titles), folded like labels. A token in this set is a
 * real word, so it is never read as a truncation (`earth` is not short for `earthquake`) and two such
 * words one or two edits apart (`genetics`/`genomics`) are not taken for spelling variants.
 */
export function knownWordsFrom(titles: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const title of titles) for (const t of foldedTokens(title)) if (!STOP_WORDS.has(t) && t.length >= 3) words.add(t);
  return words;
}
