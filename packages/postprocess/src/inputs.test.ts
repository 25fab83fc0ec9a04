import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';
import { afterEach, describe, expect, it } from 'vitest';
import { s0RecordFiles } from './inputs.ts';

describe('s0RecordFiles', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('lists what the glob s0/level-*/records-*.jsonl matches: files only, through symbolic links, absolute, sorted', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-inputs-'));
    const art = join(dir, 'artifacts');
    for (const level of ['level-0', 'level-1', 'level-10', 'level-']) await mkdir(join(art, 's0', level), { recursive: true });
    const files = ['level-1/records-00002.jsonl', 'level-1/records-00001.jsonl', 'level-0/records-00001.jsonl', 'level-10/records-.jsonl', 'level-/records-x.jsonl'];
    for (const f of files) await writeFile(join(art, 's0', f), '{}\n');
    // Not matched: other names, a folder named like a shard, a file named like a level, a level folder elsewhere.
    await writeFile(join(art, 's0', 'level-0', 'quarantine.jsonl'), '');
    await writeFile(join(art, 's0', 'level-0', 'records-00001.json'), '');
    await writeFile(join(art, 's0', 'level-0', 'records.jsonl'), '');
    await mkdir(join(art, 's0', 'level-0', 'records-dir.jsonl'));
    await writeFile(join(art, 's0', 'level-9'), '');
    await mkdir(join(art, 's1', 'level-0'), { recursive: true });
    await writeFile(join(art, 's1', 'level-0', 'records-00001.jsonl'), '');
    // A linked level folder and a linked shard count; a dangling link does not.
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', 'records-00001.jsonl'), '{}\n');
    await symlink(join(dir, 'elsewhere'), join(art, 's0', 'level-3'));
    await symlink(join(dir, 'elsewhere', 'records-00001.jsonl'), join(art, 's0', 'level-1', 'records-00003.jsonl'));
    await symlink(join(dir, 'missing.jsonl'), join(art, 's0', 'level-1', 'records-00004.jsonl'));

    const listed = await s0RecordFiles(art);
    const globbed = (await fg('s0/level-*/records-*.jsonl', { cwd: art, absolute: true, onlyFiles: true })).sort();
    expect(listed).toEqual(globbed);
    expect(listed.map((f) => f.slice(art.length + 1))).toEqual([
      's0/level-/records-x.jsonl',
      's0/level-0/records-00001.jsonl',
      's0/level-1/records-00001.jsonl',
      's0/level-1/records-00002.jsonl',
      's0/level-1/records-00003.jsonl',
      's0/level-10/records-.jsonl',
      's0/level-3/records-00001.jsonl',
    ]);
  });

  it('is empty without S0 output', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-inputs-'));
    expect(await s0RecordFiles(join(dir, 'artifacts'))).toEqual([]);
    await writeFile(join(dir, 's0'), '');
    expect(await s0RecordFiles(dir)).toEqual([]);
  });
});
