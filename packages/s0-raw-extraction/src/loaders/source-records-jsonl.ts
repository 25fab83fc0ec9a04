import { SourceRecordSchema, readJsonl } from '@taxonomy/core';
import { checkLanguage, parseConfidence, withinLengthBounds } from '../filters.ts';
import type { ExtractedRecord } from '../process-page.ts';
import type { LoaderContext, LoaderResult } from './context.ts';

/** Reads SourceRecord JSONL: each valid line is one record; bad lines go to quarantine with file, line and reason. */
export async function loadSourceRecordsJsonl(ctx: LoaderContext): Promise<LoaderResult> {
  const records: ExtractedRecord[] = [];
  let itemsIn = 0;
  const file = ctx.relative(ctx.path);
  const onBad = ctx.quarantine.addBadLine;
  for await (const { value, line } of readJsonl(ctx.path, {
    schema: SourceRecordSchema,
    maxLineBytes: ctx.settings.max_line_bytes,
    onBad: (bad) => onBad({ ...bad, file }),
  })) {
    itemsIn += 1;
    if (!withinLengthBounds(value.text, ctx.settings.min_chars, ctx.settings.max_chars)) {
      ctx.counters.increment('blocks_filtered_length');
      ctx.quarantine.add({ reason: `length: text is outside ${ctx.settings.min_chars}..${ctx.settings.max_chars} characters`, file, line, raw: value.text });
      continue;
    }
    const confidence = value.meta.hints['language_confidence'];
    const verdict = checkLanguage(value.meta.language, parseConfidence(confidence), ctx.settings.language);
    if (!verdict.keep) {
      ctx.counters.increment('language_skipped');
      continue;
    }
    const { id: _id, level: _level, ...rest } = value;
    records.push({ record: { ...rest, meta: { ...rest.meta, hints: { ...rest.meta.hints, line: String(line) } } }, order: line });
  }
  return { records, itemsIn, files: [ctx.path] };
}
