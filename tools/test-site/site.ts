import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '@taxonomy/core';
import { escapeHtml, renderMain } from './render-page.ts';

/** One page of `corpus/pages/pages.jsonl`: real text collected from a real page. */
export interface CorpusPage {
  url: string;
  institution: string;
  kind: 'units' | 'research_areas' | 'cfp_topics';
  title: string;
  text: string;
}

/** What the server answers for one path. */
export type Resource =
  | {
      type: 'page';
      body: Buffer;
      contentType: string;
      etag: string;
      /** Delay before the response starts (the slow page). */
      slowMs?: number;
      /** Status answered to the first request(s), then 200 (a flaky page). */
      failFirst?: { status: 429 | 503; times: number };
    }
  | { type: 'redirect'; status: 301 | 302; location: string }
  | { type: 'bytes'; body: Buffer; contentType: string }
  | { type: 'big'; bytes: number; contentType: string; declareLength: boolean };

/** A section of the directory: one institution or venue, its pages by kind. */
export interface Section {
  slug: string;
  institution: string;
  pages: Array<{ path: string; kind: CorpusPage['kind']; title: string; sourceUrl: string; linked: boolean; text: string }>;
}

export interface Site {
  base: string;
  resources: Map<string, Resource>;
  sections: Section[];
  /** Paths robots.txt disallows that the site links to (each one must never be requested). */
  disallowedLinks: string[];
  /** The paths of the special resources, for tests and the README. */
  specials: Record<string, string>;
}

export interface SiteOptions {
  /** robots.txt Crawl-delay, in seconds. */
  crawlDelaySeconds: number;
  slowMs: number;
  /** Size of the two big pages (default 20 MB). */
  bigBytes: number;
}

export const KIND_DIRS: Readonly<Record<CorpusPage['kind'], string>> = { research_areas: 'research', cfp_topics: 'cfp', units: 'units' };

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
}

/** The pages of the bundled corpus (the real pages the test site is built from). */
export function readCorpusPages(root: string): CorpusPage[] {
  return readFileSync(join(root, 'corpus/pages/pages.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusPage);
}

/** Page slug from the page's real URL: its path (and query) segments, slugged, at most 60 characters. */
function pageSlug(url: string): string {
  const u = new URL(url);
  const s = slugify(`${u.pathname} ${u.search}`).slice(0, 60).replace(/-+$/u, '');
  return s === '' ? 'index' : s;
}

/** windows-1252 bytes of a string (characters outside the code page become "?"). */
export function encodeWindows1252(text: string): Buffer {
  const high: Record<number, number> = {
    0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88, 0x2030: 0x89,
    0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95,
    0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
  };
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) bytes.push(cp);
    else bytes.push(high[cp] ?? 0x3f);
  }
  return Buffer.from(bytes);
}

// A one-page PDF and a 1×1 PNG: real files of those types, small.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function htmlDocument(options: { title: string; lang?: string; head?: string; nav: string; main: string; footer: string; metaCharset?: string }): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${options.lang ?? 'en'}">`,
    '<head>',
    `<meta charset="${options.metaCharset ?? 'utf-8'}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    options.head ?? '',
    '<style>body { font-family: serif; } nav a { margin-right: 1em; }</style>',
    '<script>window.analytics = { page: document.title, track: "pageview" };</script>',
    '</head>',
    '<body>',
    `<nav>${options.nav}</nav>`,
    '<main>',
    options.main,
    '</main>',
    `<footer><p>© 2025 Research directory test site. All rights reserved. <a href="/privacy">Privacy policy</a></p>${options.footer}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function page(body: Buffer, contentType: string, extra: Partial<Extract<Resource, { type: 'page' }>> = {}): Resource {
  return { type: 'page', body, contentType, etag: `"${sha256Hex(body).slice(0, 16)}"`, ...extra };
}

