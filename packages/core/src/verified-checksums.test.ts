import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sealArtifactFolder, sha256File, verifyArtifactFolder } from './artifact-check.ts';
import { describeFile } from './jsonl.ts';
import { verifiedChecksum } from './verified-checksums.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A sealed task folder `out` holding a read file and an unread one, as S1's candidates and record log. */
async function sealedFolder(): Promise<{ root: string; out: string; read: string; unread: string }> {
  const root = await mkdtemp(join(tmpdir(), 'taxonomy-verified-'));
  dirs.push(root);
  const out = join(root, 'artifacts', 'task');
  await mkdir(out, { recursive: true });
  const read = join(out, 'candidates-00001.jsonl');
  const unread = join(out, 'record-log-00001.jsonl');
  await writeFile(read, '{"a":1}\n{"a":2}\n');
  await writeFile(unread, '{"log":1}\n');
  await sealArtifactFolder(out, { root });
  return { root, out, read, unread };
}

describe('verifyArtifactFolder: only what is read is hashed, the folder is still checked whole', () => {
  it('an edited file the task does not read passes; the same edit in a read file fails, naming it', async () => {
    const { root, out, read, unread } = await sealedFolder();
    await writeFile(unread, '{"log":2}\n');
    expect((await verifyArtifactFolder(out, { root, files: [read] })).problems).toEqual([]);
    expect((await verifyArtifactFolder(out, { root })).problems).toEqual([expect.stringMatching(/^artifacts\/task\/record-log-00001\.jsonl: sha256 /u)]);
    await writeFile(read, '{"a":1}\n');
    expect((await verifyArtifactFolder(out, { root, files: [read] })).problems).toEqual([expect.stringMatching(/^artifacts\/task\/candidates-00001\.jsonl: sha256 /u)]);
  });

  it('a file put there by hand still fails, and a read file the metrics do not list cannot be checked', async () => {
    const { root, out, read } = await sealedFolder();
    const stray = join(out, 'candidates-00002.jsonl');
    await writeFile(stray, '{"a":3}\n');
    const problems = (await verifyArtifactFolder(out, { root, files: [read, stray] })).problems;
    expect(problems).toEqual([
      'artifacts/task/candidates-00002.jsonl: not listed in artifacts/task/metrics.json, so it cannot be checked',
      'artifacts/task/candidates-00002.jsonl: not written by the task (not listed in artifacts/task/metrics.json)',
    ]);
  });

  it('checksums: false lists what is there without hashing: edited content passes, a missing file does not', async () => {
    const { root, out, read, unread } = await sealedFolder();
    await writeFile(read, 'edited\n');
    expect((await verifyArtifactFolder(out, { root, checksums: false })).problems).toEqual([]);
    await rm(unread);
    expect((await verifyArtifactFolder(out, { root, checksums: false })).problems).toEqual([
      'artifacts/task/record-log-00001.jsonl: missing (listed in artifacts/task/metrics.json)',
    ]);
  });
});

describe('describeFile reuses a checksum this process verified, only while the file is unchanged', () => {
  it('returns the verified sha256 without reading, and hashes again after the file changes', async () => {
    const { root, out, read } = await sealedFolder();
    const sha = await sha256File(read);
    expect(verifiedChecksum(read)).toBeNull();
    await verifyArtifactFolder(out, { root, files: [read] });
    expect(verifiedChecksum(read)).toBe(sha);
    expect((await describeFile(read, root)).sha256).toBe(sha);
    await writeFile(read, '{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(verifiedChecksum(read)).toBeNull();
    const changed = await describeFile(read, root);
    expect(changed.sha256).toBe(await sha256File(read));
    expect(changed.sha256).not.toBe(sha);
  });
});
