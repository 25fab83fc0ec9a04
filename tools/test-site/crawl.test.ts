import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, type PageSnapshot } from '@taxonomy/core';
import { defaultConfig, type Config } from '@taxonomy/config';
import { createLogger } from '@taxonomy/observability';
import { executeCrawl, parseSeeds, type CrawlReport, type SeedEntryInput } from '@taxonomy/crawl';
import { startTestSite, type RequestLogEntry, type TestSite } from './server.ts';

/**
 * The real crawler against the test site (127.0.0.1 only). Crawl-delay 0.02 s keeps the file fast; the
 * gaps are measured on the server's side.
 */
const root = findWorkspaceRoot(import.meta.dirname);
const log = createLogger({ level: 'silent' });
const CONTACT = 'crawl-tests@example.invalid';
const DAY = 24 * 3_600_000;

async function settings(over: Partial<Config['crawl']> = {}): Promise<Config['crawl']> {
  const base = defaultConfig().crawl;
  return {
    ...base,
    contact: CONTACT,
    cache_dir: await mkdtemp(join(tmpdir(), 'crawl-test-cache-')),
    per_host_requests_per_second: 1000,
    retry_base_ms: 5,
    defaults: { ...base.defaults, max_content_bytes: 1024 * 1024 },
    ...over,
  };
}

function wholeSite(site: TestSite, over: Partial<SeedEntryInput> = {}): SeedEntryInput {
  return {
    id: 'directory',
    institution: 'Research directory',
    kind: 'research_areas',
    seed_urls: [`${site.base}/`],
    allowed_domains: ['127.0.0.1'],
    max_pages: 300,
    max_depth: 5,
    ...over,
  };
}

async function crawl(site: TestSite, s: Config['crawl'], entries: SeedEntryInput[], now?: () => number): Promise<CrawlReport> {
  const seeds = parseSeeds({ entries }, 'seeds.json', s.defaults);
  return executeCrawl({ root, settings: s, seeds, log, progress: false, ...(now === undefined ? {} : { now }) });
}

const pathOf = (site: TestSite, url: string) => url.slice(site.base.length);
const byPath = (entries: RequestLogEntry[]) => {
  const m = new Map<string, RequestLogEntry[]>();
  for (const e of entries) m.set(e.path, [...(m.get(e.path) ?? []), e]);
  return m;
};

