import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';
import { parseHtmlPage } from '../html.ts';
import { processPage, type ExtractedRecord } from '../process-page.ts';
import { NEVER_WALKED, fileKind, outsideProblem } from '../source-paths.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';
import { decodeDocument } from './decode.ts';

/** Why one page file may not be read (outside the allowed roots, not a regular file, too large), or null. */
async function pageFileProblem(file: string, ctx: LoaderContext): Promise<string | null> {
  const real = await realpath(file).catch(() => null);
  if (real === null) return 'cannot be resolved';
  const outside = outsideProblem(real, ctx.allowedRoots);
  if (outside !== null) return outside;
  const info = await stat(real);
  if (!info.isFile()) return `is ${fileKind(info)}, not a regular file`;
  if (info.size > ctx.settings.max_source_bytes) return `is ${info.size} bytes, over s0.max_source_bytes=${ctx.settings.max_source_bytes}`;
  return null;
}

/**
 * Reads a folder of HTML pages (sorted by path): each page becomes blocks (headings, list items, table
 * rows, paragraphs), then records through the same filters as page snapshots. The institution comes from
 * the source manifest.
 */
export async function loadHtmlFolder(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'html-folder') throw new TaxonomyError('USAGE', 'loadHtmlFolder needs an html-folder source');
  const institution = ctx.source.institution;
  if (institution === null) throw new TaxonomyError('INPUT_INVALID', `source ${ctx.source.id}: an html-folder source needs "institution"`);
  // Symlinked folders are not followed (a link loop or a link out) and tool folders never walked: a page folder
  // is pages, not a checkout. Symlinked files are listed, then checked like every page below.
  const names = (
    await (await import('fast-glob')).default(ctx.source.options.pattern, {
      cwd: ctx.path,
      onlyFiles: false,
      markDirectories: true,
      dot: false,
      caseSensitiveMatch: false,
      followSymbolicLinks: false,
      ignore: NEVER_WALKED.map((d) => `**/${d}/**`),
    })
  )
    .filter((name) => !name.endsWith('/'))
    .sort();
  const records: ExtractedRecord[] = [];
  const files: string[] = [];
  for (const name of names) {
    const file = join(ctx.path, name);
    const rel = ctx.relative(file);
    const refused = await pageFileProblem(file, ctx);
    if (refused !== null) {
      // Nothing of a refused file is read, not even for its checksum.
      ctx.counters.increment('pages_refused');
      ctx.quarantine.add({ reason: `page refused: ${rel} ${refused}`, file: rel });
      continue;
    }
    files.push(file);
    try {
      const bytes = await readFile(file);
      if (bytes.toString('latin1').trim() === '') {
        ctx.counters.increment('pages_empty');
        ctx.quarantine.add({ reason: 'page empty: no bytes but white space', file: rel });
        continue;
      }
      const decoded = decodeDocument(bytes, { html: true });
      if (!decoded.ok) {
        ctx.counters.increment('pages_undecodable');
        ctx.quarantine.add({ reason: `page undecodable: ${decoded.reason}`, file: rel, raw: bytes.subarray(0, 120).toString('latin1') });
        continue;
      }
      const html = decoded.text;
      const page = parseHtmlPage(html, ctx.page.boilerplate, ctx.settings.segmentation.header_max_words);
      if (page.blocks.length === 0) ctx.counters.increment('pages_without_text');
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
