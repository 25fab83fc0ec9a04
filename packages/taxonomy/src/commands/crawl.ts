import { join, relative, resolve, sep } from 'node:path';
import { ARTIFACT_DIRS, TaxonomyError } from '@taxonomy/core';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandDef } from './context.ts';
import { loadCrawl } from './phase-modules.ts';
import { optionalString, requireString, stringList, usageError } from './usage.ts';

/** `--max-pages N`: a positive integer. */
export function parseMaxPages(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw usageError(`crawl: --max-pages expects a positive integer, got "${raw}"`);
  return n;
}

export const crawlCommand: CommandDef = {
  path: ['crawl'],
  summary: 'Crawl the sites of a seeds file into PageSnapshot JSONL (robots.txt, crawl-delay, sitemaps, cache)',
  options: {
    seeds: { type: 'string', value: 'FILE', description: 'Seeds file (JSON): institutions, seed URLs, allowed domains, patterns, budgets' },
    out: { type: 'string', value: 'FILE.jsonl', description: 'Snapshot file to write (default crawl-snapshots.jsonl); .urls.jsonl and .sources.json go beside it' },
    'max-pages': { type: 'string', value: 'N', description: "Cap every entry's max_pages" },
    override: CONFIG_OPTIONS.override,
    ...HELP_OPTION,
  },
  details: [
    'Requests go through the crawl cache (crawl.cache_dir, default .cache/crawl): a rerun within the TTL sends none,',
    'and a crawl that was killed resumes without fetching a page twice. The User-Agent names crawl.contact (required).',
    `To build from the crawl, set crawl.seeds_file and add the entries of ${ARTIFACT_DIRS.crawl}/snapshots.sources.json`,
    'to your sources manifest: `nx run taxonomy:finalize` then runs crawl:run first (see docs/operators-guide.md).',
  ].join('\n'),
  async run(args, ctx) {
    const seeds = resolve(ctx.cwd, requireString('crawl', args.values, 'seeds'));
    const out = resolve(ctx.cwd, optionalString(args.values, 'out') ?? 'crawl-snapshots.jsonl');
    const owned = join(ctx.root, ARTIFACT_DIRS.crawl);
    if (out === owned || out.startsWith(`${owned}${sep}`)) {
      throw usageError(`crawl: --out ${relative(ctx.cwd, out)} is inside ${ARTIFACT_DIRS.crawl}, which only crawl:run writes; choose another file`);
    }
    const maxPages = parseMaxPages(optionalString(args.values, 'max-pages'));
    const { crawlToFile, formatCrawlSummary } = await loadCrawl();
    const { report, outputs } = await crawlToFile({
      root: ctx.root,
      seeds,
      out,
      overrides: stringList(args.values, 'override'),
      log: ctx.logger(),
      ...(maxPages === undefined ? {} : { maxPages }),
    });
    ctx.out(formatCrawlSummary(report));
    ctx.out(`wrote ${outputs.map((o) => o.path).join(', ')}\n`);
    if (report.snapshots.length === 0) throw new TaxonomyError('TASK_FAILED', `crawl: no page of ${relative(ctx.cwd, seeds)} gave a snapshot; see ${relative(ctx.cwd, out.replace(/\.jsonl$/u, '.urls.jsonl'))} for why`);
  },
};