describe('a crawl of the whole test site', () => {
  let site: TestSite;
  let s: Config['crawl'];
  let report: CrawlReport;
  let first: RequestLogEntry[];
  const snapshot = (path: string): PageSnapshot | undefined => report.snapshots.find((x) => (x.meta['alias_urls'] as string[]).includes(`${site.base}${path}`));

  beforeAll(async () => {
    site = await startTestSite({ root, crawlDelaySeconds: 0.02, slowMs: 80 });
    s = await settings();
    report = await crawl(site, s, [wholeSite(site)]);
    first = site.log();
  }, 120_000);
  afterAll(async () => site.close());

  it('fetches every page robots.txt allows, each once (twice for the 503 and the 429), and nothing under the disallowed paths', () => {
    const requested = byPath(first);
    const disallowed = (p: string) => /^\/[^/]+\/private\//u.test(p) || p.startsWith('/intranet/');
    const pages = [...site.site.resources.entries()].filter(([p, r]) => r.type === 'page' && !disallowed(p)).map(([p]) => p);
    expect(pages.length).toBeGreaterThan(80);
    for (const p of pages) {
      const times = p === site.site.specials['flaky_503'] || p === site.site.specials['flaky_429'] ? 2 : 1;
      expect(requested.get(p)?.length, p).toBe(times);
    }
    expect([...requested.keys()].filter(disallowed)).toEqual([]);
    expect(report.counters['skipped::robots_blocked']).toBe(site.site.disallowedLinks.length);
    expect(report.run['retries']).toBe(2);
  });

  it('honours the Crawl-delay: no two requests closer than 20 ms on the server clock', () => {
    const times = first.map((e) => e.t).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20);
    expect(first.every((e) => e.userAgent === `taxonomy-build/0.1 (+${CONTACT})`)).toBe(true);
  });

  it('sends every request to the test site: each one the client counted is in the server log, offsite links are filtered unfetched', () => {
    expect(first.length).toBe(report.run['requests']);
    const offsite = report.urls.filter((u) => u.outcome === 'filtered_domain');
    expect(offsite.length).toBeGreaterThan(40);
    expect(offsite.every((u) => !u.url.startsWith(site.base))).toBe(true);
  });

  it('skips the big files (one refused by Content-Length unread, one cut while streaming) and the non-HTML ones, with reasons', () => {
    const outcome = (key: string) => report.urls.find((u) => u.url === `${site.base}${site.site.specials[key]}`);
    expect(outcome('big_declared')).toMatchObject({ outcome: 'too_large', detail: `declared ${20 * 1024 * 1024} bytes > ${1024 * 1024}` });
    expect(outcome('big_streamed')).toMatchObject({ outcome: 'too_large', detail: `stream cut at ${1024 * 1024} bytes` });
    expect(outcome('pdf')).toMatchObject({ outcome: 'non_html', detail: 'application/pdf' });
    expect(outcome('image')).toMatchObject({ outcome: 'non_html', detail: 'image/png' });
    // Neither 20 MB answer was read: the server never finished either, and the whole crawl read under 3 MB.
    const sent = byPath(first);
    expect(sent.get(site.site.specials['big_declared']!)![0]!.complete).toBe(false);
    expect(sent.get(site.site.specials['big_streamed']!)![0]!.complete).toBe(false);
    expect(report.run['bytes_downloaded']).toBeLessThan(3 * 1024 * 1024);
    expect(report.counters).toMatchObject({ 'skipped::non_html': 2, 'skipped::too_large': 2, 'error::http_404': 1 });
  });

  it('follows and records redirects, collapses the same page under two URLs, finds the page only the sitemap lists', () => {
    const ai = report.snapshots.find((x) => x.title?.startsWith('Artificial Intelligence research areas'))!;
    expect(ai.meta['redirects']).toEqual([`${site.base}${site.site.specials['redirect']}`, `${site.base}/duke-university/research/artificial-intelligence`]);
    const systems = snapshot(site.site.specials['duplicate']!)!;
    expect(systems.meta['alias_urls']).toEqual([`${site.base}/duke-university/research/research-systems`, `${site.base}${site.site.specials['duplicate']}`]);
    expect(report.counters['deduped']).toBe(1);
    expect(snapshot(site.site.specials['sitemap_only']!)?.meta['depth']).toBe(1);
    expect(report.counters['sitemaps_read']).toBe(3);
  });

  it('stops the calendar trap at max_depth', () => {
    const trap = report.urls.filter((u) => u.url.includes('/calendar?month='));
    expect(trap.filter((u) => u.outcome === 'beyond_depth').map((u) => u.depth)).toEqual([6]);
    expect(Math.max(...trap.map((u) => u.depth))).toBe(6);
  });

  it('decodes legacy charsets and keeps headings and lists in the text', () => {
    const deas = snapshot(site.site.specials['charset_header']!)!;
    expect(deas.meta['charset']).toBe('windows-1252');
    expect(deas.text).toContain('–');
    const jhu = snapshot(site.site.specials['charset_meta']!)!;
    expect(jhu.text).toContain('Algorithms – A core area and long-standing strength of the department …');
    const neurips = report.snapshots.find((x) => x.title === 'Call For Papers 2026 (NeurIPS 2026)')!;
    expect(neurips.text.split('\n').slice(0, 4)).toEqual([
      '# Call For Papers 2026',
      'We invite submissions presenting new and original research on topics including but not limited to the following:',
      '- Computer vision',
      '- Language and multimodal language models',
    ]);
    expect(neurips).toMatchObject({ lang: 'en', http_status: 200, institution: 'Research directory', meta: { kind: 'research_areas', source: 'crawl' } });
  });

  it('reruns within the TTL without a single request, to the same snapshots', async () => {
    site.clearLog();
    const again = await crawl(site, s, [wholeSite(site)]);
    expect(site.log()).toEqual([]);
    expect(again.run['requests']).toBe(0);
    expect(again.snapshots).toEqual(report.snapshots);
    expect(again.urls).toEqual(report.urls);
  });

  it('past the TTL revalidates with If-None-Match: 304s, the same snapshots, fetched_at unchanged', async () => {
    site.clearLog();
    const later = await crawl(site, s, [wholeSite(site)], () => Date.now() + 15 * DAY);
    const sent = site.log();
    expect(sent.length).toBeGreaterThan(80);
    expect(sent.filter((e) => e.status === 304).length).toBeGreaterThan(50);
    expect(later.run['revalidated']).toBe(sent.filter((e) => e.status === 304).length);
    expect(later.snapshots).toEqual(report.snapshots);
  });
});

