import { describe, expect, it } from 'vitest';
import { parseHtmlStructure, type HtmlBlock } from './html-structure.ts';

// Markup in the shape of the real pages of corpus/pages (Duke systems areas, ICLR 2024 call, Yale AI handbook).
const DUKE = `<!DOCTYPE html><html lang="en-US"><head><title>Systems research areas (Duke Computer Science)</title>
<link rel="canonical" href="/research/systems"><meta name="description" content="Systems research at Duke">
<script>var x = "<li>not text</li>";</script><style>li { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/research">Research</a></nav>
<main><h1>Systems</h1><p>Explore Systems research areas at Duke Computer Science.</p>
<h2>Areas</h2><ul><li>Architecture</li><li><a href="/research/systems/databases">Databases</a></li>
<li>Distributed Systems<ul><li>Cloud &amp; edge computing</li><li>Consensus</li></ul></li></ul>
<ol start="3"><li>Operating Systems</li><li value="7">Networking</li></ol>
<table><tr><th>Area</th><th>Lead</th></tr><tr><td>Security</td><td>Privacy</td></tr><tr><td>Only one cell</td></tr></table>
<p>Topics include:<br>storage systems<br>energy-efficient computing</p>
<dl><dt>Computer Architecture</dt><dd>Processors, memory systems and accelerators.</dd></dl></main>
<footer><p>© 2025 Duke University. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer></body></html>`;

describe('parseHtmlStructure', () => {
  const doc = parseHtmlStructure(DUKE);

  it('reads title, language, canonical link and description', () => {
    expect(doc).toMatchObject({
      title: 'Systems research areas (Duke Computer Science)',
      lang: 'en-US',
      canonicalHref: '/research/systems',
      description: 'Systems research at Duke',
      robots: { noindex: false, nofollow: false },
    });
  });

  it('keeps headings, list items with depth and numbering, table rows, br lines and terms in document order', () => {
    expect(doc.blocks).toEqual<HtmlBlock[]>([
      { type: 'heading', level: 1, text: 'Systems' },
      { type: 'paragraph', text: 'Explore Systems research areas at Duke Computer Science.' },
      { type: 'heading', level: 2, text: 'Areas' },
      { type: 'item', depth: 0, ordered: false, index: 1, text: 'Architecture' },
      { type: 'item', depth: 0, ordered: false, index: 2, text: 'Databases' },
      { type: 'item', depth: 0, ordered: false, index: 3, text: 'Distributed Systems' },
      { type: 'item', depth: 1, ordered: false, index: 1, text: 'Cloud & edge computing' },
      { type: 'item', depth: 1, ordered: false, index: 2, text: 'Consensus' },
      { type: 'item', depth: 0, ordered: true, index: 3, text: 'Operating Systems' },
      { type: 'item', depth: 0, ordered: true, index: 7, text: 'Networking' },
      { type: 'row', cells: ['Area', 'Lead'], header: true },
      { type: 'row', cells: ['Security', 'Privacy'], header: false },
      { type: 'paragraph', text: 'Only one cell' },
      { type: 'paragraph', text: 'Topics include:' },
      { type: 'paragraph', text: 'storage systems' },
      { type: 'paragraph', text: 'energy-efficient computing' },
      { type: 'term', text: 'Computer Architecture' },
      { type: 'paragraph', text: 'Processors, memory systems and accelerators.' },
    ]);
  });

  it('gives no text from script, style, nav or footer, but keeps their links', () => {
    const text = doc.blocks.map((b) => ('text' in b ? b.text : b.cells.join(' '))).join('\n');
    expect(text).not.toMatch(/not text|color|Home|All rights reserved/u);
    expect(doc.links.map((l) => l.href)).toEqual(['/', '/research', '/research/systems/databases', '/privacy']);
    expect(doc.links[2]).toEqual({ href: '/research/systems/databases', text: 'Databases', nofollow: false });
  });

  it.each([
    ['<meta name="robots" content="noindex, nofollow">', { noindex: true, nofollow: true }],
    ['<meta name="robots" content="none">', { noindex: true, nofollow: true }],
    ['<meta name="ROBOTS" content="noindex">', { noindex: true, nofollow: false }],
    ['<meta name="robots" content="index, follow">', { noindex: false, nofollow: false }],
  ])('reads the robots meta %s', (meta, robots) => {
    expect(parseHtmlStructure(`<html><head>${meta}</head><body><p>x</p></body></html>`).robots).toEqual(robots);
  });

  it('takes og:url when there is no canonical link, and the base href', () => {
    const d = parseHtmlStructure('<head><base href="https://cs.yale.edu/grad/"><meta property="og:url" content="https://cs.yale.edu/grad/handbook/ai.html"></head><p>AI</p>');
    expect(d.canonicalHref).toBe('https://cs.yale.edu/grad/handbook/ai.html');
    expect(d.baseHref).toBe('https://cs.yale.edu/grad/');
  });

  it('keeps a list item that wraps inline markup and paragraphs as one item', () => {
    const d = parseHtmlStructure('<ul><li><p>representation learning for <em>computer vision</em>,</p><p>audio, language</p></li></ul>');
    expect(d.blocks).toEqual([{ type: 'item', depth: 0, ordered: false, index: 1, text: 'representation learning for computer vision, audio, language' }]);
  });

  it('splits preformatted text at its newlines', () => {
    const d = parseHtmlStructure('<pre>Topics of interest include:\n  OS structure and organization\n  Distributed and mobile computing\n</pre>');
    expect(d.blocks.map((b) => ('text' in b ? b.text : ''))).toEqual(['Topics of interest include:', 'OS structure and organization', 'Distributed and mobile computing']);
  });
});
