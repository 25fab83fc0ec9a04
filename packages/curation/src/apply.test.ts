import { describe, expect, it } from 'vitest';
import { ConceptSchema, conceptId, type Concept } from '@taxonomy/core';
import { applyCuration } from './apply.ts';
import { CurationDecisionSchema, type CurationDecision } from './schema.ts';

function concept(level: number, label: string, parent: Concept | null, institutions: string[], records: string[]): Concept {
  return ConceptSchema.parse({
    id: conceptId(level, label, parent?.id ?? null),
    level,
    label,
    parent: parent?.id ?? null,
    institutions,
    record_ids: records,
    records: records.length,
    support: { records: records.length, institutions: institutions.length, count: records.length },
    weight: institutions.length + 0.3 * Math.log1p(records.length),
    reasons: [`frequency: institutions=${institutions.length}`],
  });
}

// A slice of the sample build: engineering and computing fields with departments and research areas.
const engineering = concept(0, 'engineering', null, ['Stanford University', 'University of Michigan'], ['r-01', 'r-02']);
const computing = concept(0, 'computer and information sciences', null, ['Carnegie Mellon University'], ['r-03']);
const cs = concept(1, 'computer science', engineering, ['Stanford University', 'Princeton University'], ['r-04', 'r-05']);
const csCmu = concept(1, 'computer science', computing, ['Carnegie Mellon University'], ['r-06']);
const ee = concept(1, 'electrical engineering', engineering, ['Stanford University'], ['r-07']);
const ml = concept(2, 'machine learning', cs, ['Stanford University', 'Princeton University'], ['r-08', 'r-09']);
const mlCmu = concept(2, 'machine learning', csCmu, ['Carnegie Mellon University'], ['r-10']);
const robotics = concept(2, 'robotics', csCmu, ['Carnegie Mellon University'], ['r-11']);
const rl = concept(3, 'reinforcement learning', mlCmu, ['NeurIPS', 'ICML'], ['r-12', 'r-13', 'r-14']);
const ALL = [engineering, computing, cs, csCmu, ee, ml, mlCmu, robotics, rl];

const d = (raw: unknown): CurationDecision => CurationDecisionSchema.parse(raw);
const byId = (concepts: Concept[]) => new Map(concepts.map((c) => [c.id, c]));