describe('budgets', () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startTestSite({ root, crawlDelaySeconds: 0.01, slowMs: 300 });
  });
  afterAll(async () => site.close());

  it('stops at max_pages', async () => {
    const r = await crawl(site, await settings(), [wholeSite(site, { max_pages: 6 })]);
    expect(r.counters['pages_read']).toBe(6);
    expect(r.entries[0]!.stoppedBy).toBe('max_pages');
    expect(r.counters['skipped::unreached']).toBeGreaterThan(0);
    expect(r.complete).toBe(true);
  });

  it('stops at max_depth', async () => {
    const r = await crawl(site, await settings({ read_sitemaps: false }), [wholeSite(site, { max_depth: 1 })]);
    // The home page and the section indexes it links.
    expect(r.counters['pages_read']).toBe(1 + site.site.sections.length + 1);
    expect(Math.max(...r.urls.filter((u) => u.outcome !== 'beyond_depth').map((u) => u.depth))).toBe(1);
  });

  it('stops at the time budget and says the crawl is incomplete', async () => {
    const t0 = performance.now();
    const r = await crawl(site, await settings(), [wholeSite(site, { max_time_seconds: 0.3 })]);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.entries[0]!.stoppedBy).toBe('time');
    expect(r.complete).toBe(false);
  });

  it('keeps each entry within its time budget when many entries share one host', async () => {
    const sections = site.site.sections.slice(0, 8);
    const t0 = performance.now();
    const r = await crawl(
      site,
      await settings(),
      sections.map((sec) => ({ ...wholeSite(site), id: sec.slug, institution: sec.institution, seed_urls: [`${site.base}/${sec.slug}/`], path_prefixes: [`/${sec.slug}/`], max_time_seconds: 0.4 })),
    );
    // At 10 ms per request 8 entries would need longer than 0.4 s; none waits past its deadline for the shared host.
    expect(performance.now() - t0).toBeLessThan(0.4 * 1000 + 1500);
    expect(r.entries.some((e) => e.stoppedBy === 'time')).toBe(true);
  });

  it('skips pages over max_content_bytes', async () => {
    const r = await crawl(site, await settings(), [wholeSite(site, { max_content_bytes: 2048, max_pages: 5, max_depth: 1 })]);
    expect(r.counters['skipped::too_large']).toBeGreaterThan(0);
    expect(r.urls.find((u) => u.outcome === 'too_large')?.detail).toMatch(/^declared \d+ bytes > 2048$/u);
  });

  it('fails on an unreachable seed with one line naming the file, the entry and the URL', async () => {
    const closed = await startTestSite({ root });
    const dead = closed.base;
    await closed.close();
    const r = crawl(site, await settings(), [wholeSite(site, { id: 'stoc', max_pages: 2 }), { ...wholeSite(site), id: 'gone', seed_urls: [`${dead}/`] }]);
    await expect(r).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    const message = await r.catch((e: Error) => e.message);
    expect(message).toMatch(new RegExp(`^seeds\\.json entries\\[1\\] \\(gone\\): seed ${dead.replace(/[.]/gu, '\\.')}/ is unreachable: connection refused`, 'u'));
    expect(message).not.toContain('\n');
  });
});

describe('crawl:run in a workspace', () => {
  it('writes the same artifacts twice, and request accounting only to the timing file', async () => {
    const { runCrawlTask } = await import('@taxonomy/crawl');
    const { cp, mkdtemp: mk, writeFile } = await import('node:fs/promises');
    const site = await startTestSite({ root, crawlDelaySeconds: 0.01 });
    try {
      const ws = await mk(join(tmpdir(), 'crawl-task-'));
      await writeFile(join(ws, 'nx.json'), '{}');
      await cp(join(root, 'config'), join(ws, 'config'), { recursive: true });
      await writeFile(join(ws, 'config', 'seeds.json'), JSON.stringify({ entries: [wholeSite(site, { max_pages: 12, max_depth: 2 })] }));
      const overrides = ['crawl.seeds_file=config/seeds.json', `crawl.contact=${CONTACT}`, 'crawl.per_host_requests_per_second=1000'];
      const empty = await runCrawlTask({ root: ws, log, progress: false });
      expect([empty.report, empty.metrics.counters['entries']]).toEqual([null, 0]);
      expect(await readFile(join(ws, 'artifacts/crawl/snapshots.jsonl'), 'utf8')).toBe('');
      const one = await runCrawlTask({ root: ws, overrides, log, progress: false });
      const files = async () => Promise.all(['snapshots.jsonl', 'snapshots.urls.jsonl', 'snapshots.sources.json', 'metrics.json'].map((f) => readFile(join(ws, 'artifacts/crawl', f), 'utf8')));
      const firstFiles = await files();
      const firstTiming = JSON.parse(await readFile(join(ws, 'artifacts/.runs/timings/crawl.run.json'), 'utf8'));
      const two = await runCrawlTask({ root: ws, overrides, log, progress: false });
      expect(await files()).toEqual(firstFiles);
      const secondTiming = JSON.parse(await readFile(join(ws, 'artifacts/.runs/timings/crawl.run.json'), 'utf8'));
      expect([firstTiming.run_counters.requests > 0, secondTiming.run_counters.requests]).toEqual([true, 0]);
      expect(one.metrics.counters['snapshots']).toBe(two.metrics.counters['snapshots']);
      expect(JSON.parse(firstFiles[2]!).sources[0]).toMatchObject({ loader: 'page-snapshots-jsonl', path: 'artifacts/crawl/snapshots.jsonl', level: 2, options: { kinds: ['research_areas'] } });
    } finally {
      await site.close();
    }
  });
});
