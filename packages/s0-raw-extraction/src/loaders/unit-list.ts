import { readFile } from 'node:fs/promises';
import { TaxonomyError } from '@taxonomy/core';
import { withinLengthBounds } from '../filters.ts';
import type { ExtractedRecord } from '../process-page.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

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
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const chunk = bytes.subarray(start, end);
    start = end + 1;
    lineNo += 1;
    itemsIn += 1;
    let text: string;
    try {
      text = decoder.decode(chunk);
    } catch {
      ctx.quarantine.add({ reason: 'invalid UTF-8', file, line: lineNo, raw: chunk.toString('latin1') });
      continue;
    }
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    text = text.replace(/\r$/u, '');
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
