import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConceptSchema, readJsonlAll } from '@taxonomy/core';
import { OverrideSchema } from '@taxonomy/placement';
import { buildAll, removeScratchWorkspaces, scratchWorkspace } from './workspace.ts';

// Whole builds with the held-out fixtures of test/fixtures: declared school -> department paths of four
// universities outside the sample, and one department's research-area page.
const onBad = (bad: unknown) => {
  throw new Error(`bad artifact line: ${JSON.stringify(bad)}`);
};
const HELD_OUT = ['University of Toronto', 'University of British Columbia', 'Rice University', 'University of Edinburgh'];
process.env['TAXONOMY_LOG_LEVEL'] = 'silent';
afterAll(removeScratchWorkspaces);

async function build(manifest: string) {
  const root = await scratchWorkspace();
  const result = await buildAll(root, [`s0.sources_manifest=${manifest}`]);
  const concepts = await readJsonlAll(join(root, 'artifacts/taxonomy/concepts.jsonl'), { schema: ConceptSchema, onBad });
  const overrides = await readJsonlAll(join(root, 'artifacts/placement/overrides.jsonl'), { schema: OverrideSchema, onBad });
  const byId = new Map(concepts.map((c) => [c.id, c]));
  return { root, result, concepts, overrides, parentOf: (id: string | null) => (id === null ? null : (byId.get(id)?.label ?? null)) };
}

describe('declared structure (held-out school -> department paths)', () => {
  it('built alone, keeps every declared parent', async () => {
    const { concepts, overrides, result } = await build('test/fixtures/declared-paths/sources.json');
    const departments = concepts.filter((c) => c.level === 1);
    expect(departments.length).toBeGreaterThanOrEqual(10);
    for (const c of departments) expect(c.placement?.method, c.label).toBe('declared');
    expect(overrides).toEqual([]);
    const l1 = result.summary.placement!.levels.find((l) => l.level === 1)!;
    expect(l1.declared_overridden).toBe(0);
    expect(l1.declared_kept).toBe(departments.length);
  }, 120_000);

  it('with the sample added, explains every declared parent it does not keep', async () => {
    const { concepts, overrides, parentOf } = await build('test/fixtures/declared-paths/sources-with-sample.json');
    const mine = concepts.filter((c) => c.level === 1 && c.institutions.some((i) => HELD_OUT.includes(i)));
    expect(mine.length).toBeGreaterThanOrEqual(10);
    for (const o of overrides.filter((x) => HELD_OUT.includes(x.institution))) {
      expect(o.reason).toMatch(/outvoted by \d+ vote\(s\) of \d+ institution\(s\) for .+ against \d/u);
      const c = concepts.find((x) => x.id === o.concept_id)!;
      expect(c.placement!.reasons.some((r) => r.includes(o.declared))).toBe(true);
      expect(c.placement!.alternatives.map((a) => a.parent)).toContain(o.declared_parent);
    }
    // Where its own declared parent is kept, the department says so.
    const mechanical = mine.find((c) => c.label === 'mechanical engineering')!;
    expect(parentOf(mechanical.parent)).toBe('engineering');
  }, 300_000);
});

describe('a one-department page', () => {
  it('unmarked, contributes nothing and the build names the gate; marked authoritative, keeps its research areas', async () => {
    const plain = await build('test/fixtures/one-department/sources-default.json');
    const source = plain.result.summary.sources!.find((s) => s.id === 'eiu-chemistry')!;
    expect(source).toMatchObject({ concepts_kept: 0, trust: 'default' });
    expect(source.dropped['frequency']).toBe(source.labels);
    expect(plain.result.summaryText).toMatch(/warning +source "eiu-chemistry" contributed 0 concepts: the frequency gate removed \d+ of its \d+ label\(s\), e\.g\. "[^"]+": frequency: dropped, 1 institution\(s\) < 2/u);

    const trusted = await build('test/fixtures/one-department/sources-authoritative.json');
    const areas = trusted.concepts.filter((c) => c.level === 2 && c.institutions.includes('Eastern Illinois University'));
    expect(areas.map((c) => c.label)).toEqual(expect.arrayContaining(['analytical chemistry', 'inorganic chemistry', 'organic chemistry', 'physical chemistry']));
    for (const c of areas) {
      expect(trusted.parentOf(c.parent)).toBe('chemistry');
      expect(c.reasons.join(' ')).toMatch(/frequency: kept by source trust: source "eiu-chemistry" is authoritative/u);
    }
    expect(trusted.result.summaryText).not.toMatch(/eiu-chemistry" contributed 0/u);
  }, 300_000);
});