/**
 * Builds the test site: a research directory with one section per institution or venue of the corpus,
 * each page the real text of a corpus page marked up as HTML, plus the hard cases a crawler meets:
 * robots.txt with a disallowed path and a Crawl-delay, a sitemap index with a gzipped sitemap (listing one
 * page nothing links to), a redirect chain, a 404, a slow page, two 20 MB pages (one declares its length,
 * one streams), a link loop and a calendar trap, a PDF, an image, a flaky 503, a 429, legacy charsets.
 */
export function buildSite(corpus: ReadonlyArray<CorpusPage>, base: string, options: SiteOptions): Site {
  const resources = new Map<string, Resource>();
  const bySlug = new Map<string, Section>();
  for (const p of corpus) {
    const slug = slugify(p.institution);
    let section = bySlug.get(slug);
    if (section === undefined) {
      section = { slug, institution: p.institution, pages: [] };
      bySlug.set(slug, section);
    }
    let path = `/${slug}/${KIND_DIRS[p.kind]}/${pageSlug(p.url)}`;
    for (let n = 2; section.pages.some((x) => x.path === path); n += 1) path = `/${slug}/${KIND_DIRS[p.kind]}/${pageSlug(p.url)}-${n}`;
    section.pages.push({ path, kind: p.kind, title: p.title, sourceUrl: p.url, linked: true, text: p.text });
  }
  const sections = [...bySlug.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1));
  const specials: Record<string, string> = {};
  const find = (institution: string, urlPart: string) => {
    const s = sections.find((x) => x.institution === institution);
    const p = s?.pages.find((x) => x.sourceUrl.includes(urlPart));
    return s === undefined || p === undefined ? null : { section: s, page: p };
  };

  // The Yale handbook page is reachable only through the sitemap.
  const orphan = find('Yale University', 'grad/handbook/ai');
  if (orphan !== null) {
    orphan.page.linked = false;
    specials['sitemap_only'] = orphan.page.path;
  }
  // Duke's index links an old address that redirects twice to the real page, and a page that is gone.
  const dukeAi = find('Duke University', 'artificialintelligence');
  if (dukeAi !== null) {
    const old = `/${dukeAi.section.slug}/research/ai`;
    resources.set(old, { type: 'redirect', status: 301, location: `/${dukeAi.section.slug}/research/artificial-intelligence` });
    resources.set(`/${dukeAi.section.slug}/research/artificial-intelligence`, { type: 'redirect', status: 302, location: dukeAi.page.path });
    specials['redirect'] = old;
    specials['not_found'] = `/${dukeAi.section.slug}/research/robotics`;
  }
  const dukeSystems = find('Duke University', 'research/systems');
  if (dukeSystems !== null) specials['duplicate'] = `${dukeSystems.page.path}?ref=index`;

  const slow = find('STOC', 'stoc2026');
  const flaky503 = find('Massachusetts Institute of Technology', 'graduate-research-areas');
  const flaky429 = find('Yale University', 'our-research');
  const headerCp1252 = find('Harvard University', 'deas.harvard.edu');
  const metaCp1252 = find('Johns Hopkins University', 'jscholarship');
  if (slow) specials['slow'] = slow.page.path;
  if (flaky503) specials['flaky_503'] = flaky503.page.path;
  if (flaky429) specials['flaky_429'] = flaky429.page.path;
  if (headerCp1252) specials['charset_header'] = headerCp1252.page.path;
  if (metaCp1252) specials['charset_meta'] = metaCp1252.page.path;

  for (const section of sections) {
    const pages = section.pages;
    for (const [i, p] of pages.entries()) {
      // Previous / next links make every section a link loop.
      const prev = pages[(i - 1 + pages.length) % pages.length]!.path;
      const next = pages[(i + 1) % pages.length]!.path;
      const nav = `<a href="/">Directory</a> <a href="/${section.slug}/">${escapeHtml(section.institution)}</a> <a href="${prev}">Previous</a> <a href="${next}">Next</a>`;
      const footer = `<p>Collected from <a href="${escapeHtml(p.sourceUrl)}">${escapeHtml(p.sourceUrl)}</a></p>`;
      const head = `<link rel="canonical" href="${base}${p.path}"><meta name="description" content="${escapeHtml(p.title)}">`;
      const main = renderMain(p.text);
      if (p.path === headerCp1252?.page.path) {
        const html = htmlDocument({ title: p.title, head, nav, main, footer, metaCharset: 'windows-1252' });
        resources.set(p.path, page(encodeWindows1252(html), 'text/html; charset=windows-1252'));
      } else if (p.path === metaCp1252?.page.path) {
        const html = htmlDocument({ title: p.title, head, nav, main, footer, metaCharset: 'windows-1252' });
        resources.set(p.path, page(encodeWindows1252(html), 'text/html'));
      } else {
        const html = htmlDocument({ title: p.title, head, nav, main, footer });
        const extra: Partial<Extract<Resource, { type: 'page' }>> = {};
        if (p.path === slow?.page.path) extra.slowMs = options.slowMs;
        if (p.path === flaky503?.page.path) extra.failFirst = { status: 503, times: 1 };
        if (p.path === flaky429?.page.path) extra.failFirst = { status: 429, times: 1 };
        resources.set(p.path, page(Buffer.from(html, 'utf8'), 'text/html; charset=utf-8', extra));
      }
    }
    // The section index: links to its pages (and the odd ones), a staff directory robots.txt disallows.
    const links = pages.filter((p) => p.linked).map((p) => `  <li><a href="${p.path}">${escapeHtml(p.title)}</a></li>`);
    if (section.slug === dukeAi?.section.slug) {
      links.push(`  <li><a href="${specials['redirect']}">Artificial intelligence (old address)</a></li>`);
      links.push(`  <li><a href="${specials['not_found']}">Robotics</a></li>`);
      if (specials['duplicate']) links.push(`  <li><a href="${specials['duplicate']}">Featured: systems research</a></li>`);
    }
    if (section.institution === 'California Institute of Technology') {
      specials['big_declared'] = `/${section.slug}/units/catalogue-2011-2012-full.html`;
      resources.set(specials['big_declared'], { type: 'big', bytes: options.bigBytes, contentType: 'text/html; charset=utf-8', declareLength: true });
      links.push(`  <li><a href="${specials['big_declared']}">Full catalogue 2011-12 (20 MB)</a></li>`);
    }
    if (section.institution === 'Carnegie Mellon University') {
      specials['big_streamed'] = `/${section.slug}/units/catalog-archive`;
      resources.set(specials['big_streamed'], { type: 'big', bytes: options.bigBytes, contentType: 'text/html; charset=utf-8', declareLength: false });
      links.push(`  <li><a href="${specials['big_streamed']}">Catalog archive (all years)</a></li>`);
    }
    if (section.institution === 'ACL') {
      specials['pdf'] = `/${section.slug}/cfp/call-for-papers.pdf`;
      resources.set(specials['pdf'], { type: 'bytes', body: PDF, contentType: 'application/pdf' });
      links.push(`  <li><a href="${specials['pdf']}">Call for papers (PDF)</a></li>`);
    }
    if (section.institution === 'Harvard University') {
      specials['image'] = `/${section.slug}/seas-logo`;
      resources.set(specials['image'], { type: 'bytes', body: PNG, contentType: 'image/png' });
      links.push(`  <li><a href="${specials['image']}">SEAS logo</a></li>`);
    }
    if (section.institution === 'ICML') {
      specials['trap'] = `/${section.slug}/calendar?month=1`;
      links.push(`  <li><a href="${specials['trap']}">Events calendar</a></li>`);
    }
    const privatePath = `/${section.slug}/private/staff-directory`;
    resources.set(privatePath, page(Buffer.from(htmlDocument({ title: 'Staff directory', nav: '', main: '<h1>Staff directory</h1><p>Internal.</p>', footer: '' })), 'text/html; charset=utf-8'));
    const main = [
      `<h1>${escapeHtml(section.institution)}</h1>`,
      '<ul>',
      ...links,
      '</ul>',
      `<p><a href="${privatePath}">Staff directory (intranet)</a></p>`,
    ].join('\n');
    resources.set(`/${section.slug}/`, page(Buffer.from(htmlDocument({ title: section.institution, nav: '<a href="/">Directory</a>', main, footer: '' })), 'text/html; charset=utf-8'));
  }

  const home = [
    '<h1>Research directory</h1>',
    '<ul>',
    ...sections.map((s) => `  <li><a href="/${s.slug}/">${escapeHtml(s.institution)}</a></li>`),
    '</ul>',
    '<p><a href="/intranet/">Intranet</a> <a href="/old-directory">Old directory</a></p>',
  ].join('\n');
  resources.set('/', page(Buffer.from(htmlDocument({ title: 'Research directory', nav: '', main: home, footer: '' })), 'text/html; charset=utf-8'));
  resources.set('/old-directory', { type: 'redirect', status: 301, location: '/directory' });
  resources.set('/directory', { type: 'redirect', status: 302, location: '/' });
  resources.set('/privacy', page(Buffer.from(htmlDocument({ title: 'Privacy policy', nav: '<a href="/">Directory</a>', main: '<h1>Privacy policy</h1><p>This site sets no cookies.</p>', footer: '' })), 'text/html; charset=utf-8'));
  resources.set('/intranet/', page(Buffer.from(htmlDocument({ title: 'Intranet', nav: '', main: '<h1>Intranet</h1>', footer: '' })), 'text/html; charset=utf-8'));

  const delay = Number(options.crawlDelaySeconds.toFixed(3));
  resources.set(
    '/robots.txt',
    {
      type: 'bytes',
      contentType: 'text/plain; charset=utf-8',
      body: Buffer.from(
        [
          '# Research directory test site',
          'User-agent: BadBot',
          'Disallow: /',
          '',
          'User-agent: *',
          `Crawl-delay: ${delay}`,
          'Disallow: /*/private/',
          'Disallow: /intranet/',
          '',
          `Sitemap: ${base}/sitemap.xml`,
          '',
        ].join('\n'),
      ),
    },
  );
  const urlset = (paths: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${paths.map((p) => `  <url><loc>${escapeHtml(`${base}${p}`)}</loc></url>`).join('\n')}\n</urlset>\n`;
  resources.set('/sitemap.xml', {
    type: 'bytes',
    contentType: 'application/xml',
    body: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n  <sitemap><loc>${base}/sitemaps/sections.xml</loc></sitemap>\n  <sitemap><loc>${base}/sitemaps/pages.xml.gz</loc></sitemap>\n</sitemapindex>\n`,
    ),
  });
  resources.set('/sitemaps/sections.xml', { type: 'bytes', contentType: 'application/xml', body: Buffer.from(urlset(sections.map((s) => `/${s.slug}/`))) });
  resources.set('/sitemaps/pages.xml.gz', { type: 'bytes', contentType: 'application/gzip', body: gzipSync(urlset(sections.flatMap((s) => s.pages.map((p) => p.path)))) });
  specials['sitemap'] = '/sitemap.xml';
  return { base, resources, sections, disallowedLinks: ['/intranet/', ...sections.map((s) => `/${s.slug}/private/staff-directory`)], specials };
}

/** A page of the calendar trap: every month links the next one, forever. */
export function calendarPage(section: string, month: number): Buffer {
  const main = `<h1>Events calendar, month ${month}</h1><p>No events this month.</p><p><a href="/${section}/calendar?month=${month + 1}">Next month</a></p>`;
  return Buffer.from(htmlDocument({ title: `Calendar ${month}`, nav: `<a href="/${section}/">Back</a>`, main, footer: '' }));
}
