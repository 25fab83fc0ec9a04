import { mkdir, mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConceptSchema,
  RunManifestSchema,
  RunRecordSchema,
  sha256Hex,
  stableStringify,
  type Concept,
  type PhaseMetrics,
  sealArtifactFolder,
} from '@taxonomy/core';
import { runCurationTask } from '@taxonomy/curation';
import { buildTree, runHierarchyTask } from '@taxonomy/hierarchy';
import { FinalConceptSchema, HierarchyDocumentSchema, finalizeConcepts, runFinalizeTask } from './finalize.ts';

const created: string[] = [];
async function tempRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(prefix);
  created.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

function concept(id: string, level: number, label: string, parent: string | null, extra: Record<string, unknown> = {}): Concept {
  return ConceptSchema.parse({
    id,
    level,
    label,
    parent,
    institutions: ['university of pennsylvania', 'yale university'],
    record_ids: ['r-00000000000000a1'],
    records: 1,
    support: { records: 1, institutions: 2, count: 1 },
    weight: 2.2,
    gates: { frequency: true, token_verification: true },
    reasons: ['frequency: 2 institutions ≥ 1'],
    ...extra,
  });
}

const CONCEPTS = [
  concept('L0:engineering', 0, 'engineering', null, { weight: 3.1 }),
  concept('L0:arts-and-sciences', 0, 'arts and sciences', null),
  concept('L1:computer-science~aaaaaa', 1, 'computer science', 'L0:engineering'),
  concept('L1:physics~bbbbbb', 1, 'physics', 'L0:arts-and-sciences', {
    validation: { passed: false, confidence: 0.7, scores: { rule: 0 }, evidence_count: 0, top_evidence_url: null },
  }),
  concept('L2:machine-learning~cccccc', 2, 'machine learning', 'L1:computer-science~aaaaaa', { gloss: 'learning from data' }),
  concept('L3:computer-vision~dddddd', 3, 'computer vision', 'L2:machine-learning~cccccc'),
  concept('L2:orphan~eeeeee', 2, 'orphan area', 'unresolved:L1:college-of-arts'),
];

const writeLines = (path: string, items: unknown[]) => writeFile(path, items.map((i) => stableStringify(i)).join('\n') + '\n');

/** Writes `records` placeholder lines per output file, then metrics.json listing every file with its real sha256. */
async function writeTaskFolder(root: string, dir: string, phase: string, level: number | null, counters: Record<string, number>, outputs: Array<[string, number]>, llm: PhaseMetrics['llm'] = null): Promise<void> {
  for (const [path, records] of outputs) await writeLines(join(root, path), Array.from({ length: records }, (_, i) => ({ line: i + 1 })));
  await sealArtifactFolder(dir, { root, metrics: { phase, level, policy_version: '2026.11.0', config_hash: sha256Hex(phase), counters, llm } });
}

/** A workspace with upstream artifacts as the phases leave them, and real curation:apply and hierarchy:assemble runs. */
async function makeWorkspace(): Promise<string> {
  const root = await tempRoot(join(tmpdir(), 'taxonomy-finalize-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'));
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ api_key: 'sk-secret-test' }));
  const s1 = join(root, 'artifacts', 's1', 'level-0');
  const s2 = join(root, 'artifacts', 's2', 'level-0');
  const pp = join(root, 'artifacts', 'postprocess');
  for (const dir of [s1, s2, pp]) await mkdir(dir, { recursive: true });
  await writeLines(join(s1, 'record-log-00001.jsonl'), [
    { id: 'r-1', outcome: 'labelled' },
    { id: 'r-2', outcome: 'labelled' },
    { id: 'r-3', outcome: 'empty' },
    { id: 'r-4', outcome: 'quarantined' },
  ]);
  const usage = {
    provider: 'offline',
    model: 'lexicon',
    calls: 4,
    cache_hits: 1,
    retries: 0,
    repairs: 0,
    quarantined: 1,
    tokens_in: 400,
    tokens_out: 120,
    cost_usd: 0,
    latency_ms_p50: 1,
    latency_ms_p95: 2,
    prompts: { 'taxonomy.extract': { variant: 'default', version: 'v1', hash: 'abc123' } },
  };
  await writeTaskFolder(root, s1, 'S1', 0, { records_in: 4, quarantined: 1 }, [['artifacts/s1/level-0/candidates-00001.jsonl', 3]], { provider: usage.provider, model: usage.model, prompts: usage.prompts });
  await writeTaskFolder(root, s2, 'S2', 0, { kept: 2 }, [['artifacts/s2/level-0/kept-00001.jsonl', 2], ['artifacts/s2/level-0/dropped-00001.jsonl', 1]]);
  await writeLines(join(pp, 'concepts-00001.jsonl'), CONCEPTS);
  await writeLines(join(pp, 'merge-ops.jsonl'), [{ operation_id: 'm-1', level: 1, winner: 'L1:computer-science~aaaaaa', losers: ['L1:cs~aaaaaa', 'L1:comp-sci~aaaaaa'], rule: 'acronym' }]);
  await writeLines(join(pp, 'split-ops.jsonl'), []);
  await writeTaskFolder(root, pp, 'postprocess', null, {}, []);
  // Placement as it leaves the concepts when every parent is kept (its own tests cover its decisions).
  const placement = join(root, 'artifacts', 'placement');
  await mkdir(placement, { recursive: true });
  await writeLines(join(placement, 'concepts-00001.jsonl'), CONCEPTS);
  await writeTaskFolder(root, placement, 'placement', null, {}, []);
  // s1 ran long ago (restored from cache now); s2 has no timing at all.
  await mkdir(join(root, 'artifacts', '.runs', 'timings'), { recursive: true });
  await writeFile(
    join(root, 'artifacts', '.runs', 'timings', 's1.level-0.json'),
    JSON.stringify({ task: 's1:level-0', started_at: '2026-01-01T00:00:00.000Z', duration_ms: 1200, peak_rss_mb: 80, llm: usage }),
  );
  await runCurationTask({ root });
  await runHierarchyTask({ root });
  return root;
}

