import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { defaultConfig } from '@taxonomy/config';
import { conceptId, type Concept, type LlmUsage } from '@taxonomy/core';
import type { LlmCallResult, LlmClient, PromptKey, PromptOutput, PromptVariables } from '@taxonomy/llm';
import { EvidenceIndex } from './evidence-index.ts';
import { invertOps } from './invert-ops.ts';
import { postprocessConcepts } from './pipeline.ts';

function concept(level: number, label: string, parent: string | null, institutions: string[]): Concept {
  const recordIds = institutions.map((i) => `r-${level}-${label}-${i}`.replace(/\s+/gu, '_'));
  return {
    id: conceptId(level, label, parent),
    level,
    label,
    parent,
    aliases: [],
    institutions,
    record_ids: recordIds,
    records: recordIds.length,
    support: { records: recordIds.length, institutions: institutions.length, count: recordIds.length },
    weight: institutions.length,
    gates: {},
    reasons: [],
    gloss: null,
    validation: null,
  };
}

/** Answers both post-processing prompts: entailment passes with evidence; collisions are separable. */
class BothClient implements LlmClient {
  readonly provider = 'offline' as const;
  readonly model = 'both';
  calls = 0;
  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    this.calls += 1;
    if (key === 'validation.entailment') {
      const v = variables as PromptVariables<'validation.entailment'>;
      const value = { pass: v.evidence.length > 0, confidence: 0.8, reason: 'evidence names it' };
      return { ok: true, value, cached: false, repaired: false } as unknown as LlmCallResult<PromptOutput<K>>;
    }
    const v = variables as PromptVariables<'taxonomy.disambiguate'>;
    const value = { separable: true, confidence: 0.9, senses: v.senses.map((s) => ({ concept_id: s.concept_id, gloss: `${v.label} in ${s.parent_label}` })), reason: 'different parents' };
    return { ok: true, value, cached: false, repaired: false } as unknown as LlmCallResult<PromptOutput<K>>;
  }
  usage(): LlmUsage {
    return { provider: 'offline', model: 'both', calls: this.calls, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, latency_ms_p50: null, latency_ms_p95: null, prompts: {} };
  }
  async close(): Promise<void> {}
}

const identity = (c: Concept) => ({ id: c.id, level: c.level, label: c.label, parent: c.parent, aliases: c.aliases, institutions: c.institutions, record_ids: c.record_ids, records: c.records, support: c.support, gloss: c.gloss });

describe('postprocessConcepts', () => {
  const eng = concept(0, 'engineering', null, ['cornell university', 'duke university']);
  const stats = concept(0, 'statistics', null, ['yale university']);
  const cs = concept(0, 'computer science', null, ['yale university', 'princeton university']);
  const cse = concept(1, 'computer science and engineering', eng.id, ['new york university', 'university of michigan']);
  const cseShort = concept(1, 'cse', eng.id, ['university of michigan']);
  const hpc = concept(2, 'hpc', cseShort.id, ['university of michigan', 'university of illinois urbana-champaign']);
  const hpcLong = concept(2, 'high performance computing', cse.id, ['new york university', 'university of illinois urbana-champaign', 'cornell university']);
  const mlStats = concept(1, 'machine learning', stats.id, ['yale university', 'cornell university']);
  const mlCs = concept(1, 'machine learning', cs.id, ['princeton university', 'cornell university']);
  const input = [eng, stats, cs, cse, cseShort, hpc, hpcLong, mlStats, mlCs];
  const index = new EvidenceIndex([
    { text: 'New York University - Computer Science and Engineering', url: null, institution: 'new york university', level: 1, record_id: 'r-1', source: 'record' },
    { text: 'Research areas include machine learning, high performance computing and robotics.', url: 'https://www.cs.cornell.edu/research', institution: 'cornell university', level: 2, record_id: 'r-2', source: 'record' },
    { text: 'Engineering', url: null, institution: null, level: null, record_id: null, source: 'cip' },
  ]);
  const config = defaultConfig().postprocess;
  const families = { fieldFamilies: (label: string) => ({ 'computer science': ['11'], statistics: ['27'], engineering: ['14'] })[label] ?? [] };
  const run = () => postprocessConcepts(input, { config, index, client: new BothClient(), families, knownWords: new Set(), log: pino({ level: 'silent' }) });

  it('validates, splits, merges, re-points children and stops at a fixed point', async () => {
    const result = await run();
    expect(result.converged).toBe(true);
    expect(result.iterations.at(-1)!.merge_ops + result.iterations.at(-1)!.split).toBe(0);
    expect(result.counters).toMatchObject({ concepts_in: 9, merged: 2, split: 1, concepts_out: 7, deferred: 0 });
    const hpcOut = result.concepts.filter((c) => c.level === 2);
    expect(hpcOut.map((c) => [c.label, c.parent])).toEqual([['high performance computing', cse.id]]);
    expect(result.concepts.every((c) => c.validation !== null)).toBe(true);
    expect(result.findings.every((f) => result.concepts.some((c) => c.id === f.concept_id))).toBe(true);
    expect(result.counters['validated_passed']! + result.counters['validated_failed']! + result.counters['validated_unknown']!).toBe(7);
  });

  it('restores the input concept set when the merge and split logs are undone', async () => {
    const result = await run();
    const restored = invertOps(result.concepts, result.mergeOps, result.splitOps);
    expect(restored.map(identity)).toEqual([...input].sort((a, b) => (a.id < b.id ? -1 : 1)).map(identity));
  });

  it('drops failed concepts only when drop_failed is set', async () => {
    const venue = concept(2, 'neurips 2024', cs.id, ['neurips']);
    const options = { index, client: new BothClient(), families, knownWords: new Set<string>(), log: pino({ level: 'silent' }) };
    const flagged = await postprocessConcepts([...input, venue], { ...options, config });
    expect(flagged.concepts.find((c) => c.id === venue.id)!.gates['validation']).toBe(false);
    expect(flagged.counters['dropped']).toBe(0);
    const dropped = await postprocessConcepts([...input, venue], { ...options, config: { ...config, validation: { ...config.validation, drop_failed: true } } });
    expect(dropped.concepts.map((c) => c.id)).not.toContain(venue.id);
    expect(dropped.dropped.map((c) => c.id)).toEqual([venue.id]);
    expect(dropped.counters).toMatchObject({ dropped: 1, validated_failed: 1 });
  });

  it('is deterministic: equal inputs give equal outputs and op logs', async () => {
    const [a, b] = [await run(), await run()];
    expect(JSON.stringify([a.concepts, a.mergeOps, a.splitOps, a.findings])).toBe(JSON.stringify([b.concepts, b.mergeOps, b.splitOps, b.findings]));
  });
});
