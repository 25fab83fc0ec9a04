import { lazyRequire } from '@taxonomy/core';

type RobotsParser = (url: string, contents: string) => {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
};
// The package is CommonJS (`module.exports = function`); its typings describe an ES default export. Loaded on the
// first robots.txt read, not by a crawl that reads none (the empty crawl of no seeds file): ≈ 10 ms.
const robotsParser = lazyRequire<RobotsParser>(import.meta.url, 'robots-parser');

/** What robots.txt allows on one origin, for our User-Agent. */
export interface RobotsRules {
  /** `parsed`: a 2xx robots.txt; `absent`: 4xx, everything allowed; `unavailable`: 5xx or unreachable, nothing allowed. */
  status: 'parsed' | 'absent' | 'unavailable';
  isAllowed(url: string): boolean;
  /** Crawl-delay for our User-Agent (or `*`), in milliseconds. */
  crawlDelayMs: number | null;
  sitemaps: string[];
}

/** The robots.txt URL of an origin. */
export function robotsUrlOf(origin: string): string {
  return `${origin}/robots.txt`;
}

/**
 * Reads a robots.txt body with `robots-parser` (groups, Allow/Disallow with `*` and `$`, Crawl-delay,
 * Sitemap). The User-Agent's product token (`taxonomy-build/0.1` → `taxonomy-build`) picks the group.
 */
export function parseRobots(robotsUrl: string, body: string, userAgent: string): RobotsRules {
  const robots = robotsParser()(robotsUrl, body);
  const delay = robots.getCrawlDelay(userAgent);
  return {
    status: 'parsed',
    // A URL on another origin is not this file's business; the caller asks the right origin's rules.
    isAllowed: (url) => robots.isAllowed(url, userAgent) !== false,
    crawlDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? Math.round(delay * 1000) : null,
    sitemaps: robots.getSitemaps(),
  };
}

/** No robots.txt (4xx): everything is allowed. */
export const ROBOTS_ABSENT: RobotsRules = { status: 'absent', isAllowed: () => true, crawlDelayMs: null, sitemaps: [] };

/** robots.txt could not be read (5xx, timeout): nothing is fetched from that origin in this crawl. */
export const ROBOTS_UNAVAILABLE: RobotsRules = { status: 'unavailable', isAllowed: () => false, crawlDelayMs: null, sitemaps: [] };
