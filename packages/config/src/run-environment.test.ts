import { describe, expect, it } from 'vitest';
import { TaxonomyError } from '@taxonomy/core';
import { readLlmAgents } from './run-environment.ts';

describe('readLlmAgents', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['4', 4],
    [' 12 ', 12],
  ])('TAXONOMY_LLM_AGENTS=%j → %i', (value, agents) => {
    expect(readLlmAgents(value === undefined ? {} : { TAXONOMY_LLM_AGENTS: value })).toBe(agents);
  });

  it.each(['0', '-2', '2.5', 'four', '1e3'])('TAXONOMY_LLM_AGENTS=%j fails with CONFIG_INVALID naming the variable', (value) => {
    expect(() => readLlmAgents({ TAXONOMY_LLM_AGENTS: value })).toThrow(TaxonomyError);
    expect(() => readLlmAgents({ TAXONOMY_LLM_AGENTS: value })).toThrow(new RegExp(`^TAXONOMY_LLM_AGENTS="${value.replace('.', '\\.')}": expected a whole number of agents ≥ 1$`, 'u'));
  });
});
