import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSitemap, sitemapText } from './sitemap.ts';

describe('parseSitemap', () => {
  it('reads the locations of a urlset', () => {
    const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://www.cs.duke.edu/research/systems</loc><lastmod>2025-01-01</lastmod></url>
      <url><loc> https://www.cs.duke.edu/research/theory-algorithms?a=1&amp;b=2 </loc></url></urlset>`;
    expect(parseSitemap(xml)).toEqual({ urls: ['https://www.cs.duke.edu/research/systems', 'https://www.cs.duke.edu/research/theory-algorithms?a=1&b=2'], sitemaps: [] });
  });

  it('reads the sitemaps of an index, namespace prefixes and CDATA included', () => {
    const xml = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:sitemap><sm:loc><![CDATA[https://vldb.org/2019/sitemap-pages.xml.gz]]></sm:loc></sm:sitemap></sm:sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ urls: [], sitemaps: ['https://vldb.org/2019/sitemap-pages.xml.gz'] });
  });

  it('inflates a gzipped sitemap and leaves a plain one as it is', () => {
    const xml = '<urlset><url><loc>https://acm-stoc.org/stoc2026/stoc2026-cfp.html</loc></url></urlset>';
    expect(sitemapText(gzipSync(xml), 1 << 20)).toBe(xml);
    expect(sitemapText(Buffer.from(xml), 1 << 20)).toBe(xml);
    expect(() => sitemapText(gzipSync('x'.repeat(5000)), 1000)).toThrow();
  });
});
