import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fg from 'fast-glob';
import { TaxonomyError } from '@taxonomy/core';
import { parseHtmlPage } from '../html.ts';
import { processPage, type ExtractedRecord } from '../process-page.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';

/**
 * Reads a folder of HTML pages (sorted by path): each page becomes blocks (headings, list items, table
 * rows, paragraphs), then records through the same filters as page snapshots. The institution comes from
 * the source manifest.
 */
export async function loadHtmlFolder(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'html-folder') throw new TaxonomyError('USAGE', 'loadHtmlFolder needs an html-folder source');
  const institution = ctx.source.institution;
  if (institution === null) throw new TaxonomyError('INPUT_INVALID', `source ${ctx.source.id}: an html-folder source needs "institution"`);
  const names = (await fg(ctx.source.options.pattern, { cwd: ctx.path, onlyFiles: true, dot: false, caseSensitiveMatch: false })).sort();
  const records: ExtractedRecord[] = [];
  const files: string[] = [];
  for (const name of names) {
    const file = join(ctx.path, name);
    files.push(file);
    const rel = ctx.relative(file);
    try {
      const html = await readFile(file, 'utf8');
      const page = parseHtmlPage(html, ctx.page.boilerplate, ctx.settings.segmentation.header_max_words);
      ctx.counters.increment('boilerplate_lines_removed', page.boilerplateLinesRemoved);
      const url = page.canonicalUrl !== null && /^https?:\/\//iu.test(page.canonicalUrl) ? page.canonicalUrl : fileUrl(rel);
      const out = processPage(
        {
          institution,
          url,
          fetched_at: null,
          language: page.language,
          language_confidence: null,
          title: page.title,
          blocks: page.blocks,
          hints: { file: rel },
        },
        ctx.page,
      );
      records.push(...out);
    } catch (err) {
      ctx.counters.increment('pages_failed');
      ctx.quarantine.add({ reason: `page failed: ${(err as Error).message}`, file: rel });
    }
  }
  return { records, itemsIn: names.length, files };
}
