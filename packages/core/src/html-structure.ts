import type * as Htmlparser2 from 'htmlparser2';
import { lazyRequire } from './lazy-require.ts';

// Loaded on the first page parsed (the crawl's), not by every task that imports core.
const htmlparser2 = lazyRequire<typeof Htmlparser2>(import.meta.url, 'htmlparser2');

/**
 * One structural unit of an HTML page, before any phase policy (boilerplate, furniture, sections):
 * a heading with its level, a list item with its nesting depth, a table row, a paragraph line or a
 * definition term. Text is whitespace-collapsed and trimmed, never empty.
 */
export type HtmlBlock =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; text: string }
  | { type: 'item'; depth: number; ordered: boolean; index: number; text: string }
  | { type: 'row'; cells: string[]; header: boolean }
  | { type: 'paragraph'; text: string }
  | { type: 'term'; text: string };

/** A link as written in the page: `href` unresolved (resolve it against `baseHref ?? page URL`). */
export interface HtmlLink {
  href: string;
  text: string;
  /** `rel` contains `nofollow`. */
  nofollow: boolean;
}

export interface HtmlStructure {
  title: string | null;
  /** `<html lang>`, as written. */
  lang: string | null;
  /** `<link rel="canonical">`, else `og:url`, unresolved. */
  canonicalHref: string | null;
  /** `<meta name="description">`. */
  description: string | null;
  /** `<base href>`, unresolved. */
  baseHref: string | null;
  /** `<meta name="robots">` (or a robots directive for every crawler) asks not to index / follow. */
  robots: { noindex: boolean; nofollow: boolean };
  blocks: HtmlBlock[];
  /** Every `<a href>` in document order, including those inside navigation and footers. */
  links: HtmlLink[];
}

/** Elements whose content is never page text (navigation and footers still give links). */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'nav', 'footer', 'select', 'button', 'iframe', 'object', 'canvas']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Block-level elements: entering or leaving one ends the current line of text. */
const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'aside', 'blockquote', 'figure', 'figcaption', 'address', 'caption',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'pre', 'hr', 'form', 'fieldset', 'legend',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'body', 'html', 'center', 'details', 'summary',
]);

const collapse = (text: string) => text.replace(/\s+/gu, ' ').trim();

/**
 * Reads an HTML page into its structure: title, language, canonical link, description, robots meta,
 * links, and the blocks a reader sees (headings, list items with depth and numbering, table rows,
 * paragraph lines split at `<br>`, definition terms). Script, style, navigation and footers give no text.
 * Pure and synchronous; the caller decodes bytes to a string first.
 */
