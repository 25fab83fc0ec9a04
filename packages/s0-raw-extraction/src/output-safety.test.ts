import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, sha256Hex } from '@taxonomy/core';
import { runS0Task } from './task.ts';

/**
 * Issue 11, item 6: never delete input or the last good output. Before, `generate --step S0 --input
 * corpus/units/source_records.jsonl --output corpus/units` emptied the input folder, and a corrupt XLSX
 * listed after four good sources emptied artifacts/s0 (3,064 records gone).
 */
const REPO = findWorkspaceRoot(import.meta.dirname);
let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 's0-outputs-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function workspace(name: string): Promise<string> {
  const root = join(tmp, name);
  await mkdir(join(root, 'config'), { recursive: true });
  await writeFile(join(root, 'nx.json'), '{}\n');
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  return root;
}

/** path → sha256 of every file below `dir`. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name))] = sha256Hex(await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

describe('S0 never deletes its input or the last good output', () => {
  it('refuses an output folder that holds the input, and leaves the input folder as it was', async () => {
    const root = await workspace('into-input');
    const before = await fingerprint(join(root, 'corpus/units'));
    await expect(runS0Task({ root, input: { path: 'corpus/units/source_records.jsonl', level: 0 }, outDir: 'corpus/units' })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'output folder corpus/units holds the input corpus/units/source_records.jsonl, which it would delete; choose another folder',
    });
    expect(await fingerprint(join(root, 'corpus/units'))).toEqual(before);
  });

  it('keeps the last good artifacts/s0 when a corrupt workbook follows four good sources', async () => {
    const root = await workspace('corrupt-xlsx');
    await runS0Task({ root });
    const good = await fingerprint(join(root, 'artifacts/s0'));
    const records = (await readFile(join(root, 'artifacts/s0/level-1/records-00001.jsonl'), 'utf8')).split('\n').length - 1;
    expect(records).toBeGreaterThan(2000);
    const manifest = JSON.parse(await readFile(join(root, 'corpus/sources.json'), 'utf8')) as { sources: unknown[] };
    manifest.sources.push({ id: 'faculty', level: 1, loader: 'xlsx', path: 'corpus/departments/faculty.xlsx' });
    await writeFile(join(root, 'corpus/sources.json'), JSON.stringify(manifest, null, 2));
    // The first bytes of a ZIP archive, cut short: what a half-copied workbook looks like.
    await writeFile(join(root, 'corpus/departments/faculty.xlsx'), Buffer.from('504b0304140000000800', 'hex'));
    await expect(runS0Task({ root })).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('corpus/departments/faculty.xlsx: not a readable XLSX workbook') });
    expect(await fingerprint(join(root, 'artifacts/s0'))).toEqual(good);
    // No staging folder is left beside it.
    expect((await readdir(join(root, 'artifacts'))).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it('refuses an output folder holding files no task wrote', async () => {
    const root = await workspace('foreign');
    await mkdir(join(root, 'reports'));
    await writeFile(join(root, 'reports', 'notes.txt'), 'my notes\n');
    await expect(runS0Task({ root, outDir: 'reports' })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^output folder reports holds files no task wrote \(reports\/metrics\.json: missing/u),
    });
    expect(await readFile(join(root, 'reports', 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('replaces its own earlier output (metrics.json lists every file) and refuses one with an extra file', async () => {
    const root = await workspace('rerun');
    await runS0Task({ root, outDir: 'out/s0' });
    await runS0Task({ root, outDir: 'out/s0' });
    await writeFile(join(root, 'out/s0/level-0/records-00002.jsonl'), '{}\n');
    await expect(runS0Task({ root, outDir: 'out/s0' })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('out/s0/level-0/records-00002.jsonl: not written by the task'),
    });
  });
});
