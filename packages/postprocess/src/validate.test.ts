import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { TaxonomyError, conceptId, type Concept, type LlmUsage } from '@taxonomy/core';
import type { LlmCallResult, LlmClient, PromptKey, PromptOutput, PromptVariables } from '@taxonomy/llm';
import { EvidenceIndex } from './evidence-index.ts';
import { aggregateValidation, checkEntailment, checkEvidence, checkRules, validateConcept, type AggregationWeights } from './validate.ts';

const defaults = defaultConfig().postprocess.validation;

function concept(level: number, label: string, parent: string | null, recordIds: string[] = []): Concept {
  return {
    id: conceptId(level, label, parent),
    level,
    label,
    parent,
    aliases: [],
    institutions: [],
    record_ids: recordIds,
    records: recordIds.length,
    support: { records: recordIds.length, institutions: 1, count: 1 },
    weight: 1,
    gates: {},
    reasons: [],
    gloss: null,
    validation: null,
  };
}

/** A test double of the LLM client: answers entailment from a fixed table, counts calls. */
class TableClient implements LlmClient {
  readonly provider = 'offline' as const;
  readonly model = 'table';
  calls = 0;
  constructor(private readonly answer: (label: string) => LlmCallResult<PromptOutput<'validation.entailment'>> | 'down') {}
  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    this.calls += 1;
    if (key !== 'validation.entailment') throw new Error(`unexpected prompt ${key}`);
    const a = this.answer((variables as PromptVariables<'validation.entailment'>).concept.label);
    if (a === 'down') throw new TaxonomyError('PROVIDER_UNAVAILABLE', 'provider down');
    return a as unknown as LlmCallResult<PromptOutput<K>>;
  }
  usage(): LlmUsage {
    return { provider: 'offline', model: 'table', calls: this.calls, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, latency_ms_p50: null, latency_ms_p95: null, prompts: {} };
  }
  async close(): Promise<void> {}
}

describe('checkRules', () => {
  it.each([
    [0, 'engineering', null, 'pass', []],
    [1, 'physics', null, 'fail', ['missing_parent']],
    [0, 'engineering', 'L0:arts', 'fail', ['root_has_parent']],
    [2, 'robotics', 'L0:engineering', 'fail', ['parent_level_mismatch:L0:engineering']],
    [3, 'neurips', 'L2:machine-learning~abcdef', 'fail', ['forbidden_pattern:\\b(neurips|icml|cvpr|acl|emnlp|kdd|siggraph)\\b(\\s*\\d{2,4})?$', 'venue_name_detected:neurips']],
    [3, 'neurips 2024', 'L2:machine-learning~abcdef', 'fail', ['forbidden_pattern:\\b(neurips|icml|cvpr|acl|emnlp|kdd|siggraph)\\b(\\s*\\d{2,4})?$', 'venue_name_detected:neurips']],
    [3, 'autonomous systems', 'L2:robotics~abcdef', 'pass', []],
    [3, 'oracle bone script', 'L2:paleography~abcdef', 'pass', []],
    [2, 'sociolinguistics', 'L1:linguistics~abcdef', 'pass', []],
  ] as const)('L%i %s (parent %s) → %s %j', (level, label, parent, outcome, hard) => {
    const r = checkRules(concept(level, label, parent), defaults);
    expect(r.outcome).toBe(outcome);
    expect(r.hard).toEqual(hard);
  });

  it('flags an unresolved parent as a soft warning only', () => {
    const r = checkRules(concept(2, 'robotics', 'unresolved:L1:robotics-institute'), defaults);
    expect(r.outcome).toBe('pass');
    expect(r.soft).toEqual(['unresolved_parent:unresolved:L1:robotics-institute']);
    expect(r.summary).toBe('1 soft violations; most significant: unresolved_parent:unresolved:L1:robotics-institute');
  });

  it.each([
    ['applied data science', 'pass'],
    ['applied physics', 'fail'],
  ] as const)('required vocabulary of L1 ["data"]: %s → %s', (label, outcome) => {
    const r = checkRules(concept(1, label, 'L0:engineering'), { ...defaults, required_vocabularies: { '1': ['data'] } });
    expect(r.outcome).toBe(outcome);
  });

  it('reports an invalid configured pattern as a soft warning instead of throwing', () => {
    const r = checkRules(concept(1, 'physics', 'L0:science'), { ...defaults, forbidden_patterns: ['(unclosed'] });
    expect(r.outcome).toBe('pass');
    expect(r.soft).toEqual(['invalid_forbidden_pattern:(unclosed']);
  });

  it('makes venue detection soft when configured', () => {
    const r = checkRules(concept(3, 'icml workshop papers', 'L2:machine-learning~abcdef'), { ...defaults, venue_detection_hard: false, forbidden_patterns: [] });
    expect(r.outcome).toBe('pass');
    expect(r.soft).toEqual(['venue_name_detected:icml']);
  });
});