export function parseHtmlStructure(html: string): HtmlStructure {
  const out: HtmlStructure = {
    title: null,
    lang: null,
    canonicalHref: null,
    description: null,
    baseHref: null,
    robots: { noindex: false, nofollow: false },
    blocks: [],
    links: [],
  };
  let ogUrl: string | null = null;
  let skipDepth = 0;
  let inTitle = false;
  let titleText = '';
  let buffer = '';
  let preDepth = 0;
  /** Open lists, innermost last, with the number of the next item. */
  const lists: Array<{ ordered: boolean; next: number }> = [];
  /** Open list items: the list depth they belong to, ordered or not, and their number. */
  const items: Array<{ depth: number; ordered: boolean; index: number }> = [];
  let heading: { level: 1 | 2 | 3 | 4 | 5 | 6 } | null = null;
  let row: { cells: string[]; headerCells: number } | null = null;
  let cell: { text: string; header: boolean } | null = null;
  let termDepth = 0;
  const anchors: Array<{ href: string; text: string; nofollow: boolean }> = [];

  /** The heading or list item that text is still being added to (until a block boundary closes it). */
  let open: Extract<HtmlBlock, { type: 'heading' | 'item' }> | null = null;
  const emitText = (raw: string): void => {
    const text = collapse(raw);
    if (text === '') return;
    if (heading !== null) {
      // A heading broken by <br> or inline blocks stays one heading.
      if (open?.type === 'heading') open.text = `${open.text} ${text}`;
      else {
        open = { type: 'heading', level: heading.level, text };
        out.blocks.push(open);
      }
      return;
    }
    const item = items[items.length - 1];
    if (item !== undefined) {
      if (open?.type === 'item') open.text = `${open.text} ${text}`;
      else {
        open = { type: 'item', depth: item.depth, ordered: item.ordered, index: item.index, text };
        out.blocks.push(open);
      }
      return;
    }
    out.blocks.push({ type: termDepth > 0 ? 'term' : 'paragraph', text });
  };
  /** Ends the current line of text (a block boundary); inside a list item or heading only a nested list splits it. */
  const flush = (): void => {
    if (cell !== null) return;
    emitText(buffer);
    buffer = '';
  };
  const closeOpenBlock = (): void => {
    open = null;
  };

  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attrs) {
        if (name === 'html' && attrs['lang']) out.lang = attrs['lang'].trim() || null;
        if (name === 'base' && attrs['href'] && out.baseHref === null) out.baseHref = attrs['href'].trim();
        if (name === 'link' && /(^|\s)canonical(\s|$)/iu.test(attrs['rel'] ?? '') && attrs['href'] && out.canonicalHref === null) {
          out.canonicalHref = attrs['href'].trim();
        }
        if (name === 'meta') {
          const key = (attrs['name'] ?? attrs['property'] ?? '').trim().toLowerCase();
          const content = attrs['content'] ?? '';
          if (key === 'og:url' && content.trim() !== '') ogUrl = content.trim();
          if (key === 'description' && content.trim() !== '' && out.description === null) out.description = collapse(content);
          if (key === 'robots') {
            const directives = content.toLowerCase().split(/[\s,]+/u);
            if (directives.includes('noindex') || directives.includes('none')) out.robots.noindex = true;
            if (directives.includes('nofollow') || directives.includes('none')) out.robots.nofollow = true;
          }
        }
        if (name === 'a' && attrs['href'] !== undefined) {
          anchors.push({ href: attrs['href'], text: '', nofollow: /(^|\s)nofollow(\s|$)/iu.test(attrs['rel'] ?? '') });
        }
        if (name === 'title') {
          inTitle = true;
          return;
        }
        if (SKIPPED.has(name)) {
          if (skipDepth === 0) flush();
          skipDepth += 1;
          return;
        }
        if (skipDepth > 0) return;
        if (name === 'br') {
          if (preDepth > 0) buffer += '\n';
          else if (heading === null && items.length === 0 && cell === null) flush();
          else buffer += ' ';
          return;
        }
        if (name === 'td' || name === 'th') {
          if (row === null) {
            flush();
            row = { cells: [], headerCells: 0 };
          }
          cell = { text: '', header: name === 'th' };
          return;
        }
        if (!BLOCK_TAGS.has(name)) return;
        const insideItemOrHeading = items.length > 0 || heading !== null;
        if (name === 'ul' || name === 'ol') {
          flush();
          closeOpenBlock();
          const start = Number.parseInt(attrs['start'] ?? '', 10);
          lists.push({ ordered: name === 'ol', next: Number.isFinite(start) ? start : 1 });
          return;
        }
        if (name === 'li') {
          flush();
          closeOpenBlock();
          const list = lists[lists.length - 1] ?? { ordered: false, next: 1 };
          const value = Number.parseInt(attrs['value'] ?? '', 10);
          const index = Number.isFinite(value) ? value : list.next;
          list.next = index + 1;
          items.push({ depth: Math.max(0, lists.length - 1), ordered: list.ordered, index });
          return;
        }
        if (HEADINGS.has(name)) {
          flush();
          closeOpenBlock();
          heading = { level: Number(name.slice(1)) as 1 | 2 | 3 | 4 | 5 | 6 };
          return;
        }
        if (name === 'tr') {
          flush();
          row = { cells: [], headerCells: 0 };
          return;
        }
        if (name === 'dt') {
          flush();
          termDepth += 1;
          return;
        }
        if (name === 'pre') preDepth += 1;
        // Paragraph-like boundaries split lines of free text, not the text of one list item or heading.
        if (!insideItemOrHeading) flush();
        else buffer += ' ';
      },
      ontext(data) {
        if (inTitle) {
          titleText += data;
          return;
        }
        for (const a of anchors) a.text += data;
        if (skipDepth > 0) return;
        if (cell !== null) {
          cell.text += data;
          return;
        }
        if (preDepth > 0 && heading === null && items.length === 0) {
          const lines = data.split(/\r?\n/u);
          for (const [i, line] of lines.entries()) {
            buffer += line;
            if (i < lines.length - 1) flush();
          }
          return;
        }
        buffer += data;
      },
      onclosetag(name) {
        if (name === 'a') {
          const a = anchors.pop();
          if (a !== undefined) out.links.push({ href: a.href.trim(), text: collapse(a.text), nofollow: a.nofollow });
          return;
        }
        if (name === 'title') {
          inTitle = false;
          if (out.title === null) out.title = collapse(titleText) || null;
          return;
        }
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (name === 'td' || name === 'th') {
          if (cell !== null && row !== null) {
            const text = collapse(cell.text);
            if (text !== '') {
              row.cells.push(text);
              if (cell.header) row.headerCells += 1;
            }
          }
          cell = null;
          return;
        }
        if (!BLOCK_TAGS.has(name)) return;
        if (name === 'tr' || (name === 'table' && row !== null)) {
          if (row !== null) {
            // A one-cell row is layout, not a table: its text is a paragraph.
            if (row.cells.length === 1) out.blocks.push({ type: 'paragraph', text: row.cells[0]! });
            else if (row.cells.length > 1) out.blocks.push({ type: 'row', cells: row.cells, header: row.headerCells === row.cells.length });
          }
          row = null;
          return;
        }
        if (name === 'li') {
          flush();
          closeOpenBlock();
          items.pop();
          return;
        }
        if (name === 'ul' || name === 'ol') {
          flush();
          closeOpenBlock();
          lists.pop();
          return;
        }
        if (HEADINGS.has(name)) {
          flush();
          closeOpenBlock();
          heading = null;
          return;
        }
        if (name === 'dt') {
          flush();
          termDepth = Math.max(0, termDepth - 1);
          return;
        }
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (items.length === 0 && heading === null) flush();
        else buffer += ' ';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush();
  closeOpenBlock();
  for (const a of anchors.reverse()) out.links.push({ href: a.href.trim(), text: collapse(a.text), nofollow: a.nofollow });
  if (out.canonicalHref === null) out.canonicalHref = ogUrl;
  return out;
}
