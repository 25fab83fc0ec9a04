import type { HtmlBlock } from '@taxonomy/core';

/**
 * Words above which a sub-heading is written as a markdown heading, never a candidate item: S0's
 * default `segmentation.header_max_words`, the length up to which S0 reads a bare line as a label.
 */
export const HEADING_ITEM_MAX_WORDS = 12;

/**
 * Writes a page's blocks as the line-per-block text S0's segmenter reads (`PageSnapshot.text`), so a
 * crawled page cuts into the same records a hand-collected one does:
 * - `<h1>` → `# Title`: a section heading, never a record;
 * - a short `<h2>`–`<h6>` → its own line after a blank one: S0 decides, as it does for the bundled
 *   pages, whether it is furniture ("Research Areas"), a list opener ("Topics include:") or a named area
 *   with the prose under it; a long one (more than 12 words) → `## …`, a heading only;
 * - list items → `- item` / `3. item`, two spaces per nesting level, and a blank line after the list;
 * - table rows → cells separated by tabs (a row of only `th` cells → `#### a | b`), blank line after;
 * - paragraphs (one per `<br>`-separated line) and definition terms → plain lines.
 */
export function renderPageText(blocks: ReadonlyArray<HtmlBlock>): string {
  const lines: string[] = [];
  let previous: HtmlBlock['type'] | null = null;
  const blank = () => {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  for (const block of blocks) {
    if (previous !== null && (previous === 'item' || previous === 'row') && block.type !== previous) blank();
    switch (block.type) {
      case 'heading': {
        blank();
        const words = block.text.split(/\s+/u).length;
        if (block.level === 1) lines.push(`# ${block.text}`);
        else if (words > HEADING_ITEM_MAX_WORDS) lines.push(`${'#'.repeat(block.level)} ${block.text}`);
        else lines.push(block.text);
        break;
      }
      case 'item':
        lines.push(`${'  '.repeat(block.depth)}${block.ordered ? `${block.index}.` : '-'} ${block.text}`);
        break;
      case 'row':
        lines.push(block.header ? `#### ${block.cells.join(' | ')}` : block.cells.join('\t'));
        break;
      case 'paragraph':
      case 'term':
        lines.push(block.text);
        break;
    }
    previous = block.type;
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
