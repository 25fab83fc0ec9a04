import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stableStringify, type ArtifactRef, type WriteJsonlOptions } from '@taxonomy/core';

/** Bytes of serialised lines gathered before one write (and one hash update). */
const CHUNK_CHARS = 1 << 20;

/**
 * `writeJsonl` from `@taxonomy/core` — the same bytes, shard names, refs (path, sha256, records), temp file
 * then rename, and removal of stale shards — but each shard is serialised, hashed and written a chunk of
 * lines at a time instead of as one string and one buffer: at a million records the post-processing
 * outputs are tens of MB each and that copy was the phase's memory peak.
 */
export async function writeJsonlStreamed<T>(options: WriteJsonlOptions<T>): Promise<ArtifactRef[]> {
  const shardSize = options.shardSize ?? 50_000;
  const keyed = options.items.map((item, index) => ({ item, index, key: options.sortKey(item) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  await mkdir(options.dir, { recursive: true });
  const refs: ArtifactRef[] = [];
  const shards: Array<typeof keyed> = [];
  if (shardSize <= 0) shards.push(keyed);
  else for (let i = 0; i < keyed.length || (i === 0 && shards.length === 0); i += shardSize) shards.push(keyed.slice(i, i + shardSize));
  const written = new Set<string>();
  for (const [i, shard] of shards.entries()) {
    const fileName = shardSize <= 0 ? `${options.name}.jsonl` : `${options.name}-${String(i + 1).padStart(5, '0')}.jsonl`;
    const path = join(options.dir, fileName);
    const tmp = join(options.dir, `.${fileName}.${process.pid}.tmp`);
    const hash = createHash('sha256');
    const file = await open(tmp, 'w');
    try {
      let chunk = '';
      const flush = async (): Promise<void> => {
        const bytes = Buffer.from(chunk);
        chunk = '';
        hash.update(bytes);
        await file.write(bytes);
      };
      for (const k of shard) {
        chunk += `${stableStringify(k.item)}\n`;
        if (chunk.length >= CHUNK_CHARS) await flush();
      }
      if (chunk.length > 0) await flush();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    written.add(fileName);
    refs.push({ path: relativePath(path, options.relativeTo), sha256: hash.digest('hex'), records: shard.length });
  }
  const shardPattern = new RegExp(`^${options.name.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(-\\d{5})?\\.jsonl$`, 'u');
  for (const name of await readdir(options.dir)) {
    if (shardPattern.test(name) && !written.has(name)) await rm(join(options.dir, name));
  }
  return refs;
}

function relativePath(path: string, base: string | undefined): string {
  if (base === undefined) return path;
  const b = base.endsWith('/') ? base : `${base}/`;
  return path.startsWith(b) ? path.slice(b.length) : path;
}
