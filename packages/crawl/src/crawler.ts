import { PageSnapshotSchema, formatZodIssues, parseHtmlStructure, textChecksum, type PageSnapshot } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import type { Logger } from '@taxonomy/observability';
import type { CrawlCache, JournalEntry } from './cache.ts';
import { decodeBody } from './charset.ts';
import { HostScheduler } from './host-scheduler.ts';
import { HttpClient, mediaTypeOf, type GetOptions, type HttpOutcome } from './http.ts';
import { renderPageText } from './page-text.ts';
import { ROBOTS_ABSENT, ROBOTS_UNAVAILABLE, parseRobots, robotsUrlOf, type RobotsRules } from './robots.ts';
import type { SeedEntry } from './seeds.ts';
import { parseSitemap, sitemapText } from './sitemap.ts';
import { checkScope, normalizeUrl, originOf } from './url.ts';

export type CrawlSettings = Config['crawl'];

/** Why a URL gave no snapshot: the `reason` of its line in `urls.jsonl` and of its counter. */
export const SKIP_REASONS = [
  'filtered_domain',
  'filtered_path',
  'filtered_exclude',
  'beyond_depth',
  'robots_blocked',
  'robots_unavailable',
  'non_html',
  'too_large',
  'empty_text',
  'noindex',
  'link_only',
  'duplicate',
  'redirect_loop',
  'too_many_redirects',
  'redirect_out_of_scope',
  'http_error',
  'fetch_error',
  'unreached',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One line of `urls.jsonl`: what became of one URL of one entry (deterministic: no clock, no cache flag). */
export interface UrlRecord {
  entry: string;
  url: string;
  depth: number;
  via: 'seed' | 'link' | 'sitemap';
  outcome: 'snapshot' | SkipReason;
  /** Content type, status, size or error that explains the outcome. */
  detail: string | null;
  status: number | null;
  /** Where redirects led (the final URL), when it differs. */
  final_url: string | null;
  /** Text checksum of the snapshot the URL fed. */
  checksum: string | null;
}

export interface EntryResult {
  entry: SeedEntry;
  snapshots: PageSnapshot[];
  urls: UrlRecord[];
  /** Deterministic counters of this entry. */
  counters: Record<string, number>;
  stoppedBy: 'done' | 'max_pages' | 'time';
  /** Seeds that could not be reached at all (refused, unknown host, robots.txt unreachable). */
  unreachable: Array<{ url: string; message: string }>;
  elapsedMs: number;
}

export interface CrawlResult {
  /** Earliest time (ms since epoch) a cache entry this crawl relied on expires: until then a rerun sends no request. */
  validUntil: number;
  entries: EntryResult[];
  /** Counters that differ between equal runs: requests, retries, cache hits, bytes. */
  run: Record<string, number>;
  elapsedMs: number;
}

export interface CrawlProgressState {
  entry: string;
  entriesDone: number;
  entriesTotal: number;
  pages: number;
  snapshots: number;
  queued: number;
  skipped: number;
  errors: number;
  requests: number;
  cacheHits: number;
  elapsedMs: number;
}

export interface CrawlerOptions {
  settings: CrawlSettings;
  cache: CrawlCache;
  log: Logger;
  /** Full User-Agent header (`taxonomy-build/0.1 (+mailto:…)`). */
  userAgent: string;
  onProgress?: (state: CrawlProgressState) => void;
  /** Monotonic clock for budgets and rates (ms). */
  clock?: () => number;
  /** Wall clock for cache expiry (ms since epoch). */
  wallClock?: () => number;
}

interface QueueItem {
  url: string;
  depth: number;
  via: UrlRecord['via'];
  seq: number;
  include: boolean;
}

interface Resolved {
  entry: JournalEntry;
  fromCache: boolean;
  expiresAt: number;
}

/** A URL's outcome, or why there is none: the host cannot be reached, or the entry's time budget ran out first. */
type Outcome = Resolved | { unreachable: string } | { expired: true };

type Visit =
  | { kind: 'page'; finalUrl: string; chain: string[]; journal: JournalEntry; body: Buffer }
  | { kind: 'skip'; reason: SkipReason; detail: string | null; status: number | null; finalUrl: string | null; chain: string[] }
  | { kind: 'unreachable'; message: string };

interface Draft {
  url: string;
  aliases: Set<string>;
  redirects: string[];
  depth: number;
  journal: JournalEntry;
  text: string;
  html: string | null;
  title: string | null;
  lang: string;
  canonical: string | null;
  description: string | null;
  charset: string;
}

const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const acceptPage = (type: string | null) => type === null || PAGE_TYPES.has(type);
const acceptAny = () => true;
const ROBOTS_MAX_BYTES = 1024 * 1024;
const SITEMAP_MAX_BYTES = 50 * 1024 * 1024;
const SITEMAP_MAX_NESTING = 2;

/** A language tag PageSnapshot accepts, or `und`. */
function languageTag(...candidates: Array<string | null>): string {
  for (const c of candidates) {
    const tag = (c ?? '').split(',')[0]!.trim().toLowerCase();
    if (/^[a-z0-9-]{2,35}$/u.test(tag)) return tag;
  }
  return 'und';
}

/**
 * The crawler: for each seeds entry a breadth-first crawl (include-pattern URLs first) inside the
 * entry's scope, within its page, depth, time and size budgets, honouring robots.txt and its
 * Crawl-delay, reading sitemaps, following and recording redirects; every request goes through the
 * cache first. Pages become PageSnapshots whose text keeps headings and lists; identical texts under
 * several URLs collapse into one snapshot with `meta.alias_urls`.
 */
export class Crawler {
  readonly #settings: CrawlSettings;
  readonly #cache: CrawlCache;
  readonly #log: Logger;
  readonly #userAgent: string;
  readonly #scheduler: HostScheduler;
  readonly #http: HttpClient;
  readonly #clock: () => number;
  readonly #wallClock: () => number;
  readonly #onProgress: ((state: CrawlProgressState) => void) | undefined;
  readonly #robots = new Map<string, Promise<{ rules: RobotsRules; unreachable: string | null; expiresAt: number }>>();
  readonly #inFlight = new Map<string, Promise<Outcome>>();
  #validUntil = Number.POSITIVE_INFINITY;
  readonly #run: Record<string, number> = {
    requests: 0,
    retries: 0,
    cache_hits: 0,
    network_fetches: 0,
    revalidated: 0,
    bytes_downloaded: 0,
  };

  constructor(options: CrawlerOptions) {
    this.#settings = options.settings;
    this.#cache = options.cache;
    this.#log = options.log;
    this.#userAgent = options.userAgent;
    this.#clock = options.clock ?? (() => performance.now());
    this.#wallClock = options.wallClock ?? Date.now;
    this.#onProgress = options.onProgress;
    this.#scheduler = new HostScheduler({
      concurrency: options.settings.concurrency,
      perHostConcurrency: options.settings.per_host_concurrency,
      minGapMs: 1000 / options.settings.per_host_requests_per_second,
    });
    this.#http = new HttpClient({
      userAgent: options.userAgent,
      timeoutMs: options.settings.request_timeout_seconds * 1000,
      retries: options.settings.retries,
      retryBaseMs: options.settings.retry_base_ms,
      retryMaxMs: options.settings.retry_max_ms,
      scheduler: this.#scheduler,
      onRequest: () => {
        this.#run['requests']! += 1;
      },
      onRetry: (url, reason, delayMs) => {
        this.#run['retries']! += 1;
        this.#log.debug({ url, reason, delayMs }, 'retrying');
      },
    });
  }

  /** Crawls every entry (concurrently; hosts shared between entries share their limits) and closes the HTTP client. */
  async crawl(entries: ReadonlyArray<SeedEntry>): Promise<CrawlResult> {
    const t0 = this.#clock();
    let done = 0;
    try {
      const results = await Promise.all(
        entries.map(async (entry) => {
          const result = await this.#crawlEntry(entry, () => done, entries.length);
          done += 1;
          return result;
        }),
      );
      return { entries: results, run: { ...this.#run }, elapsedMs: this.#clock() - t0, validUntil: this.#validUntil };
    } finally {
      await this.#http.close();
    }
  }

  /** The Crawl-delay gap in force for an origin, in ms (for reports). */
  gapMs(origin: string): number {
    return this.#scheduler.gapMs(origin);
  }

  // ----------------------------------------------------------------------------------------------
  // Requests through the cache

  /** One URL's outcome: from the cache when fresh, else one (retried) request, recorded in the journal. */
  async #resolve(url: string, purpose: JournalEntry['purpose'], options: GetOptions): Promise<Outcome> {
    let pending = this.#inFlight.get(url);
    if (pending === undefined) {
      pending = this.#resolveUncached(url, purpose, options);
      this.#inFlight.set(url, pending);
      void pending.finally(() => this.#inFlight.delete(url)).catch(() => undefined);
    }
    let resolved = await pending;
    // Another entry's budget ran out on this URL; ours has not.
    if ('expired' in resolved && (options.deadline === undefined || this.#clock() < options.deadline)) resolved = await this.#resolveUncached(url, purpose, options);
    if ('entry' in resolved) this.#validUntil = Math.min(this.#validUntil, resolved.expiresAt);
    return resolved;
  }

  async #resolveUncached(url: string, purpose: JournalEntry['purpose'], options: GetOptions): Promise<Outcome> {
    const hit = this.#cache.lookup(url);
    if (hit !== null && hit.fresh && this.#usable(hit.entry, options.maxBytes)) {
      this.#run['cache_hits']! += 1;
      return { entry: hit.entry, fromCache: true, expiresAt: hit.expiresAt };
    }
    const revalidate = hit !== null && hit.entry.outcome === 'body' ? { etag: hit.entry.etag, lastModified: hit.entry.last_modified } : {};
    const { outcome } = await this.#http.get(url, { ...options, ...revalidate });
    if (outcome.kind === 'expired') return { expired: true };
    this.#run['network_fetches']! += 1;
    this.#run['bytes_downloaded']! += outcome.wireBytes;
    if (outcome.kind === 'failure' && (outcome.error === 'refused' || outcome.error === 'dns')) {
      // An unreachable host says nothing about its pages: never cached, so the next crawl tries again.
      return { unreachable: outcome.message };
    }
    const entry = await this.#journalEntry(url, purpose, outcome, options.maxBytes, hit?.entry ?? null);
    if (outcome.kind === 'not_modified') this.#run['revalidated']! += 1;
    this.#cache.record(entry);
    const fresh = this.#cache.lookup(url)!;
    return { entry, fromCache: false, expiresAt: fresh.expiresAt };
  }

  /** A cached outcome recorded under a smaller size limit, or a body over today's limit, is not reused as is. */
  #usable(entry: JournalEntry, maxBytes: number): boolean {
    if (entry.outcome === 'too_large') return entry.limit_bytes === null || entry.limit_bytes >= maxBytes;
    return true;
  }

  async #journalEntry(
    url: string,
    purpose: JournalEntry['purpose'],
    outcome: Exclude<HttpOutcome, { kind: 'expired' }>,
    maxBytes: number,
    previous: JournalEntry | null,
  ): Promise<JournalEntry> {
    const base: JournalEntry = {
      url,
      at: this.#cache.nowIso(),
      content_since: null,
      purpose,
      outcome: 'failure',
      status: null,
      body: null,
      content_type: null,
      content_language: null,
      location: null,
      etag: null,
      last_modified: null,
      declared_bytes: null,
      limit_bytes: null,
      wire_bytes: outcome.wireBytes,
      error: null,
      message: null,
    };
    if (outcome.kind === 'failure') return { ...base, error: outcome.error, message: outcome.message };
    const h = outcome.headers;
    const withHeaders = {
      ...base,
      status: outcome.status,
      content_type: h.contentType,
      content_language: h.contentLanguage,
      etag: h.etag,
      last_modified: h.lastModified,
      declared_bytes: h.contentLength,
    };
    switch (outcome.kind) {
      case 'not_modified':
        // 304: the stored body is still current; only the time moves.
        return previous === null
          ? { ...withHeaders, outcome: 'http_error', status: 304 }
          : { ...previous, at: base.at, content_since: previous.content_since ?? previous.at, wire_bytes: outcome.wireBytes };
      case 'body': {
        const body = await this.#cache.storeBody(outcome.body);
        const since = previous !== null && previous.outcome === 'body' && previous.body === body ? (previous.content_since ?? previous.at) : base.at;
        return { ...withHeaders, outcome: 'body', body, content_since: since };
      }
      case 'redirect':
        return { ...withHeaders, outcome: 'redirect', location: outcome.location === null ? null : normalizeUrl(outcome.location, url) };
      case 'http_error':
        return { ...withHeaders, outcome: 'http_error' };
      case 'unwanted_type':
        return { ...withHeaders, outcome: 'unwanted_type' };
      case 'too_large':
        return { ...withHeaders, outcome: 'too_large', declared_bytes: outcome.declared, limit_bytes: maxBytes };
    }
  }

  /** robots.txt of an origin, read once per crawl (through the cache); its Crawl-delay widens the host's gap. */
  #robotsFor(origin: string): Promise<{ rules: RobotsRules; unreachable: string | null; expiresAt: number }> {
    let pending = this.#robots.get(origin);
    if (pending === undefined) {
      pending = this.#loadRobots(origin);
      this.#robots.set(origin, pending);
    }
    return pending;
  }

  async #loadRobots(origin: string): Promise<{ rules: RobotsRules; unreachable: string | null; expiresAt: number }> {
    if (!this.#settings.respect_robots) return { rules: ROBOTS_ABSENT, unreachable: null, expiresAt: Number.POSITIVE_INFINITY };
    let url = robotsUrlOf(origin);
    let expiresAt = Number.POSITIVE_INFINITY;
    for (let hop = 0; hop <= this.#settings.max_redirects; hop += 1) {
      // No deadline: robots.txt is shared by every entry on the origin.
      const resolved = await this.#resolve(url, 'robots', { accept: acceptAny, maxBytes: ROBOTS_MAX_BYTES });
      if ('unreachable' in resolved) return { rules: ROBOTS_UNAVAILABLE, unreachable: resolved.unreachable, expiresAt };
      if ('expired' in resolved) return { rules: ROBOTS_UNAVAILABLE, unreachable: null, expiresAt: 0 };
      expiresAt = Math.min(expiresAt, resolved.expiresAt);
      const { entry } = resolved;
      let rules: RobotsRules;
      if (entry.outcome === 'redirect' && entry.location !== null) {
        url = entry.location;
        continue;
      }
      if (entry.outcome === 'body' && entry.body !== null) {
        rules = parseRobots(robotsUrlOf(origin), decodeBody(await this.#cache.readBody(entry.body), entry.content_type).text, this.#userAgent);
      } else if (entry.outcome === 'http_error' && entry.status !== null && entry.status >= 400 && entry.status < 500 && entry.status !== 429) {
        rules = ROBOTS_ABSENT;
      } else {
        rules = ROBOTS_UNAVAILABLE;
      }
      if (this.#settings.respect_crawl_delay && rules.crawlDelayMs !== null) this.#scheduler.setCrawlDelay(origin, rules.crawlDelayMs);
      this.#log.debug({ origin, status: rules.status, crawlDelayMs: rules.crawlDelayMs, sitemaps: rules.sitemaps.length }, 'robots.txt read');
      return { rules, unreachable: null, expiresAt };
    }
    return { rules: ROBOTS_UNAVAILABLE, unreachable: null, expiresAt };
  }

  // ----------------------------------------------------------------------------------------------
  // One entry

  async #crawlEntry(entry: SeedEntry, entriesDone: () => number, entriesTotal: number): Promise<EntryResult> {
    const t0 = this.#clock();
    const deadline = t0 + entry.budgets.max_time_seconds * 1000;
    const counters = new Map<string, number>();
    const count = (name: string, by = 1) => counters.set(name, (counters.get(name) ?? 0) + by);
    for (const name of ['seeds', 'urls_queued', 'pages_read', 'snapshots', 'deduped', 'redirects', 'skipped', 'errors', 'sitemaps_read', 'sitemap_urls']) count(name, 0);
    const urls: UrlRecord[] = [];
    const queue: QueueItem[] = [];
    const seen = new Set<string>();
    const readFinal = new Set<string>();
    const drafts = new Map<string, Draft>();
    const draftOrder: string[] = [];
    const unreachable: EntryResult['unreachable'] = [];
    let seq = 0;
    let pages = 0;
    const scope = { allowedDomains: entry.allowed_domains, pathPrefixes: entry.path_prefixes, exclude: entry.exclude };
    const seedSet = new Set(entry.seed_urls);
    const log = this.#log.child({ entry: entry.id });

    const skip = (item: Pick<QueueItem, 'url' | 'depth' | 'via'>, reason: SkipReason, detail: string | null, extra: Partial<UrlRecord> = {}) => {
      urls.push({ entry: entry.id, url: item.url, depth: item.depth, via: item.via, outcome: reason, detail, status: null, final_url: null, checksum: null, ...extra });
      count(`skipped::${reason}`);
      count('skipped');
      if (reason === 'http_error' || reason === 'fetch_error') {
        count('errors');
        count(`error::${detail ?? reason}`);
      }
    };
    const enqueue = (raw: string, depth: number, via: QueueItem['via']) => {
      const url = normalizeUrl(raw);
      if (url === null || seen.has(url)) return;
      seen.add(url);
      if (via !== 'seed') {
        const verdict = checkScope(url, scope);
        if (verdict !== null) {
          skip({ url, depth, via }, `filtered_${verdict}`, null);
          count('filtered');
          return;
        }
      }
      if (depth > entry.budgets.max_depth) {
        skip({ url, depth, via }, 'beyond_depth', `depth ${depth} > max_depth ${entry.budgets.max_depth}`);
        return;
      }
      count('urls_queued');
      queue.push({ url, depth, via, seq: seq++, include: entry.include.some((re) => re.test(url)) });
    };
    const popBatch = (n: number): QueueItem[] => {
      queue.sort((a, b) => (a.include !== b.include ? (a.include ? -1 : 1) : a.depth - b.depth || a.seq - b.seq));
      return queue.splice(0, n);
    };
    const progress = () =>
      this.#onProgress?.({
        entry: entry.id,
        entriesDone: entriesDone(),
        entriesTotal,
        pages,
        snapshots: drafts.size,
        queued: queue.length,
        skipped: counters.get('skipped') ?? 0,
        errors: counters.get('errors') ?? 0,
        requests: this.#run['requests']!,
        cacheHits: this.#run['cache_hits']!,
        elapsedMs: this.#clock() - t0,
      });

    for (const url of entry.seed_urls) {
      count('seeds');
      enqueue(url, 0, 'seed');
    }

    // Sitemaps named by the robots.txt of each seed's origin: their URLs join the queue at depth 1.
    if (this.#settings.read_sitemaps && this.#settings.respect_robots && entry.budgets.max_depth >= 1) {
      for (const origin of [...new Set(entry.seed_urls.map(originOf))]) {
        const robots = await this.#robotsFor(origin);
        const pending = [...robots.rules.sitemaps.map((u) => ({ url: u, nesting: 0 }))];
        const visited = new Set<string>();
        while (pending.length > 0) {
          const { url: raw, nesting } = pending.shift()!;
          const url = normalizeUrl(raw);
          if (url === null || visited.has(url) || checkScope(url, { ...scope, pathPrefixes: [] }) !== null) continue;
          visited.add(url);
          const resolved = await this.#resolve(url, 'sitemap', { accept: acceptAny, maxBytes: SITEMAP_MAX_BYTES, deadline });
          if (!('entry' in resolved) || resolved.entry.outcome !== 'body' || resolved.entry.body === null) {
            count('sitemap_errors');
            continue;
          }
          let doc;
          try {
            doc = parseSitemap(sitemapText(await this.#cache.readBody(resolved.entry.body), SITEMAP_MAX_BYTES));
          } catch (err) {
            count('sitemap_errors');
            log.warn({ url, err: (err as Error).message }, 'unreadable sitemap');
            continue;
          }
          count('sitemaps_read');
          if (nesting < SITEMAP_MAX_NESTING) for (const s of doc.sitemaps) pending.push({ url: s, nesting: nesting + 1 });
          for (const raw of doc.urls) {
            if ((counters.get('urls_queued') ?? 0) >= entry.budgets.max_pages) break;
            const u = normalizeUrl(raw);
            // A site-wide sitemap lists much outside the entry's scope: counted, not reported URL by URL.
            if (u === null || checkScope(u, scope) !== null) {
              count('sitemap_urls_out_of_scope');
              continue;
            }
            const before = counters.get('urls_queued') ?? 0;
            enqueue(u, 1, 'sitemap');
            if ((counters.get('urls_queued') ?? 0) > before) count('sitemap_urls');
          }
        }
      }
    }

    let stoppedBy: EntryResult['stoppedBy'] = 'done';
    while (queue.length > 0) {
      if (pages >= entry.budgets.max_pages) {
        stoppedBy = 'max_pages';
        break;
      }
      if (this.#clock() >= deadline) {
        stoppedBy = 'time';
        break;
      }
      const batch = popBatch(Math.min(this.#settings.concurrency, entry.budgets.max_pages - pages));
      const visits = await Promise.all(batch.map((item) => this.#visit(entry, item, seedSet.has(item.url), deadline)));
      for (const [i, visit] of visits.entries()) {
        const item = batch[i]!;
        if (visit.kind === 'unreachable') {
          unreachable.push({ url: item.url, message: visit.message });
          skip(item, 'fetch_error', 'unreachable');
          continue;
        }
        if (visit.chain.length > 0) count('redirects', visit.chain.length);
        if (visit.kind === 'skip') {
          // The time budget ran out while this URL waited for its host.
          if (visit.reason === 'unreached') stoppedBy = 'time';
          skip(item, visit.reason, visit.detail, { status: visit.status, final_url: visit.finalUrl });
          continue;
        }
        const finalUrl = visit.finalUrl;
        for (const hop of visit.chain) seen.add(hop);
        if (readFinal.has(finalUrl)) {
          // Reached again through a redirect: the page is already read; remember how it was reached.
          const draft = [...drafts.values()].find((d) => d.aliases.has(finalUrl));
          if (draft !== undefined) for (const hop of [...visit.chain, item.url]) if (hop !== finalUrl && !draft.redirects.includes(hop)) draft.redirects.push(hop);
          skip(item, 'duplicate', `same page as ${finalUrl}`, { final_url: finalUrl, status: visit.journal.status });
          continue;
        }
        readFinal.add(finalUrl);
        seen.add(finalUrl);
        // A batch never holds more items than pages left in the budget, so this stays within max_pages.
        pages += 1;
        count('pages_read');
        const page = this.#readPage(visit, entry);
        if (page.kind === 'skip') {
          skip(item, page.reason, page.detail, { status: visit.journal.status, final_url: finalUrl === item.url ? null : finalUrl });
          for (const link of page.links) enqueue(link, item.depth + 1, 'link');
          continue;
        }
        for (const link of page.links) enqueue(link, item.depth + 1, 'link');
        const existing = drafts.get(page.checksum);
        const redirects = visit.chain.filter((hop) => hop !== finalUrl);
        if (existing !== undefined) {
          existing.aliases.add(finalUrl);
          for (const hop of redirects) if (!existing.redirects.includes(hop)) existing.redirects.push(hop);
          existing.depth = Math.min(existing.depth, item.depth);
          count('deduped');
          urls.push({ entry: entry.id, url: item.url, depth: item.depth, via: item.via, outcome: 'snapshot', detail: `same text as ${existing.url}`, status: visit.journal.status, final_url: finalUrl === item.url ? null : finalUrl, checksum: page.checksum });
          continue;
        }
        drafts.set(page.checksum, {
          url: finalUrl,
          aliases: new Set([finalUrl]),
          redirects,
          depth: item.depth,
          journal: visit.journal,
          text: page.text,
          html: this.#settings.include_html ? page.html : null,
          title: page.title,
          lang: page.lang,
          canonical: page.canonical,
          description: page.description,
          charset: page.charset,
        });
        draftOrder.push(page.checksum);
        urls.push({ entry: entry.id, url: item.url, depth: item.depth, via: item.via, outcome: 'snapshot', detail: null, status: visit.journal.status, final_url: finalUrl === item.url ? null : finalUrl, checksum: page.checksum });
      }
      progress();
    }
    if (stoppedBy === 'done' && queue.length > 0 && this.#clock() >= deadline) stoppedBy = 'time';
    for (const item of queue) skip(item, 'unreached', stoppedBy === 'done' ? null : `stopped by ${stoppedBy}`);
    if (stoppedBy !== 'done') count(`budget_stop::${stoppedBy}`);

    const snapshots: PageSnapshot[] = [];
    for (const checksum of draftOrder) {
      const d = drafts.get(checksum)!;
      const candidate = {
        institution: entry.institution,
        url: d.url,
        canonical_url: d.canonical,
        // When this content was first fetched: a refetch that finds the same bytes leaves the snapshot (and S0) unchanged.
        fetched_at: d.journal.content_since ?? d.journal.at,
        http_status: d.journal.status ?? 200,
        content_type: d.journal.content_type ?? 'text/html',
        html: d.html,
        text: d.text,
        lang: d.lang,
        checksum,
        title: d.title,
        meta: {
          source: 'crawl',
          kind: entry.kind,
          level_hint: entry.level,
          seed: entry.id,
          ...(entry.parent_anchor === null ? {} : { parent_anchor: entry.parent_anchor }),
          depth: d.depth,
          alias_urls: [...d.aliases].sort(),
          redirects: d.redirects,
          charset: d.charset,
          rendered: false,
          robots_blocked: false,
          ...(d.description === null ? {} : { description: d.description }),
        },
      };
      const parsed = PageSnapshotSchema.safeParse(candidate);
      if (!parsed.success) {
        count('invalid_snapshots');
        log.warn({ url: d.url, error: formatZodIssues(parsed.error) }, 'snapshot failed validation');
        continue;
      }
      snapshots.push(parsed.data);
    }
    counters.set('snapshots', snapshots.length);
    progress();
    log.debug({ pages, snapshots: snapshots.length, stoppedBy }, `entry ${entry.id} crawled`);
    return {
      entry,
      snapshots,
      urls,
      counters: Object.fromEntries([...counters.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
      stoppedBy,
      unreachable,
      elapsedMs: this.#clock() - t0,
    };
  }

  /** Follows one queued URL through robots, the cache and redirects to a page body or a reason. */
  async #visit(entry: SeedEntry, item: QueueItem, isSeed: boolean, deadline: number): Promise<Visit> {
    const chain: string[] = [];
    let url = item.url;
    const maxBytes = entry.budgets.max_content_bytes;
    for (let hop = 0; hop <= this.#settings.max_redirects; hop += 1) {
      const robots = await this.#robotsFor(originOf(url));
      if (robots.unreachable !== null) {
        if (isSeed && hop === 0) return { kind: 'unreachable', message: robots.unreachable };
        return { kind: 'skip', reason: 'fetch_error', detail: 'unreachable', status: null, finalUrl: url === item.url ? null : url, chain };
      }
      if (!robots.rules.isAllowed(url)) {
        const reason = robots.rules.status === 'unavailable' ? 'robots_unavailable' : 'robots_blocked';
        return { kind: 'skip', reason, detail: null, status: null, finalUrl: url === item.url ? null : url, chain };
      }
      const resolved = await this.#resolve(url, 'page', { accept: acceptPage, maxBytes, deadline });
      if ('expired' in resolved) return { kind: 'skip', reason: 'unreached', detail: 'stopped by time', status: null, finalUrl: url === item.url ? null : url, chain };
      if ('unreachable' in resolved) {
        if (isSeed && hop === 0) return { kind: 'unreachable', message: resolved.unreachable };
        return { kind: 'skip', reason: 'fetch_error', detail: 'unreachable', status: null, finalUrl: url === item.url ? null : url, chain };
      }
      const j = resolved.entry;
      const final = url === item.url ? null : url;
      switch (j.outcome) {
        case 'body': {
          if (j.body === null) return { kind: 'skip', reason: 'fetch_error', detail: 'missing body', status: j.status, finalUrl: final, chain };
          const body = await this.#cache.readBody(j.body);
          if (body.length > maxBytes) return { kind: 'skip', reason: 'too_large', detail: `${body.length} bytes > ${maxBytes}`, status: j.status, finalUrl: final, chain };
          return { kind: 'page', finalUrl: url, chain, journal: j, body };
        }
        case 'redirect': {
          chain.push(url);
          const next = j.location;
          if (next === null) return { kind: 'skip', reason: 'http_error', detail: `http_${j.status} without Location`, status: j.status, finalUrl: final, chain };
          if (chain.includes(next)) return { kind: 'skip', reason: 'redirect_loop', detail: next, status: j.status, finalUrl: final, chain };
          const verdict = checkScope(next, { allowedDomains: entry.allowed_domains, pathPrefixes: isSeed ? [] : entry.path_prefixes, exclude: entry.exclude });
          if (verdict !== null) return { kind: 'skip', reason: 'redirect_out_of_scope', detail: `${next} (${verdict})`, status: j.status, finalUrl: next, chain };
          url = next;
          continue;
        }
        case 'http_error':
          return { kind: 'skip', reason: 'http_error', detail: `http_${j.status}`, status: j.status, finalUrl: final, chain };
        case 'unwanted_type':
          return { kind: 'skip', reason: 'non_html', detail: mediaTypeOf(j.content_type) ?? 'unknown type', status: j.status, finalUrl: final, chain };
        case 'too_large':
          return {
            kind: 'skip',
            reason: 'too_large',
            detail: j.declared_bytes !== null && j.declared_bytes > (j.limit_bytes ?? maxBytes) ? `declared ${j.declared_bytes} bytes > ${j.limit_bytes ?? maxBytes}` : `stream cut at ${j.limit_bytes ?? maxBytes} bytes`,
            status: j.status,
            finalUrl: final,
            chain,
          };
        case 'failure':
          return { kind: 'skip', reason: 'fetch_error', detail: j.error ?? 'failure', status: null, finalUrl: final, chain };
      }
    }
    return { kind: 'skip', reason: 'too_many_redirects', detail: `more than ${this.#settings.max_redirects}`, status: null, finalUrl: url, chain };
  }

  /** Decodes and reads one page: its links always, its text when the entry wants a snapshot of it. */
  #readPage(
    visit: Extract<Visit, { kind: 'page' }>,
    entry: SeedEntry,
  ):
    | { kind: 'skip'; reason: SkipReason; detail: string | null; links: string[] }
    | { kind: 'page'; links: string[]; text: string; html: string; checksum: string; title: string | null; lang: string; canonical: string | null; description: string | null; charset: string } {
    const decoded = decodeBody(visit.body, visit.journal.content_type);
    if (mediaTypeOf(visit.journal.content_type) === null && !/<[a-z!]/iu.test(decoded.text.slice(0, 2048))) {
      return { kind: 'skip', reason: 'non_html', detail: 'no content type, not markup', links: [] };
    }
    const doc = parseHtmlStructure(decoded.text);
    const base = doc.baseHref === null ? visit.finalUrl : (normalizeUrl(doc.baseHref, visit.finalUrl) ?? visit.finalUrl);
    const links = doc.robots.nofollow ? [] : doc.links.flatMap((l) => {
      const u = normalizeUrl(l.href, base);
      return u === null ? [] : [u];
    });
    if (entry.snapshot.length > 0 && !entry.snapshot.some((re) => re.test(visit.finalUrl))) return { kind: 'skip', reason: 'link_only', detail: null, links };
    if (doc.robots.noindex) return { kind: 'skip', reason: 'noindex', detail: 'meta robots noindex', links };
    const text = renderPageText(doc.blocks);
    if (text.trim() === '') return { kind: 'skip', reason: 'empty_text', detail: null, links };
    return {
      kind: 'page',
      links,
      text,
      html: decoded.text,
      checksum: textChecksum(text),
      title: doc.title,
      lang: languageTag(doc.lang, visit.journal.content_language),
      canonical: doc.canonicalHref === null ? null : normalizeUrl(doc.canonicalHref, base),
      description: doc.description,
      charset: decoded.charset,
    };
  }
}
