import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandidateSchema, ConceptSchema, readJsonlAll, readJsonFile, PhaseMetricsSchema } from '@taxonomy/core';
import { checkInvariants } from '@taxonomy/hierarchy';
import { isSchoolField } from '@taxonomy/lexicon';
import { BuildArtifacts, explainDrop, explainPlace } from '@taxonomy/taxonomy';
import { buildAll, removeScratchWorkspaces, scratchWorkspace } from './workspace.ts';

let root = '';

const onBad = (bad: unknown) => {
  throw new Error(`bad artifact line: ${JSON.stringify(bad)}`);
};

beforeAll(async () => {
  process.env['TAXONOMY_LOG_LEVEL'] = 'warn';
  root = await scratchWorkspace();
  await buildAll(root);
}, 600_000);
afterAll(removeScratchWorkspaces);

describe('end-to-end build of the sample corpus (offline)', () => {
  it('places every concept below L0 under a parent one level up, and the invariants hold', async () => {
    const concepts = await readJsonlAll(join(root, 'artifacts/taxonomy/concepts.jsonl'), { schema: ConceptSchema, onBad });
    const byId = new Map(concepts.map((c) => [c.id, c]));
    const perLevel = [0, 1, 2, 3].map((l) => concepts.filter((c) => c.level === l).length);
    for (const count of perLevel) expect(count).toBeGreaterThan(0);
    for (const c of concepts) {
      if (c.level === 0) expect(c.parent).toBeNull();
      else expect(byId.get(c.parent ?? '')?.level).toBe(c.level - 1);
      expect(c.institutions.length).toBeGreaterThan(0);
      expect(c.records).toBeGreaterThan(0);
      expect(c.reasons.length).toBeGreaterThan(0);
      expect(Object.keys(c.gates)).toEqual(expect.arrayContaining(['frequency', 'token_verification']));
    }
    expect(checkInvariants(concepts).passed).toBe(true);
  });

  it('yields real fields at L0 with no institution, donor or unit words left', async () => {
    const concepts = await readJsonlAll(join(root, 'artifacts/taxonomy/concepts.jsonl'), { schema: ConceptSchema, onBad });
    const l0 = new Set(concepts.filter((c) => c.level === 0).map((c) => c.label));
    for (const field of ['medicine', 'law', 'engineering', 'business', 'nursing', 'public health']) expect(l0).toContain(field);
    const forbidden = /\b(school|college|department|university|institute of technology|perelman|wharton|stanford|harvard|yale|duke)\b/u;
    const leaks = concepts.filter((c) => c.level <= 1 && forbidden.test(c.label)).map((c) => c.label);
    expect(leaks).toEqual([]);
  });

  it('gives the tree a school-level top: no same-label edge, few L0 fields without departments, the widest departments under schools', async () => {
    const concepts = await readJsonlAll(join(root, 'artifacts/taxonomy/concepts.jsonl'), { schema: ConceptSchema, onBad });
    const byId = new Map(concepts.map((c) => [c.id, c]));
    const sameLabel = concepts.filter((c) => c.parent !== null && byId.get(c.parent)?.label === c.label);
    expect(sameLabel.map((c) => c.id)).toEqual([]);
    const l0 = concepts.filter((c) => c.level === 0);
    const children = new Map<string, number>();
    for (const c of concepts) if (c.parent !== null) children.set(c.parent, (children.get(c.parent) ?? 0) + 1);
    const small = l0.filter((c) => (children.get(c.id) ?? 0) <= 1);
    expect(small.length / l0.length).toBeLessThanOrEqual(0.2);
    for (const c of l0) expect(isSchoolField(c.label), c.label).toBe(true);
    const widest = concepts.filter((c) => c.level === 1).sort((a, b) => b.institutions.length - a.institutions.length || (a.id < b.id ? -1 : 1)).slice(0, 40);
    for (const c of widest) expect(isSchoolField(byId.get(c.parent!)!.label), `${c.label} > ${byId.get(c.parent!)!.label}`).toBe(true);
    // Every concept below L0 says how it was placed.
    for (const c of concepts.filter((x) => x.level > 0)) expect(['declared', 'institution', 'backbone']).toContain(c.placement?.method);
  });

  it('explains placements and drops of real labels from the artifacts', async () => {
    const build = new BuildArtifacts(root);
    expect(await explainPlace(build, { label: 'pediatrics', level: 1 })).toMatchObject({ found: true, parent_label: 'medicine', method: 'institution' });
    expect(await explainPlace(build, { label: 'machine learning', level: 2 })).toMatchObject({ parent_label: 'computer science', method: 'declared', confidence: 1 });
    const which = await explainDrop(build, { label: 'which', level: 2 });
    expect(which).toMatchObject({ dropped: true, phase: 'S2', gate: 'frequency' });
    expect(which.reasons).toContain('frequency: dropped, 1 institution(s) < 2');
    expect(await explainDrop(build, { label: 'chemistry', level: 0 })).toMatchObject({ dropped: false });
    expect((await explainDrop(build, { label: 'chemistry', level: 0 })).detail).toMatch(/lives at L1/u);
  });

  it('accounts for every input record at every level of S1', async () => {
    for (const level of [0, 1, 2, 3]) {
      const m = await readJsonFile(join(root, `artifacts/s1/level-${level}/metrics.json`), PhaseMetricsSchema);
      const c = m.counters;
      expect(c['records_in']).toBeGreaterThan(0);
      expect(c['records_in']).toBe((c['records_labelled'] ?? 0) + (c['records_empty'] ?? 0) + (c['records_quarantined'] ?? 0));
    }
  });

  it('gives every dropped candidate a reason', async () => {
    for (const level of [0, 1, 2, 3]) {
      const dropped = await readJsonlAll(join(root, `artifacts/s2/level-${level}/dropped-00001.jsonl`), { schema: CandidateSchema, onBad });
      for (const c of dropped) expect(c.gates['frequency']).toBe(false);
      for (const c of dropped) expect(c.reasons.join(' ')).toMatch(/institutions=/u);
      const failed = await readJsonlAll(join(root, `artifacts/s3/level-${level}`), { schema: CandidateSchema.loose(), onBad: () => undefined }).then((all) =>
        all.filter((c) => c.gates['token_verification'] === false),
      );
      for (const c of failed) expect(c.reasons.length).toBeGreaterThan(0);
    }
  });

  it('writes a manifest with counters for every phase', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'artifacts/taxonomy/manifest.json'), 'utf8')) as { phases: Array<{ task: string }> };
    const tasks = manifest.phases.map((p) => p.task);
    for (const t of ['s0:extract', 's1:level-0', 's2:level-3', 's3:level-3', 'postprocess:run', 'placement:run', 'hierarchy:assemble']) expect(tasks).toContain(t);
  });

  it('is byte-identical when built again from scratch', async () => {
    const again = await scratchWorkspace();
    await buildAll(again);
    for (const file of ['artifacts/taxonomy/concepts.jsonl', 'artifacts/taxonomy/hierarchy.json']) {
      expect(await readFile(join(again, file), 'utf8')).toBe(await readFile(join(root, file), 'utf8'));
    }
  }, 600_000);
});