describe('runFinalizeTask', () => {
  it('writes concepts.jsonl, hierarchy.json and a valid manifest; two runs give identical exports and run ids', async () => {
    const root = await makeWorkspace();
    const out = join(root, 'artifacts', 'taxonomy');
    const first = await runFinalizeTask({ root });
    const conceptsBytes = await readFile(join(out, 'concepts.jsonl'), 'utf8');
    const hierarchyBytes = await readFile(join(out, 'hierarchy.json'), 'utf8');

    const rows = conceptsBytes.trim().split('\n').map((l) => FinalConceptSchema.parse(JSON.parse(l)));
    expect(rows.map((r) => r.id)).toEqual([
      'L0:arts-and-sciences',
      'L0:engineering',
      'L1:computer-science~aaaaaa',
      'L1:physics~bbbbbb',
      'L2:machine-learning~cccccc',
      'L3:computer-vision~dddddd',
    ]);
    expect(rows.find((r) => r.level === 3)?.path).toEqual(['engineering', 'computer science', 'machine learning', 'computer vision']);
    expect(rows.find((r) => r.id === 'L1:physics~bbbbbb')?.validation?.passed).toBe(false);
    for (const row of rows) expect(row).toHaveProperty('gates');

    const doc = HierarchyDocumentSchema.parse(JSON.parse(hierarchyBytes));
    expect(doc.counts).toEqual({ total: 6, edges: 4, by_level: { '0': 2, '1': 2, '2': 1, '3': 1 } });
    expect(doc.roots.map((r) => r.label)).toEqual(['arts and sciences', 'engineering']);

    const manifest = RunManifestSchema.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.run_id).toMatch(/^run-[0-9a-f]{16}$/u);
    expect(manifest.config['llm']).toMatchObject({ api_key: '[redacted]' });
    expect(JSON.stringify(manifest)).not.toContain('sk-secret-test');
    expect(manifest.prompt_versions).toEqual({ 'taxonomy.extract': { variant: 'default', version: 'v1', hash: 'abc123' } });
    expect(manifest.phases.map((p) => p.task)).toEqual(['s1:level-0', 's2:level-0', 'postprocess:run', 'placement:run', 'curation:apply', 'hierarchy:assemble', 'taxonomy:finalize']);
    // The manifest is an Nx output: no clock, memory or call accounting (those are in the run record).
    expect(Object.keys(manifest)).not.toContain('generated_at');
    expect(JSON.stringify(manifest)).not.toMatch(/"(started_at|duration_ms|peak_rss_mb|cache_hits|latency_ms_p50)"/u);
    const paths = manifest.artifacts.map((a) => a.path);
    expect(paths).toEqual(expect.arrayContaining([
      'artifacts/postprocess/concepts-00001.jsonl',
      'artifacts/hierarchy/invariants.json',
      'artifacts/taxonomy/concepts.jsonl',
      'artifacts/taxonomy/hierarchy.json',
      'artifacts/taxonomy/metrics.json',
    ]));
    expect(manifest.artifacts.find((a) => a.path === 'artifacts/taxonomy/concepts.jsonl')?.sha256).toBe(sha256Hex(conceptsBytes));

    const summary = first.summary;
    expect(summary.concepts).toEqual({ total: 6, by_level: { '0': 2, '1': 2, '2': 1, '3': 1 } });
    expect(summary.s1).toEqual([{ level: 0, records: 4, by_outcome: { empty: 1, labelled: 2, quarantined: 1 }, candidates: 3, quarantined: 1 }]);
    expect(summary.s2).toEqual([{ level: 0, kept: 2, dropped: 1 }]);
    expect(summary.postprocess).toEqual({ concepts: 7, merge_ops: 1, merged: 2, split_ops: 0, split_into: 0, validation_failed: 1, dropped: 0, deferred: null, iterations: null });
    expect(summary.hierarchy).toEqual({ passed: true, placed: 6, orphaned: 1, dropped: 0, rejected: 0, placeholders: 0 });
    const run = RunRecordSchema.parse(JSON.parse(await readFile(join(root, 'artifacts', '.runs', 'run.json'), 'utf8')));
    expect(run).toEqual(first.run);
    expect(run.run_id).toBe(manifest.run_id);
    const timings = Object.fromEntries(run.phases.map((p) => [p.task, { status: p.timing_status, duration_ms: p.timing?.duration_ms ?? null }]));
    expect(timings).toMatchObject({
      's1:level-0': { status: 'cached', duration_ms: 1200 },
      's2:level-0': { status: 'missing', duration_ms: null },
      'hierarchy:assemble': { status: 'fresh' },
      'taxonomy:finalize': { status: 'fresh' },
    });
    expect(run.llm).toMatchObject({ total: { calls: 4, cache_hits: 1, tokens_in: 400 } });
    expect(first.summaryText).toContain('from cache   1 task(s)');
    expect(first.summaryText).toContain('L0 2 · L1 2 · L2 1 · L3 1 (total 6)');
    expect(first.summaryText).toContain('hierarchy    placed 6, orphaned 1');

    const manifestBytes = await readFile(join(out, 'manifest.json'), 'utf8');
    const second = await runFinalizeTask({ root });
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(manifestBytes);
    expect(await readFile(join(out, 'concepts.jsonl'), 'utf8')).toBe(conceptsBytes);
    expect(await readFile(join(out, 'hierarchy.json'), 'utf8')).toBe(hierarchyBytes);
    expect(second.manifest.run_id).toBe(first.manifest.run_id);
  });

  it('fails with ARTIFACT_CORRUPT when the hierarchy output was tampered with, and with INVARIANT_VIOLATED when the tampering is sealed in', async () => {
    const root = await makeWorkspace();
    const file = join(root, 'artifacts', 'hierarchy', 'concepts-00001.jsonl');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    lines.push(stableStringify(concept('L3:shortcut~ffffff', 3, 'shortcut', 'L1:computer-science~aaaaaa')));
    await writeFile(file, `${lines.join('\n')}\n`);
    await expect(runFinalizeTask({ root })).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT', message: expect.stringMatching(/^artifacts\/hierarchy\/concepts-00001\.jsonl: sha256 /u) });
    await sealArtifactFolder('artifacts/hierarchy', { root, metrics: { phase: 'hierarchy' } });
    await expect(runFinalizeTask({ root })).rejects.toMatchObject({ code: 'INVARIANT_VIOLATED' });
  });

  it('fails with ARTIFACT_MISSING without a hierarchy output', async () => {
    const root = await tempRoot(join(tmpdir(), 'taxonomy-finalize-empty-'));
    await writeFile(join(root, 'nx.json'), '{}\n');
    await mkdir(join(root, 'config'));
    await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
    await expect(runFinalizeTask({ root })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
  });
});

