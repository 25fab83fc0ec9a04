import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSchema, ConceptSchema, conceptId, sealArtifactFolder, stableStringify } from '@taxonomy/core';
import { runS1Task } from './task.ts';

/** Lines of the sample corpus's `units/source_records.jsonl` (level-0 input as S0 passes it on). */
const UNIT_LINES = [
  '{"text": "UNIVERSITY OF PENNSYLVANIA - the Wharton School", "provenance": {"institution": "UNIVERSITY OF PENNSYLVANIA", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "UNIVERSITY OF PENNSYLVANIA - School of Engineering and Applied Science", "provenance": {"institution": "UNIVERSITY OF PENNSYLVANIA", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "UNIVERSITY OF CHICAGO - Physics, Department of", "provenance": {"institution": "UNIVERSITY OF CHICAGO", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "YALE UNIVERSITY - Physics", "provenance": {"institution": "YALE UNIVERSITY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "CORNELL UNIVERSITY - Cornell Graduate School", "provenance": {"institution": "CORNELL UNIVERSITY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "CORNELL UNIVERSITY - College of Engineering", "provenance": {"institution": "CORNELL UNIVERSITY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "DUKE UNIVERISTY - Duke-nus Medical School", "provenance": {"institution": "DUKE UNIVERISTY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "UNIVERSITY OF MICHIGAN - Biological Chemistry", "provenance": {"institution": "UNIVERSITY OF MICHIGAN", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": null}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
];

/** Department lines of `departments/institutions_departments.txt` as level-1 records. */
const DEPARTMENTS: Array<[string, string]> = [
  ['yale university', 'physics'],
  ['university of chicago', 'organismal biology and anatomy, department of'],
  ['northwestern university', 'department of electrical and computer engineering'],
  ['university of pennsylvania', 'legal studies and business ethics'],
  ['stanford university', 'cytopathology'],
  ['duke univeristy', 'fuqua school of business'],
];

async function workspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 's1-task-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'), { recursive: true });
  await writeFile(join(root, 'config', 'llm.json'), JSON.stringify({ provider: 'offline' }));
  await mkdir(join(root, 'artifacts/s0/level-0'), { recursive: true });
  // A malformed line and a misfiled level-1 record are quarantined, not fatal.
  const misfiled = JSON.stringify({ id: 'r-misfiled', level: 1, text: 'physics', provenance: { institution: 'yale university', url: null, section: null, fetched_at: null } });
  await writeFile(join(root, 'artifacts/s0/level-0/records-00001.jsonl'), [...UNIT_LINES, '{"text": ', misfiled].join('\n') + '\n');
  // Tasks read only folders whose files match their metrics.json: the hand-made S0 folder gets one.
  await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
  return root;
}

