import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandidateSchema, ConceptSchema, readJsonlAll, readJsonFile, PhaseMetricsSchema, RunManifestSchema, type Concept } from '@taxonomy/core';
import { CurationReportSchema } from '@taxonomy/curation';
import { checkInvariants } from '@taxonomy/hierarchy';
import { isSchoolField } from '@taxonomy/lexicon';
import { runPostprocessTask } from '@taxonomy/postprocess';
import { runS2Task } from '@taxonomy/s2-frequency';
import { runS3Task } from '@taxonomy/s3-verification';
import { BuildArtifacts, SKOS, collectStaleness, diffSnapshots, explainDrop, explainPlace, listHistory, readSnapshot, type ReportData } from '@taxonomy/taxonomy';
import { collectStatus } from '../packages/taxonomy/src/commands/manage.ts';
import { openInChromium } from '../tools/browser/chromium.ts';
import { buildAll, removeScratchWorkspaces, runTasks, scratchWorkspace } from './workspace.ts';

/** The whole build of the bundled sample corpus, offline, in a scratch copy of the workspace. */
let root = '';

const onBad = (bad: unknown) => {
  throw new Error(`bad artifact line: ${JSON.stringify(bad)}`);
};

beforeAll(async () => {
  process.env['TAXONOMY_LOG_LEVEL'] = 'warn';
  // Issue 11, item 11: an endpoint URL with credentials (the build itself stays offline) must not be recorded verbatim.
  process.env['OPENAI_BASE_URL'] = 'http://user:E2E-SECRET-7f3a@127.0.0.1:19199/v1';
  process.env['TAXONOMY_LLM_PROVIDER'] = 'offline';
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
    // A fragment of research-area prose only one institution gives: the frequency gate removes it.
    const fragment = await explainDrop(build, { label: 'both human', level: 2 });
    expect(fragment).toMatchObject({ dropped: true, phase: 'S2', gate: 'frequency' });
    expect(fragment.reasons).toContain('frequency: dropped, 1 institution(s) < 2');
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
    for (const t of ['s0:level-0', 's0:level-1', 's0:level-3', 's1:level-0', 's2:level-3', 's3:level-3', 'postprocess:run', 'placement:run', 'curation:apply', 'hierarchy:assemble']) expect(tasks).toContain(t);
  });

  it('is byte-identical when built again from scratch', async () => {
    const again = await scratchWorkspace();
    await buildAll(again);
    for (const file of ['artifacts/taxonomy/concepts.jsonl', 'artifacts/taxonomy/hierarchy.json', 'artifacts/taxonomy/report/index.html', 'artifacts/taxonomy/exports/taxonomy.ttl', 'artifacts/taxonomy/exports/concepts.csv', 'artifacts/taxonomy/exports/tree.dot']) {
      expect(await readFile(join(again, file), 'utf8')).toBe(await readFile(join(root, file), 'utf8'));
    }
  }, 600_000);

  it('records no URL credentials in any artifact, the manifest included (issue 11, item 11)', async () => {
    const manifest = await readFile(join(root, 'artifacts/taxonomy/manifest.json'), 'utf8');
    expect(manifest).toContain('http://[redacted]@127.0.0.1:19199/v1');
    for (const entry of await readdir(join(root, 'artifacts'), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) expect(await readFile(join(entry.parentPath, entry.name), 'utf8')).not.toContain('E2E-SECRET-7f3a');
    }
  });
});

