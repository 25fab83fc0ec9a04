import { describe, expect, it } from 'vitest';
import { CandidateSchema, canonicalJson, stableStringify, type Candidate } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { withSortedKeys } from '@taxonomy/core';
import { aggregateSupport, applyThresholds, supportWeight } from './frequency.ts';
import { InstitutionResolver } from './institution-identity.ts';

const config = defaultConfig().s2;

function candidate(normalized: string, institutions: string[], records: string[], parent: string | null = 'L1:computer-science~abc123', level = 2): Candidate {
  return CandidateSchema.parse({
    level,
    label: normalized,
    normalized,
    parent,
    anchor: { method: 'declared', anchor: 'computer science', detail: '' },
    institutions,
    record_ids: records,
    support: { records: records.length, institutions: institutions.length, count: records.length },
  });
}

describe('aggregateSupport', () => {
  it('counts distinct canonical institutions and distinct records, keeping parent ids as they are', () => {
    const groups = aggregateSupport(
      [
        candidate('machine learning', ['DUKE UNIVERISTY'], ['r-1', 'r-2']),
        candidate('machine learning', ['duke univeristy', 'Yale University'], ['r-2', 'r-3']),
        candidate('machine learning', ['Yale University'], ['r-4'], 'L1:Statistics~def456'),
      ],
      new InstitutionResolver(config.institution_policy),
    );
    expect(groups.map((g) => [g.parent, g.support])).toEqual([
      ['L1:computer-science~abc123', { institutions: 2, records: 3, count: 4 }],
      ['L1:Statistics~def456', { institutions: 1, records: 1, count: 1 }],
    ]);
    expect(groups[0]!.institutions).toEqual(['Duke University', 'Yale University']);
  });

  it('gives a candidate without an institution the placeholder, not a crash', () => {
    const [g] = aggregateSupport([candidate('robotics', [], ['r-9'])], new InstitutionResolver(config.institution_policy));
    expect(g!.institutions).toEqual(['placeholder::unknown']);
  });
});

describe('applyThresholds (default levels)', () => {
  it.each([
    [0, 1, 1, true],
    [1, 1, 1, true],
    [2, 1, 5, false],
    [2, 2, 1, true],
    [3, 2, 2, false],
    [3, 2, 3, true],
    [3, 1, 9, false],
  ])('level %i with %i institution(s) and %i record(s) → kept %s', (level, institutions, records, kept) => {
    const names = ['Duke University', 'Yale University', 'Cornell University'].slice(0, institutions);
    const ids = Array.from({ length: records }, (_, i) => `r-${i}`);
    const [g] = aggregateSupport([candidate('robotics', names, ids, level === 0 ? null : 'L1:x', level)], new InstitutionResolver(config.institution_policy));
    const threshold = config.level_thresholds[`level_${level}` as 'level_0'];
    const decision = applyThresholds([g!], threshold, config.weight);
    expect(decision.kept.length === 1).toBe(kept);
    const out = [...decision.kept, ...decision.dropped][0]!;
    expect(out.gates['frequency']).toBe(kept);
    expect(out.reasons[0]).toMatch(new RegExp(`^frequency: institutions=${institutions} \\(min ${threshold.min_institutions}\\), records=${records}`, 'u'));
    if (!kept) expect(out.reasons.some((r) => r.startsWith('frequency: dropped'))).toBe(true);
  });

  it.each([
    [1, 1, 1.207944],
    [2, 3, 2.415888],
    [3, 7, 3.623832],
    [5, 20, 5.913357],
  ])('weight(%i institutions, %i records) = %f (SPEC §1.5 figures)', (i, r, w) => {
    expect(supportWeight(i, r, config.weight)).toBeCloseTo(w, 5);
  });
});