describe('applyCuration', () => {
  it('pins a parent: method curated, the former parent kept as an alternative, a reason on the concept', () => {
    const { concepts, outcomes } = applyCuration(ALL, [d({ op: 'pin', concept: robotics.id, parent: ee.id, note: 'robotics is an EE research area here' })]);
    const moved = byId(concepts).get(robotics.id)!;
    expect(moved.parent).toBe(ee.id);
    expect(moved.placement?.method).toBe('curated');
    expect(moved.placement?.confidence).toBe(1);
    expect(moved.placement?.alternatives.map((a) => [a.parent, a.label])).toEqual([[csCmu.id, 'computer science']]);
    expect(moved.reasons.at(-1)).toMatch(/^curation: parent pinned to L1:electrical-engineering~\w{6} \("electrical engineering"\), was L1:computer-science~\w{6} \("computer science"\) \(decision #1\) — note: robotics is an EE research area here$/u);
    expect(outcomes).toMatchObject([{ index: 0, status: 'applied', affected: [robotics.id] }]);
  });

  it('renames: the old label becomes an alias, the id stays', () => {
    const { concepts, outcomes } = applyCuration(ALL, [d({ op: 'rename', concept: ee.id, label: 'Electrical and Computer Engineering' })]);
    const renamed = byId(concepts).get(ee.id)!;
    expect(renamed.label).toBe('electrical and computer engineering');
    expect(renamed.aliases).toContain('electrical engineering');
    expect(outcomes[0]!.status).toBe('applied');
  });

  it('merges: support is the union, children move over and same-label children merge too', () => {
    const { concepts, outcomes } = applyCuration(ALL, [d({ op: 'merge', concept: csCmu.id, into: cs.id })]);
    const map = byId(concepts);
    expect(map.has(csCmu.id)).toBe(false);
    const winner = map.get(cs.id)!;
    expect(winner.institutions).toEqual(['Carnegie Mellon University', 'Princeton University', 'Stanford University']);
    expect(winner.record_ids).toEqual(['r-04', 'r-05', 'r-06']);
    expect(winner.support.institutions).toBe(3);
    // "machine learning" existed under both: the CMU one folds into the Stanford one, its topic follows.
    expect(map.has(mlCmu.id)).toBe(false);
    expect(map.get(ml.id)!.institutions).toContain('Carnegie Mellon University');
    expect(map.get(rl.id)!.parent).toBe(ml.id);
    expect(map.get(robotics.id)!.parent).toBe(cs.id);
    expect(outcomes[0]!.affected).toEqual([cs.id, csCmu.id, ml.id, mlCmu.id, robotics.id, rl.id].sort());
    expect(concepts).toHaveLength(ALL.length - 2);
  });

  it('drops a concept with everything below it', () => {
    const { concepts, outcomes } = applyCuration(ALL, [d({ op: 'drop', concept: csCmu.id })]);
    expect(concepts.map((c) => c.id)).not.toEqual(expect.arrayContaining([csCmu.id]));
    expect(outcomes[0]!.affected).toEqual([csCmu.id, mlCmu.id, robotics.id, rl.id].sort());
    expect(outcomes[0]!.detail).toBe('dropped "computer science" and 3 concept(s) below it');
  });

  it('adds an alias once', () => {
    const { concepts, outcomes } = applyCuration(ALL, [d({ op: 'alias', concept: ml.id, alias: 'ML' }), d({ op: 'alias', concept: ml.id, alias: 'ML' })]);
    expect(byId(concepts).get(ml.id)!.aliases).toEqual(['ML']);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'unchanged']);
  });

  it.each([
    { name: 'a concept that is not in the build', decision: { op: 'drop', concept: 'L1:astrology~abcdef' }, detail: /^L1:astrology~abcdef is not in this build$/u },
    { name: 'a concept whose parent hash changed', decision: { op: 'alias', concept: 'L2:robotics~000000', alias: 'robot learning' }, detail: /^L2:robotics~000000 is not in this build; the same label is L2:robotics~\w{6} \(under L1:computer-science~\w{6}\)$/u },
    { name: 'a typo in the id', decision: { op: 'drop', concept: 'L0:enginering' }, detail: /^L0:enginering is not in this build \(nearest: L0:engineering\)$/u },
    { name: 'a pin to a missing parent', decision: { op: 'pin', concept: 'L2:robotics~000000', parent: 'L1:mechanical-engineering~123456' }, detail: /is not in this build/u },
  ])('reports $name as unmatched and changes nothing', ({ decision, detail }) => {
    const fixed = decision.op === 'pin' ? { ...decision, concept: robotics.id } : decision;
    const { concepts, outcomes } = applyCuration(ALL, [d(fixed)]);
    expect(outcomes[0]!.status).toBe('unmatched');
    expect(outcomes[0]!.detail).toMatch(detail);
    expect(concepts).toEqual([...ALL].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('says which earlier decision removed a target', () => {
    const { outcomes } = applyCuration(ALL, [d({ op: 'drop', concept: robotics.id }), d({ op: 'rename', concept: robotics.id, label: 'robot systems' })]);
    expect(outcomes[1]).toMatchObject({ status: 'unmatched', detail: `${robotics.id} was dropped by decision #1` });
  });

  it.each([
    { name: 'a pin next to a same-label sibling', decision: { op: 'pin', concept: mlCmu.id, parent: cs.id }, detail: /already has a child labelled "machine learning"/u },
    { name: 'a rename onto a sibling label', decision: { op: 'rename', concept: ee.id, label: 'computer science' }, detail: /sibling L1:computer-science~\w{6} is already labelled "computer science"/u },
  ])('refuses $name as a conflict', ({ decision, detail }) => {
    const { outcomes } = applyCuration(ALL, [d(decision)]);
    expect(outcomes[0]!.status).toBe('conflict');
    expect(outcomes[0]!.detail).toMatch(detail);
  });
});
