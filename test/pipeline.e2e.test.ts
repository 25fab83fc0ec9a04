import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CandidateSchema, ConceptSchema, findWorkspaceRoot, readJsonlAll, readJsonFile, PhaseMetricsSchema } from '@taxonomy/core';
import { collectStatus } from '../packages/taxonomy/src/commands/manage.ts';
import { runS0Task } from '@taxonomy/s0-raw-extraction';
import { runS1Task } from '@taxonomy/s1-extraction';
import { runS2Task } from '@taxonomy/s2-frequency';
import { runS3Task } from '@taxonomy/s3-verification';
import { runPostprocessTask } from '@taxonomy/postprocess';
import { checkInvariants, runHierarchyTask } from '@taxonomy/hierarchy';
import { runFinalizeTask } from '@taxonomy/taxonomy';

/**
 * The whole build of the bundled sample corpus, offline, through the same task functions the Nx
 * targets run, in a scratch copy of the workspace (config + corpus), so the test never touches the
 * repository's own artifacts or Nx cache.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
let root = '';

async function buildAll(at: string): Promise<void> {
  await runS0Task({ root: at });
  for (const level of [0, 1, 2, 3]) {
    await runS1Task({ level, root: at });
    await runS2Task({ level, root: at });
    await runS3Task({ level, root: at });
  }
  await runPostprocessTask({ root: at });
  await runHierarchyTask({ root: at });
  await runFinalizeTask({ root: at });
}

async function scratchWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taxonomy-e2e-'));
  await writeFile(join(dir, 'nx.json'), '{}');
  await cp(join(repo, 'config'), join(dir, 'config'), { recursive: true });
  await cp(join(repo, 'corpus'), join(dir, 'corpus'), { recursive: true });
  return dir;
}

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
      const dropped = await readJsonlAll(join(root, `artifacts/s2/level-${level}`), { schema: CandidateSchema, onBad }).then((all) =>
        all.filter((c) => c.gates['frequency'] === false),
      );
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
    for (const t of ['s0:extract', 's1:level-0', 's2:level-3', 's3:level-3', 'postprocess:run', 'hierarchy:assemble']) expect(tasks).toContain(t);
  });

  it('is byte-identical when built again from scratch', async () => {
    const again = await scratchWorkspace();
    await buildAll(again);
    for (const file of ['artifacts/taxonomy/concepts.jsonl', 'artifacts/taxonomy/hierarchy.json']) {
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
  async function copyOfBuild(): Promise<string> {
    const copy = await mkdtemp(join(tmpdir(), 'taxonomy-e2e-damaged-'));
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
    const { rm } = await import('node:fs/promises');
    await rm(join(at, 'artifacts/s2/level-3/metrics.json'));
    await expect(runS3Task({ level: 3, root: at })).rejects.toMatchObject({ code: 'ARTIFACT_MISSING', message: expect.stringMatching(/^artifacts\/s2\/level-3\/metrics\.json: missing/u) });
  });
});

