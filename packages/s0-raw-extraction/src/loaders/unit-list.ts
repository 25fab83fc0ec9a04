import { readFile } from 'node:fs/promises';
import { TaxonomyError } from '@taxonomy/core';
import { withinLengthBounds } from '../filters.ts';
import type { ExtractedRecord } from '../process-page.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';
import { decodeLines } from './decode.ts';

/**
 * Reads an `institution||unit` list, one pair per line. Blank, malformed and undecodable lines are
 * quarantined with their line number; a pair seen twice is kept once.
 */
export async function loadInstitutionUnitList(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'institution-unit-list') throw new TaxonomyError('USAGE', 'loadInstitutionUnitList needs an institution-unit-list source');
  const separator = ctx.source.options.separator;
  const bytes = await readFile(ctx.path).catch((err: unknown) => {
    throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${ctx.relative(ctx.path)}`, { cause: err });
  });
  const file = ctx.relative(ctx.path);
  const url = fileUrl(file);
  const records: ExtractedRecord[] = [];
  const seen = new Set<string>();
  let itemsIn = 0;
  // LF, CRLF and CR-only files alike; a UTF-16 file (by its byte-order mark) too.
  const decoded = decodeLines(bytes);
  if (decoded === null) throw new TaxonomyError('INPUT_INVALID', `${file}: not valid UTF-16 text (byte-order mark present)`);
  const undecodable = new Map(decoded.bad.map((b) => [b.line, b.raw]));
  const lines = bytes.length === 0 ? [] : decoded.text.split('\n');
  for (const [index, text] of lines.entries()) {
    const lineNo = index + 1;
    itemsIn += 1;
    const raw = undecodable.get(lineNo);
    if (raw !== undefined) {
      ctx.quarantine.add({ reason: 'invalid UTF-8', file, line: lineNo, raw });
      continue;
    }
    if (text.trim() === '') {
      ctx.quarantine.add({ reason: 'blank line', file, line: lineNo, raw: text });
      continue;
    }
    const parts = text.split(separator);
    const institution = (parts[0] ?? '').trim() || ctx.source.institution || '';
    const unit = (parts[1] ?? '').trim();
    if (parts.length !== 2 || institution === '' || unit === '') {
      ctx.quarantine.add({ reason: `malformed line: expected "institution${separator}unit"`, file, line: lineNo, raw: text });
      continue;
    }
    if (!withinLengthBounds(unit, ctx.settings.min_chars, ctx.settings.max_chars)) {
      ctx.counters.increment('blocks_filtered_length');
      ctx.quarantine.add({ reason: `length: unit is outside ${ctx.settings.min_chars}..${ctx.settings.max_chars} characters`, file, line: lineNo, raw: text });
      continue;
    }
    const key = `${institution.toLowerCase()}\u0000${unit.toLowerCase()}`;
    if (seen.has(key)) {
      ctx.counters.increment('rows_duplicate');
      continue;
    }
    seen.add(key);
    records.push({
      record: {
        text: unit,
        provenance: { institution, url, section: null, fetched_at: null },
        meta: { language: 'en', charset: 'utf-8', hints: { block_type: 'list', line: String(lineNo) } },
        parent_anchor: null,
      },
      order: lineNo,
    });
  }
  return { records, itemsIn, files: [ctx.path] };
}