async function readLines(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

const OVERRIDES = ['llm.provider=offline', 'global.log_level=silent'];

describe('runS1Task', () => {
  it('level 0 over a small workspace: candidates, record log, counters, byte-stable reruns', async () => {
    const root = await workspace();
    const metrics = await runS1Task({ level: 0, root, overrides: OVERRIDES });
    const c = metrics.counters;
    expect(c).toMatchObject({ records_in: 9, records_labelled: 7, records_empty: 1, records_quarantined: 1, quarantined: 2, anchors_unresolved: 0 });
    expect(c['records_in']).toBe(c['records_labelled']! + c['records_empty']! + c['records_quarantined']!);
    expect(c['anchors_root']).toBe(c['candidates_out']);
    expect(metrics.llm).toMatchObject({ provider: 'offline', model: 'lexicon-rules' });
    const timing = JSON.parse(await readFile(join(root, 'artifacts/.runs/timings/s1.level-0.json'), 'utf8')) as { llm: { calls: number } };
    expect(timing.llm.calls).toBe(8);
    expect(metrics.inputs).toEqual([expect.objectContaining({ path: 'artifacts/s0/level-0/records-00001.jsonl', records: 9 })]);

    const outDir = join(root, 'artifacts/s1/level-0');
    const candidates = (await readLines(join(outDir, 'candidates-00001.jsonl'))).map((l) => CandidateSchema.parse(l));
    expect(candidates.map((x) => x.normalized)).toEqual(['applied science', 'biological chemistry', 'business', 'engineering', 'medicine', 'physics']);
    expect(candidates.every((x) => x.parent === null && x.anchor.method === 'root' && x.level === 0)).toBe(true);
    const physics = candidates.find((x) => x.normalized === 'physics')!;
    expect(physics.institutions).toEqual(['UNIVERSITY OF CHICAGO', 'YALE UNIVERSITY']);
    expect(physics.support).toEqual({ records: 2, institutions: 2, count: 2 });
    expect(candidates.find((x) => x.normalized === 'engineering')?.institutions).toEqual(['CORNELL UNIVERSITY', 'UNIVERSITY OF PENNSYLVANIA']);

    const recordLog = (await readLines(join(outDir, 'record-log-00001.jsonl'))) as Array<{ record_id: string; outcome: string; labels: string[] }>;
    expect(recordLog).toHaveLength(9);
    expect(recordLog.map((l) => l.record_id)).toEqual([...recordLog.map((l) => l.record_id)].sort());
    expect(recordLog.filter((l) => l.outcome === 'quarantined').map((l) => l.record_id)).toEqual(['r-misfiled']);
    const quarantine = (await readLines(join(outDir, 'quarantine.jsonl'))) as Array<{ reason: string }>;
    expect(quarantine.map((q) => q.reason.split(':')[0])).toEqual(['malformed JSON', 'record of level 1 in the level-0 input']);

    const first = await readFile(join(outDir, 'candidates-00001.jsonl'), 'utf8');
    const firstMetrics = await readFile(join(outDir, 'metrics.json'), 'utf8');
    await runS1Task({ level: 0, root, overrides: OVERRIDES });
    expect(await readFile(join(outDir, 'candidates-00001.jsonl'), 'utf8')).toBe(first);
    expect(await readFile(join(outDir, 'metrics.json'), 'utf8')).toBe(firstMetrics);
  });

  it('level 1 anchors to the verified level-0 concepts', async () => {
    const root = await workspace();
    await mkdir(join(root, 'artifacts/s0/level-1'), { recursive: true });
    await writeFile(
      join(root, 'artifacts/s0/level-1/records-00001.jsonl'),
      DEPARTMENTS.map(([inst, text], i) =>
        JSON.stringify({ id: `r-${String(i).padStart(16, '0')}`, level: 1, text, provenance: { institution: inst, url: null, section: null, fetched_at: null } }),
      ).join('\n') + '\n',
    );
    const concepts = ['physics', 'business', 'engineering', 'biology', 'medicine'].map((label) =>
      ConceptSchema.parse({ id: conceptId(0, label, null), level: 0, label, parent: null, institutions: ['yale university'], records: 1, support: { records: 1, institutions: 1, count: 1 }, weight: 1.2 }),
    );
    await mkdir(join(root, 'artifacts/s3/level-0'), { recursive: true });
    await writeFile(join(root, 'artifacts/s3/level-0/concepts-00001.jsonl'), concepts.map((x) => stableStringify(x)).join('\n') + '\n');
    await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
    await sealArtifactFolder('artifacts/s3/level-0', { root, metrics: { phase: 'S3', level: 0 } });
    const metrics = await runS1Task({ level: 1, root, overrides: OVERRIDES });
    expect(metrics.counters).toMatchObject({ records_in: 6, parents_in: 5 });
    expect(metrics.inputs.map((i) => i.path)).toEqual(['artifacts/s0/level-1/records-00001.jsonl', 'artifacts/s3/level-0/concepts-00001.jsonl']);
    const candidates = (await readLines(join(root, 'artifacts/s1/level-1/candidates-00001.jsonl'))).map((l) => CandidateSchema.parse(l));
    const parentOf = new Map(candidates.map((x) => [x.normalized, [x.parent, x.anchor.method]]));
    expect(parentOf.get('physics')).toEqual(['L0:physics', 'name']);
    expect(parentOf.get('electrical engineering')).toEqual(['L0:engineering', 'lexicon']);
    expect(parentOf.get('business')).toEqual(['L0:business', 'name']);
    expect(candidates.every((x) => x.parent !== null)).toBe(true);
    const methods = ['declared', 'name', 'lexicon', 'unresolved'].reduce((n, m) => n + (metrics.counters[`anchors_${m}`] ?? 0), 0);
    expect(methods).toBe(metrics.counters['candidates_out']);
  });

  it('level 1 without the level-0 concepts stops with ARTIFACT_MISSING', async () => {
    const root = await workspace();
    await mkdir(join(root, 'artifacts/s0/level-1'), { recursive: true });
    await writeFile(join(root, 'artifacts/s0/level-1/records-00001.jsonl'), '');
    await sealArtifactFolder('artifacts/s0', { root, metrics: { phase: 'S0' } });
    await expect(runS1Task({ level: 1, root, overrides: OVERRIDES })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING', message: 'artifacts/s3/level-0 does not exist: the task that writes it has not run' });
  });
});

