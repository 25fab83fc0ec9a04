/**
 * Turns the text of a corpus page (one block per line, as collected) back into the HTML an institution
 * site would serve: the first line is the page's `<h1>`, a short line ending in ":" a `<h2>` opening a
 * list, runs of short label lines a `<ul>` (numbered ones an `<ol>`), a short line followed by prose a
 * `<h3>`, sentences and long lines `<p>`. Nothing is reworded: the crawler has to give S0 the same lines back.
 */

const SENTENCE_END = /[.!?]["')\]]?$/u;
const NUMBERED = /^(\d{1,3})[.)]\s+(.*)$/u;
const MARKDOWN_HEADING = /^#{1,6}\s+(.*)$/u;
const ALL_CAPS = /^[A-Z][A-Z0-9&,\- ]{2,60}:?$/u;
/** Editorial notes of the collector and pager links: text of their own, never list items. */
const NOTE = /^(?:\[.*\]|(?:next|previous|prev|back|up)\s*:.*)$/iu;
/** A line the source wrapped: the previous one stops on a connector and this one goes on in lower case. */
const CONNECTOR_END = /(?:[,\-–]|\b(?:and|or|of|the|a|an|in|for|to|with|on|by|from|as|including|such as|both|between))$/iu;
const MAX_LABEL_WORDS = 12;

export function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
}

type Line = { kind: 'h1' | 'h2' | 'h3' | 'p' | 'li' | 'ol'; text: string; number?: number };

function words(line: string): number {
  return line.split(/\s+/u).filter((w) => w !== '').length;
}

function isLabel(line: string): boolean {
  return words(line) <= MAX_LABEL_WORDS && !SENTENCE_END.test(line) && !line.endsWith(':') && !/^\[.*\]$/u.test(line);
}

/** Classifies each line of a corpus page the way a site author would have marked it up. */
export function classifyLines(text: string): Line[] {
  const raw = text
    .split(/\r?\n/u)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // Wrapped lines are one element on a page.
  const lines: string[] = [];
  for (const line of raw) {
    const last = lines[lines.length - 1];
    if (last !== undefined && CONNECTOR_END.test(last) && /^\p{Ll}/u.test(line)) lines[lines.length - 1] = `${last} ${line}`;
    else lines.push(line);
  }
  const out: Line[] = [];
  let listContext = false;
  for (const [i, line] of lines.entries()) {
    const markdown = MARKDOWN_HEADING.exec(line);
    if (i === 0 && (markdown !== null || isLabel(line))) {
      out.push({ kind: 'h1', text: markdown === null ? line : markdown[1]! });
      continue;
    }
    if (markdown !== null) {
      out.push({ kind: 'h2', text: markdown[1]! });
      listContext = markdown[1]!.endsWith(':');
      continue;
    }
    if (NOTE.test(line)) {
      out.push({ kind: 'p', text: line });
      continue;
    }
    if (ALL_CAPS.test(line) && /[A-Z]{2}/u.test(line)) {
      out.push({ kind: 'h3', text: line });
      listContext = line.endsWith(':');
      continue;
    }
    const numbered = NUMBERED.exec(line);
    if (numbered !== null) {
      out.push({ kind: 'ol', text: numbered[2]!, number: Number(numbered[1]) });
      listContext = true;
      continue;
    }
    if (line.endsWith(':')) {
      out.push({ kind: words(line) <= MAX_LABEL_WORDS ? 'h2' : 'p', text: line });
      listContext = true;
      continue;
    }
    // As S0 reads a line: a capitalised line ending a sentence, six words or more.
    const sentence = /^\p{Lu}/u.test(line) && SENTENCE_END.test(line) && words(line) >= 6;
    if (isLabel(line) || (listContext && !sentence)) {
      const next = lines[i + 1];
      // A bare label introducing prose is a sub-heading ("Artificial Intelligence" above its description).
      if (!listContext && next !== undefined && !isLabel(next) && NUMBERED.exec(next) === null && !NOTE.test(next)) {
        out.push({ kind: 'h3', text: line });
        continue;
      }
      out.push({ kind: 'li', text: line });
      continue;
    }
    out.push({ kind: 'p', text: line });
    listContext = false;
  }
  return out;
}

/** The `<main>` markup of a corpus page. */
export function renderMain(text: string): string {
  const parts: string[] = [];
  let open: 'ul' | 'ol' | null = null;
  const close = () => {
    if (open !== null) parts.push(`</${open}>`);
    open = null;
  };
  for (const line of classifyLines(text)) {
    const t = escapeHtml(line.text);
    if (line.kind === 'li' || line.kind === 'ol') {
      const tag = line.kind === 'li' ? 'ul' : 'ol';
      if (open !== tag) {
        close();
        parts.push(tag === 'ol' && line.number !== undefined && line.number !== 1 ? `<ol start="${line.number}">` : `<${tag}>`);
        open = tag;
      }
      parts.push(`  <li>${t}</li>`);
      continue;
    }
    close();
    parts.push(line.kind === 'p' ? `<p>${t}</p>` : `<${line.kind}>${t}</${line.kind}>`);
  }
  close();
  return parts.join('\n');
}
