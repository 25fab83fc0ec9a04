import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runS0Task } from './task.ts';

/**
 * Issue 11, item 5: a sources manifest may only make S0 read plain files inside the workspace (or under an
 * explicit `allowed_roots`). Before, `../../../etc/passwd`, an absolute path or a symlink out were read and
 * their lines landed in quarantine.jsonl; /dev/zero took 7.6 GB; a FIFO hung the read.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);
const SECRET = 'OUTSIDE-SECRET-9d2f';
let tmp = '';
let outside = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 's0-paths-'));
  outside = join(tmp, 'outside');
  await mkdir(outside);
  // A file outside the workspace that must never reach an artifact (stands for /etc/passwd, /proc/self/environ).
  await writeFile(join(outside, 'secrets.txt'), `root:x:0:0:${SECRET}:/root:/bin/bash\nAPI_KEY=${SECRET}\n`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A workspace with the real sample corpus; `extra` sources are appended to the sample manifest. */
async function workspace(name: string, extra: unknown[], manifestFields: Record<string, unknown> = {}): Promise<string> {
  const root = join(tmp, name);
  await mkdir(join(root, 'config'), { recursive: true });
  await writeFile(join(root, 'nx.json'), '{}\n');
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  const manifest = JSON.parse(await readFile(join(root, 'corpus', 'sources.json'), 'utf8')) as { sources: unknown[] };
  await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify({ ...manifest, ...manifestFields, sources: [...manifest.sources, ...extra] }, null, 2));
  return root;
}

/** Every byte under `artifacts/` (absent folder: empty string). */
async function artifactText(root: string): Promise<string> {
  const dir = join(root, 'artifacts');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const parts: string[] = [];
  for (const e of entries) if (e.isFile()) parts.push(await readFile(join(e.parentPath, e.name), 'utf8'));
  return parts.join('\n');
}

describe('hostile source paths fail in one line and leak nothing', () => {
  it.each([
    ['a relative path climbing out', (root: string) => relative(root, join(outside, 'secrets.txt')), [], /resolves to .*outside the workspace/u],
    ['an absolute path', () => join(outside, 'secrets.txt'), [], /resolves to .*outside the workspace/u],
    ['a symlink out of the workspace', () => 'corpus/units/linked.txt', [], /resolves to .*outside the workspace/u],
    ['a device', () => '/dev/zero', [], /resolves to \/dev\/zero, outside the workspace/u],
    ['a device even under allowed_roots', () => '/dev/zero', ['/dev'], /is a character device, not a regular file/u],
    ['a FIFO', () => 'corpus/units/pipe.txt', [], /is a FIFO, not a regular file/u],
  ])('%s', async (name, pathOf, allowed, message) => {
    const root = await workspace(name.replace(/\W+/gu, '-'), [], { allowed_roots: allowed });
    await symlink(join(outside, 'secrets.txt'), join(root, 'corpus/units/linked.txt'));
    execFileSync('mkfifo', [join(root, 'corpus/units/pipe.txt')]);
    const path = pathOf(root);
    const manifest = JSON.parse(await readFile(join(root, 'corpus', 'sources.json'), 'utf8')) as { sources: unknown[] };
    manifest.sources.push({ id: 'hostile', level: 1, loader: 'institution-unit-list', path });
    await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify(manifest));
    const err = (await runS0Task({ root }).catch((e: unknown) => e)) as { code: string; message: string };
    expect(err.code).toBe('INPUT_INVALID');
    expect(err.message).toMatch(message);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toContain('source "hostile"');
    expect(await artifactText(root)).not.toContain(SECRET);
  }, 20_000);

  it('reads a folder outside the workspace only when the manifest lists it under allowed_roots', async () => {
    const list = join(outside, 'departments.txt');
    // Real lines of corpus/departments/institutions_departments.txt.
    await writeFile(list, 'yale university||physics\nstanford university||cytopathology\n');
    const root = await workspace('allowed', [{ id: 'outside-list', level: 1, loader: 'institution-unit-list', path: list }], { allowed_roots: [outside] });
    const { index } = await runS0Task({ root });
    expect(index.sources.find((s) => s.id === 'outside-list')).toMatchObject({ records_out: 2 });
  });

  it('refuses a source over s0.max_source_bytes before reading it', async () => {
    const root = await workspace('too-large', []);
    await writeFile(join(root, 'config', 's0.json'), JSON.stringify({ max_source_bytes: 100_000 }));
    await expect(runS0Task({ root })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/^source "units" \(corpus\/units\/source_records\.jsonl\) is 156075 bytes, over s0\.max_source_bytes=100000$/u),
    });
  });

  it('refuses a workbook that inflates past s0.max_unzipped_bytes', async () => {
    const root = await workspace('zip-bomb', [{ id: 'workbook', level: 1, loader: 'xlsx', path: 'corpus/departments/departments.xlsx' }]);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Departments');
    sheet.addRow(['institution', 'text']);
    // 20,000 rows of one real department line compress to a few kB and inflate to megabytes.
    for (let i = 0; i < 20_000; i += 1) sheet.addRow(['yale university', 'physics']);
    await workbook.xlsx.writeFile(join(root, 'corpus/departments/departments.xlsx'));
    await writeFile(join(root, 'config', 's0.json'), JSON.stringify({ max_unzipped_bytes: 1_000_000 }));
    await expect(runS0Task({ root })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/^corpus\/departments\/departments\.xlsx: the workbook inflates to more than s0\.max_unzipped_bytes=1000000 bytes/u),
    });
  }, 20_000);

  it('never walks node_modules, .git, .nx or artifacts of an html folder, and refuses a page linked out', async () => {
    const root = await workspace('html', [{ id: 'html', level: 2, loader: 'html-folder', path: 'corpus/html', institution: 'Duke University' }]);
    const page = (items: string[]) => `<html lang="en"><head><title>Research Areas</title></head><body><h1>Research Areas</h1><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></body></html>`;
    await mkdir(join(root, 'corpus/html/node_modules/pkg'), { recursive: true });
    await mkdir(join(root, 'corpus/html/.git'), { recursive: true });
    await mkdir(join(root, 'corpus/html/artifacts'), { recursive: true });
    // Research areas of corpus/pages/pages.jsonl (Duke systems).
    await writeFile(join(root, 'corpus/html/research.html'), page(['Computer Architecture', 'Distributed Systems']));
    await writeFile(join(root, 'corpus/html/node_modules/pkg/readme.html'), page(['Node Package Readme']));
    await writeFile(join(root, 'corpus/html/artifacts/old.html'), page(['Old Artifact']));
    await writeFile(join(outside, 'page.html'), page([SECRET]));
    await symlink(join(outside, 'page.html'), join(root, 'corpus/html/linked.html'));
    const { index, metrics } = await runS0Task({ root });
    const l2 = await readFile(join(root, 'artifacts/s0/level-2/records-00001.jsonl'), 'utf8');
    expect(l2).toContain('Distributed Systems');
    expect(l2).not.toContain('Node Package Readme');
    expect(l2).not.toContain('Old Artifact');
    expect(index.sources.find((s) => s.id === 'html')!.files).toEqual(['corpus/html/research.html']);
    expect(metrics.counters['pages_refused']).toBe(1);
    const text = await artifactText(root);
    expect(text).toContain('page refused: corpus/html/linked.html resolves to');
    expect(text).not.toContain(SECRET);
  }, 20_000);
});
