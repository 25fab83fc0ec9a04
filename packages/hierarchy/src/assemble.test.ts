import { describe, expect, it } from 'vitest';
import type { Concept } from '@taxonomy/core';
import { assembleHierarchy, type AssembleOptions } from './assemble.ts';
import { makeConcept } from './concept-fixture.ts';
import { checkInvariants } from './invariants.ts';
import type { InvariantName, OrphanStrategy } from './schema.ts';

const ENG = makeConcept('L0:engineering', 0, 'engineering', null);
const CS = makeConcept('L1:cs', 1, 'computer science', 'L0:engineering');
const ML = makeConcept('L2:ml', 2, 'machine learning', 'L1:cs');
const CV = makeConcept('L3:cv', 3, 'computer vision', 'L2:ml');
const CHAIN = [ENG, CS, ML, CV];

const options = (orphanStrategy: OrphanStrategy = 'quarantine'): AssembleOptions => ({
  orphanStrategy,
  placeholderPrefix: 'placeholder::',
  enforceUniquePaths: true,
  maxGraphSize: 1000,
});

const failedChecks = (result: ReturnType<typeof assembleHierarchy>): InvariantName[] =>
  result.report.checks.filter((c) => !c.passed).map((c) => c.name);

describe('assembleHierarchy', () => {
  it.each<{ name: string; input: Concept[]; placed: string[]; orphaned: string[]; rejected: string[]; failed: InvariantName[] }>([
    { name: 'a valid chain', input: CHAIN, placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'], orphaned: [], rejected: [], failed: [] },
    {
      name: 'a level shortcut (L3 under L1) is rejected',
      input: [...CHAIN, makeConcept('L3:shortcut', 3, 'shortcut', 'L1:cs')],
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'],
      orphaned: [],
      rejected: ['L3:shortcut'],
      failed: ['parent-one-level-up'],
    },
    {
      name: 'two copies of an id naming two parents are both rejected, and their child cascades',
      input: [
        ...CHAIN,
        makeConcept('L1:ee', 1, 'electrical engineering', 'L0:engineering'),
        makeConcept('L2:multi', 2, 'multi', 'L1:cs'),
        makeConcept('L2:multi', 2, 'multi', 'L1:ee'),
        makeConcept('L3:under-multi', 3, 'under multi', 'L2:multi'),
      ],
      placed: ['L0:engineering', 'L1:cs', 'L1:ee', 'L2:ml', 'L3:cv'],
      orphaned: ['L3:under-multi'],
      rejected: ['L2:multi', 'L2:multi'],
      failed: ['single-parent'],
    },
    {
      name: 'a cycle attempt (a root with a parent, and its parent under it) is rejected and cascades',
      input: [makeConcept('L0:a', 0, 'a', 'L1:b'), makeConcept('L1:b', 1, 'b', 'L0:a')],
      placed: [],
      orphaned: ['L1:b'],
      rejected: ['L0:a'],
      failed: ['single-parent'],
    },
    {
      name: 'a self-parent is rejected',
      input: [ENG, makeConcept('L1:self', 1, 'self', 'L1:self')],
      placed: ['L0:engineering'],
      orphaned: [],
      rejected: ['L1:self'],
      failed: ['parent-one-level-up'],
    },
    {
      name: 'an exact duplicate id keeps one copy',
      input: [...CHAIN, CS],
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'],
      orphaned: [],
      rejected: ['L1:cs'],
      failed: ['unique-ids'],
    },
    {
      name: 'an unresolved parent is an orphan, not a violation',
      input: [...CHAIN, makeConcept('L2:orphan', 2, 'orphan', 'unresolved:L1:college-of-arts')],
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'],
      orphaned: ['L2:orphan'],
      rejected: [],
      failed: [],
    },
    {
      name: 'children of an orphan cascade',
      input: [...CHAIN, makeConcept('L2:orphan', 2, 'orphan', 'L1:gone'), makeConcept('L3:child', 3, 'child', 'L2:orphan')],
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'],
      orphaned: ['L2:orphan', 'L3:child'],
      rejected: [],
      failed: [],
    },
    {
      name: 'a repeated label path is rejected (the smaller id wins)',
      input: [...CHAIN, makeConcept('L2:ml-bis', 2, 'Machine Learning', 'L1:cs')],
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'],
      orphaned: [],
      rejected: ['L2:ml-bis'],
      failed: ['unique-paths'],
    },
    {
      name: 'a level-1 concept without a parent is an orphan',
      input: [ENG, makeConcept('L1:loose', 1, 'loose', null)],
      placed: ['L0:engineering'],
      orphaned: ['L1:loose'],
      rejected: [],
      failed: [],
    },
  ])('$name', ({ input, placed, orphaned, rejected, failed }) => {
    const result = assembleHierarchy(input, options());
    expect(result.placed.map((c) => c.id)).toEqual(placed);
    expect(result.orphans.filter((o) => o.disposition === 'quarantined').map((o) => o.concept_id)).toEqual(orphaned);
    expect(result.orphans.filter((o) => o.disposition === 'rejected').map((o) => o.concept_id)).toEqual(rejected);
    expect(failedChecks(result)).toEqual(failed);
    expect(result.report.passed).toBe(failed.length === 0);
    const { counts } = result.report;
    expect(counts.placed + counts.orphaned + counts.dropped + counts.rejected).toBe(input.length);
    expect(checkInvariants(result.placed).passed).toBe(true);
  });

  it.each<{ strategy: OrphanStrategy; placed: string[]; orphaned: number; dropped: number; placeholders: string[]; orphanParent: string | null }>([
    { strategy: 'quarantine', placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'], orphaned: 2, dropped: 0, placeholders: [], orphanParent: null },
    { strategy: 'drop', placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv'], orphaned: 0, dropped: 2, placeholders: [], orphanParent: null },
    {
      strategy: 'attach_placeholder',
      placed: ['L0:engineering', 'L1:cs', 'L2:ml', 'L2:orphan', 'L3:child', 'L3:cv', 'placeholder::level0', 'placeholder::level1'],
      orphaned: 0,
      dropped: 0,
      placeholders: ['placeholder::level0', 'placeholder::level1'],
      orphanParent: 'placeholder::level1',
    },
  ])('orphan strategy $strategy', ({ strategy, placed, orphaned, dropped, placeholders, orphanParent }) => {
    const input = [...CHAIN, makeConcept('L2:orphan', 2, 'orphan', 'unresolved:L1:arts'), makeConcept('L3:child', 3, 'child', 'L2:orphan')];
    const result = assembleHierarchy(input, options(strategy));
    expect(result.placed.map((c) => c.id)).toEqual(placed);
    expect(result.report.counts.orphaned).toBe(orphaned);
    expect(result.report.counts.dropped).toBe(dropped);
    expect(result.placeholders).toEqual(placeholders);
    expect(result.report.passed).toBe(true);
    expect(result.report.counts.in).toBe(6);
    const orphan = result.placed.find((c) => c.id === 'L2:orphan');
    expect(orphan?.parent ?? null).toBe(orphanParent);
    if (strategy === 'attach_placeholder') {
      // The child of an attached orphan keeps its real parent; only the orphan moves.
      expect(result.placed.find((c) => c.id === 'L3:child')?.parent).toBe('L2:orphan');
      expect(result.report.counts.attached_to_placeholder).toBe(1);
      expect(result.orphans.map((o) => [o.concept_id, o.disposition, o.placeholder_parent])).toEqual([
        ['L2:orphan', 'attached_placeholder', 'placeholder::level1'],
      ]);
    }
  });

  it('creates a placeholder chain up to level 0 for a level-3 orphan', () => {
    const result = assembleHierarchy([ENG, makeConcept('L3:lost', 3, 'lost topic', 'unresolved:L2:nowhere')], options('attach_placeholder'));
    const byId = new Map(result.placed.map((c) => [c.id, c]));
    expect(byId.get('L3:lost')?.parent).toBe('placeholder::level2');
    expect(byId.get('placeholder::level2')).toMatchObject({ level: 2, parent: 'placeholder::level1', label: 'unplaced (level 2)' });
    expect(byId.get('placeholder::level1')).toMatchObject({ level: 1, parent: 'placeholder::level0', label: 'unplaced (level 1)' });
    expect(byId.get('placeholder::level0')).toMatchObject({ level: 0, parent: null, label: 'unplaced (level 0)' });
    expect(result.report.counts.by_level).toEqual({ '0': 2, '1': 1, '2': 1, '3': 1 });
    expect(result.report.passed).toBe(true);
  });

  it('places concepts whose validation failed, keeping the flag, and gives the same result whatever the input order', () => {
    const flagged = makeConcept('L2:flagged', 2, 'flagged area', 'L1:cs', {
      validation: { passed: false, confidence: 0.8, scores: { rule: 0 }, evidence_count: 0, top_evidence_url: null },
    });
    const a = assembleHierarchy([...CHAIN, flagged], options());
    const b = assembleHierarchy([flagged, ...CHAIN].reverse(), options());
    expect(a).toEqual(b);
    expect(a.validationFailedPlaced).toBe(1);
    expect(a.placed.find((c) => c.id === 'L2:flagged')?.validation?.passed).toBe(false);
  });

  it('on the reference example, reports failure where the reference passed while dropping nodes', () => {
    // SPEC H-07: valid chain + L3 shortcut under L1 + L2 with two L1 parents + unresolved orphan + a second L1.
    const input = [
      ...CHAIN,
      makeConcept('L1:dup', 1, 'dup', 'L0:engineering'),
      makeConcept('L3:shortcut', 3, 'shortcut', 'L1:cs'),
      makeConcept('L2:multi', 2, 'multi', 'L1:cs'),
      makeConcept('L2:multi', 2, 'multi', 'L1:dup'),
      makeConcept('L2:orphan', 2, 'orphan', 'unresolved:L1:college-of-arts'),
    ];
    const result = assembleHierarchy(input, options());
    expect(result.report.counts).toMatchObject({ in: 9, placed: 5, orphaned: 1, dropped: 0, rejected: 3, edges: 4 });
    expect(result.report.counts.by_level).toEqual({ '0': 1, '1': 2, '2': 1, '3': 1 });
    expect(result.report.passed).toBe(false);
    expect(failedChecks(result)).toEqual(['single-parent', 'parent-one-level-up']);
  });

  it('rejects an input over the graph size limit', () => {
    expect(() => assembleHierarchy(CHAIN, { ...options(), maxGraphSize: 3 })).toThrow(/max_graph_size/u);
  });
});
