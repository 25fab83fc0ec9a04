import type * as Htmlparser2 from 'htmlparser2';
import { lazyRequire } from '@taxonomy/core';
import { isBoilerplateLine } from './filters.ts';
import { isFurnitureHeading, type Block, type BlockType } from './segment.ts';

export interface HtmlPage {
  title: string | null;
  /** `<link rel="canonical">` or `og:url`, when the page declares one. */
  canonicalUrl: string | null;
  language: string | null;
  blocks: Block[];
  boilerplateLinesRemoved: number;
}

// Loaded on the first HTML file read (an HTML-folder source), not by every S0 task: its import costs ≈ 40 ms.
const htmlparser2 = lazyRequire<typeof Htmlparser2>(import.meta.url, 'htmlparser2');

const SKIPPED = new Set(['script', 'style', 'nav', 'footer', 'noscript', 'template', 'svg', 'head']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const LINE_BREAKS = new Set(['br', 'div', 'p']);

interface Capture {
  tag: string;
  type: BlockType;
  lines: string[];
  buffer: string;
  cells: string[];
  headerCells: number;
  order: number;
}

/**
 * Reads an HTML page into blocks: headings (sections), list items, table rows (cells joined with " | ",
 * a row of only `th` is a heading), paragraphs, definition terms. Script, style, nav and footer are
 * dropped; a boilerplate line inside a paragraph is dropped alone. As in page text, a short h2–h6 that
 * names something ("Computational Biology" above its description) is also an item under the heading
 * above it; h1, furniture ("Research Areas") and `…:` headings are sections only.
 */
export function parseHtmlPage(html: string, boilerplate: ReadonlyArray<RegExp>, headerMaxWords = 12): HtmlPage {
  let title: string | null = null;
  let canonicalUrl: string | null = null;
  let language: string | null = null;
  let skipDepth = 0;
  let inTitle = false;
  let titleText = '';
  let counter = 0;
  let boilerplateLinesRemoved = 0;
  const stack: Capture[] = [];
  const done: Array<{ order: number; type: BlockType; text: string; level: number }> = [];
  let cell: { text: string; header: boolean } | null = null;

  const top = (): Capture | undefined => stack[stack.length - 1];
  const breakLine = (c: Capture) => {
    if (c.buffer.trim() !== '') c.lines.push(c.buffer);
    c.buffer = '';
  };
  const finish = (c: Capture) => {
    breakLine(c);
    let type = c.type;
    let text: string;
    if (c.tag === 'tr') {
      text = c.cells.join(' | ');
      if (c.cells.length > 0 && c.headerCells === c.cells.length) type = 'header';
    } else {
      const kept = c.lines
        .map((l) => l.replace(/\s+/gu, ' ').trim())
        .filter((l) => {
          if (l === '') return false;
          if (type !== 'header' && isBoilerplateLine(l, boilerplate)) {
            boilerplateLinesRemoved += 1;
            return false;
          }
          return true;
        });
      text = kept.join(' ');
    }
    text = text.replace(/\s+/gu, ' ').trim();
    if (text !== '') done.push({ order: c.order, type, text, level: HEADINGS.has(c.tag) ? Number(c.tag.slice(1)) : 0 });
  };

  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attrs) {
        if (name === 'html' && attrs['lang']) language = attrs['lang'];
        if (name === 'link' && (attrs['rel'] ?? '').toLowerCase() === 'canonical' && attrs['href']) canonicalUrl = attrs['href'];
        if (name === 'meta' && attrs['property'] === 'og:url' && attrs['content'] && canonicalUrl === null) canonicalUrl = attrs['content'];
        if (name === 'title') {
          inTitle = true;
          return;
        }
        if (SKIPPED.has(name)) {
          skipDepth += 1;
          return;
        }
        if (skipDepth > 0) return;
        const current = top();
        if (LINE_BREAKS.has(name) && current !== undefined) breakLine(current);
        if (name === 'td' || name === 'th') {
          cell = { text: '', header: name === 'th' };
          return;
        }
        const opens =
          HEADINGS.has(name) || name === 'li' || name === 'tr' || name === 'dt' || name === 'dd' || (name === 'p' && current === undefined);
        if (!opens) return;
        const type: BlockType = HEADINGS.has(name) ? 'header' : name === 'tr' ? 'table' : name === 'p' ? 'paragraph' : 'list';
        stack.push({ tag: name, type, lines: [], buffer: '', cells: [], headerCells: 0, order: counter++ });
      },
      ontext(data) {
        if (inTitle) {
          titleText += data;
          return;
        }
        if (skipDepth > 0) return;
        if (cell !== null) {
          cell.text += data;
          return;
        }
        const current = top();
        if (current !== undefined) current.buffer += data;
      },
      onclosetag(name) {
        if (name === 'title') {
          inTitle = false;
          title = titleText.replace(/\s+/gu, ' ').trim() || null;
          return;
        }
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if ((name === 'td' || name === 'th') && cell !== null) {
          const current = top();
          const text = cell.text.replace(/\s+/gu, ' ').trim();
          if (current !== undefined && current.tag === 'tr' && text !== '') {
            current.cells.push(text);
            if (cell.header) current.headerCells += 1;
          }
          cell = null;
          return;
        }
        const current = top();
        if (current !== undefined && current.tag === name) {
          stack.pop();
          finish(current);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  while (stack.length > 0) finish(stack.pop()!);

  done.sort((a, b) => a.order - b.order);
  const blocks: Block[] = [];
  const headings: Array<string | null> = [null, null, null, null, null, null, null];
  for (const item of done) {
    const section = [...headings].reverse().find((h) => h !== null) ?? null;
    if (item.type === 'header' && item.level === 0) {
      // A row of only `th` cells labels its table's columns; it is not a page section.
      blocks.push({ text: item.text, type: 'header', section, order: blocks.length, truncated: false });
      continue;
    }
    if (item.type === 'header') {
      const level = item.level;
      headings[level] = item.text;
      for (let l = level + 1; l < headings.length; l += 1) headings[l] = null;
      blocks.push({ text: item.text, type: 'header', section: item.text, order: blocks.length, truncated: false });
      const named = level >= 2 && !item.text.endsWith(':') && item.text.split(/\s+/u).length <= headerMaxWords && !isFurnitureHeading(item.text);
      const above = headings.slice(0, level).reverse().find((h) => h !== null) ?? null;
      if (named) blocks.push({ text: item.text, type: 'list', section: above, order: blocks.length, truncated: false });
      continue;
    }
    blocks.push({ text: item.text, type: item.type, section, order: blocks.length, truncated: false });
  }
  return { title, canonicalUrl, language, blocks, boilerplateLinesRemoved };
}
