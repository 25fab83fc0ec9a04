import { describe, expect, it } from 'vitest';
import { groupOverridesIntoEnv } from './overrides.ts';

describe('groupOverridesIntoEnv', () => {
  it.each([
    { overrides: [], existing: {}, env: {} },
    {
      overrides: ['s2.level_thresholds.level_2.min_institutions=3'],
      existing: {},
      env: { TAXONOMY_OVERRIDES_S2: 'level_thresholds.level_2.min_institutions=3' },
    },
    {
      overrides: ['s2.level_thresholds.level_2.min_institutions=3', 's1.min_label_length=3', 's2.weight.record_weight=0.5'],
      existing: {},
      env: {
        TAXONOMY_OVERRIDES_S2: 'level_thresholds.level_2.min_institutions=3;weight.record_weight=0.5',
        TAXONOMY_OVERRIDES_S1: 'min_label_length=3',
      },
    },
    {
      overrides: ['llm.provider=offline', 'postprocess.deduplication.threshold_l2_l3=0.95'],
      existing: { TAXONOMY_OVERRIDES_LLM: 'concurrency=2' },
      env: { TAXONOMY_OVERRIDES_LLM: 'concurrency=2;provider=offline', TAXONOMY_OVERRIDES_POSTPROCESS: 'deduplication.threshold_l2_l3=0.95' },
    },
    { overrides: ['global.log_level=warn'], existing: { TAXONOMY_OVERRIDES_GLOBAL: '  ' }, env: { TAXONOMY_OVERRIDES_GLOBAL: 'log_level=warn' } },
  ])('$overrides', ({ overrides, existing, env }) => {
    expect(groupOverridesIntoEnv(overrides, existing)).toEqual(env);
  });

  it.each([
    { override: 's9.x=1', message: /unknown config section "s9" \(did you mean "s0"\?\)/u },
    { override: 's2=1', message: /name a setting inside the section/u },
    { override: 's2.a=1;b', message: /cannot contain ";"/u },
    { override: 'novalue', message: /expected key.path=value/u },
  ])('rejects $override', ({ override, message }) => {
    expect(() => groupOverridesIntoEnv([override])).toThrow(message);
  });
});
