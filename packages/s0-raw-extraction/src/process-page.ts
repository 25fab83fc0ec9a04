import type { SourceRecord } from '@taxonomy/core';
import type { Counters } from '@taxonomy/observability';
import { checkLanguage, dedupeNearDuplicates, withinLengthBounds, type S0Settings } from './filters.ts';
import { segmentText, type Block } from './segment.ts';

/** A record before S0 gives it an id and a level: the record plus its position in its source item. */
export interface ExtractedRecord {
  record: SourceRecord;
  order: number;
}

/** One page to cut into records: its text (segmented here) or blocks already made (HTML). */
export interface PageInput {
  institution: string;
  url: string | null;
  fetched_at: string | null;
  language: string | null;
  language_confidence: number | null;
  title: string | null;
  text?: string;
  blocks?: Block[];
  /** Extra metadata kept as record hints (`kind`, `level_hint`, …). */
  hints: Record<string, string>;
}

export interface PageContext {
  settings: S0Settings;
  boilerplate: ReadonlyArray<RegExp>;
  headerPatterns: ReadonlyArray<RegExp>;
  counters: Counters;
}

/**
 * Cuts one page into records: language gate, segmentation, header blocks set aside (a heading names a
 * section, it is not a record), length bounds, near-duplicate removal; one record per list item, table row
 * or paragraph, with the section it sits under.
 */
export function processPage(page: PageInput, ctx: PageContext): ExtractedRecord[] {
  const { settings, counters } = ctx;
  counters.increment('pages_seen');
  const verdict = checkLanguage(page.language, page.language_confidence, settings.language);
  if (!verdict.keep) {
    counters.increment('language_skipped');
    counters.increment(`language_skipped_${verdict.reason.replace(/-/gu, '_')}`);
    return [];
  }
  let blocks: Block[];
  if (page.blocks !== undefined) {
    blocks = page.blocks;
  } else {
    const segmented = segmentText(page.text ?? '', {
      segmentation: settings.segmentation,
      boilerplate: ctx.boilerplate,
      headerPatterns: ctx.headerPatterns,
      title: page.title,
    });
    blocks = segmented.blocks;
    counters.increment('boilerplate_lines_removed', segmented.stats.boilerplate_lines_removed);
    counters.increment('editorial_lines_removed', segmented.stats.editorial_lines_removed);
    counters.increment('blocks_truncated_dropped', segmented.stats.truncated_dropped);
  }
  counters.increment('blocks_total', blocks.length);
  const content: Block[] = [];
  for (const block of blocks) {
    if (block.type === 'header') {
      counters.increment('blocks_headers');
      continue;
    }
    if (!withinLengthBounds(block.text, settings.min_chars, settings.max_chars)) {
      counters.increment('blocks_filtered_length');
      continue;
    }
    content.push(block);
  }
  const keptIndexes = settings.intra_page_dedup.enabled
    ? dedupeNearDuplicates(
        content.map((b) => b.text),
        settings.intra_page_dedup.similarity_threshold,
        settings.intra_page_dedup.shingle_size,
      )
    : content.map((_, i) => i);
  counters.increment('blocks_deduped', content.length - keptIndexes.length);
  counters.increment('blocks_kept', keptIndexes.length);
  counters.increment('pages_emitted', keptIndexes.length > 0 ? 1 : 0);
  return keptIndexes.map((i) => {
    const block = content[i]!;
    const hints: Record<string, string> = { ...page.hints, block_type: block.type, order: String(block.order) };
    if (block.truncated) hints['truncated'] = 'true';
    if (page.language_confidence !== null) hints['language_confidence'] = page.language_confidence.toFixed(3);
    if (page.title !== null && page.title.trim() !== '') hints['page_title'] = page.title.trim();
    const record: SourceRecord = {
      text: block.text,
      // Keys in sorted order: S0 keeps this object as it is in the record it writes (see canonicalRecord).
      provenance: { fetched_at: page.fetched_at, institution: page.institution, section: block.section, url: page.url },
      meta: { language: normalizeLanguage(page.language), charset: 'utf-8', hints },
      parent_anchor: null,
    };
    return { record, order: block.order };
  });
}

function normalizeLanguage(language: string | null): string {
  const l = (language ?? '').trim().toLowerCase();
  return l.length >= 2 ? l : 'und';
}
