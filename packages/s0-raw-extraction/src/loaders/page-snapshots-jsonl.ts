import { PageSnapshotSchema, formatZodIssues, readJsonl, type BadLine, type PageSnapshot } from '@taxonomy/core';
import * as z from 'zod';
import { parseConfidence } from '../filters.ts';
import { processPage, type ExtractedRecord } from '../process-page.ts';
import type { LoaderContext, LoaderResult } from './context.ts';

/** A valid page with the line it came from and the metadata outside the PageSnapshot fields. */
export interface LoadedPage {
  line: number;
  snapshot: PageSnapshot;
  extra: Record<string, unknown>;
}

export interface PageFile {
  pages: LoadedPage[];
  bad: BadLine[];
}

const JsonObject = z.record(z.string(), z.unknown());
const SNAPSHOT_KEYS = new Set(Object.keys(PageSnapshotSchema.shape));

/**
 * Reads a PageSnapshot JSONL file once: lines are flat snapshots or `{"snapshot": {...}, extra…}`
 * envelopes; keys outside the snapshot become metadata. Bad lines are returned, not thrown.
 */
export async function readPageFile(path: string, maxLineBytes: number): Promise<PageFile> {
  const pages: LoadedPage[] = [];
  const bad: BadLine[] = [];
  for await (const { value, line } of readJsonl(path, { schema: JsonObject, maxLineBytes, onBad: (b) => bad.push(b) })) {
    const enveloped = typeof value['snapshot'] === 'object' && value['snapshot'] !== null && !Array.isArray(value['snapshot']);
    const rawSnapshot: Record<string, unknown> = {};
    const extra: Record<string, unknown> = {};
    if (enveloped) {
      Object.assign(rawSnapshot, value['snapshot'] as Record<string, unknown>);
      for (const [k, v] of Object.entries(value)) if (k !== 'snapshot') extra[k] = v;
    } else {
      for (const [k, v] of Object.entries(value)) (SNAPSHOT_KEYS.has(k) ? rawSnapshot : extra)[k] = v;
    }
    const parsed = PageSnapshotSchema.safeParse(rawSnapshot);
    if (!parsed.success) {
      const url = typeof rawSnapshot['url'] === 'string' ? ` (${rawSnapshot['url']})` : '';
      bad.push({ file: path, line, reason: `schema: ${formatZodIssues(parsed.error)}${url}`, raw: JSON.stringify(value).slice(0, 500) });
      continue;
    }
    pages.push({ line, snapshot: parsed.data, extra: { ...parsed.data.meta, ...extra } });
  }
  return { pages, bad };
}

/** Turns the pages of a snapshot file into records: 2xx pages of the wanted kinds, segmented and filtered. */
export function extractPages(file: PageFile, ctx: LoaderContext): LoaderResult {
  const options = ctx.source.loader === 'page-snapshots-jsonl' ? ctx.source.options : { kinds: null };
  const records: ExtractedRecord[] = [];
  const relFile = ctx.relative(ctx.path);
  let itemsIn = 0;
  for (const { line, snapshot, extra } of file.pages) {
    const kind = typeof extra['kind'] === 'string' ? extra['kind'] : null;
    if (options.kinds !== null && (kind === null || !options.kinds.includes(kind))) continue;
    itemsIn += 1;
    if (snapshot.http_status < 200 || snapshot.http_status > 299) {
      ctx.counters.increment('pages_skipped_status');
      continue;
    }
    const confidence = parseConfidence(extra['language_confidence']);
    if (confidence === null && extra['language_confidence'] !== undefined && extra['language_confidence'] !== null) {
      // An unreadable confidence counts as none (the gate then decides by language alone), but is counted.
      ctx.counters.increment('language_confidence_invalid');
    }
    const hints: Record<string, string> = {};
    for (const [k, v] of Object.entries(extra)) {
      if (k === 'language_confidence') continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') hints[k] = String(v);
    }
    try {
      const out = processPage(
        {
          institution: snapshot.institution,
          url: snapshot.canonical_url ?? snapshot.url,
          fetched_at: snapshot.fetched_at,
          language: snapshot.lang,
          language_confidence: confidence,
          title: snapshot.title,
          text: snapshot.text,
          hints,
        },
        ctx.page,
      );
      const lineHint = String(line);
      // One push per record: spreading 100k records of one page into push() nears the argument limit.
      for (const r of out) {
        r.record.meta.hints['line'] = lineHint;
        records.push(r);
      }
    } catch (err) {
      ctx.counters.increment('pages_failed');
      ctx.quarantine.add({
        reason: `page failed: ${(err as Error).message}`,
        file: relFile,
        line,
        item_id: snapshot.url,
        raw: JSON.stringify({ url: snapshot.url, institution: snapshot.institution }),
      });
    }
  }
  return { records, itemsIn, files: [ctx.path] };
}
