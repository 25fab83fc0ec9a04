import { normalizeLabel, tokenize } from '@taxonomy/core';
import { isBoilerplateLine, type S0Settings } from './filters.ts';

export const BLOCK_TYPES = ['header', 'list', 'table', 'paragraph'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

/** One unit of page text: a heading, one list item, one table row or one paragraph, with the heading it sits under. */
export interface Block {
  text: string;
  type: BlockType;
  section: string | null;
  /** Position among the page's blocks (0-based). */
  order: number;
  /** True when the source cut the text short (`word...`) and the cut fragment was removed. */
  truncated: boolean;
}

export interface SegmentStats {
  /** Boilerplate lines dropped (the line only, not the block around it). */
  boilerplate_lines_removed: number;
  /** Editorial markers and filler lines dropped ("[stored excerpt ends here]", "and more"). */
  editorial_lines_removed: number;
  /** Cut-off fragments with nothing usable left. */
  truncated_dropped: number;
}

export interface SegmentOptions {
  segmentation: S0Settings['segmentation'];
  boilerplate: ReadonlyArray<RegExp>;
  headerPatterns: ReadonlyArray<RegExp>;
  /** The page title: a first line repeating it is the page heading, not an item. */
  title?: string | null;
}

const LIST_MARKER = /^(?:[-+*•‣◦▪●]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)|\([a-z]\))\s+/u;
const MARKDOWN_HEADING = /^#{1,6}\s+/u;
const EDITORIAL_MARKER = /^\[[^\]]*\]$/u;
/** Pager links left in page text ("Next: Programming Languages and Systems"). */
const PAGER_LINK = /^(?:next|previous|prev|back|up)\s*:/iu;
/** Editorial completion inside a word, as in `Chemist[ry]`. */
const BRACKET_COMPLETION = /(\p{L})\[(\p{L}+)\]/gu;
/** A word cut off by the source (`optimizati...`, `an…`). */
const CUT_WORD = /\p{L}(?:\.\.\.|…)$/u;
/** An ellipsis after a complete word (`department …`, `experimental ...`). */
const TRAILING_ELLIPSIS = /\s+(?:\.\.\.|…)$/u;
const SENTENCE_END = /[.!?]["')\]]?$/u;
const CONNECTOR_END = /(?:[,\-–]|\b(?:and|or|of|the|a|an|in|for|to|with|on|by|from|as|including|such as|both|between))$/iu;

/** Words that only ever make up page furniture headings ("Research Areas", "Areas of Focus", "Subject Areas"). */
const FURNITURE_WORDS = new Set([
  'research', 'areas', 'area', 'topics', 'topic', 'subject', 'subjects', 'fields', 'field', 'of', 'study', 'and', 'focus',
  'groups', 'group', 'themes', 'theme', 'submission', 'submissions', 'call', 'for', 'papers', 'paper', 'contents',
  'overview', 'main', 'conference', 'interest', 'interests', 'relevant', 'our', 'the', 'list', 'table', 'departments',
  'schools', 'programs', 'divisions', 'units', 'degrees', 'majors', 'options',
]);
/** Lines made only of these words carry nothing ("and more", "etc."). */
const FILLER_WORDS = new Set(['and', 'or', 'more', 'etc', 'others', 'other', 'many', 'much', 'so', 'on']);

/**
 * Splits page text into blocks, line by line. Unlike the reference segmenter: header patterns are
 * case-sensitive; a plain short line is a list item (in these pages lists carry no bullets); numbered
 * lines are list items; a line ending with ":" opens a list and is a heading when short; boilerplate drops
 * the line, not the block; each list item, table row and paragraph is its own block; wrapped prose lines
 * (a line ending in a connector, the next starting lower-case) are joined back.
 */
export function segmentText(text: string, options: SegmentOptions): { blocks: Block[]; stats: SegmentStats } {
  const seg = options.segmentation;
  const maxWords = seg.header_max_words;
  const titleNorm = options.title ? normalizeLabel(options.title) : '';
  const blocks: Block[] = [];
  const stats: SegmentStats = { boilerplate_lines_removed: 0, editorial_lines_removed: 0, truncated_dropped: 0 };

  /** The last heading (pattern, page title, furniture). */
  let headingSection: string | null = null;
  /** What the open list sits under: its ":" heading, or the section of the prose line that opened it. */
  let listSection: string | null = null;
  /** A bare label outside a list: the heading of the prose that follows it. */
  let subsection: string | null = null;
  let listContext = false;
  let firstContent = true;
  let paragraph: { lines: string[]; section: string | null } | null = null;
  let listRun: { lines: string[]; section: string | null } | null = null;

  const sectionOf = (kind: 'item' | 'prose'): string | null => {
    if (!seg.detect_sections) return null;
    if (listContext) return listSection;
    return kind === 'prose' ? (subsection ?? headingSection) : headingSection;
  };
  const openList = (section: string | null): void => {
    listContext = true;
    listSection = section;
    subsection = null;
  };

  const emit = (rawText: string, type: BlockType, section: string | null): void => {
    let body = rawText;
    let truncated = false;
    if (type !== 'header') {
      const cut = trimCutText(body);
      if (cut === null) {
        stats.truncated_dropped += 1;
        return;
      }
      truncated = cut !== body;
      body = cut;
    }
    body = type === 'list' && body.includes('\n') ? body : body.replace(/\s+/gu, ' ').trim();
    if (body.length === 0) return;
    blocks.push({ text: body, type, section, order: blocks.length, truncated });
  };
  const flushParagraph = (): void => {
    if (paragraph !== null) emit(paragraph.lines.join(' '), 'paragraph', paragraph.section);
    paragraph = null;
  };
  const flushListRun = (): void => {
    if (listRun !== null) emit(listRun.lines.join('\n'), 'list', listRun.section);
    listRun = null;
  };
  const flush = (): void => {
    flushParagraph();
    flushListRun();
  };
  const emitListItem = (item: string, section: string | null): void => {
    flushParagraph();
    if (seg.segment_on_lists) {
      emit(item, 'list', section);
      return;
    }
    if (listRun === null) listRun = { lines: [], section };
    listRun.lines.push(item);
  };

  const rawLines = text.replace(/^\uFEFF/u, '').split(/\r?\n|\r/u);
  let lastItemLine = -1;
  for (const [lineNo, raw] of rawLines.entries()) {
    // No `[` means nothing to complete: skips a Unicode-class regex pass over every line.
    let line = (raw.includes('[') ? raw.replace(BRACKET_COMPLETION, '$1$2') : raw).replace(/[^\S\t]+/gu, ' ').trim();
    if (line.length === 0) {
      flush();
      listContext = false;
      continue;
    }
    if (EDITORIAL_MARKER.test(line) || PAGER_LINK.test(line) || isFiller(line)) {
      stats.editorial_lines_removed += 1;
      flush();
      continue;
    }
    const boilerplateEnd = boilerplateMatchEnd(line, options.boilerplate);
    if (boilerplateEnd !== null) {
      const rest = enumerationAfter(line, boilerplateEnd);
      stats.boilerplate_lines_removed += 1;
      if (rest === null) {
        flush();
        // CFP furniture ("…on topics including but not limited to the following:") still opens the list it introduces.
        if (line.endsWith(':')) openList(headingSection);
        continue;
      }
      // "Papers are invited on …, including, but not limited to: pragmatics, semantics, …": keep the enumeration.
      line = rest;
    }
    const isFirst = firstContent;
    firstContent = false;
    const marker = LIST_MARKER.exec(line);
    const body = marker === null ? line : line.slice(marker[0].length).trim();
    const words = body.split(/\s+/u).length;

    if (seg.segment_on_headers) {
      const heading = headingText(line, body, isFirst, titleNorm, options.headerPatterns, maxWords, marker !== null);
      if (heading !== null) {
        flush();
        listContext = false;
        listSection = null;
        subsection = null;
        if (seg.detect_sections) headingSection = heading;
        emit(heading, 'header', sectionOf('item'));
        continue;
      }
      if (line.endsWith(':') && words <= maxWords && marker === null) {
        flush();
        const heading = line.replace(/:$/u, '').trim();
        openList(seg.detect_sections ? heading : null);
        emit(heading, 'header', sectionOf('item'));
        continue;
      }
    }

    if (seg.segment_on_tables && isTableLine(line)) {
      flush();
      emit(splitCells(line).join(' | '), 'table', sectionOf('item'));
      continue;
    }

    const description = body.startsWith('(') && body.endsWith(')');
    const labelLike = words <= maxWords && !description && !SENTENCE_END.test(body) && !body.endsWith(':');
    // A whole sentence stays prose even inside a list ("Applicants must provide transcripts and test scores.").
    const sentence = marker === null && /^\p{Lu}/u.test(body) && SENTENCE_END.test(body) && words >= 6;
    if (marker !== null || (listContext && !sentence) || labelLike) {
      const last = blocks[blocks.length - 1];
      if (marker === null && seg.segment_on_lists && last !== undefined && last.type === 'list' && lastItemLine === lineNo - 1 && isContinuation(last.text, body)) {
        last.text = `${last.text} ${body}`;
        lastItemLine = lineNo;
        continue;
      }
      const before = blocks.length;
      emitListItem(body, sectionOf('item'));
      if (blocks.length > before) lastItemLine = lineNo;
      if (body.endsWith(':')) openList(sectionOf('item'));
      else if (marker === null && !listContext && seg.detect_sections) subsection = body;
      continue;
    }

    flushListRun();
    const current: { lines: string[]; section: string | null } | null = paragraph;
    if (current !== null && isContinuation(current.lines[current.lines.length - 1] ?? '', line)) {
      current.lines.push(line);
    } else {
      flushParagraph();
      paragraph = { lines: [line], section: sectionOf('prose') };
    }
    if (line.endsWith(':')) {
      const section = paragraph?.section ?? null;
      flushParagraph();
      openList(section);
    }
  }
  flush();
  return { blocks, stats };
}

/** The `g` twin of each configured pattern, built once (it was rebuilt for every pattern on every line). */
const GLOBAL_TWINS = new WeakMap<RegExp, RegExp>();

/** End offset of the last boilerplate match in a line, or null when no pattern matches. */
function boilerplateMatchEnd(line: string, patterns: ReadonlyArray<RegExp>): number | null {
  let end: number | null = null;
  for (const re of patterns) {
    let global = GLOBAL_TWINS.get(re);
    if (global === undefined) {
      global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      GLOBAL_TWINS.set(re, global);
    }
    // exec on the one cached twin visits the same matches as matchAll without cloning the regex per line.
    global.lastIndex = 0;
    for (let m = global.exec(line); m !== null; m = global.exec(line)) {
      const e = m.index + m[0].length;
      if (end === null || e > end) end = e;
      if (m[0].length === 0) break;
    }
  }
  return end;
}

/**
 * The enumeration that follows boilerplate on the same line (`…including, but not limited to: a, b, c.`),
 * or null when what follows is furniture ("the following:"), a list opener, or not an enumeration.
 */
function enumerationAfter(line: string, from: number): string | null {
  const rest = line
    .slice(from)
    .replace(/^[\s,:;)\-–—]+/u, '')
    .trim();
  if (rest.length === 0 || rest.endsWith(':')) return null;
  const separators = rest.match(/[,;]/gu)?.length ?? 0;
  return separators >= 2 ? rest : null;
}

