import { isInteractive } from '@taxonomy/observability';
import type { CrawlProgressState } from './crawler.ts';

export interface CrawlProgress {
  update(state: CrawlProgressState): void;
  /** Clears the line; call once at the end. */
  done(): void;
}

/**
 * A one-line crawl progress display on stderr in a terminal (silent in CI and in pipes), redrawn at most
 * every 200 ms: entries done, pages read, snapshots, queue, skips, errors, requests vs cache hits, rate.
 */
export function createCrawlProgress(stream: NodeJS.WriteStream = process.stderr): CrawlProgress {
  if (!isInteractive(stream)) return { update: () => undefined, done: () => undefined };
  const latest = new Map<string, CrawlProgressState>();
  const started = Date.now();
  let last = 0;
  return {
    update(state) {
      latest.set(state.entry, state);
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const all = [...latest.values()];
      const sum = (k: keyof CrawlProgressState) => all.reduce((n, s) => n + (s[k] as number), 0);
      const pages = sum('pages');
      const rate = pages / Math.max(0.001, (now - started) / 1000);
      const newest = all.reduce((a, b) => (a.requests >= b.requests ? a : b));
      stream.write(
        `\r\u001b[2Kcrawl ${newest.entriesDone}/${newest.entriesTotal} entries · ${pages} pages · ${sum('snapshots')} snapshots · queue ${sum('queued')} · skipped ${sum('skipped')} · errors ${sum('errors')} · ${newest.requests} requests, ${newest.cacheHits} cached · ${rate.toFixed(1)} pages/s`,
      );
    },
    done() {
      stream.write('\r\u001b[2K');
    },
  };
}
