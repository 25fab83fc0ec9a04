import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, stableHash, stableStringify } from '@taxonomy/core';
import * as z from 'zod';

/** What one cache file holds: the validated answer of one request and what it cost when it was made. */
export const CacheEntrySchema = z.object({
  key: z.string(),
  variant: z.string(),
  version: z.string(),
  provider: z.string(),
  model: z.string(),
  value: z.unknown(),
  repaired: z.boolean(),
  tokens_in: z.number().int().min(0),
  tokens_out: z.number().int().min(0),
});
export type CacheEntry = z.infer<typeof CacheEntrySchema>;

/** Everything that decides an answer; the endpoint address and the API key are deliberately not part of it. */
export interface CacheKeyParts {
  provider: string;
  model: string;
  key: string;
  variant: string;
  version: string;
  messages: ReadonlyArray<{ role: string; content: string }>;
  params: Record<string, unknown>;
}

/**
 * sha256 of the stable serialisation of the request's deciding parts. `paramsJson`, when given, is
 * `stableStringify(parts.params)` computed once per prompt variant by the caller: the params hold the prompt's
 * JSON schema, whose sorted copy was the client's largest cost per call. The bytes hashed are the same either way.
 */
export function cacheKeyFor(parts: CacheKeyParts, paramsJson?: string): string {
  if (paramsJson === undefined) return stableHash(parts);
  const str = JSON.stringify;
  // The keys of CacheKeyParts in sorted order, as stableStringify writes them.
  return sha256Hex(
    `{"key":${str(parts.key)},"messages":${stableStringify(parts.messages)},"model":${str(parts.model)},"params":${paramsJson},"provider":${str(parts.provider)},"variant":${str(parts.variant)},"version":${str(parts.version)}}`,
  );
}

/**
 * Content-addressed response cache: one JSON file per entry at `<dir>/<h0h1>/<h2h3>/<hash>.json`, written to a
 * temp file and renamed, so a killed task keeps every entry it finished and never leaves a torn one.
 */
export class ResponseCache {
  constructor(readonly dir: string) {}

  pathFor(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.json`);
  }

  /** The entry for `hash`, or null when absent or unreadable (an unreadable entry is a miss, never a crash). */
  async get(hash: string): Promise<CacheEntry | null> {
    let text: string;
    try {
      text = await readFile(this.pathFor(hash), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = CacheEntrySchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async put(hash: string, entry: CacheEntry): Promise<void> {
    const file = this.pathFor(hash);
    await mkdir(join(this.dir, hash.slice(0, 2), hash.slice(2, 4)), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${stableStringify(entry)}\n`, 'utf8');
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
