import { authoritativeTitles, fieldFamilies } from '@taxonomy/lexicon';
import type { FieldFamilySource } from './disambiguate.ts';
import { knownWordsFrom } from './known-words.ts';

/** The lexicon as post-processing uses it: CIP titles (evidence, known words) and field families. */
export interface LexiconView {
  titles: ReadonlyArray<string>;
  knownWords: ReadonlySet<string>;
  families: FieldFamilySource;
}

let cached: LexiconView | null = null;

/** Loads the lexicon view once per process. */
export function loadLexiconView(): LexiconView {
  if (cached === null) {
    const titles = [...authoritativeTitles()];
    // Only families the label clearly belongs to: a weak word-level hit would make unrelated parents look alike.
    const families = (label: string) =>
      fieldFamilies(label)
        .filter((f) => f.score >= 0.5)
        .map((f) => f.code);
    cached = { titles, knownWords: knownWordsFrom(titles), families: { fieldFamilies: families } };
  }
  return cached;
}
