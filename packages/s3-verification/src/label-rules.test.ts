import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { countTokens, evaluateLabelRules } from './label-rules.ts';

const policy = defaultConfig().s3;

describe('evaluateLabelRules', () => {
  it.each([
    // level 3: venue names as whole words, with or without a year
    ['neurips', 3, false, "rule:venue_name 'neurips'"],
    ['neurips 2023', 3, false, "rule:venue_name 'neurips 2023'"],
    ['neurips2023', 3, false, "rule:venue_name 'neurips2023'"],
    ['osdi 2026', 3, false, "rule:venue_name 'osdi 2026'"],
    ["osdi '96", 3, false, "rule:venue_name 'osdi '96'"],
    ['sigmod', 3, false, "rule:venue_name 'sigmod'"],
    ['siggraph asia', 3, false, "rule:venue_name 'siggraph'"],
    ['acl', 3, false, "rule:venue_name 'acl'"],
    ['neural information processing systems', 3, false, "rule:venue_name 'neural information processing systems'"],
    ['international conference on machine learning', 3, false, "rule:venue_name 'international conference on machine learning'"],
    ['conference on robotics', 3, false, "rule:venue_keyword 'conference'"],
    ['workshop proposals', 3, false, "rule:venue_keyword 'workshop'"],
    // level 3: call-for-papers furniture, however many words
    ['submission guidelines', 3, false, "rule:cfp_furniture 'submission guidelines'"],
    ['Important Dates', 3, false, "rule:cfp_furniture 'important dates'"],
    ['camera ready', 3, false, "rule:cfp_furniture 'camera ready'"],
    ['program committee', 3, false, "rule:cfp_furniture 'program committee'"],
    ['topics of interest', 3, false, "rule:cfp_furniture 'topics of interest'"],
    ['submission guidelines', 2, true, 'rule:passed'],
    ['submodular optimization', 3, true, 'rule:passed'],
    ['journalism', 3, true, 'rule:passed'],
    ['conferencing systems', 3, true, 'rule:passed'],
    ['oracle bone inscriptions', 3, true, 'rule:passed'],
    ['reinforcement learning', 3, true, 'rule:passed'],
    ['federated learning', 3, true, 'rule:passed'],
    ['nonparametric methods', 3, true, 'rule:passed'],
    ['sigmoid activations', 3, true, 'rule:passed'],
    // venues are only a level-3 concern
    ['acl', 2, true, 'rule:passed'],
    // allowlist short-circuits
    ['machine learning', 3, true, 'rule:allowlist'],
    ['Computer Vision', 2, true, 'rule:allowlist'],
    // token caps per level (5, 6, 6, 7)
    ['a b c d e', 0, true, 'rule:passed'],
    ['a b c d e f', 0, false, 'rule:token_limit 6 tokens > 5'],
    ['history and philosophy of science and medicine', 1, false, 'rule:token_limit 7 tokens > 6'],
    ['ai and ml for social sciences and humanities', 3, false, 'rule:token_limit 8 tokens > 7'],
    ['data-centric aspects of ai', 2, true, 'rule:passed'],
    // punctuation
    ['machine_learning', 2, false, 'rule:punctuation forbidden _'],
    ['c/c++ compilers', 2, false, 'rule:punctuation forbidden /'],
    ['theory: algorithms', 2, false, 'rule:punctuation forbidden :'],
    ['social policy & practice', 0, true, 'rule:passed'],
    // length bounds
    ['x', 1, false, 'rule:length 1 outside 2-64'],
    ['ai', 1, true, 'rule:passed'],
    ['science technology engineering arts mathematics and society policy', 1, false, 'rule:token_limit 8 tokens > 6'],
    ['supercalifragilisticexpialidocious-interdisciplinary-computational-studies', 2, false, 'rule:length 74 outside 2-64'],
    // alphanumeric ratio
    ['&&&', 0, false, 'rule:alnum_ratio 0.00 below 0.70'],
    ['r&d', 1, false, 'rule:alnum_ratio 0.67 below 0.70'],
    ['research & development', 1, true, 'rule:passed'],
    ['++ &', 1, false, 'rule:alnum_ratio 0.00 below 0.70'],
    ['geology', 0, true, 'rule:passed'],
    ['théâtre', 0, true, 'rule:passed'],
    ['機械学習', 2, true, 'rule:passed'],
  ])('%s at L%i → pass %s (%s)', (label, level, pass, reason) => {
    const result = evaluateLabelRules(label, level, policy);
    expect(result.passed).toBe(pass);
    expect(result.reasons).toContain(reason);
  });

  it('suggests repaired forms when punctuation fails', () => {
    expect(evaluateLabelRules('machine_learning', 2, policy).suggestions).toEqual(['machine learning', 'machinelearning']);
  });

  it.each([
    ['machine-learning', 2],
    ['  computer   vision ', 2],
    ['physics', 1],
  ])('countTokens(%j) = %i', (label, n) => {
    expect(countTokens(label)).toBe(n);
  });
});
