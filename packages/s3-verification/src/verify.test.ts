import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSchema, conceptId, stableStringify, withSortedKeys } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { createLlmClient } from '@taxonomy/llm';
import { createLogger } from '@taxonomy/observability';
import { promoteToConcepts } from './promote.ts';
import { applyVerification, explainVerification, verifyLabel } from './verify.ts';

const config = defaultConfig();
const log = createLogger({ pretty: false, level: 'silent' });

async function offlineClient() {
  const root = await mkdtemp(join(tmpdir(), 's3-'));
  return createLlmClient({ config: { ...config.llm, provider: 'offline' }, root, log, phase: 's3' });
}

describe('verification decision', () => {
  it.each([
    // [label, level, pass, llm called]
    ['neurips', 3, false, false], // rules decide: no call
    ['machine_learning', 2, false, false],
    ['machine learning', 2, true, false], // allowlist
    ['reinforcement learning', 3, true, false], // multi-token: rules decide
    ['geology', 0, true, true], // single token the rules pass: the prompt decides
    ['pharmacy', 0, true, true],
    ['office', 1, false, true],
    ['stanford', 0, false, true],
  ])('%s at L%i → %s (prompt called: %s)', async (label, level, pass, called) => {
    const client = await offlineClient();
    const outcome = await verifyLabel(label, level, config.s3, client);
    expect(outcome.kind).toBe('decided');
    if (outcome.kind === 'decided') {
      expect(outcome.pass).toBe(pass);
      expect(outcome.llmCalled).toBe(called);
      expect(outcome.reasons.length).toBeGreaterThan(0);
    }
    expect(client.usage().calls).toBe(called ? 1 : 0);
  });

  it('explains a label with reasons', async () => {
    const client = await offlineClient();
    const out = await explainVerification({ label: 'osdi 2026', level: 3, config: config.s3, client });
    expect(out).toEqual({ pass: false, reasons: ["rule:venue_name 'osdi 2026'"] });
  });
});

describe('promoteToConcepts', () => {
  const base = {
    level: 1,
    anchor: { method: 'lexicon' as const, anchor: 'engineering', detail: '' },
    gates: { frequency: true, token_verification: true },
  };
  it('gives stable parent-scoped ids and merges candidates that land on one id without double counting', () => {
    const a = CandidateSchema.parse({ ...base, label: 'Data Science', normalized: 'data science', parent: 'L0:engineering', institutions: ['Duke University'], record_ids: ['r-1'], support: { institutions: 1, records: 1, count: 1 }, weight: 1.2 });
    const b = CandidateSchema.parse({ ...base, label: 'data-science', normalized: 'data science', parent: 'L0:engineering', institutions: ['Duke University', 'Yale University'], record_ids: ['r-1', 'r-2'], support: { institutions: 2, records: 2, count: 2 }, weight: 2.3 });
    const c = CandidateSchema.parse({ ...base, label: 'Data Science', normalized: 'data science', parent: 'L0:arts-and-sciences', institutions: ['Yale University'], record_ids: ['r-3'], support: { institutions: 1, records: 1, count: 1 }, weight: 1.2 });
    const concepts = promoteToConcepts([a, b, c], (i, r) => i + 0.3 * Math.log1p(r));
    expect(concepts.map((x) => x.id)).toEqual([conceptId(1, 'data science', 'L0:engineering'), conceptId(1, 'data science', 'L0:arts-and-sciences')].sort());
    const merged = concepts.find((x) => x.parent === 'L0:engineering')!;
    expect(merged.support).toEqual({ institutions: 2, records: 2, count: 3 });
    expect(merged.institutions).toEqual(['Duke University', 'Yale University']);
    expect(merged.aliases).toEqual(['Data Science', 'data-science']);
    expect(concepts.find((x) => x.parent === 'L0:arts-and-sciences')!.weight).toBe(1.2);
  });
});

describe('written with sorted keys (the writer then skips its sorted deep copy; same bytes)', () => {
  const parsed = CandidateSchema.parse({
    level: 2,
    label: 'Machine Learning',
    normalized: 'machine learning',
    parent: 'L1:computer-science~abc123',
    anchor: { method: 'declared', anchor: 'computer science', detail: 'declared by the source' },
    aliases: ['ML'],
    institutions: ['Duke University', 'Yale University'],
    record_ids: ['r-1', 'r-2'],
    support: { records: 2, institutions: 2, count: 3 },
    weight: 2.329584,
    gates: { frequency: true },
    sources: [{ id: 'bench-level-2', trust: 'default' }],
  });
  it.each([
    ['a verified candidate', () => applyVerification(parsed, { kind: 'decided', pass: true, reasons: ['rule:passed'], rules: { passed: true, allowlisted: false, tokenCount: 2, checks: {}, reasons: [], suggestions: [] }, llmCalled: false, llmPass: null })],
    ['a concept', () => promoteToConcepts([parsed], () => 0)[0]!],
    ['a merged concept', () => promoteToConcepts([parsed, { ...parsed, label: 'machine learning', gates: { token_verification: true, frequency: true } }], () => 1.5)[0]!],
  ])('%s', (_name, make) => {
    const value = make();
    expect(JSON.stringify(value)).toBe(stableStringify(value));
  });

  it('copies every field of the Candidate schema', () => {
    expect(Object.keys(withSortedKeys(parsed))).toEqual(Object.keys(CandidateSchema.shape).sort());
  });
});

describe('promoteToConcepts of one candidate', () => {
  it.each([
    [['r-1', 'r-2'], ['r-1', 'r-2']],
    [['r-2', 'r-1', 'r-2'], ['r-1', 'r-2']],
    [['r-9', 'r-10'], ['r-10', 'r-9']],
  ])('record ids %j → %j', (ids, expected) => {
    const c = CandidateSchema.parse({ level: 0, label: 'Geology', normalized: 'geology', parent: null, anchor: { method: 'root', anchor: null }, institutions: ['Yale University', 'Duke University'], record_ids: ids });
    const [concept] = promoteToConcepts([c], () => 1);
    expect(concept!.record_ids).toEqual(expected);
    expect(concept!.records).toBe(expected.length);
    expect(concept!.institutions).toEqual(['Duke University', 'Yale University']);
  });
});