describe('finalizeConcepts', () => {
  const placed = CONCEPTS.filter((c) => !c.id.startsWith('L2:orphan'));
  it.each<{ name: string; concepts: Concept[]; tree: Concept[]; message: RegExp }>([
    { name: 'a shortcut', concepts: [...placed, concept('L3:x', 3, 'x', 'L1:physics~bbbbbb')], tree: placed, message: /parent-one-level-up/u },
    { name: 'a dangling parent', concepts: [...placed, concept('L2:x', 2, 'x', 'L1:gone')], tree: placed, message: /no-dangling-parents/u },
    { name: 'a duplicate id', concepts: [...placed, placed[1]!], tree: placed, message: /unique-ids/u },
    { name: 'a tree missing a node', concepts: placed, tree: placed.slice(0, -1), message: /tree\.json/u },
    {
      name: 'a tree with a different parent',
      concepts: placed,
      tree: placed.map((c) => (c.id === 'L2:machine-learning~cccccc' ? { ...c, parent: 'L1:physics~bbbbbb' } : c)),
      message: /tree\.json disagrees/u,
    },
  ])('rejects $name', ({ concepts, tree, message }) => {
    expect(() => finalizeConcepts(concepts, buildTree(tree), { uniqueLabelPaths: true })).toThrow(message);
  });

  it('gives every concept its label path from level 0', () => {
    const { rows } = finalizeConcepts(placed, buildTree(placed), { uniqueLabelPaths: true });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.path.join(' / ')]))).toMatchObject({
      'L0:engineering': 'engineering',
      'L1:physics~bbbbbb': 'arts and sciences / physics',
      'L2:machine-learning~cccccc': 'engineering / computer science / machine learning',
    });
  });
});
