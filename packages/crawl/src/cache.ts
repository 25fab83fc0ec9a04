import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { TaxonomyError, sha256Hex, stableStringify, writeFileAtomic } from '@taxonomy/core';

/** What a cached request was for: its TTL class depends on it. */
export const PURPOSES = ['robots', 'sitemap', 'page'] as const;
export const OUTCOMES = ['body', 'redirect', 'http_error', 'unwanted_type', 'too_large', 'failure'] as const;

/** One line of the cache journal: the outcome of one URL, as of `at`. The latest line of a URL wins. */
export const JournalEntrySchema = z.object({
  url: z.string().min(1),
  at: z.string().min(1).describe('ISO time the response arrived (or was revalidated)'),
  content_since: z
    .string()
    .nullable()
    .default(null)
    .describe('ISO time these body bytes were first fetched from this URL: a refetch that finds the same bytes keeps it'),
  purpose: z.enum(PURPOSES),
  outcome: z.enum(OUTCOMES),
  status: z.number().int().nullable(),
  body: z.string().regex(/^[0-9a-f]{64}$/u).nullable().describe('SHA-256 of the stored body bytes (bodies/<2 hex>/<sha>)'),
  content_type: z.string().nullable(),
  content_language: z.string().nullable(),
  location: z.string().nullable().describe('Redirect target, absolute and normalized'),
  etag: z.string().nullable(),
  last_modified: z.string().nullable(),
  declared_bytes: z.number().int().nullable(),
  limit_bytes: z.number().int().nullable().describe('The size limit in force when a too_large outcome was recorded'),
  wire_bytes: z.number().int().min(0),
  error: z.string().nullable().describe('Failure kind (timeout, refused, …)'),
  message: z.string().nullable(),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

export interface CacheTtls {
  /** Pages, redirects, 4xx answers, skipped files. */
  contentMs: number;
  /** robots.txt and sitemaps. */
  robotsMs: number;
  /** 5xx, 429 and transport failures. */
  errorMs: number;
}

/** How long an entry is trusted without a new request. */
export function ttlOf(entry: JournalEntry, ttls: CacheTtls): number {
  const transient = entry.outcome === 'failure' || (entry.outcome === 'http_error' && (entry.status === 429 || (entry.status ?? 0) >= 500));
  if (transient) return ttls.errorMs;
  return entry.purpose === 'page' ? ttls.contentMs : ttls.robotsMs;
}

export interface CacheStats {
  /** Bodies written to the store. */
  bodies_stored: number;
  /** Bodies not written because identical bytes were already stored (another URL, or an earlier fetch). */
  bodies_shared: number;
  /** Unreadable journal lines skipped on load (a line cut by a killed crawl). */
  journal_bad_lines: number;
}

/**
 * The crawl's snapshot cache, outside Nx outputs: a content-addressed body store (identical bytes under
 * any number of URLs are stored once) and an append-only journal of URL outcomes. Every outcome is
 * appended as soon as its response is complete, so a crawl killed at any point resumes without a
 * second request for anything it had; a torn last line is skipped. One crawl at a time holds the lock.
 */
export class CrawlCache {
  readonly dir: string;
  readonly #entries = new Map<string, JournalEntry>();
  readonly #ttls: CacheTtls;
  readonly #now: () => number;
  readonly #knownBodies = new Set<string>();
  #journalFd: number | null = null;
  #lines = 0;
  readonly stats: CacheStats = { bodies_stored: 0, bodies_shared: 0, journal_bad_lines: 0 };

  private constructor(dir: string, ttls: CacheTtls, now: () => number) {
    this.dir = dir;
    this.#ttls = ttls;
    this.#now = now;
  }

  /** Opens (or creates) the cache in `dir`, takes its lock and reads the journal. */
  static async open(dir: string, ttls: CacheTtls, now: () => number = Date.now): Promise<CrawlCache> {
    await mkdir(join(dir, 'bodies'), { recursive: true });
    const cache = new CrawlCache(dir, ttls, now);
    cache.#lock();
    try {
      await cache.#load();
    } catch (err) {
      cache.#unlock();
      throw err;
    }
    return cache;
  }

  #lock(): void {
    const path = join(this.dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIST') throw err;
        let pid = Number.NaN;
        try {
          pid = Number(readFileSync(path, 'utf8').trim());
        } catch {
          // removed in between: try again
        }
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new TaxonomyError('TASK_FAILED', `the crawl cache ${this.dir} is in use by process ${pid}; wait for that crawl to finish`);
        }
        // The holder died (kill -9) or is this process: the lock is stale.
        rmSync(path, { force: true });
      }
    }
    throw new TaxonomyError('TASK_FAILED', `cannot lock the crawl cache ${this.dir}`);
  }

  #unlock(): void {
    const path = join(this.dir, 'lock');
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // nothing to release
    }
  }

  async #load(): Promise<void> {
    const path = join(this.dir, 'journal.jsonl');
    const text = await readFile(path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.#lines += 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        this.stats.journal_bad_lines += 1;
        continue;
      }
      const parsed = JournalEntrySchema.safeParse(value);
      if (!parsed.success) {
        this.stats.journal_bad_lines += 1;
        continue;
      }
      this.#entries.set(parsed.data.url, parsed.data);
      if (parsed.data.body !== null) this.#knownBodies.add(parsed.data.body);
    }
    // A journal mostly made of superseded lines is rewritten (atomically) with the live ones.
    if (this.#lines > 200 && this.#lines > 2 * this.#entries.size) await this.#compact();
    // A kill -9 can leave a line without its newline: start appends on a fresh line.
    if (text.length > 0 && !text.endsWith('\n')) await writeFile(path, '\n', { flag: 'a' });
    this.#journalFd = openSync(path, 'a');
  }

  async #compact(): Promise<void> {
    const live = [...this.#entries.values()].sort((a, b) => (a.url < b.url ? -1 : 1));
    await writeFileAtomic(join(this.dir, 'journal.jsonl'), live.map((e) => stableStringify(e)).join('\n') + (live.length > 0 ? '\n' : ''));
    this.#lines = live.length;
    const referenced = new Set(live.flatMap((e) => (e.body === null ? [] : [e.body])));
    for (const shard of await readdir(join(this.dir, 'bodies')).catch(() => [])) {
      for (const name of await readdir(join(this.dir, 'bodies', shard)).catch(() => [])) {
        if (!referenced.has(name)) await rm(join(this.dir, 'bodies', shard, name), { force: true });
      }
    }
    this.#knownBodies.clear();
    for (const sha of referenced) this.#knownBodies.add(sha);
  }

  /** The latest entry of a URL and whether it is still fresh, or null when the URL was never requested. */
  lookup(url: string): { entry: JournalEntry; fresh: boolean; expiresAt: number } | null {
    const entry = this.#entries.get(url);
    if (entry === undefined) return null;
    const expiresAt = Date.parse(entry.at) + ttlOf(entry, this.#ttls);
    return { entry, fresh: this.#now() < expiresAt, expiresAt };
  }

  #bodyPath(sha: string): string {
    return join(this.dir, 'bodies', sha.slice(0, 2), sha);
  }

  /** The stored bytes of a body. */
  async readBody(sha: string): Promise<Buffer> {
    return readFile(this.#bodyPath(sha)).catch((err: unknown) => {
      throw new TaxonomyError('ARTIFACT_MISSING', `crawl cache body ${sha} is missing from ${this.dir}; delete the folder to start afresh`, { cause: err });
    });
  }

  /** Stores a body (once per distinct bytes) and returns its SHA-256. */
  async storeBody(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    if (this.#knownBodies.has(sha) && existsSync(this.#bodyPath(sha))) {
      this.stats.bodies_shared += 1;
      return sha;
    }
    await writeFileAtomic(this.#bodyPath(sha), bytes);
    this.#knownBodies.add(sha);
    this.stats.bodies_stored += 1;
    return sha;
  }

  /** Appends an outcome to the journal (synchronously: once this returns, a killed crawl keeps it). */
  record(entry: JournalEntry): void {
    if (this.#journalFd === null) throw new Error('crawl cache is closed');
    writeSync(this.#journalFd, `${stableStringify(entry)}\n`);
    this.#lines += 1;
    this.#entries.set(entry.url, entry);
  }

  /** ISO time of now, by the cache's clock. */
  nowIso(): string {
    return new Date(this.#now()).toISOString();
  }

  /** Closes the journal and releases the lock. */
  close(): void {
    if (this.#journalFd !== null) closeSync(this.#journalFd);
    this.#journalFd = null;
    this.#unlock();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
