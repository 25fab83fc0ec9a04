import { dirname, join, relative, resolve } from 'node:path';
import { TaxonomyError, sha256Hex, writeJsonFile, writeJsonl, type ArtifactRef, type PageSnapshot } from '@taxonomy/core';
import { loadConfig, type Config } from '@taxonomy/config';
import type { Logger } from '@taxonomy/observability';
import { CrawlCache } from './cache.ts';
import { Crawler, type CrawlResult, type UrlRecord } from './crawler.ts';
import { createCrawlProgress } from './progress.ts';
import { loadSeeds, type SeedEntry, type SeedsFile } from './seeds.ts';

export interface CrawlReport {
  seedsFile: string;
  entries: Array<{
    id: string;
    institution: string;
    kind: string;
    level: number;
    snapshots: number;
    pages: number;
    queued: number;
    skipped: number;
    errors: number;
    stoppedBy: string;
  }>;
  /** Deterministic counters (summed over entries): what metrics.json holds. */
  counters: Record<string, number>;
  /** Counters of this execution: requests, cache hits, bytes, rate. */
  run: Record<string, number>;
  /** Until when a rerun needs no request (ISO), and whether every entry finished within its time budget. */
  validUntil: string | null;
  complete: boolean;
  snapshots: PageSnapshot[];
  urls: UrlRecord[];
}

export interface ExecuteCrawlOptions {
  root: string;
  settings: Config['crawl'];
  seeds: SeedsFile;
  log: Logger;
  /** Caps every entry's max_pages (the CLI's --max-pages). */
  maxPages?: number;
  /** Wall clock (ms since epoch) for the cache's TTLs; tests move it. */
  now?: () => number;
  /** Progress on stderr in a terminal (default on). */
  progress?: boolean;
}

/** The User-Agent header: product token plus the contact from config; no contact, no crawl. */
export function userAgentOf(settings: Config['crawl']): string {
  if (settings.contact === null) {
    throw new TaxonomyError(
      'CONFIG_INVALID',
      'crawl.contact is not set: the User-Agent must tell site operators how to reach you (an email or URL); set it in config/crawl.json or with -o crawl.contact=you@example.edu',
    );
  }
  return `${settings.user_agent} (+${settings.contact})`;
}

/** Reads the seeds file a crawl uses (relative to the root), with the config's default budgets. */
export async function readSeedsFile(root: string, seedsPath: string, settings: Config['crawl']): Promise<SeedsFile> {
  const abs = resolve(root, seedsPath);
  const display = abs.startsWith(`${root}/`) ? relative(root, abs) : seedsPath;
  return loadSeeds(abs, display, settings.defaults);
}

/**
 * Crawls every entry of a seeds file through the cache and reports what it found; an unreachable seed
 * fails the crawl with one line per seed (after the reachable entries are done, so their pages are cached).
 */
export async function executeCrawl(options: ExecuteCrawlOptions): Promise<CrawlReport> {
  const { settings, root } = options;
  const userAgent = userAgentOf(settings);
  const entries: SeedEntry[] =
    options.maxPages === undefined
      ? options.seeds.entries
      : options.seeds.entries.map((e) => ({ ...e, budgets: { ...e.budgets, max_pages: Math.min(e.budgets.max_pages, options.maxPages!) } }));
  const hour = 3_600_000;
  const cache = await CrawlCache.open(
    resolve(root, settings.cache_dir),
    { contentMs: settings.ttl_days * 24 * hour, robotsMs: settings.robots_ttl_hours * hour, errorMs: settings.error_ttl_minutes * 60_000 },
    options.now,
  );
  const progress = options.progress === false ? { update: () => undefined, done: () => undefined } : createCrawlProgress();
  let result: CrawlResult;
  try {
    const crawler = new Crawler({ settings, cache, log: options.log, userAgent, onProgress: (s) => progress.update(s), ...(options.now === undefined ? {} : { wallClock: options.now }) });
    result = await crawler.crawl(entries);
  } finally {
    progress.done();
    cache.close();
  }
  const unreachable = result.entries.flatMap((r) => r.unreachable.map((u) => `${options.seeds.path} ${entryName(r.entry)}: seed ${u.url} is unreachable: ${u.message}`));
  if (unreachable.length > 0) throw new TaxonomyError('INPUT_NOT_FOUND', unreachable.join('; '));

  const counters: Record<string, number> = { entries: result.entries.length };
  for (const r of result.entries) for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
  const pages = counters['pages_read'] ?? 0;
  const seconds = result.elapsedMs / 1000;
  const run: Record<string, number> = {
    ...result.run,
    cache_bodies_stored: cache.stats.bodies_stored,
    cache_bodies_shared: cache.stats.bodies_shared,
    journal_bad_lines: cache.stats.journal_bad_lines,
    elapsed_ms: Math.round(result.elapsedMs),
    pages_per_second: Math.round((pages / Math.max(seconds, 0.001)) * 100) / 100,
  };
  const complete = result.entries.every((r) => r.stoppedBy !== 'time');
  return {
    seedsFile: options.seeds.path,
    entries: result.entries.map((r) => ({
      id: r.entry.id,
      institution: r.entry.institution,
      kind: r.entry.kind,
      level: r.entry.level,
      snapshots: r.snapshots.length,
      pages: r.counters['pages_read'] ?? 0,
      queued: r.counters['urls_queued'] ?? 0,
      skipped: r.counters['skipped'] ?? 0,
      errors: r.counters['errors'] ?? 0,
      stoppedBy: r.stoppedBy,
    })),
    counters: Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : 1))),
    run,
    validUntil: Number.isFinite(result.validUntil) ? new Date(result.validUntil).toISOString() : null,
    complete,
    snapshots: result.entries.flatMap((r) => r.snapshots),
    urls: result.entries.flatMap((r) => r.urls),
  };
}

