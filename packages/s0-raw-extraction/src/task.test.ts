import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuarantineEntrySchema, SourceRecordSchema, findWorkspaceRoot, listJsonlFiles, readJsonlAll, type SourceRecord } from '@taxonomy/core';
import { loadSourcesManifest } from './manifest.ts';
import { runS0Task } from './task.ts';

const run = promisify(execFile);
const REPO = findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
// The two processes of the Nx graph: s0:sources, then s0:level-N.
const SOURCES_MAIN = fileURLToPath(new URL('./sources-main.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 's0-task-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A workspace of its own: nx.json, config/, and the given sources manifest. */
async function makeWorkspace(name: string, sources: unknown[], s0Config: Record<string, unknown> = {}): Promise<string> {
  const root = join(tmp, name);
  await mkdir(join(root, 'config'), { recursive: true });
  await mkdir(join(root, 'corpus'), { recursive: true });
  await writeFile(join(root, 'nx.json'), '{}\n');
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await writeFile(join(root, 'config', 's0.json'), JSON.stringify(s0Config));
  await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify({ sources }, null, 2));
  return root;
}

async function readLevel(root: string, level: number, outDir = 'artifacts/s0') {
  const records: SourceRecord[] = [];
  for (const file of await listJsonlFiles(join(root, outDir, `level-${level}`), 'records')) records.push(...(await readJsonlAll(file, { schema: SourceRecordSchema, onBad: (b) => expect.fail(b.reason) })));
  return records;
}

async function snapshotFolder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = await readFile(path, 'utf8');
  }
  return out;
}

// Real lines of corpus/units/source_records.jsonl.
const GOOD_1 =
  '{"text": "YALE UNIVERSITY - School of Medicine", "provenance": {"institution": "YALE UNIVERSITY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}';
const GOOD_2 =
  '{"text": "DUKE UNIVERISTY - Pratt School of Engineering", "provenance": {"institution": "DUKE UNIVERISTY", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}';

