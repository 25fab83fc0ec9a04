import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { classifyLines } from './render-page.ts';
import { buildSite, encodeWindows1252, readCorpusPages } from './site.ts';

const root = findWorkspaceRoot(import.meta.dirname);
const corpus = readCorpusPages(root);
const site = buildSite(corpus, 'http://127.0.0.1:19500', { crawlDelaySeconds: 0.2, slowMs: 300, bigBytes: 20 * 1024 * 1024 });
const body = (path: string) => {
  const r = site.resources.get(path);
  if (r === undefined || (r.type !== 'bytes' && r.type !== 'page')) throw new Error(`no body at ${path}`);
  return r.body;
};

describe('the test site', () => {
  it('serves every corpus page, in one section per institution or venue', () => {
    const pages = site.sections.flatMap((s) => s.pages);
    expect(pages).toHaveLength(corpus.length);
    expect(new Set(pages.map((p) => p.path)).size).toBe(corpus.length);
    expect(site.sections.map((s) => s.institution)).toContain('Duke University');
  });

  it('has a robots.txt with a disallowed path, a Crawl-delay and its sitemap', () => {
    expect(body('/robots.txt').toString()).toContain('User-agent: *\nCrawl-delay: 0.2\nDisallow: /*/private/\nDisallow: /intranet/\n\nSitemap: http://127.0.0.1:19500/sitemap.xml');
  });

  it('lists every page in a gzipped sitemap under a sitemap index, including one nothing links to', () => {
    expect(body('/sitemap.xml').toString()).toContain('<loc>http://127.0.0.1:19500/sitemaps/pages.xml.gz</loc>');
    const urls = gunzipSync(body('/sitemaps/pages.xml.gz')).toString();
    expect(urls.match(/<loc>/gu)).toHaveLength(corpus.length);
    const yale = site.sections.find((s) => s.institution === 'Yale University')!;
    expect(body(`/${yale.slug}/`).toString()).not.toContain(site.specials['sitemap_only']);
    expect(urls).toContain(site.specials['sitemap_only']);
  });

  it('has the hard cases: redirects, a 20 MB page of each kind, a PDF, an image, legacy charsets', () => {
    expect(site.resources.get(site.specials['redirect']!)).toMatchObject({ type: 'redirect', status: 301 });
    expect(site.resources.get(site.specials['big_declared']!)).toMatchObject({ type: 'big', bytes: 20 * 1024 * 1024, declareLength: true });
    expect(site.resources.get(site.specials['big_streamed']!)).toMatchObject({ type: 'big', declareLength: false });
    expect(site.resources.get(site.specials['pdf']!)).toMatchObject({ contentType: 'application/pdf' });
    expect(body(site.specials['pdf']!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(body(site.specials['image']!).subarray(1, 4).toString()).toBe('PNG');
    expect(site.resources.get(site.specials['charset_header']!)).toMatchObject({ contentType: 'text/html; charset=windows-1252' });
    expect(body(site.specials['charset_header']!).includes(0x96)).toBe(true);
    expect(encodeWindows1252('– … é')).toEqual(Buffer.from([0x96, 0x20, 0x85, 0x20, 0xe9]));
  });
});

describe('classifyLines (corpus text to markup)', () => {
  it.each([
    [
      'a call for papers',
      'Call For Papers 2026\nWe invite submissions presenting new and original research on topics including but not limited to the following:\nComputer vision\nOptimization',
      ['h1', 'p', 'li', 'li'],
    ],
    ['a page that opens with prose', 'The EECS Department offers two undergraduate programs: Electrical and Computer Engineering (ECE), and Computer Science and Engineering (CSE).', ['p']],
    ['a numbered list', 'Computer Science\nFields of Study\nArtificial Intelligence\nThe UCLA Computer Science Department has active research in the following major subfields of artificial intelligence:\n1. Problem Solving\n[stored excerpt ends here]', ['h1', 'li', 'h3', 'p', 'ol', 'p']],
    ['markdown and capitals', '## Submission Topics\nMAIN CONFERENCE\nDialogue and Interactive Systems', ['h1', 'h3', 'li']],
  ])('%s', (_name, text, kinds) => {
    expect(classifyLines(text).map((l) => l.kind)).toEqual(kinds);
  });
});
