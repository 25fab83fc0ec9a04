import { defaultConfig, type Config } from '@taxonomy/config';
import { loadLexiconView } from './lexicon-adapter.ts';
import { scorePair, type LabelForms, type PairSignals } from './pair-score.ts';

export interface ExplainMergeOptions {
  a: string | LabelForms;
  b: string | LabelForms;
  level: number;
  /** The postprocess config slice (default: schema defaults). */
  config?: Config['postprocess'];
  /** Words treated as real words by the guards (default: the lexicon's CIP vocabulary). */
  knownWords?: ReadonlySet<string>;
}

export interface ExplainMergeResult {
  merge: boolean;
  score: number;
  threshold: number;
  driver: keyof PairSignals;
  signals: PairSignals;
  veto: string | null;
  reason: string;
}

/** Why two labels of one level and parent would or would not merge (`taxonomy explain merge`). */
export function explainMerge(options: ExplainMergeOptions): ExplainMergeResult {
  const config = options.config ?? defaultConfig().postprocess;
  const forms = (x: string | LabelForms): LabelForms => (typeof x === 'string' ? { label: x } : x);
  const knownWords = options.knownWords ?? loadLexiconView().knownWords;
  return scorePair(forms(options.a), forms(options.b), options.level, config.deduplication, knownWords);
}