describe('runS0Task on bad input', () => {
  it('keeps every good line, quarantines every bad one with file, line and reason, and exits 0', async () => {
    const root = await makeWorkspace('bad-input', [{ id: 'units', level: 0, loader: 'source-records-jsonl', path: 'corpus/units.jsonl' }]);
    const lines: Buffer[] = [
      Buffer.from(`\uFEFF${GOOD_1}`),
      Buffer.from('{"text": "YALE UNIVERSITY - School of Law", "provenance": '),
      Buffer.from('{"text": 42, "provenance": {"institution": ["YALE UNIVERSITY"]}}'),
      Buffer.from('{"text": "", "provenance": {"institution": "YALE UNIVERSITY"}}'),
      Buffer.concat([Buffer.from('{"text": "Universit'), Buffer.from([0xe9, 0xff]), Buffer.from(' de Montr\u00e9al", "provenance": {"institution": "UdeM"}}')]),
      Buffer.from(JSON.stringify({ text: 'x'.repeat(5 * 1024 * 1024), provenance: { institution: 'YALE UNIVERSITY' } })),
      Buffer.from(GOOD_2),
    ];
    await writeFile(join(root, 'corpus', 'units.jsonl'), Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])));

    await run(process.execPath, ['--import', TSX, SOURCES_MAIN], { cwd: root, maxBuffer: 1 << 24 });
    const { stderr } = await run(process.execPath, ['--import', TSX, MAIN, '--level', '0'], { cwd: root, maxBuffer: 1 << 24 });
    expect(stderr).not.toContain('taxonomy:');

    const records = await readLevel(root, 0);
    expect(records.map((r) => r.text).sort()).toEqual(['DUKE UNIVERISTY - Pratt School of Engineering', 'YALE UNIVERSITY - School of Medicine']);
    const quarantine = await readJsonlAll(join(root, 'artifacts/s0/level-0/quarantine.jsonl'), { schema: QuarantineEntrySchema, onBad: (b) => expect.fail(b.reason) });
    expect(quarantine.map((q) => [q.file, q.line, q.reason.replace(/:.*$/u, '')])).toEqual([
      ['corpus/units.jsonl', 2, 'malformed JSON'],
      ['corpus/units.jsonl', 3, 'schema'],
      ['corpus/units.jsonl', 4, 'schema'],
      ['corpus/units.jsonl', 5, 'invalid UTF-8'],
      // CR, LF and CRLF all end a line: the count is the line's own bytes
      ['corpus/units.jsonl', 6, `line is ${lines[5]!.length} bytes, over the 4194304-byte limit`],
    ]);
    expect(quarantine[1]!.reason).toMatch(/text: .*string.*provenance\.institution/u);
    expect(quarantine[2]!.reason).toContain('text: must not be empty');
    const metrics = JSON.parse(await readFile(join(root, 'artifacts/s0/level-0/metrics.json'), 'utf8')) as { counters: Record<string, number> };
    expect(metrics.counters).toMatchObject({ quarantined: 5, records_out_level_0: 2 });
  });

  it.each([
    [{ id: 'units', level: 0, loader: 'source-records-jsonl', path: 'corpus/missing.jsonl' }, 'input not found: corpus/missing.jsonl'],
  ])('a missing input is INPUT_NOT_FOUND naming the path', async (source, message) => {
    const root = await makeWorkspace('missing', [source]);
    await expect(runS0Task({ root })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message });
    const failed = (await run(process.execPath, ['--import', TSX, SOURCES_MAIN], { cwd: root }).then(
      () => ({ code: 0, stderr: '' }),
      (err: unknown) => err as { code: number; stderr: string },
    ));
    expect(failed.code).toBe(3);
    expect(failed.stderr.trim().split('\n')).toEqual([`taxonomy: INPUT_NOT_FOUND: ${message}`]);
  });

  it.each([
    [{ sources: [{ id: 'units', level: 4, loader: 'source-records-jsonl', path: 'x' }] }, 'sources.0.level'],
    [{ sources: [{ id: 'units', level: 0, loader: 'pdf', path: 'x' }] }, 'sources.0.loader'],
    [{ sources: [{ id: 'a', level: 0, loader: 'csv', path: 'x', options: { institution_col: 'x' } }] }, 'sources.0.options'],
  ])('an invalid manifest is INPUT_INVALID naming the key (%#)', async (manifest, key) => {
    const root = await makeWorkspace('bad-manifest', []);
    await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify(manifest));
    await expect(runS0Task({ root })).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining(key) });
  });
});

