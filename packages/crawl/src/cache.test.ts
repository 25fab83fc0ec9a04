import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrawlCache, ttlOf, type JournalEntry } from './cache.ts';

const HOUR = 3_600_000;
const TTLS = { contentMs: 14 * 24 * HOUR, robotsMs: 24 * HOUR, errorMs: HOUR / 2 };
const T0 = Date.parse('2026-03-01T12:00:00Z');

function entry(url: string, over: Partial<JournalEntry> = {}): JournalEntry {
  return {
    url,
    at: new Date(T0).toISOString(),
    content_since: null,
    purpose: 'page',
    outcome: 'body',
    status: 200,
    body: null,
    content_type: 'text/html',
    content_language: null,
    location: null,
    etag: null,
    last_modified: null,
    declared_bytes: null,
    limit_bytes: null,
    wire_bytes: 0,
    error: null,
    message: null,
    ...over,
  };
}

describe('CrawlCache', () => {
  it('stores identical bodies once, whatever the URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-'));
    const cache = await CrawlCache.open(dir, TTLS, () => T0);
    const page = Buffer.from('<ul><li>Computer vision</li><li>Robotics</li></ul>');
    const a = await cache.storeBody(page);
    const b = await cache.storeBody(Buffer.from(page));
    cache.record(entry('https://neurips.cc/Conferences/2026/CallForPapers', { body: a }));
    cache.record(entry('https://neurips.cc/Conferences/2026/CallForPapers?ref=home', { body: b }));
    cache.close();
    expect(a).toBe(b);
    expect(cache.stats).toMatchObject({ bodies_stored: 1, bodies_shared: 1 });
    expect(await readdir(join(dir, 'bodies', a.slice(0, 2)))).toEqual([a]);
  });

  it.each([
    ['a page within its TTL', entry('https://a.edu/p'), 13 * 24 * HOUR, true],
    ['a page past its TTL', entry('https://a.edu/p'), 15 * 24 * HOUR, false],
    ['robots.txt past a day', entry('https://a.edu/robots.txt', { purpose: 'robots' }), 25 * HOUR, false],
    ['a 404, kept like a page', entry('https://a.edu/gone', { outcome: 'http_error', status: 404 }), 13 * 24 * HOUR, true],
    ['a 503, retried after half an hour', entry('https://a.edu/busy', { outcome: 'http_error', status: 503 }), HOUR, false],
    ['a timeout, retried after half an hour', entry('https://a.edu/slow', { outcome: 'failure', status: null, error: 'timeout' }), 20 * 60_000, true],
  ])('%s: fresh %s', async (_name, e, age, fresh) => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-'));
    const cache = await CrawlCache.open(dir, TTLS, () => T0 + age);
    cache.record(e);
    expect(cache.lookup(e.url)?.fresh).toBe(fresh);
    cache.close();
  });

  it('with a TTL of 0 nothing is fresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-'));
    const cache = await CrawlCache.open(dir, { contentMs: 0, robotsMs: 0, errorMs: 0 }, () => T0);
    cache.record(entry('https://a.edu/p'));
    expect(cache.lookup('https://a.edu/p')?.fresh).toBe(false);
    expect(ttlOf(entry('x'), TTLS)).toBe(TTLS.contentMs);
    cache.close();
  });

  it('reopens with what was recorded, the latest line of a URL winning, a torn last line skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-'));
    const first = await CrawlCache.open(dir, TTLS, () => T0);
    first.record(entry('https://a.edu/p', { status: 500, outcome: 'http_error' }));
    first.record(entry('https://a.edu/p', { status: 200 }));
    first.close();
    // What a kill -9 in the middle of an append leaves.
    await appendFile(join(dir, 'journal.jsonl'), '{"url":"https://a.edu/q","at":"2026-03-01T1');
    const again = await CrawlCache.open(dir, TTLS, () => T0);
    expect(again.lookup('https://a.edu/p')?.entry.status).toBe(200);
    expect(again.lookup('https://a.edu/q')).toBeNull();
    expect(again.stats.journal_bad_lines).toBe(1);
    again.record(entry('https://a.edu/r'));
    again.close();
    const lines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter((l) => l !== '');
    expect(JSON.parse(lines.at(-1)!).url).toBe('https://a.edu/r');
  });

  it('refuses a cache another live crawl holds, and takes over the lock of a dead one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await writeFile(join(dir, 'lock'), String(holder.pid));
    await expect(CrawlCache.open(dir, TTLS)).rejects.toThrow(`the crawl cache ${dir} is in use by process ${holder.pid}`);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const cache = await CrawlCache.open(dir, TTLS);
    expect((await readFile(join(dir, 'lock'), 'utf8')).trim()).toBe(String(process.pid));
    cache.close();
    expect((await readdir(dir)).includes('lock')).toBe(false);
  });
});
