import { collapseWhitespace } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import { isCfpFurniture } from '@taxonomy/lexicon';

export type S3Policy = Config['s3'];

export interface RuleEvaluation {
  /** All checks passed (or the label is allowlisted). */
  passed: boolean;
  allowlisted: boolean;
  tokenCount: number;
  checks: Record<string, boolean>;
  reasons: string[];
  suggestions: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

const venueCache = new WeakMap<ReadonlyArray<string>, RegExp>();
const keywordCache = new WeakMap<ReadonlyArray<string>, RegExp>();

/** A venue name as a whole word, optionally followed by a year ("neurips", "neurips 2023", "neurips2023", "osdi '96"). */
function venuePattern(names: ReadonlyArray<string>): RegExp {
  let re = venueCache.get(names);
  if (re === undefined) {
    const alts = [...names].sort((a, b) => b.length - a.length).map((n) => escapeRegExp(n).replace(/ /gu, '[\\s-]*'));
    re = new RegExp(`(?<![\\p{L}\\p{N}])(${alts.join('|')})(?:\\s*'?\\d{2,4})?(?![\\p{L}\\p{N}])`, 'iu');
    venueCache.set(names, re);
  }
  return re;
}

function keywordPattern(words: ReadonlyArray<string>): RegExp {
  let re = keywordCache.get(words);
  if (re === undefined) {
    re = new RegExp(`(?<![\\p{L}\\p{N}])(${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    keywordCache.set(words, re);
  }
  return re;
}

/** Whitespace tokens, hyphens counted as separators. */
export function countTokens(label: string): number {
  return collapseWhitespace(label.replace(/-/gu, ' ')).split(' ').filter((t) => t.length > 0).length;
}

/**
 * Label rules of S3, applied to every label whatever its token count: token cap per level, forbidden
 * punctuation, length bounds, alphanumeric ratio and, at level 3, venue names and venue keywords as
 * whole words ("neurips 2023" and "conference on robotics" fail; "journalism" does not) and
 * call-for-papers furniture from the field lexicon ("submission guidelines", "important dates").
 */
export function evaluateLabelRules(rawLabel: string, level: number, policy: S3Policy): RuleEvaluation {
  const label = collapseWhitespace(rawLabel);
  const tokenCount = countTokens(label);
  if (policy.allowlist.some((a) => a.toLowerCase() === label.toLowerCase())) {
    return { passed: true, allowlisted: true, tokenCount, checks: { allowlist: true }, reasons: ['rule:allowlist'], suggestions: [] };
  }
  const checks: Record<string, boolean> = {};
  const reasons: string[] = [];
  const maxTokens = policy.max_tokens_per_level[`level_${level}` as 'level_0'];
  checks['token_limit'] = tokenCount <= maxTokens;
  if (!checks['token_limit']) reasons.push(`rule:token_limit ${tokenCount} tokens > ${maxTokens}`);
  const marks = policy.forbidden_punctuation.filter((p) => label.includes(p)).sort();
  checks['punctuation'] = marks.length === 0;
  if (marks.length > 0) reasons.push(`rule:punctuation forbidden ${marks.join(' ')}`);
  checks['length_bounds'] = label.length >= policy.min_length && label.length <= policy.max_length;
  if (!checks['length_bounds']) reasons.push(`rule:length ${label.length} outside ${policy.min_length}-${policy.max_length}`);
  const visible = label.replace(/\s/gu, '');
  const alnum = visible.replace(/[^\p{L}\p{N}]/gu, '').length;
  const ratio = visible.length === 0 ? 0 : alnum / visible.length;
  checks['alnum_ratio'] = ratio >= policy.min_alnum_ratio;
  if (!checks['alnum_ratio']) reasons.push(`rule:alnum_ratio ${ratio.toFixed(2)} below ${policy.min_alnum_ratio.toFixed(2)}`);
  if (level === 3) {
    const venue = venuePattern(policy.venue_names).exec(label);
    const keyword = keywordPattern(policy.venue_keywords).exec(label);
    checks['venue'] = venue === null && keyword === null;
    if (venue !== null) reasons.push(`rule:venue_name '${venue[0].toLowerCase()}'`);
    if (keyword !== null) reasons.push(`rule:venue_keyword '${keyword[1]!.toLowerCase()}'`);
    // Page furniture of a call for papers is no topic, however many words it has.
    checks['cfp_furniture'] = !isCfpFurniture(label);
    if (!checks['cfp_furniture']) reasons.push(`rule:cfp_furniture '${label.toLowerCase()}'`);
  }
  const passed = Object.values(checks).every(Boolean);
  const suggestions: string[] = [];
  if (!passed) {
    const spaced = collapseWhitespace(marks.reduce((acc, m) => acc.split(m).join(' '), label.replace(/-/gu, ' ')));
    if (spaced !== label && spaced.length > 0) suggestions.push(spaced);
    const stripped = collapseWhitespace(label.replace(/[^\p{L}\p{N} ]/gu, ''));
    if (stripped !== label && stripped.length > 0 && !suggestions.includes(stripped)) suggestions.push(stripped);
  }
  return { passed, allowlisted: false, tokenCount, checks, reasons: passed ? ['rule:passed'] : reasons, suggestions: suggestions.slice(0, 3) };
}