describe('aggregateValidation (SPEC §2.6.4 examples, corrected)', () => {
  const w = (over: Partial<AggregationWeights>): AggregationWeights => ({ ...defaults, ...over });
  const pass = { outcome: 'pass' as const, hard: false };
  it.each([
    // G-01: tie within 1e-9, permissive → pass; LLM score 0.
    ['G-01', w({ rule_weight: 0.3, evidence_weight: 0.2, llm_weight: 0.500000000001, tie_break_conservative: false }), { rule: pass, evidence: { outcome: 'pass', strength: 0.85 }, llm: { outcome: 'fail', confidence: 0.4 } }, true, 0.5 / 1.000000000001],
    // G-02: not a tie → fail.
    ['G-02', w({ rule_weight: 0.3, evidence_weight: 0.2, llm_weight: 0.5001, tie_break_conservative: false }), { rule: pass, evidence: { outcome: 'pass', strength: 0.85 }, llm: { outcome: 'fail', confidence: 0.4 } }, false, 0.5 / 1.0001],
    // G-03: all weights 0 → fail, confidence 0.
    ['G-03', w({ rule_weight: 0, evidence_weight: 0, llm_weight: 0 }), { rule: pass }, false, 0],
    // G-05: evidence and LLM unknown vote nothing → rules decide alone.
    ['G-05', w({ rule_weight: 0.4, evidence_weight: 0.3, llm_weight: 0.3, tie_break_min_strength: 0.5 }), { rule: pass, evidence: { outcome: 'unknown', strength: 0.9 }, llm: { outcome: 'unknown', confidence: 0.95 } }, true, 1],
    // G-06: conservative tie broken by evidence strength 0.85 ≥ 0.6 …
    ['G-06a', w({ rule_weight: 0.3, evidence_weight: 0.2, llm_weight: 0.5, tie_break_min_strength: 0.6 }), { rule: pass, evidence: { outcome: 'pass', strength: 0.85 }, llm: { outcome: 'fail', confidence: 0.9 } }, true, 0.5],
    // … and lost with strength 0.2.
    ['G-06b', w({ rule_weight: 0.3, evidence_weight: 0.2, llm_weight: 0.5, tie_break_min_strength: 0.6 }), { rule: pass, evidence: { outcome: 'pass', strength: 0.2 }, llm: { outcome: 'fail', confidence: 0.9 } }, false, 0.5],
    // G-10: rule 1, evidence 1, llm 0, evidence fails → tie; rules alone give no strength.
    ['G-10', w({ rule_weight: 1, evidence_weight: 1, llm_weight: 0, tie_break_min_strength: 0.8 }), { rule: pass, evidence: { outcome: 'fail', strength: 0 } }, false, 0.5],
    // G-11: no evidence corpus → unknown → pass on rules.
    ['G-11', w({ rule_weight: 1, evidence_weight: 1 }), { rule: pass, evidence: { outcome: 'unknown', strength: 0 } }, true, 1],
    // G-14 corrected, defaults: no evidence → LLM has nothing to judge (unknown) → 1.0/1.7 → pass.
    ['G-14a', w({}), { rule: pass, evidence: { outcome: 'fail', strength: 0 }, llm: { outcome: 'unknown', confidence: 0 } }, true, 1 / 1.7],
    // With evidence and an LLM pass: 2.1/2.1.
    ['G-14b', w({}), { rule: pass, evidence: { outcome: 'pass', strength: 1.2 }, llm: { outcome: 'pass', confidence: 0.9 } }, true, 1],
    // Evidence found, LLM says no: 1.7/2.1 → pass (rule > evidence > LLM).
    ['G-14c', w({}), { rule: pass, evidence: { outcome: 'pass', strength: 1.2 }, llm: { outcome: 'fail', confidence: 0.9 } }, true, 1.7 / 2.1],
    // No evidence and the LLM says no: 1.0/2.1 → fail.
    ['G-14d', w({}), { rule: pass, evidence: { outcome: 'fail', strength: 0 }, llm: { outcome: 'fail', confidence: 0.9 } }, false, 1 / 2.1],
    // A hard rule failure blocks whatever else says.
    ['hard', w({}), { rule: { outcome: 'fail', hard: true }, evidence: { outcome: 'pass', strength: 1.5 }, llm: { outcome: 'pass', confidence: 1 } }, false, 0],
  ] as const)('%s', (_name, weights, input, passed, confidence) => {
    const r = aggregateValidation(input, weights);
    expect(r.passed).toBe(passed);
    expect(r.confidence).toBeCloseTo(confidence, 9);
  });

  it('scores the LLM 0 when it fails and marks rule-only decisions', () => {
    const r = aggregateValidation({ rule: { outcome: 'pass', hard: false }, evidence: { outcome: 'unknown', strength: 0 } }, defaults);
    expect(r.rule_only).toBe(true);
    expect(r.scores).toEqual({ rule: 1, evidence: 0, llm: 0 });
  });
});