describe('runS0Task on the sample corpus', () => {
  let root: string;
  beforeAll(async () => {
    root = join(tmp, 'sample');
    await makeWorkspace('sample', []);
    await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
    await runS0Task({ root });
  });

  it('validates the repository manifest', async () => {
    const manifest = await loadSourcesManifest(join(REPO, 'corpus', 'sources.json'));
    expect(manifest.sources.map((s) => [s.id, s.level, s.loader])).toEqual([
      ['units', 0, 'source-records-jsonl'],
      ['departments', 1, 'institution-unit-list'],
      ['unit-pages', 1, 'page-snapshots-jsonl'],
      ['research-area-pages', 2, 'page-snapshots-jsonl'],
      ['cfp-pages', 3, 'page-snapshots-jsonl'],
    ]);
  });

  it('keeps all 466 unit records at L0 and at least 2,000 department records at L1', async () => {
    const l0 = await readLevel(root, 0);
    const l1 = await readLevel(root, 1);
    const unitLines = (await readFile(join(REPO, 'corpus/units/source_records.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
    expect(l0).toHaveLength(unitLines.length);
    expect(l1.length).toBeGreaterThanOrEqual(2000);
    expect(new Set([...l0, ...l1].map((r) => r.id)).size).toBe(l0.length + l1.length);
    expect(l0.every((r) => r.level === 0 && r.parent_anchor === null)).toBe(true);
  });

  it('emits one L2 record per listed research area, each under "computer science"', async () => {
    const l2 = await readLevel(root, 2);
    expect(l2.every((r) => r.parent_anchor === 'computer science')).toBe(true);
    const duke = l2.filter((r) => r.provenance.url === 'http://cse.cs.duke.edu/research.php').map((r) => r.text);
    expect(duke.sort()).toEqual(
      ['Big Data', 'Computer Architecture', 'Cloud Computing', 'Data Centers', 'Databases', 'Distributed Systems', 'Emerging Technologies', 'Energy Efficiency', 'Fault Tolerance', 'Mobile Computing', 'Nanotechnology', 'Networking', 'Operating Systems', 'Privacy', 'Security'].sort(),
    );
    expect(l2.find((r) => r.text === 'Big Data')!.provenance.section).toBe('Areas and Themes');
  });

  it('emits one L3 record per CFP topic with the venue\'s research area as parent anchor, and no CFP furniture', async () => {
    const l3 = await readLevel(root, 3);
    const pages = (await readFile(join(REPO, 'corpus/pages/pages.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { url: string; text: string });
    const neurips = pages.find((p) => p.url === 'https://neurips.cc/Conferences/2026/CallForPapers')!;
    const topicLines = neurips.text.split('\n').slice(2);
    const records = l3.filter((r) => r.provenance.url === neurips.url);
    expect(records.map((r) => r.text).sort()).toEqual([...topicLines].sort());
    expect(new Set(records.map((r) => r.parent_anchor))).toEqual(new Set(['machine learning']));
    expect(l3.filter((r) => /we invite submissions|not limited to/iu.test(r.text))).toEqual([]);
    const anchors = Object.fromEntries(l3.map((r) => [r.provenance.institution, r.parent_anchor]));
    expect(anchors).toMatchObject({ ACL: 'natural language processing', SIGMOD: 'databases', STOC: 'theory of computation', ASPLOS: 'computer architecture' });
  });

  it('writes index.json, sorted shards and input checksums', async () => {
    const index = JSON.parse(await readFile(join(root, 'artifacts/s0/index.json'), 'utf8')) as {
      sources: Array<{ id: string; records_out: number; files: string[] }>;
      levels: Record<string, { records: number; files: string[] }>;
    };
    expect(index.sources.map((s) => s.id)).toEqual(['units', 'departments', 'unit-pages', 'research-area-pages', 'cfp-pages']);
    expect(index.levels['0']!.files).toEqual(['level-0/records-00001.jsonl']);
    const l1 = await readLevel(root, 1);
    expect(l1.map((r) => r.id)).toEqual([...l1.map((r) => r.id!)].sort());
    const metrics = JSON.parse(await readFile(join(root, 'artifacts/s0/metrics.json'), 'utf8')) as { inputs: Array<{ path: string }> };
    expect(metrics.inputs.map((i) => i.path)).toEqual([
      'corpus/departments/institutions_departments.txt',
      'corpus/pages/pages.jsonl',
      'corpus/sources.json',
      'corpus/units/source_records.jsonl',
    ]);
  });

  it('gives byte-identical artifacts on a second run, and shards by s0.shard_size', async () => {
    const first = await snapshotFolder(join(root, 'artifacts/s0'));
    await runS0Task({ root });
    const second = await snapshotFolder(join(root, 'artifacts/s0'));
    expect(Object.keys(second).sort()).toEqual(['index.json', 'level-0/records-00001.jsonl', 'level-1/records-00001.jsonl', 'level-2/records-00001.jsonl', 'level-3/records-00001.jsonl', 'metrics.json', 'quarantine.jsonl']);
    expect(second).toEqual(first);
    await runS0Task({ root, outDir: 'artifacts/s0-sharded', overrides: ['s0.shard_size=1000'] });
    const shards = (await readdir(join(root, 'artifacts/s0-sharded/level-1'))).sort();
    expect(shards).toEqual(['records-00001.jsonl', 'records-00002.jsonl', 'records-00003.jsonl']);
  });

  it('runs one ad-hoc input with the loader inferred from its extension', async () => {
    const { index } = await runS0Task({ root, outDir: 'artifacts/adhoc', input: { path: 'corpus/departments/institutions_departments.txt', level: 1 } });
    expect(index.sources).toEqual([
      expect.objectContaining({ id: 'institutions_departments.txt', loader: 'institution-unit-list', level: 1, records_out: index.levels['1']!.records }),
    ]);
    expect(index.levels['0']!.records).toBe(0);
    await expect(runS0Task({ root, outDir: 'artifacts/adhoc', input: { path: 'corpus/nope.csv', level: 1 } })).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: 'input not found: corpus/nope.csv',
    });
  });
});
