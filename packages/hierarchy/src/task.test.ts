import { mkdir, mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stableStringify, type Concept, sealArtifactFolder } from '@taxonomy/core';
import { makeConcept } from './concept-fixture.ts';
import { HierarchyTreeSchema, InvariantReportSchema, OrphanEntrySchema } from './schema.ts';
import { runHierarchyTask } from './task.ts';

const created: string[] = [];
async function tempRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(prefix);
  created.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function makeRoot(concepts: Concept[], hierarchyConfig: Record<string, unknown> = {}): Promise<string> {
  const root = await tempRoot(join(tmpdir(), 'hierarchy-task-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'));
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await writeFile(join(root, 'config', 'hierarchy.json'), JSON.stringify(hierarchyConfig));
  await mkdir(join(root, 'artifacts', 'curation'), { recursive: true });
  const body = concepts.map((c) => stableStringify(c)).join('\n');
  await writeFile(join(root, 'artifacts', 'curation', 'concepts-00001.jsonl'), `${body}\n{"id": "broken"\n`);
  await sealArtifactFolder('artifacts/curation', { root, metrics: { phase: 'curation' } });
  return root;
}

const CHAIN = [
  makeConcept('L0:engineering', 0, 'engineering', null),
  makeConcept('L0:arts', 0, 'arts', null),
  makeConcept('L1:cs', 1, 'computer science', 'L0:engineering'),
  makeConcept('L2:ml', 2, 'machine learning', 'L1:cs'),
  makeConcept('L3:cv', 3, 'computer vision', 'L2:ml'),
  makeConcept('L2:orphan', 2, 'orphan', 'unresolved:L1:college-of-arts'),
];

describe('runHierarchyTask', () => {
  it('writes placed concepts, orphans, invariants, tree and metrics, byte-identically on a rerun', async () => {
    const root = await makeRoot(CHAIN);
    const { report, metrics } = await runHierarchyTask({ root });
    const dir = join(root, 'artifacts', 'hierarchy');
    const read = (name: string) => readFile(join(dir, name), 'utf8');
    const placed = (await read('concepts-00001.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Concept);
    expect(placed.map((c) => c.id)).toEqual(['L0:arts', 'L0:engineering', 'L1:cs', 'L2:ml', 'L3:cv']);
    const orphans = (await read('orphans.jsonl')).trim().split('\n').map((l) => OrphanEntrySchema.parse(JSON.parse(l)));
    expect(orphans.map((o) => [o.concept_id, o.reason, o.missing_parent])).toEqual([['L2:orphan', 'unresolved-parent', 'unresolved:L1:college-of-arts']]);
    expect(InvariantReportSchema.parse(JSON.parse(await read('invariants.json')))).toEqual(report);
    expect(report.passed).toBe(true);
    expect(report.counts).toMatchObject({ in: 6, placed: 5, orphaned: 1, dropped: 0, rejected: 0, edges: 3 });
    const tree = HierarchyTreeSchema.parse(JSON.parse(await read('tree.json')));
    expect(tree.roots.map((r) => r.label)).toEqual(['arts', 'engineering']);
    expect(tree.roots[1]?.children[0]?.children[0]?.children[0]?.id).toBe('L3:cv');
    expect(metrics.counters).toMatchObject({ nodes_in: 6, nodes_placed: 5, orphans: 1, edges: 3, level_0: 2, level_3: 1, quarantined: 1 });
    const first = await Promise.all(['concepts-00001.jsonl', 'orphans.jsonl', 'invariants.json', 'tree.json', 'metrics.json'].map(read));
    await runHierarchyTask({ root });
    const second = await Promise.all(['concepts-00001.jsonl', 'orphans.jsonl', 'invariants.json', 'tree.json', 'metrics.json'].map(read));
    expect(second).toEqual(first);
  });

  it('applies a -o override of the orphan strategy', async () => {
    const root = await makeRoot(CHAIN);
    const { report } = await runHierarchyTask({ root, overrides: ['hierarchy.orphan_strategy=attach_placeholder'] });
    expect(report.counts).toMatchObject({ placed: 6, placeholders: 2, attached_to_placeholder: 1 });
  });

  it('writes the report and then fails with INVARIANT_VIOLATED when an invariant breaks', async () => {
    const root = await makeRoot([...CHAIN, makeConcept('L3:shortcut', 3, 'shortcut', 'L1:cs')]);
    await expect(runHierarchyTask({ root })).rejects.toMatchObject({ code: 'INVARIANT_VIOLATED' });
    const report = InvariantReportSchema.parse(JSON.parse(await readFile(join(root, 'artifacts', 'hierarchy', 'invariants.json'), 'utf8')));
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.name === 'parent-one-level-up')?.violations.map((v) => v.concept_id)).toEqual(['L3:shortcut']);
    expect(report.checks.find((c) => c.name === 'all-concepts-accounted')?.passed).toBe(true);
  });
});
