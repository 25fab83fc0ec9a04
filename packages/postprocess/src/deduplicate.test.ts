import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { conceptId, type Concept } from '@taxonomy/core';
import { deduplicate } from './deduplicate.ts';
import { invertOps } from './invert-ops.ts';
import { OpSequence } from './op-sequence.ts';

const config = defaultConfig().postprocess.deduplication;

function concept(level: number, label: string, parent: string | null, institutions: string[], extra: Partial<Concept> = {}): Concept {
  const recordIds = institutions.map((i) => `r-${label.replace(/\W/gu, '')}-${i.replace(/\W/gu, '')}`);
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
    ...extra,
  };
}

const run = (concepts: Concept[]) => deduplicate(concepts, { config, knownWords: new Set(), sequence: new OpSequence(), iteration: 1 });

describe('deduplicate', () => {
  const eng = concept(0, 'engineering', null, ['cornell university', 'duke university']);
  const cse = concept(1, 'computer science and engineering', eng.id, ['new york university', 'university of michigan', 'university of washington']);
  const cseShort = concept(1, 'cse', eng.id, ['university of michigan', 'university of california, san diego']);
  const ece = concept(1, 'electrical and computer engineering', eng.id, ['northwestern university']);

  it('merges an acronym into its expansion, unions support without double counting', () => {
    const { concepts, ops } = run([eng, cse, cseShort, ece]);
    expect(ops).toHaveLength(1);
    const op = ops[0]!;
    expect(op.winner).toBe(cse.id);
    expect(op.losers).toEqual([cseShort.id]);
    const winner = concepts.find((c) => c.id === cse.id)!;
    expect(winner.institutions).toEqual(['new york university', 'university of california, san diego', 'university of michigan', 'university of washington']);
    expect(winner.support.institutions).toBe(4);
    expect(winner.aliases).toContain('cse');
    expect(concepts.map((c) => c.id)).not.toContain(cseShort.id);
    expect(concepts.find((c) => c.id === ece.id)).toEqual(ece);
  });

  it.each([
    ['more institutions wins', ['data sciences', ['a', 'b', 'c']], ['data science', ['d']], 'data sciences'],
    ['then a spelled-out label over a bare acronym', ['hpc', ['a', 'b']], ['high performance computing', ['c', 'd']], 'high performance computing'],
    ['then the shorter label', ['neurosciences', ['a', 'b']], ['neuroscience', ['c', 'd']], 'neuroscience'],
    ['then the lexical order', ['theatre', ['a', 'b']], ['theater', ['c', 'd']], 'theater'],
  ] as const)('canonical choice: %s', (_name, [la, ia], [lb, ib], winner) => {
    const a = concept(2, la, 'L1:x', [...ia]);
    const b = concept(2, lb, 'L1:x', [...ib]);
    const { concepts } = run([a, b]);
    expect(concepts.map((c) => c.label)).toEqual([winner]);
  });

  it('never merges across levels or across parents', () => {
    const l0 = concept(0, 'engineering', null, ['a']);
    const l1 = concept(1, 'engineering', 'L0:engineering', ['b']);
    const underA = concept(2, 'data science', 'L1:statistics~aaaaaa', ['a']);
    const underB = concept(2, 'data-science', 'L1:computer-science~bbbbbb', ['b']);
    const { ops } = run([l0, l1, underA, underB]);
    expect(ops).toEqual([]);
  });

  it('does not chain weak links: every loser scores ≥ τ against its winner', () => {
    // "graph theory" ~ "graph theary" ~ "graph thxary": one edit per link, but the ends are two apart.
    const a = concept(2, 'graph theory', 'L1:x', ['a', 'b', 'c']);
    const b = concept(2, 'graph theary', 'L1:x', ['d', 'e']);
    const c = concept(2, 'graph thxary', 'L1:x', ['f']);
    const { ops } = run([a, b, c]);
    for (const op of ops) {
      for (const loser of op.losers) {
        const ev = (op.evidence!['scores'] as Record<string, { score: number; threshold: number }>)[loser]!;
        expect(ev.score).toBeGreaterThanOrEqual(ev.threshold);
      }
    }
    expect(ops).toHaveLength(1);
    expect(ops[0]!.winner).toBe(a.id);
    expect(ops[0]!.losers).toEqual([b.id]);
  });

  it('re-points children of a loser to the winner, and undo restores them', () => {
    const p1 = concept(1, 'neuroscience', 'L0:medicine', ['a', 'b']);
    const p2 = concept(1, 'neurosciences', 'L0:medicine', ['c']);
    const child = concept(2, 'computational neuroscience', p2.id, ['c', 'd']);
    const grandchild = concept(3, 'neural coding', child.id, ['c', 'd']);
    const input = [p1, p2, child, grandchild];
    const { concepts, ops } = run(input);
    expect(ops).toHaveLength(1);
    expect(concepts.find((c) => c.id === child.id)!.parent).toBe(p1.id);
    expect(ops[0]!.evidence!['reparented']).toEqual([{ id: child.id, from: p2.id, to: p1.id }]);
    expect(invertOps(concepts, ops, [])).toEqual([...input].sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it('merges re-pointed children that now collide under the winner on the next pass', () => {
    const p1 = concept(1, 'neuroscience', 'L0:medicine', ['a', 'b']);
    const p2 = concept(1, 'neurosciences', 'L0:medicine', ['c']);
    const c1 = concept(2, 'systems neuroscience', p1.id, ['a']);
    const c2 = concept(2, 'systems neuroscience', p2.id, ['c', 'd']);
    const first = run([p1, p2, c1, c2]);
    // Levels run top-down, so the re-pointed child is grouped under the winner in the same pass.
    expect(first.ops).toHaveLength(2);
    expect(first.concepts.filter((c) => c.level === 2)).toHaveLength(1);
    expect(invertOps(first.concepts, first.ops, [])).toEqual([p1, p2, c1, c2].sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it('gives equal inputs equal op ids (content-derived, no uuid)', () => {
    const input = [concept(2, 'hpc', 'L1:x', ['a']), concept(2, 'high performance computing', 'L1:x', ['b', 'c'])];
    expect(run(input).ops[0]!.operation_id).toBe(run(input).ops[0]!.operation_id);
    expect(run(input).ops[0]!.operation_id).toMatch(/^merge-[0-9a-f]{16}$/u);
  });
});
