import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { conceptId, type Concept, type LlmUsage } from '@taxonomy/core';
import type { LlmCallResult, LlmClient, PromptKey, PromptOutput, PromptVariables } from '@taxonomy/llm';
import { assessCollision, disambiguate, truncateWords, type FieldFamilySource } from './disambiguate.ts';
import { invertOps } from './invert-ops.ts';
import { OpSequence } from './op-sequence.ts';
import { parentLabelResolver } from './pipeline.ts';

const config = defaultConfig().postprocess.disambiguation;
type Answer = PromptOutput<'taxonomy.disambiguate'>;

function concept(level: number, label: string, parent: string | null): Concept {
  return {
    id: conceptId(level, label, parent),
    level,
    label,
    parent,
    aliases: [],
    institutions: ['yale university'],
    record_ids: [`r-${label}-${parent ?? ''}`],
    records: 1,
    support: { records: 1, institutions: 1, count: 1 },
    weight: 1,
    gates: {},
    reasons: [],
    gloss: null,
    validation: null,
  };
}

/** A test double answering `taxonomy.disambiguate` with a fixed decision and a gloss from each sense's parent. */
class SenseClient implements LlmClient {
  readonly provider = 'offline' as const;
  readonly model = 'senses';
  calls = 0;
  constructor(private readonly decide: { separable: boolean; confidence: number }) {}
  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    this.calls += 1;
    const v = variables as PromptVariables<'taxonomy.disambiguate'>;
    const value: Answer = {
      ...this.decide,
      senses: v.senses.map((s) => ({ concept_id: s.concept_id, gloss: `${v.label} as studied in ${s.parent_label}` })),
      reason: `${key}: uses differ by parent`,
    };
    return { ok: true, value, cached: false, repaired: false } as unknown as LlmCallResult<PromptOutput<K>>;
  }
  usage(): LlmUsage {
    return { provider: 'offline', model: 'senses', calls: this.calls, cache_hits: 0, retries: 0, repairs: 0, quarantined: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, latency_ms_p50: null, latency_ms_p95: null, prompts: {} };
  }
  async close(): Promise<void> {}
}

const FAMILIES: Record<string, string[]> = {
  'computer science': ['11'],
  'computer engineering': ['11', '14'],
  statistics: ['27'],
  'mathematics and statistics': ['27'],
  'school of engineering': ['14'],
  'school of medicine': ['51'],
};
const families: FieldFamilySource = { fieldFamilies: (label) => FAMILIES[label] ?? [] };

const cs = concept(0, 'computer science', null);
const stats = concept(0, 'statistics', null);
const ce = concept(0, 'computer engineering', null);
const mlCs = concept(1, 'machine learning', cs.id);
const mlStats = concept(1, 'machine learning', stats.id);
const mlCe = concept(1, 'machine learning', ce.id);
const CONTEXTS: Record<string, string[]> = {
  [mlCs.id]: ['Machine Learning research initiative'],
  [mlStats.id]: ['Machine Learning teaching center'],
};

function options(client: LlmClient | null, all: Concept[], sequence = new OpSequence()) {
  return {
    config,
    client,
    families,
    parentLabel: parentLabelResolver(new Map(all.map((c) => [c.id, c] as const))),
    contexts: (c: Concept) => CONTEXTS[c.id] ?? [],
    sequence,
    iteration: 1,
  };
}

describe('assessCollision', () => {
  it.each([
    ['computer science vs statistics', [mlCs, mlStats], 1, true],
    ['computer science vs computer engineering', [mlCs, mlCe], 0.5, true],
  ] as const)('%s: parent divergence %d', (_name, members, divergence, incompatible) => {
    const a = assessCollision(members, options(null, [cs, stats, ce, ...members]));
    expect(a.parent_divergence).toBe(divergence);
    expect(a.incompatible).toBe(incompatible);
  });

  it("leaves the label's own words out of the context overlap", () => {
    const a = assessCollision([mlCs, mlStats], options(null, [cs, stats, mlCs, mlStats]));
    expect(a.context_overlap).toBe(0);
  });

  it('treats related parents with shared contexts as one sense', () => {
    const a = assessCollision([mlCs, mlCe], { ...options(null, [cs, ce, mlCs, mlCe]), config: { ...config, min_parent_divergence: 0.6 } });
    expect(a.incompatible).toBe(false);
  });
});