describe('source trust', () => {
  const threshold = { min_institutions: 2, min_records: 1 };
  const weight = { institution_weight: 1, record_weight: 0.3 };
  const page = (sources: Candidate['sources']) => ({ ...candidate('analytical chemistry', ['Eastern Illinois University'], ['r-1']), sources });

  it.each([
    { name: 'an authoritative source skips the gate', sources: [{ id: 'eiu-chemistry', trust: 'authoritative' as const, min_institutions: null, min_records: null }], kept: true, reason: /kept by source trust: source "eiu-chemistry" is authoritative \(institutions=1, records=1\)/u },
    { name: "a source's own threshold is met", sources: [{ id: 'eiu-chemistry', trust: 'default' as const, min_institutions: 1, min_records: null }], kept: true, reason: /source "eiu-chemistry" sets min_institutions=1, min_records=1/u },
    { name: "a source's own threshold is not met", sources: [{ id: 'eiu-chemistry', trust: 'default' as const, min_institutions: 1, min_records: 3 }], kept: false, reason: /dropped, 1 institution\(s\) < 2/u },
    { name: 'a default source keeps the level threshold', sources: [{ id: 'eiu-chemistry', trust: 'default' as const, min_institutions: null, min_records: null }], kept: false, reason: /dropped, 1 institution\(s\) < 2/u },
  ])('$name', ({ sources, kept, reason }) => {
    const decision = applyThresholds([page(sources)], threshold, weight);
    const [out] = kept ? decision.kept : decision.dropped;
    expect(out!.gates['frequency']).toBe(kept);
    expect(out!.reasons.join('\n')).toMatch(reason);
    expect(decision.counters['kept_by_trust']).toBe(kept ? 1 : 0);
  });

  it('merges the sources of the candidates it groups', () => {
    const a = { ...candidate('databases', ['Duke University'], ['r-1']), sources: [{ id: 'b', trust: 'default' as const, min_institutions: null, min_records: null }] };
    const b = { ...candidate('databases', ['Yale University'], ['r-2']), sources: [{ id: 'a', trust: 'authoritative' as const, min_institutions: null, min_records: null }] };
    const [group] = aggregateSupport([a, b], new InstitutionResolver(defaultConfig().s2.institution_policy));
    expect(group!.sources.map((s) => s.id)).toEqual(['a', 'b']);
  });
});

describe('withSortedKeys', () => {
  it.each([
    ['a parsed candidate', candidate('machine learning', ['Duke University', 'Yale University'], ['r-1', 'r-2'])],
    ['unsorted gates and a weight', { ...candidate('robotics', ['MIT'], ['r-9'], null, 0), gates: { token_verification: true, frequency: false }, weight: 1.2 }],
    ['sources and aliases', { ...candidate('data mining', [], []), aliases: ['Data Mining'], sources: [{ id: 'bench-level-2', trust: 'authoritative' as const, min_institutions: 2, min_records: null }] }],
  ])('%s: the same canonical bytes, written by plain JSON.stringify', (_name, c) => {
    const sorted = withSortedKeys(c);
    expect(JSON.stringify(sorted)).toBe(stableStringify(c));
    expect(canonicalJson(sorted)).toBe(canonicalJson(c));
  });

  it('copies every field of the Candidate schema (a new field must not be dropped silently)', () => {
    const full = { ...candidate('robotics', ['MIT'], ['r-9']), weight: 1 };
    expect(Object.keys(withSortedKeys(full))).toEqual(Object.keys(CandidateSchema.shape).sort());
    expect(Object.keys(withSortedKeys(full).anchor)).toEqual(Object.keys(full.anchor).sort());
  });
});

describe('aggregateSupport of a group of one', () => {
  it.each([
    [['r-1', 'r-2', 'r-3'], ['r-1', 'r-2', 'r-3']],
    [['r-2', 'r-1', 'r-2'], ['r-1', 'r-2']],
    [['r-10', 'r-9'], ['r-10', 'r-9']],
    [['r-9', 'r-10'], ['r-10', 'r-9']],
    [[], []],
  ])('record ids %j → %j, counted once each', (ids, expected) => {
    const [group] = aggregateSupport([candidate('data mining', ['Duke University'], ids)], new InstitutionResolver(config.institution_policy));
    expect(group!.record_ids).toEqual(expected);
    expect(group!.support.records).toBe(expected.length);
  });
});

describe('aggregateSupport then applyThresholds', () => {
  it('hands the writer candidates whose keys are already sorted (same bytes as the sorted copy)', () => {
    const groups = aggregateSupport(
      [candidate('machine learning', ['DUKE UNIVERISTY'], ['r-2', 'r-1']), candidate('machine learning', ['Yale University'], ['r-3'])],
      new InstitutionResolver(config.institution_policy),
    );
    const decision = applyThresholds(groups, { min_institutions: 2, min_records: 1 }, config.weight);
    for (const c of [...decision.kept, ...decision.dropped]) expect(JSON.stringify(c)).toBe(stableStringify(c));
  });
});
