import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';

const run = promisify(execFile);
const SCRIPT = join(findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url))), 'tools', 'nx', 'hash-sources.mjs');

let root: string;
async function hashOf(): Promise<string> {
  const { stdout } = await run(process.execPath, [SCRIPT, root]);
  return stdout.trim();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 's0-hash-'));
  await mkdir(join(root, 'config'), { recursive: true });
  await mkdir(join(root, 'data', 'pages'), { recursive: true });
  await mkdir(join(root, 'corpus'), { recursive: true });
  await writeFile(join(root, 'config', 's0.json'), JSON.stringify({ sources_manifest: 'data/sources.json' }));
  await writeFile(
    join(root, 'data', 'sources.json'),
    JSON.stringify({
      sources: [
        { id: 'departments', level: 1, loader: 'institution-unit-list', path: 'data/departments.txt' },
        { id: 'pages', level: 2, loader: 'html-folder', path: 'data/pages', institution: 'Duke University' },
      ],
    }),
  );
  await writeFile(join(root, 'data', 'departments.txt'), 'yale university||department of computer science\n');
  await writeFile(join(root, 'data', 'pages', 'a.html'), '<h1>Research Areas</h1><ul><li>Big Data</li></ul>');
  await writeFile(join(root, 'corpus', 'sources.json'), '{"sources": []}');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tools/nx/hash-sources.mjs', () => {
  it('prints one sha256 that changes with every listed file or folder, and only with those', async () => {
    const first = await hashOf();
    expect(first).toMatch(/^[0-9a-f]{64}$/u);
    expect(await hashOf()).toBe(first);

    await writeFile(join(root, 'corpus', 'sources.json'), '{"sources": [{"id": "other"}]}');
    await writeFile(join(root, 'data', 'unlisted.txt'), 'not a source');
    expect(await hashOf()).toBe(first);

    await writeFile(join(root, 'data', 'pages', 'b.html'), '<h1>Theory</h1>');
    const withPage = await hashOf();
    expect(withPage).not.toBe(first);

    await writeFile(join(root, 'data', 'departments.txt'), 'yale university||department of linguistics\n');
    const withList = await hashOf();
    expect(withList).not.toBe(withPage);

    await writeFile(join(root, 'config', 's0.json'), '{}');
    expect(await hashOf()).not.toBe(withList);
  });
});

describe('tools/nx/hash-sources.mjs manifest resolution', () => {
  it.each([
    [{ TAXONOMY_OVERRIDES_S0: 'shard_size=10;sources_manifest=data/sources.json' }],
    [{ TAXONOMY_ENV: 'testing' }],
  ])('follows the manifest named by %j', async (env) => {
    await writeFile(join(root, 'config', 's0.json'), JSON.stringify({ profiles: { testing: { sources_manifest: 'data/sources.json' } } }));
    const hash = async (extra: Record<string, string>) =>
      (await run(process.execPath, [SCRIPT, root], { env: { PATH: process.env['PATH'] ?? '', ...extra } })).stdout.trim();
    const before = await hash(env);
    const plainBefore = await hash({});
    await writeFile(join(root, 'data', 'departments.txt'), `stanford university||department of linguistics ${Object.keys(env)[0]}\n`);
    expect(await hash(env)).not.toBe(before);
    // Without the variable the default manifest applies, which does not list the file.
    expect(await hash({})).toBe(plainBefore);
  });
});
