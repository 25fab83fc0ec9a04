import type { Config } from '@taxonomy/config';
import { abbreviationScore, contentTokens, foldLabel, jaroWinkler, tokenJaccard, tokensAligned } from './similarity.ts';

export type DedupConfig = Config['postprocess']['deduplication'];

/** The two labels (and aliases) a merge decision looks at. */
export interface LabelForms {
  label: string;
  aliases?: ReadonlyArray<string>;
}

export interface PairSignals {
  jaro_winkler: number;
  token_jaccard: number;
  abbreviation: number;
  alias_match: number;
  compact_equal: number;
}

export interface PairDecision {
  merge: boolean;
  score: number;
  threshold: number;
  driver: keyof PairSignals;
  signals: PairSignals;
  /** Set when a string match was vetoed because the labels differ by distinct words. */
  veto: string | null;
  reason: string;
}

/** At most this many aliases take part in abbreviation and alias matching. */
const MAX_ALIASES = 3;

/** Merge threshold of a level: τ(L0, L1) and τ(L2, L3) from config. */
export function thresholdFor(level: number, config: DedupConfig): number {
  return level <= 1 ? config.threshold_l0_l1 : config.threshold_l2_l3;
}

/**
 * Scores a pair of labels of one level: the maximum of Jaro–Winkler (folded labels), token Jaccard
 * (content tokens), the abbreviation score (labels and aliases, lower-case), an alias match and a
 * compact match (`data science` = `datascience`). A match not carried by an abbreviation, an alias or a
 * compact form must also align every differing token as a spelling variant; otherwise the labels name
 * different things (`molecular biology`/`molecular biophysics`) and the merge is vetoed.
 */
export function scorePair(a: LabelForms, b: LabelForms, level: number, config: DedupConfig, knownWords: ReadonlySet<string>): PairDecision {
  const threshold = thresholdFor(level, config);
  const fa = foldLabel(a.label);
  const fb = foldLabel(b.label);
  const ca = contentTokens(a.label);
  const cb = contentTokens(b.label);
  const compactEqual = fa.length > 0 && fa.replace(/ /gu, '') === fb.replace(/ /gu, '') ? 1 : 0;
  const jw = jaroWinkler(fa, fb);
  const jaccard = tokenJaccard(ca, cb);
  const formsA = [a.label, ...(a.aliases ?? []).slice(0, MAX_ALIASES)];
  const formsB = [b.label, ...(b.aliases ?? []).slice(0, MAX_ALIASES)];
  let abbreviation = 0;
  for (const x of formsA) for (const y of formsB) abbreviation = Math.max(abbreviation, abbreviationScore(x.toLowerCase(), y.toLowerCase(), knownWords));
  const aliasMatch =
    formsA.slice(1).some((x) => foldLabel(x) === fb) || formsB.slice(1).some((y) => foldLabel(y) === fa) ? 1 : 0;
  const signals: PairSignals = {
    jaro_winkler: round4(jw),
    token_jaccard: round4(jaccard),
    abbreviation: round4(abbreviation),
    alias_match: aliasMatch,
    compact_equal: compactEqual,
  };
  const order: Array<keyof PairSignals> = ['compact_equal', 'alias_match', 'abbreviation', 'token_jaccard', 'jaro_winkler'];
  let driver: keyof PairSignals = order[0]!;
  for (const k of order) if (signals[k] > signals[driver]) driver = k;
  const score = signals[driver];
  let veto: string | null = null;
  const structural = compactEqual === 1 || aliasMatch === 1 || abbreviation >= threshold;
  if (!structural && score >= threshold) {
    const { aligned, unmatched } = tokensAligned(ca, cb, knownWords);
    if (!aligned) veto = `labels differ by distinct words: ${unmatched.join(', ')}`;
  }
  const merge = veto === null && score >= threshold;
  const reason = merge
    ? `${driver} ${score.toFixed(4)} ≥ τ ${threshold.toFixed(2)} (level ${level})`
    : veto !== null
      ? `${driver} ${score.toFixed(4)} ≥ τ ${threshold.toFixed(2)} but vetoed: ${veto}`
      : `best signal ${driver} ${score.toFixed(4)} < τ ${threshold.toFixed(2)} (level ${level})`;
  return { merge, score, threshold, driver, signals, veto, reason };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
