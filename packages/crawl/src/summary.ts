import type { CrawlReport } from './run.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** `a 2, b 1` from the counters named `prefix::x`, largest first. */
function breakdown(counters: Record<string, number>, prefix: string): string {
  const parts = Object.entries(counters)
    .filter(([k, v]) => k.startsWith(prefix) && v > 0)
    .map(([k, v]) => [k.slice(prefix.length), v] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return parts.length === 0 ? 'none' : parts.map(([k, v]) => `${k} ${v}`).join(', ');
}

/** The end-of-crawl summary a person reads: totals, requests vs cache, why URLs were skipped, errors by kind, per entry. */
export function formatCrawlSummary(report: CrawlReport): string {
  const c = (k: string) => report.counters[k] ?? 0;
  const r = (k: string) => report.run[k] ?? 0;
  const lines = [
    `crawl ${report.seedsFile}: ${report.entries.length} entries, ${c('snapshots')} snapshots from ${c('pages_read')} pages read (${c('deduped')} identical pages collapsed) in ${(r('elapsed_ms') / 1000).toFixed(1)} s, ${r('pages_per_second')} pages/s`,
    `requests     ${r('requests')} sent (${r('retries')} retries, ${r('revalidated')} revalidated), ${r('cache_hits')} answered from the cache; ${megabytes(r('bytes_downloaded'))} downloaded`,
    `queued       ${c('urls_queued')} URLs (${c('seeds')} seeds, ${c('sitemap_urls')} from sitemaps, ${c('sitemap_urls_out_of_scope')} sitemap URLs out of scope); ${c('redirects')} redirects followed`,
    `not fetched  robots.txt ${c('skipped::robots_blocked') + c('skipped::robots_unavailable')}, filtered ${c('filtered')} (${breakdown(report.counters, 'skipped::filtered_')}), beyond depth ${c('skipped::beyond_depth')}, left by budgets ${c('skipped::unreached')}`,
    `skipped      non-HTML ${c('skipped::non_html')}, too large ${c('skipped::too_large')}, empty ${c('skipped::empty_text')}, noindex ${c('skipped::noindex')}, links only ${c('skipped::link_only')}, duplicates ${c('skipped::duplicate')}`,
    `errors       ${c('errors')} (${breakdown(report.counters, 'error::')})`,
  ];
  const stopped = report.entries.filter((e) => e.stoppedBy !== 'done');
  lines.push(`budgets      ${stopped.length === 0 ? 'no entry stopped by a budget' : stopped.map((e) => `${e.id} stopped by ${e.stoppedBy}`).join(', ')}`);
  const width = Math.max(0, ...report.entries.map((e) => e.id.length));
  for (const e of report.entries) {
    lines.push(`  ${e.id.padEnd(width)} L${e.level} ${e.kind.padEnd(15)} ${String(e.snapshots).padStart(4)} snapshots / ${String(e.pages).padStart(4)} pages, ${e.queued} queued, ${e.skipped} skipped, ${e.errors} errors`);
  }
  if (report.validUntil !== null) lines.push(`cache        a rerun before ${report.validUntil} sends no request${report.complete ? '' : ' (incomplete: a time budget stopped an entry; the next run continues)'}`);
  return `${lines.join('\n')}\n`;
}