describe('what a task reads is checked against the checksums its upstream recorded (issue 11, item 2)', () => {
  /** A copy of the finished build, to damage. */
  const copies: string[] = [];
  afterAll(async () => Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true }))));
  async function copyOfBuild(): Promise<string> {
    const copy = await mkdtemp(join(tmpdir(), 'taxonomy-e2e-damaged-'));
    copies.push(copy);
    await cp(root, copy, { recursive: true });
    return copy;
  }

  it('an edited label in S3 output (as from an edited Nx cache entry) stops post-processing with one line naming the file', async () => {
    const at = await copyOfBuild();
    const file = join(at, 'artifacts/s3/level-1/concepts-00001.jsonl');
    const text = await readFile(file, 'utf8');
    const label = /"label":"([^"]+)"/u.exec(text)![1]!;
    await writeFile(file, text.replace(`"label":"${label}"`, `"label":"${label} (edited)"`));
    const before = await readFile(join(at, 'artifacts/postprocess/concepts-00001.jsonl'), 'utf8');
    const error = (await runPostprocessTask({ root: at }).catch((e: unknown) => e)) as { code: string; message: string };
    expect(error.code).toBe('ARTIFACT_CORRUPT');
    expect(error.message).toMatch(/^artifacts\/s3\/level-1\/concepts-00001\.jsonl: sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in artifacts\/s3\/level-1\/metrics\.json/u);
    expect(error.message.split('\n')).toHaveLength(1);
    // Nothing downstream changed: the edited label reached no artifact.
    expect(await readFile(join(at, 'artifacts/postprocess/concepts-00001.jsonl'), 'utf8')).toBe(before);
    const status = await collectStatus(at);
    expect(status.find((r) => r.task === 's3:level-1')).toMatchObject({ corrupt: true, problem: expect.stringContaining('artifacts/s3/level-1/concepts-00001.jsonl: sha256') });
    expect(status.filter((r) => r.corrupt).map((r) => r.task)).toEqual(['s3:level-1']);
  });

  it('a truncated S1 shard stops S2; a deleted metrics.json stops S3', async () => {
    const at = await copyOfBuild();
    const shard = join(at, 'artifacts/s1/level-2/candidates-00001.jsonl');
    const lines = (await readFile(shard, 'utf8')).split('\n');
    await writeFile(shard, lines.slice(0, Math.floor(lines.length / 2)).join('\n'));
    await expect(runS2Task({ level: 2, root: at })).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT', message: expect.stringContaining('artifacts/s1/level-2/candidates-00001.jsonl: sha256') });
    await rm(join(at, 'artifacts/s2/level-3/metrics.json'));
    await expect(runS3Task({ level: 3, root: at })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING', message: expect.stringMatching(/^artifacts\/s2\/level-3\/metrics\.json: missing/u) });
  });

  it('S2 hashes only what it reads: an edited S1 record log passes, a file put into the S1 folder by hand does not', async () => {
    const at = await copyOfBuild();
    const log = join(at, 'artifacts/s1/level-2/record-log-00001.jsonl');
    await writeFile(log, `${await readFile(log, 'utf8')}{"edited":true}\n`);
    const metrics = await runS2Task({ level: 2, root: at });
    expect(metrics.inputs.map((ref) => ref.path)).toEqual(['artifacts/s1/level-2/candidates-00001.jsonl']);
    await writeFile(join(at, 'artifacts/s1/level-2/notes.txt'), 'by hand\n');
    await expect(runS2Task({ level: 2, root: at })).rejects.toMatchObject({
      code: 'ARTIFACT_CORRUPT',
      message: expect.stringMatching(/^artifacts\/s1\/level-2\/notes\.txt: not written by the task/u),
    });
  });
});


const readConcepts = () => readJsonlAll(join(root, 'artifacts/taxonomy/concepts.jsonl'), { schema: ConceptSchema, onBad });
const readManifest = async () => RunManifestSchema.parse(JSON.parse(await readFile(join(root, 'artifacts/taxonomy/manifest.json'), 'utf8')));
const staleTasks = async () => (await collectStaleness(root, { env: process.env })).filter((t) => t.state !== 'fresh').map((t) => t.task);
async function reportData(): Promise<ReportData> {
  const html = await readFile(join(root, 'artifacts/taxonomy/report/index.html'), 'utf8');
  return JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/su.exec(html)![1]!) as ReportData;
}
/** The id of the one concept of `level` labelled `label` (optionally under a parent labelled `parent`). */
function idOf(concepts: ReadonlyArray<Concept>, level: number, label: string, parent?: string): string {
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const hits = concepts.filter((c) => c.level === level && c.label === label && (parent === undefined || byId.get(c.parent ?? '')?.label === parent));
  expect(hits.map((c) => c.id), `${label} at L${level}`).toHaveLength(1);
  return hits[0]!.id;
}

