import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ARTIFACT_DIRS, findWorkspaceRoot, sha256Hex, writeJsonFile, type PhaseMetrics } from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { createLogger, runPhaseTask, type Logger } from '@taxonomy/observability';
import { crawlStatePath, executeCrawl, readSeedsFile, writeCrawlOutput, type CrawlReport } from './run.ts';
import type { SeedsFile } from './seeds.ts';

/** The snapshot file of `crawl:run`, relative to the workspace root: what a sources manifest entry reads. */
export const CRAWL_SNAPSHOTS = `${ARTIFACT_DIRS.crawl}/snapshots.jsonl`;

export interface RunCrawlTaskOptions {
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Output folder, relative to the root or absolute (default `artifacts/crawl`). */
  outDir?: string;
  /** `slice.key=value` config overrides. */
  overrides?: string[];
  log?: Logger;
  /** Wall clock for the cache TTLs (tests). */
  now?: () => number;
  progress?: boolean;
}

export interface CrawlTaskResult {
  metrics: PhaseMetrics;
  /** Null when no seeds file is configured (nothing was crawled). */
  report: CrawlReport | null;
}

/**
 * The `crawl:run` task: crawls the seeds file of `crawl.seeds_file` and writes `snapshots.jsonl`,
 * `snapshots.urls.jsonl`, `snapshots.sources.json` and deterministic metrics to `artifacts/crawl`. With no
 * seeds file it writes the same files empty, touching no network, so the default build stays offline.
 * Request accounting (sent vs cached, bytes, pages/s) goes to the timing file and the manifest.
 */
export async function runCrawlTask(options: RunCrawlTaskOptions = {}): Promise<CrawlTaskResult> {
  const root = resolve(options.root ?? findWorkspaceRoot());
  const overrides = options.overrides ?? [];
  // The seeds file is checked before the task empties its folder: a typo fails with one line and keeps the last crawl.
  const settings = loadConfig({ root, overrides }).config.crawl;
  let seeds: SeedsFile | null = null;
  let seedsText = '';
  if (settings.seeds_file !== null) {
    seeds = await readSeedsFile(root, settings.seeds_file, settings);
    seedsText = await readFile(resolve(root, settings.seeds_file), 'utf8');
  }
  const log = options.log ?? createLogger();
  let report: CrawlReport | null = null;
  const outDir = options.outDir ?? ARTIFACT_DIRS.crawl;
  const metrics = await runPhaseTask({
    task: 'crawl:run',
    phase: 'crawl',
    level: null,
    slices: ['crawl'],
    outDir,
    root,
    overrides,
    log,
    run: async (ctx) => {
      ctx.counters.declare('entries', 'snapshots', 'pages_read', 'urls_queued', 'skipped', 'errors');
      const file = join(ctx.outDir, 'snapshots.jsonl');
      const publishedAs = relative(root, join(resolve(root, outDir), 'snapshots.jsonl'));
      if (seeds === null) {
        const empty: CrawlReport = { seedsFile: '', entries: [], counters: {}, run: {}, validUntil: null, complete: true, snapshots: [], urls: [] };
        const outputs = await writeCrawlOutput({ root, file, seeds: { path: '(none)', entries: [] }, report: empty, publishedAs });
        return { inputs: [], outputs, summary: 'crawl:run: no seeds file configured (crawl.seeds_file is null): wrote an empty snapshot set, no request sent' };
      }
      report = await executeCrawl({ root, settings: ctx.config.crawl, seeds, log: ctx.log, now: options.now ?? Date.now, progress: options.progress ?? true });
      for (const [k, v] of Object.entries(report.counters)) ctx.counters.set(k, v);
      const outputs = await writeCrawlOutput({ root, file, seeds, report, publishedAs });
      // What tools/nx/hash-crawl.mjs hashes: Nx re-runs this task once the cache it relied on expires.
      await writeJsonFile(crawlStatePath(root, ctx.config.crawl, relative(root, resolve(root, settings.seeds_file!)), seedsText), {
        seeds_file: seeds.path,
        valid_until: report.complete ? report.validUntil : null,
        complete: report.complete,
      });
      const seedsRef = { path: seeds.path, sha256: sha256Hex(seedsText), records: seeds.entries.length };
      return {
        inputs: [seedsRef],
        outputs,
        runCounters: report.run,
        summary: `crawl:run wrote ${report.snapshots.length} snapshots from ${report.counters['pages_read'] ?? 0} pages of ${seeds.entries.length} entries (${report.run['requests'] ?? 0} requests, ${report.run['cache_hits'] ?? 0} cache hits)`,
      };
    },
  });
  return { metrics, report };
}

