import { gunzipSync } from 'node:zlib';
import type * as Htmlparser2 from 'htmlparser2';
import { lazyRequire } from '@taxonomy/core';

// Loaded on the first sitemap read, not by a crawl that reads none (or by the empty crawl of no seeds file): ≈ 40 ms.
const htmlparser2 = lazyRequire<typeof Htmlparser2>(import.meta.url, 'htmlparser2');

/** The page URLs and nested sitemaps one sitemap document lists (`<urlset>` or `<sitemapindex>`). */
export interface SitemapDocument {
  urls: string[];
  sitemaps: string[];
}

/** Decompresses a gzipped sitemap (`.xml.gz`, or gzip bytes under any name), capped at `maxBytes`. */
export function sitemapText(bytes: Uint8Array, maxBytes: number): string {
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gz ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : Buffer.from(bytes)).toString('utf8');
}

/** Reads the `<loc>` of every `<url>` and `<sitemap>` of a sitemap document, in document order. */
export function parseSitemap(xml: string): SitemapDocument {
  const out: SitemapDocument = { urls: [], sitemaps: [] };
  let parent: 'url' | 'sitemap' | null = null;
  let inLoc = false;
  let loc = '';
  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name) {
        const local = name.toLowerCase().replace(/^.*:/u, '');
        if (local === 'url' || local === 'sitemap') parent = local;
        if (local === 'loc' && parent !== null) {
          inLoc = true;
          loc = '';
        }
      },
      ontext(text) {
        if (inLoc) loc += text;
      },
      oncdatastart() {
        // CDATA text arrives through ontext as well
      },
      onclosetag(name) {
        const local = name.toLowerCase().replace(/^.*:/u, '');
        if (local === 'loc' && inLoc) {
          inLoc = false;
          const value = loc.trim();
          if (value !== '' && parent !== null) (parent === 'url' ? out.urls : out.sitemaps).push(value);
        }
        if (local === 'url' || local === 'sitemap') parent = null;
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
  return out;
}