describe('review outputs of the sample build', () => {
  it('writes the report and the three exports; the Turtle parses back with one concept each and one broader below L0', async () => {
    const concepts = await readConcepts();
    const quads = new Parser().parse(await readFile(join(root, 'artifacts/taxonomy/exports/taxonomy.ttl'), 'utf8'));
    const typed = quads.filter((q) => q.predicate.value.endsWith('#type') && q.object.value === `${SKOS}Concept`).map((q) => q.subject.value);
    expect(typed).toHaveLength(concepts.length);
    const broader = new Map<string, number>();
    for (const q of quads) if (q.predicate.value === `${SKOS}broader`) broader.set(q.subject.value, (broader.get(q.subject.value) ?? 0) + 1);
    expect(broader.size).toBe(concepts.filter((c) => c.level > 0).length);
    expect([...broader.values()].every((n) => n === 1)).toBe(true);
    expect(quads.filter((q) => q.predicate.value === `${SKOS}topConceptOf`)).toHaveLength(concepts.filter((c) => c.level === 0).length);
    const csv = (await readFile(join(root, 'artifacts/taxonomy/exports/concepts.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(concepts.length + 1);
    expect(await readFile(join(root, 'artifacts/taxonomy/exports/tree.dot'), 'utf8')).toMatch(/^digraph "taxonomy" \{/u);
    const data = await reportData();
    expect(data.concepts).toHaveLength(concepts.length);
    expect(data.sources.map((s) => s.id)).toEqual(['units', 'departments', 'unit-pages', 'research-area-pages', 'cfp-pages']);
    const manifest = await readManifest();
    expect(manifest.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['artifacts/taxonomy/report/index.html', 'artifacts/taxonomy/exports/taxonomy.ttl']));
    // finalize read (and hashed) the S0 records the report cites.
    const finalize = manifest.phases.find((p) => p.task === 'taxonomy:finalize')!;
    expect(finalize.metrics.inputs.map((i) => i.path)).toEqual(expect.arrayContaining(['artifacts/s0/level-2/records-00001.jsonl', 'artifacts/hierarchy/orphans.jsonl']));
  });

  it('says every task is up to date right after the build', async () => {
    expect(await staleTasks()).toEqual([]);
  });
});

describe('curation survives rebuilds', () => {
  let decisions: Array<Record<string, string>> = [];
  beforeAll(async () => {
    const c = await readConcepts();
    decisions = [
      { op: 'pin', concept: idOf(c, 3, 'privacy'), parent: idOf(c, 2, 'security'), note: 'privacy topics belong to security' },
      { op: 'rename', concept: idOf(c, 2, 'databases'), label: 'database systems' },
      { op: 'merge', concept: idOf(c, 2, 'vision'), into: idOf(c, 2, 'computer vision'), note: 'one research area' },
      { op: 'drop', concept: idOf(c, 1, 'brain performance'), note: 'half of a centre name (Concussion and Brain Performance Center), not a department' },
      { op: 'alias', concept: idOf(c, 2, 'machine learning'), alias: 'statistical learning' },
      { op: 'alias', concept: idOf(c, 2, 'cryptography'), alias: 'cryptology' },
      { op: 'pin', concept: 'L2:quantum-computing~34fde0', parent: idOf(c, 1, 'computer science') },
    ];
    await writeFile(join(root, 'config/curation.json'), `${JSON.stringify({ decisions }, null, 2)}\n`);
  });

  it('marks only curation and what follows as stale', async () => {
    expect(await staleTasks()).toEqual(['curation:apply', 'hierarchy:assemble', 'taxonomy:finalize']);
    const status = await collectStaleness(root, { env: process.env });
    expect(status.find((t) => t.task === 'curation:apply')!.reasons).toEqual(['input config/curation.json changed since this task ran']);
  });

  it('applies every decision, reports the one whose target is gone, and lists them all in the manifest', async () => {
    await runTasks(root, await staleTasks());
    const report = await readJsonFile(join(root, 'artifacts/curation/decisions.json'), CurationReportSchema);
    expect(report.outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'unmatched']);
    expect(report.outcomes[6]!.detail).toBe('L2:quantum-computing~34fde0 is not in this build');
    const manifest = await readManifest();
    expect(manifest.summary['curation']).toMatchObject({ counts: { decisions: 7, applied: 6, unchanged: 0, unmatched: 1, conflict: 0 } });
    const byId = new Map((await readConcepts()).map((c) => [c.id, c]));
    const privacy = byId.get(decisions[0]!['concept']!)!;
    expect(privacy.parent).toBe(decisions[0]!['parent']);
    expect(privacy.placement?.method).toBe('curated');
    expect(byId.get(decisions[1]!['concept']!)).toMatchObject({ label: 'database systems', aliases: expect.arrayContaining(['databases']) });
    expect(byId.has(decisions[2]!['concept']!)).toBe(false);
    expect(byId.get(decisions[2]!['into']!)!.aliases).toContain('vision');
    expect(byId.has(decisions[3]!['concept']!)).toBe(false);
    expect(byId.get(decisions[4]!['concept']!)!.aliases).toContain('statistical learning');
    expect(await staleTasks()).toEqual([]);
  });

  it('shows the curated concepts in the report and the changes in the diff', async () => {
    const data = await reportData();
    const curated = data.concepts.filter((c) => c.curated).map((c) => c.id);
    expect(curated).toEqual(expect.arrayContaining([decisions[0]!['concept'], decisions[1]!['concept'], decisions[2]!['into'], decisions[4]!['concept']]));
    expect(data.curation?.counts).toMatchObject({ decisions: 7, unmatched: 1 });
    const entries = await listHistory(root, { dir: 'artifacts/.runs/history' });
    const d = diffSnapshots(await readSnapshot(entries.at(-2)!.file), await readSnapshot(entries.at(-1)!.file), { from: entries.at(-2)!.seq, to: entries.at(-1)!.seq });
    expect(d.moved.map((m) => m.id)).toContain(decisions[0]!['concept']);
    expect(d.relabelled).toEqual([expect.objectContaining({ id: decisions[1]!['concept'], from: 'databases', to: 'database systems' })]);
    expect(d.removed.map((r) => r.id).sort()).toEqual([decisions[2]!['concept'], decisions[3]!['concept']].sort());
    expect(d.aliases.map((a) => a.id)).toEqual(expect.arrayContaining([decisions[4]!['concept'], decisions[5]!['concept']]));
    expect(d.curation.added).toHaveLength(7);
    expect(d.to.total - d.from.total).toBe(d.added.length - d.removed.length);
  });
});

describe('the report in a real browser (Debian chromium via playwright-core)', () => {
  it('loads without console errors, finds a concept, and shows its records and reasons', async () => {
    const { context, page, errors } = await openInChromium(pathToFileURL(join(root, 'artifacts/taxonomy/report/index.html')).href);
    try {
      await page.waitForSelector('html[data-ready="true"]');
      await page.fill('#search', 'database systems');
      await page.waitForSelector('#results .result');
      expect(await page.textContent('#results .result')).toContain('database systems');
      await page.click('#results .result');
      await page.waitForSelector('#reasons li');
      const panel = (await page.textContent('#panel')) ?? '';
      expect(panel).toContain('database systems');
      expect(panel).toContain('curated');
      expect(panel).toMatch(/Records \(\d+ of \d+ shown\)/u);
      expect(await page.locator('#panel a[href^="http"]').count()).toBeGreaterThan(0);
      expect(await page.locator('#reasons li').count()).toBeGreaterThan(2);
      expect(await page.textContent('#reasons')).toContain('curation: renamed "databases" → "database systems"');
      await page.click('nav.tabs button[data-tab="quality"]');
      expect(await page.textContent('#view-quality')).toContain('Orphans and unplaced concepts');
      await page.click('nav.tabs button[data-tab="browse"]');
      const shot = join(root, 'artifacts/report-screenshot.png');
      await page.screenshot({ path: shot });
      process.stdout.write(`report screenshot: ${shot}\n`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('a threshold change', () => {
  let before = 0;
  beforeAll(async () => {
    before = (await readConcepts()).length;
    await writeFile(join(root, 'config/s2.json'), `${JSON.stringify({ level_thresholds: { level_2: { min_institutions: 3 } } }, null, 2)}\n`);
  });

  it('status lists the S2 task that reads it and its dependents, nothing upstream', async () => {
    expect(await staleTasks()).toEqual(['s2:settings', 's2:level-2', 's3:level-2', 's1:level-3', 's2:level-3', 's3:level-3', 'postprocess:run', 'placement:run', 'curation:apply', 'hierarchy:assemble', 'taxonomy:finalize']);
    const status = await collectStaleness(root, { env: process.env });
    expect(status.find((t) => t.task === 's2:settings')!.reasons[0]).toBe('settings changed: s2.level_thresholds.level_2.min_institutions 2 → 3 (the view of level 2 changes)');
  });

  it('diff after the rebuild lists exactly what disappeared, matching the two manifests, and the setting', async () => {
    await runTasks(root, await staleTasks());
    expect(await staleTasks()).toEqual([]);
    const after = await readConcepts();
    const entries = await listHistory(root, { dir: 'artifacts/.runs/history' });
    const [from, to] = [await readSnapshot(entries.at(-2)!.file), await readSnapshot(entries.at(-1)!.file)];
    const d = diffSnapshots(from, to, { from: entries.at(-2)!.seq, to: entries.at(-1)!.seq });
    expect(d.settings).toEqual([{ path: 's2.level_thresholds.level_2.min_institutions', from: 2, to: 3 }]);
    expect(d.to.total).toBe(after.length);
    expect(d.from.total).toBe(before);
    expect(d.added.length - d.removed.length).toBe(after.length - before);
    const gone = new Set(after.map((c) => c.id));
    expect(d.removed.every((c) => !gone.has(c.id))).toBe(true);
    expect(d.removed.length).toBeGreaterThan(0);
    // The alias on "cryptography" now names a concept that is gone: reported, not ignored.
    const report = await readJsonFile(join(root, 'artifacts/curation/decisions.json'), CurationReportSchema);
    expect(report.outcomes[5]).toMatchObject({ status: 'unmatched', detail: 'L2:cryptography is not in this build' });
  });
});
