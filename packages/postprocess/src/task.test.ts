import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConceptSchema, MergeOpSchema, SplitOpSchema, ValidationFindingSchema, conceptId, stableId, stableStringify, type Concept, type SourceRecordInput, sealArtifactFolder } from '@taxonomy/core';
import { invertOps } from './invert-ops.ts';
import { runPostprocessTask } from './task.ts';

/** S0 records from real sample strings (unit names of the corpus, a department research page, a CFP). */
const RECORDS: Array<[number, string, string, string | null]> = [
  [0, 'CORNELL UNIVERSITY - College of Engineering', 'CORNELL UNIVERSITY', 'file:data/Faculty Extraction Report.xlsx'],
  [0, 'DUKE UNIVERISTY - Pratt School of Engineering', 'DUKE UNIVERISTY', 'file:data/Faculty Extraction Report.xlsx'],
  [0, 'YALE UNIVERSITY - Faculty of Arts and Sciences', 'YALE UNIVERSITY', 'file:data/Faculty Extraction Report.xlsx'],
  [1, 'computer science', 'cornell university', null],
  [1, 'department of electrical and computer engineering', 'northwestern university', null],
  [1, 'ECE', 'duke univeristy', null],
  [1, 'neuroscience', 'university of pennsylvania', null],
  [1, 'department of neurosciences', 'northwestern university', null],
  [1, 'statistics and data science', 'cornell university', null],
  [2, 'A broad range of upper-level courses is available in such areas as artificial intelligence, machine learning, computer graphics, computer vision, robotics.', 'Columbia University', 'https://bulletin.engineering.columbia.edu/computer-science'],
  [2, 'Research areas include: machine learning, motion planning for robotics, computer vision, and automated theorem proving.', 'Cornell University', 'http://www.cs.cornell.edu/degreeprogs/ugrad/CSMajor/Subareas/index.htm'],
  [3, 'General Machine Learning (active learning, clustering, online learning, ranking, reinforcement learning, semi-supervised learning, time series analysis, unsupervised learning, etc.)', 'ICML', 'https://icml.cc/Conferences/2020/CallForPapers'],
  [3, 'NeurIPS 2024', 'NeurIPS', 'https://neurips.cc/Conferences/2026/CallForPapers'],
];

function recordId(level: number, text: string, institution: string): string {
  return stableId('r-', [level, text, institution]);
}

function concept(level: number, label: string, parent: string | null, sources: Array<[string, string]>): Concept {
  const recordIds = sources.map(([text, inst]) => recordId(level, text, inst)).sort();
  const institutions = [...new Set(sources.map(([, inst]) => inst.toLowerCase()))].sort();
  return ConceptSchema.parse({
    id: conceptId(level, label, parent),
    level,
    label,
    parent,
    institutions,
    record_ids: recordIds,
    records: recordIds.length,
    support: { records: recordIds.length, institutions: institutions.length, count: recordIds.length },
    weight: institutions.length,
    gates: { frequency: true, token_verification: true },
  });
}

const eng = concept(0, 'engineering', null, [['CORNELL UNIVERSITY - College of Engineering', 'CORNELL UNIVERSITY'], ['DUKE UNIVERISTY - Pratt School of Engineering', 'DUKE UNIVERISTY']]);
const arts = concept(0, 'arts and sciences', null, [['YALE UNIVERSITY - Faculty of Arts and Sciences', 'YALE UNIVERSITY']]);
const cs = concept(1, 'computer science', eng.id, [['computer science', 'cornell university']]);
const ece = concept(1, 'electrical and computer engineering', eng.id, [['department of electrical and computer engineering', 'northwestern university']]);
const eceShort = concept(1, 'ece', eng.id, [['ECE', 'duke univeristy']]);
const neuro = concept(1, 'neuroscience', arts.id, [['neuroscience', 'university of pennsylvania']]);
const neuros = concept(1, 'neurosciences', arts.id, [['department of neurosciences', 'northwestern university']]);
const sds = concept(1, 'statistics and data science', arts.id, [['statistics and data science', 'cornell university']]);
const COLUMBIA = RECORDS[9]!;
const CORNELL = RECORDS[10]!;
const ml = concept(2, 'machine learning', cs.id, [[COLUMBIA[1], COLUMBIA[2]], [CORNELL[1], CORNELL[2]]]);
const cv = concept(2, 'computer vision', cs.id, [[COLUMBIA[1], COLUMBIA[2]], [CORNELL[1], CORNELL[2]]]);
const cg = concept(2, 'computer graphics', cs.id, [[COLUMBIA[1], COLUMBIA[2]]]);
const mlStats = concept(2, 'machine learning', sds.id, [[CORNELL[1], CORNELL[2]]]);
const rl = concept(3, 'reinforcement learning', ml.id, [[RECORDS[11]![1], RECORDS[11]![2]]]);
const venue = concept(3, 'neurips 2024', ml.id, [['NeurIPS 2024', 'NeurIPS']]);
const CONCEPTS = [eng, arts, cs, ece, eceShort, neuro, neuros, sds, ml, cv, cg, mlStats, rl, venue];