function entryName(entry: SeedEntry): string {
  return `entries[${entry.index}] (${entry.id})`;
}

/**
 * The sources-manifest entries that hand the snapshots to S0: one `page-snapshots-jsonl` source per
 * (level, kind), its parent anchor per institution as the seeds file declares it.
 */
export function sourcesFragment(seeds: SeedsFile, snapshotsPath: string): { $comment: string; sources: Array<Record<string, unknown>> } {
  const groups = new Map<string, SeedEntry[]>();
  for (const e of seeds.entries) {
    const key = `${e.level}\u0000${e.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const sources = [...groups.values()]
    .sort((a, b) => a[0]!.level - b[0]!.level || (a[0]!.kind < b[0]!.kind ? -1 : 1))
    .map((group) => {
      const first = group[0]!;
      const anchors = [...new Set(group.map((e) => e.parent_anchor))];
      const source: Record<string, unknown> = {
        id: `crawl-${first.kind.replace(/_/gu, '-')}-level-${first.level}`,
        description: `Crawled ${first.kind} pages of ${group.length} seeds entr${group.length === 1 ? 'y' : 'ies'} (${seeds.path})`,
        level: first.level,
        loader: 'page-snapshots-jsonl',
        path: snapshotsPath,
        options: { kinds: [first.kind] },
      };
      if (anchors.length === 1 && anchors[0] !== null) source['parent_anchor'] = anchors[0];
      else if (anchors.some((a) => a !== null)) {
        const byInstitution: Record<string, string> = {};
        for (const e of group) if (e.parent_anchor !== null) byInstitution[e.institution] = e.parent_anchor;
        source['parent_anchor_by_institution'] = byInstitution;
      }
      return source;
    });
  return {
    $comment: 'Sources-manifest entries for the crawled snapshots (schema: packages/s0-raw-extraction/src/manifest.ts): add them to the manifest config/s0.json names.',
    sources,
  };
}

/**
 * Writes the crawl's data files beside each other: `<name>.jsonl` (snapshots, by entry then URL),
 * `<name>.urls.jsonl` (what became of every URL) and `<name>.sources.json` (the manifest entries, naming
 * `publishedAs` when the file is written somewhere else first).
 */
export async function writeCrawlOutput(options: { root: string; file: string; seeds: SeedsFile; report: CrawlReport; publishedAs?: string }): Promise<ArtifactRef[]> {
  const { root, file, seeds, report } = options;
  if (!file.endsWith('.jsonl')) throw new TaxonomyError('USAGE', `--out ${file}: the snapshot file must end in .jsonl`);
  const dir = dirname(file);
  const name = file.slice(dir.length + 1, -'.jsonl'.length);
  // The manifest entries name where the snapshots will be read from (a task writes into a staging folder first).
  const rel = options.publishedAs ?? (file.startsWith(`${root}/`) ? relative(root, file) : file);
  const refs = [
    ...(await writeJsonl({ dir, name, items: report.snapshots, sortKey: (s) => `${String(s.meta['seed'])}\u0000${s.url}`, shardSize: 0, relativeTo: root })),
    ...(await writeJsonl({ dir, name: `${name}.urls`, items: report.urls, sortKey: (u) => `${u.entry}\u0000${u.url}`, shardSize: 0, relativeTo: root })),
    await writeJsonFile(join(dir, `${name}.sources.json`), sourcesFragment(seeds, rel), root),
  ];
  return refs;
}

/** Where the Nx runtime input (tools/nx/hash-crawl.mjs) looks for the state of the last crawl of a seeds file. */
export function crawlStatePath(root: string, settings: Config['crawl'], seedsRel: string, seedsText: string): string {
  return join(resolve(root, settings.cache_dir), 'state', `${sha256Hex(`${seedsRel}\u0000${seedsText}`).slice(0, 24)}.json`);
}

export interface CrawlToFileOptions {
  root: string;
  /** Seeds file, absolute or relative to the root. */
  seeds: string;
  /** Snapshot JSONL to write (absolute or relative to the root); `.urls.jsonl` and `.sources.json` go beside it. */
  out: string;
  maxPages?: number;
  overrides?: ReadonlyArray<string>;
  log: Logger;
  now?: () => number;
  progress?: boolean;
}

/** `taxonomy crawl`: crawls a seeds file through the same cache as `crawl:run` and writes the snapshots to a file of the user's. */
export async function crawlToFile(options: CrawlToFileOptions): Promise<{ report: CrawlReport; outputs: ArtifactRef[] }> {
  const settings = loadConfig({ root: options.root, overrides: options.overrides ?? [] }).config.crawl;
  const seeds = await readSeedsFile(options.root, options.seeds, settings);
  const out = resolve(options.root, options.out);
  if (!out.endsWith('.jsonl')) throw new TaxonomyError('USAGE', `--out ${options.out}: the snapshot file must end in .jsonl`);
  const report = await executeCrawl({
    root: options.root,
    settings,
    seeds,
    log: options.log,
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  const outputs = await writeCrawlOutput({ root: options.root, file: out, seeds, report });
  return { report, outputs };
}