describe('checkEvidence and checkEntailment', () => {
  const index = new EvidenceIndex([
    { text: 'Our Applied Data Science program focuses on modern data science methods.', url: 'https://datascience.example.edu/', institution: 'Example University', level: 1, record_id: 'r-1', source: 'record' },
    { text: 'Area chair for reinforcement learning', url: 'https://icml.cc/Conferences/2020/CallForPapers', institution: 'ICML', level: 3, record_id: 'r-2', source: 'record' },
  ]);

  it.each([
    [concept(1, 'applied data science', 'L0:engineering'), 'pass'],
    [concept(1, 'quantum computing', 'L0:engineering'), 'fail'],
    [concept(2, 'reinforcement learning', 'L1:cs~abcdef'), 'unknown'],
  ] as const)('%s → %s', (c, outcome) => {
    expect(checkEvidence(c, index, defaults).outcome).toBe(outcome);
  });

  it('is unknown without any corpus', () => {
    expect(checkEvidence(concept(1, 'physics', 'L0:science'), null, defaults).outcome).toBe('unknown');
  });

  it.each([
    ['pass', { ok: true, value: { pass: true, confidence: 0.9, reason: 'named as a program' }, cached: false, repaired: false }, 'pass'],
    ['fail', { ok: true, value: { pass: false, confidence: 0.8, reason: 'a venue' }, cached: false, repaired: false }, 'fail'],
    ['bad answer', { ok: false, reason: 'schema_invalid', error: 'missing pass' }, 'unknown'],
  ] as const)('entailment %s → %s', async (_n, answer, outcome) => {
    const client = new TableClient(() => answer as LlmCallResult<PromptOutput<'validation.entailment'>>);
    const c = concept(1, 'applied data science', 'L0:engineering');
    const ev = checkEvidence(c, index, defaults);
    expect((await checkEntailment(c, 'engineering', ev.snippets, client)).outcome).toBe(outcome);
  });

  it('does not ask the LLM without evidence, and propagates a provider outage', async () => {
    const down = new TableClient(() => 'down');
    const none = await checkEntailment(concept(1, 'quantum computing', 'L0:engineering'), 'engineering', [], down);
    expect(none.outcome).toBe('unknown');
    expect(down.calls).toBe(0);
    const c = concept(1, 'applied data science', 'L0:engineering');
    await expect(checkEntailment(c, 'engineering', checkEvidence(c, index, defaults).snippets, down)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('annotates the concept: validation block, gate, one validation reason', async () => {
    const client = new TableClient(() => ({ ok: true, value: { pass: true, confidence: 0.9, reason: 'ok' }, cached: false, repaired: false }));
    const c = concept(1, 'applied data science', 'L0:engineering', ['r-1']);
    const first = await validateConcept(c, { config: defaults, index, client, parentLabel: 'engineering' });
    const again = await validateConcept(first.concept, { config: defaults, index, client, parentLabel: 'engineering' });
    expect(again.concept.validation).toEqual({ passed: true, confidence: 1, scores: { rule: 1, evidence: 0.7, llm: 0.4 }, evidence_count: 1, top_evidence_url: 'https://datascience.example.edu/' });
    expect(again.concept.gates['validation']).toBe(true);
    expect(again.concept.reasons.filter((r) => r.startsWith('validation: '))).toHaveLength(1);
    expect(again.findings.map((f) => f.mode)).toEqual(['rule', 'evidence', 'llm']);
  });
});
