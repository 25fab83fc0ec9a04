import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forEachChunk, sha256File } from './artifact-check.ts';

describe('forEachChunk / sha256File', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('reads every byte once, in chunks of at most 1 MiB, and hashes as the whole file does', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chunks-'));
    // 2.5 MiB of varied bytes: two full chunks and a partial one.
    const body = Buffer.alloc(2.5 * (1 << 20));
    for (let i = 0; i < body.length; i += 1) body[i] = (i * 7919) % 251;
    const file = join(dir, 'big.bin');
    await writeFile(file, body);
    const sizes: number[] = [];
    const hash = createHash('sha256');
    forEachChunk(file, (chunk) => {
      sizes.push(chunk.length);
      hash.update(chunk);
    });
    expect(sizes).toEqual([1 << 20, 1 << 20, 0.5 * (1 << 20)]);
    const whole = createHash('sha256').update(body).digest('hex');
    expect(hash.digest('hex')).toBe(whole);
    expect(await sha256File(file)).toBe(whole);
  });

  it('gives no chunk for an empty file, and fails for a missing one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chunks-'));
    await writeFile(join(dir, 'empty'), '');
    let calls = 0;
    forEachChunk(join(dir, 'empty'), () => (calls += 1));
    expect(calls).toBe(0);
    expect(await sha256File(join(dir, 'empty'))).toBe(createHash('sha256').digest('hex'));
    await expect(sha256File(join(dir, 'missing'))).rejects.toThrow(/ENOENT/u);
  });
});
