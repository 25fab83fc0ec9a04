import { describe, expect, it } from 'vitest';
import { checkInvariants, type HierarchyNode } from './invariants.ts';
import type { InvariantName } from './schema.ts';

const n = (id: string, level: number, parent: string | null, label = id): HierarchyNode => ({ id, level, label, parent });
const GOOD = [n('a', 0, null), n('b', 1, 'a'), n('c', 2, 'b'), n('d', 3, 'c')];

describe('checkInvariants', () => {
  it.each<{ name: string; input: HierarchyNode[]; failed: InvariantName[]; offender: string }>([
    { name: 'duplicate id', input: [...GOOD, n('b', 1, 'a')], failed: ['unique-ids'], offender: 'b' },
    { name: 'level out of range', input: [...GOOD, n('e', 4, 'd')], failed: ['four-levels'], offender: 'e' },
    { name: 'root with a parent', input: [n('a', 0, 'z'), n('z', 0, null)], failed: ['single-parent'], offender: 'a' },
    { name: 'level-1 node without a parent', input: [...GOOD, n('e', 1, null)], failed: ['single-parent'], offender: 'e' },
    { name: 'two parents for one id', input: [...GOOD, n('x', 0, null), n('b', 1, 'x')], failed: ['unique-ids', 'single-parent'], offender: 'b' },
    { name: 'shortcut', input: [...GOOD, n('e', 3, 'b')], failed: ['parent-one-level-up'], offender: 'e' },
    { name: 'dangling parent', input: [...GOOD, n('e', 2, 'missing')], failed: ['no-dangling-parents'], offender: 'e' },
    { name: 'unresolved parent', input: [...GOOD, n('e', 2, 'unresolved:L1:arts')], failed: ['no-dangling-parents'], offender: 'e' },
    {
      name: 'cycle',
      input: [n('a', 0, null), n('x', 1, 'y'), n('y', 1, 'x')],
      failed: ['parent-one-level-up', 'acyclic'],
      offender: 'x',
    },
    {
      name: 'repeated label path',
      input: [...GOOD, n('b2', 1, 'a', 'B')],
      failed: ['unique-paths'],
      offender: 'b2',
    },
  ])('catches $name', ({ input, failed, offender }) => {
    const result = checkInvariants(input);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(failed);
    expect(result.checks.find((c) => c.name === failed[0])?.violations.map((v) => v.concept_id)).toContain(offender);
  });

  it('passes a valid forest and orders parents before children', () => {
    const result = checkInvariants([...GOOD, n('a2', 0, null), n('b2', 1, 'a2')].reverse());
    expect(result.passed).toBe(true);
    expect(result.topological_order).toEqual(['a', 'a2', 'b', 'b2', 'c', 'd']);
    expect(result.topological_order_hash).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('names the members of a cycle once', () => {
    const result = checkInvariants([n('a', 1, 'c'), n('b', 1, 'a'), n('c', 1, 'b')]);
    const acyclic = result.checks.find((c) => c.name === 'acyclic');
    expect(acyclic?.violations).toEqual([{ concept_id: 'a', detail: expect.stringMatching(/^cycle: /u), related: ['b', 'c'] }]);
    expect(result.topological_order).toEqual([]);
  });
});