describe('disambiguate', () => {
  const all = [cs, stats, mlCs, mlStats];

  it('glosses separable senses, logs a reversible SplitOp and skips the group next time', async () => {
    const client = new SenseClient({ separable: true, confidence: 0.9 });
    const sequence = new OpSequence();
    const result = await disambiguate(all, options(client, all, sequence));
    expect(result.ops).toHaveLength(1);
    const op = result.ops[0]!;
    expect(op.source_id).toBe('senses:L1:machine-learning');
    expect(op.new_ids).toEqual([mlCs.id, mlStats.id].sort());
    const glossed = result.concepts.filter((c) => c.label === 'machine learning');
    expect(glossed.map((c) => c.gloss).sort()).toEqual(['machine learning as studied in computer science', 'machine learning as studied in statistics']);
    expect(glossed.every((c) => c.gates['disambiguation'] === true)).toBe(true);
    expect(invertOps(result.concepts, [], result.ops)).toEqual([...all].sort((a, b) => (a.id < b.id ? -1 : 1)));
    const again = await disambiguate(result.concepts, options(client, result.concepts, sequence));
    expect(again.ops).toEqual([]);
    expect(again.stats.already_decided).toBe(1);
    expect(client.calls).toBe(1);
  });

  it.each([
    ['one sense', { separable: false, confidence: 0.9 }, true, /one sense/u],
    ['uncertain split', { separable: true, confidence: 0.5 }, false, /below min_confidence/u],
    ['too uncertain', { separable: true, confidence: 0.2 }, false, /below defer_below/u],
  ] as const)('%s → gate %s', async (_name, decision, gate, reason) => {
    const result = await disambiguate(all, options(new SenseClient(decision), all));
    expect(result.ops).toEqual([]);
    for (const c of result.concepts.filter((x) => x.label === 'machine learning')) {
      expect(c.gates['disambiguation']).toBe(gate);
      expect(c.reasons.at(-1)).toMatch(reason);
    }
  });

  it('defers when two senses would sit under parents with the same label', async () => {
    const medA = concept(0, 'school of medicine', null);
    const medB = { ...concept(0, 'school of medicine', null), id: 'L0:school-of-medicine-2' };
    const engL = concept(0, 'school of engineering', null);
    const a = concept(1, 'bioengineering', medA.id);
    const b = concept(1, 'bioengineering', medB.id);
    const c = concept(1, 'bioengineering', engL.id);
    const set = [medA, medB, engL, a, b, c];
    const result = await disambiguate(set, options(new SenseClient({ separable: true, confidence: 0.9 }), set));
    expect(result.stats.deferred_groups).toBe(1);
    expect(result.concepts.find((x) => x.id === a.id)!.reasons.at(-1)).toMatch(/multi-parent/u);
  });

  it('defers when the LLM glosses two senses identically', async () => {
    const same = new SenseClient({ separable: true, confidence: 0.9 });
    const original = same.run.bind(same);
    const client: LlmClient = {
      provider: 'offline',
      model: 'same-gloss',
      usage: () => same.usage(),
      close: () => same.close(),
      run: async (key, variables) => {
        const r = await original(key, variables);
        if (!r.ok) return r;
        const v = r.value as Answer;
        return { ...r, value: { ...v, senses: v.senses.map((s) => ({ ...s, gloss: 'machine learning: research area' })) } } as typeof r;
      },
    };
    const result = await disambiguate(all, options(client, all));
    expect(result.ops).toEqual([]);
    expect(result.stats.deferred_groups).toBe(1);
    expect(result.concepts.find((c) => c.id === mlCs.id)!.reasons.at(-1)).toMatch(/same gloss/u);
  });

  it('defers without an LLM client instead of guessing', async () => {
    const result = await disambiguate(all, options(null, all));
    expect(result.stats.deferred_concepts).toBe(2);
  });

  it.each([
    ['a short gloss', 20, 'a short gloss'],
    ['one two three four five', 3, 'one two three…'],
  ])('truncateWords(%s, %i)', (text, max, expected) => {
    expect(truncateWords(text, max)).toBe(expected);
  });
});