async function makeRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'postprocess-task-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'));
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ provider: 'offline' }));
  await writeFile(join(root, 'config', 'postprocess.json'), '{}\n');
  for (let level = 0; level <= 3; level += 1) {
    const s3 = join(root, 'artifacts', 's3', `level-${level}`);
    const s0 = join(root, 'artifacts', 's0', `level-${level}`);
    await mkdir(s3, { recursive: true });
    await mkdir(s0, { recursive: true });
    const concepts = CONCEPTS.filter((c) => c.level === level).map((c) => stableStringify(c));
    await writeFile(join(s3, 'concepts-00001.jsonl'), concepts.join('\n') + '\n');
    const records: SourceRecordInput[] = RECORDS.filter(([l]) => l === level).map(([l, text, institution, url]) => ({
      id: recordId(l, text, institution),
      level: l,
      text,
      provenance: { institution, url, section: null, fetched_at: null },
    }));
    await writeFile(join(s0, 'records-00001.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  // One malformed line: it must be quarantined, not crash the task.
  await writeFile(join(root, 'artifacts', 's3', 'level-3', 'concepts-00002.jsonl'), '{"id": "L3:broken"\n');
  for (let level = 0; level <= 3; level += 1) await sealArtifactFolder(`artifacts/s3/level-${level}`, { root, metrics: { phase: 'S3', level } });
  await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
  return root;
}

const readLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);

describe('runPostprocessTask (offline LLM client)', () => {
  it('writes concepts, findings, op logs and iterations; undo restores the input; reruns are byte-identical', async () => {
    const root = await makeRoot();
    const metrics = await runPostprocessTask({ root });
    const out = join(root, 'artifacts', 'postprocess');
    expect(metrics.counters).toMatchObject({ concepts_in: CONCEPTS.length, merged: 2, quarantined: 1 });
    expect(metrics.counters['iterations']).toBeGreaterThanOrEqual(2);
    expect(metrics.counters['concepts_out']).toBe(CONCEPTS.length - 2);
    expect(metrics.llm).not.toBeNull();
    const concepts = (await readLines(join(out, 'concepts-00001.jsonl'))).map((x) => ConceptSchema.parse(x));
    expect(concepts.map((c) => c.id)).toEqual([...concepts.map((c) => c.id)].sort());
    expect(concepts.map((c) => c.label)).not.toContain('ece');
    expect(concepts.map((c) => c.label)).not.toContain('neurosciences');
    expect(concepts.find((c) => c.id === venue.id)!.validation!.passed).toBe(false);
    expect(concepts.find((c) => c.id === cv.id)!.validation!.passed).toBe(true);
    expect(concepts.every((c) => c.validation !== null)).toBe(true);
    const findings = (await readLines(join(out, 'findings-00001.jsonl'))).map((x) => ValidationFindingSchema.parse(x));
    expect(findings.some((f) => f.concept_id === venue.id && f.hard)).toBe(true);
    const mergeOps = (await readLines(join(out, 'merge-ops.jsonl'))).map((x) => MergeOpSchema.parse(x));
    const splitOps = (await readLines(join(out, 'split-ops.jsonl'))).map((x) => SplitOpSchema.parse(x));
    expect(mergeOps.map((op) => op.losers).flat().sort()).toEqual([eceShort.id, neuros.id].sort());
    const identity = (c: Concept) => [c.id, c.level, c.label, c.parent, c.aliases, c.institutions, c.record_ids, c.support, c.gloss];
    expect(invertOps(concepts, mergeOps, splitOps).map(identity)).toEqual([...CONCEPTS].sort((a, b) => (a.id < b.id ? -1 : 1)).map(identity));
    const iterations = JSON.parse(await readFile(join(out, 'iterations.json'), 'utf8')) as { converged: boolean };
    expect(iterations.converged).toBe(true);
    const files = ['concepts-00001.jsonl', 'findings-00001.jsonl', 'merge-ops.jsonl', 'split-ops.jsonl', 'iterations.json', 'metrics.json'];
    const first = await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')));
    await runPostprocessTask({ root });
    const second = await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')));
    expect(second).toEqual(first);
  });

  it('fails with ARTIFACT_MISSING when an S3 level is absent', async () => {
    const root = await mkdtemp(join(tmpdir(), 'postprocess-task-empty-'));
    await writeFile(join(root, 'nx.json'), '{}\n');
    await mkdir(join(root, 'config'));
    await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
    await expect(runPostprocessTask({ root })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING' });
  });
});