/** The heading text when a line is a heading (pattern, page title, or furniture words), else null. */
function headingText(
  line: string,
  body: string,
  isFirst: boolean,
  titleNorm: string,
  patterns: ReadonlyArray<RegExp>,
  maxWords: number,
  hasMarker: boolean,
): string | null {
  const clean = (s: string) => s.replace(MARKDOWN_HEADING, '').replace(/:$/u, '').trim();
  if (!hasMarker && patterns.some((re) => re.test(line))) return clean(line);
  if (isFirst && titleNorm !== '') {
    // The page's first line restating its title ("Explore Systems research areas at Duke Computer Science."
    // under the title "Systems research areas (Duke Computer Science)") is the page heading.
    const tokens = labelTokens(line);
    const titleTokens = new Set(tokenize(titleNorm));
    const shared = tokens.filter((t) => titleTokens.has(t)).length;
    if (tokens.length > 0 && tokens.length <= 2 * maxWords && (shared === tokens.length || (tokens.length >= 4 && shared / tokens.length >= 0.75))) {
      return clean(line).replace(/\.$/u, '');
    }
  }
  if (isFurnitureHeading(body)) return clean(body);
  return null;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/u;
const ASCII_TOKEN = /[a-z0-9&+]+/gu;

/**
 * `tokenize(normalizeLabel(text))` in one pass for ASCII text (every line of a page goes through it twice):
 * for ASCII, normalizeLabel keeps exactly the runs of [a-z0-9&+] after lower-casing and turns the rest into
 * single spaces, so its tokens are those runs.
 */
export function labelTokens(text: string): string[] {
  if (!ASCII_ONLY.test(text)) return tokenize(normalizeLabel(text));
  return text.toLowerCase().match(ASCII_TOKEN) ?? [];
}

/** True for a heading made only of page-furniture words ("Research Areas", "ICML 2025 Call For Papers"). */
export function isFurnitureHeading(text: string): boolean {
  // Venue acronyms and years around furniture words are furniture too.
  const tokens = labelTokens(text.replace(/\b(?:\p{Lu}{2,}|\d{2,4})\b/gu, ' '));
  return tokens.length > 0 && tokens.length <= 6 && tokens.every((t) => FURNITURE_WORDS.has(t));
}

function isFiller(line: string): boolean {
  const tokens = labelTokens(line);
  return tokens.length > 0 && tokens.length <= 3 && tokens.every((t) => FILLER_WORDS.has(t));
}

/** A table row: two or more `|` separators, or tab-separated cells. */
function isTableLine(line: string): boolean {
  return (line.match(/\|/gu)?.length ?? 0) >= 2 || line.includes('\t');
}

function splitCells(line: string): string[] {
  return line
    .split(line.includes('\t') && (line.match(/\|/gu)?.length ?? 0) < 2 ? /\t+/u : /\s*\|\s*/u)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/** A wrapped prose line: the previous one stops on a connector and this one goes on in lower case. */
function isContinuation(previous: string, next: string): boolean {
  return CONNECTOR_END.test(previous) && /^\p{Ll}/u.test(next);
}

/**
 * Removes what the source cut off: a word cut mid-way (`…, machine learni...`) goes back to the last
 * complete list element (`,` or `;`), with an opened parenthesis closed; a bare trailing ellipsis is
 * dropped. Returns null when nothing complete is left.
 */
export function trimCutText(text: string): string | null {
  const t = text.trim();
  if (CUT_WORD.test(t)) {
    const cutAt = Math.max(t.lastIndexOf(','), t.lastIndexOf(';'));
    if (cutAt <= 0) return null;
    return closeParentheses(t.slice(0, cutAt).trim());
  }
  if (TRAILING_ELLIPSIS.test(t)) return closeParentheses(t.replace(TRAILING_ELLIPSIS, '').trim());
  return t;
}

function closeParentheses(text: string): string {
  const open = (text.match(/\(/gu)?.length ?? 0) - (text.match(/\)/gu)?.length ?? 0);
  return open > 0 ? `${text}${')'.repeat(open)}` : text;
}
