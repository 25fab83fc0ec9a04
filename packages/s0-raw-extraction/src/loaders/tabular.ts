import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { TaxonomyError } from '@taxonomy/core';
import { withinLengthBounds } from '../filters.ts';
import type { ExtractedRecord } from '../process-page.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';

/** One row of a table with its 1-based line (CSV) or row number (XLSX) and the sheet it came from. */
export interface TableRow {
  line: number;
  sheet: string | null;
  cells: Record<string, string>;
}

export interface ColumnMapping {
  institution_column: string;
  text_column: string | null;
  path_column: string | null;
  path_index: number | null;
  url_column: string | null;
}

/** Splits a department path ("College of Science -> Biology", "Arts - Design") into trimmed segments. */
export function splitDepartmentPath(path: string): string[] {
  return path
    .split(/\s*->\s*|\s+-\s+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads a CSV file into rows keyed by lower-cased header, with the line each row starts on. */
export async function readCsvRows(path: string, delimiter: string): Promise<{ headers: string[]; rows: TableRow[] }> {
  const text = await readFile(path, 'utf8');
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (err) {
    throw new TaxonomyError('INPUT_INVALID', `${path}: not a readable CSV file (${(err as Error).message})`, { cause: err });
  }
  const [head, ...body] = parsed;
  if (head === undefined) return { headers: [], rows: [] };
  const headers = head.record.map((h) => h.trim().toLowerCase());
  const rows = body.map(({ record, info }) => {
    const cells: Record<string, string> = {};
    headers.forEach((h, i) => (cells[h] = (record[i] ?? '').trim()));
    return { line: info.lines, sheet: null, cells };
  });
  return { headers, rows };
}

/**
 * Reads worksheets of an XLSX workbook (the first one unless `sheets` names them). A file that is not a
 * workbook is INPUT_INVALID with a one-line cause; a missing sheet names the sheet and the workbook.
 */
export async function readXlsxRows(path: string, sheets: ReadonlyArray<string>, displayPath: string): Promise<{ headers: string[]; rows: TableRow[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (err) {
    const cause = ((err as Error).message ?? String(err)).split('\n')[0]!.slice(0, 160);
    throw new TaxonomyError('INPUT_INVALID', `${displayPath}: not a readable XLSX workbook (${cause})`, { cause: err });
  }
  const available = workbook.worksheets.map((w) => w.name);
  const wanted = sheets.length > 0 ? [...sheets] : available.slice(0, 1);
  if (wanted.length === 0) throw new TaxonomyError('INPUT_INVALID', `${displayPath}: the workbook has no worksheet`);
  const headerSet = new Set<string>();
  const rows: TableRow[] = [];
  for (const name of wanted) {
    const sheet = workbook.getWorksheet(name);
    if (sheet === undefined) {
      throw new TaxonomyError('INPUT_INVALID', `${displayPath}: no sheet named "${name}" (sheets: ${available.join(', ') || 'none'})`);
    }
    const headers: string[] = [];
    sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
      headers[col] = cell.text.trim().toLowerCase();
    });
    for (const h of headers) if (h) headerSet.add(h);
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells: Record<string, string> = {};
      headers.forEach((h, col) => {
        if (h) cells[h] = row.getCell(col).text.trim();
      });
      if (Object.values(cells).every((v) => v === '')) return;
      rows.push({ line: rowNumber, sheet: name, cells });
    });
  }
  return { headers: [...headerSet], rows };
}

/**
 * Turns table rows into records by the column mapping: text from the text column, or one segment of the
 * department path (the source level by default) with the segment above it as the declared parent.
 * Rows without an institution or text are quarantined; a repeated (institution, text, parent) is kept once.
 */
export function rowsToRecords(
  rows: ReadonlyArray<TableRow>,
  headers: ReadonlyArray<string>,
  mapping: ColumnMapping,
  ctx: LoaderContext,
): ExtractedRecord[] {
  const file = ctx.relative(ctx.path);
  const institutionColumn = mapping.institution_column.toLowerCase();
  let textColumn = mapping.text_column?.toLowerCase() ?? null;
  let pathColumn = mapping.path_column?.toLowerCase() ?? null;
  if (textColumn === null && pathColumn === null) {
    if (headers.includes('department_path')) pathColumn = 'department_path';
    else if (headers.includes('text')) textColumn = 'text';
  }
  const missing: string[] = [];
  if (!headers.includes(institutionColumn) && ctx.source.institution === null) missing.push(institutionColumn);
  if (textColumn !== null && !headers.includes(textColumn)) missing.push(textColumn);
  if (pathColumn !== null && !headers.includes(pathColumn)) missing.push(pathColumn);
  if (textColumn === null && pathColumn === null) missing.push('text or department_path');
  if (missing.length > 0) {
    throw new TaxonomyError('INPUT_INVALID', `${file}: missing column(s) ${missing.join(', ')} (columns: ${headers.join(', ') || 'none'})`);
  }
  const segmentIndex = mapping.path_index ?? ctx.source.level;
  const url = fileUrl(file);
  const seen = new Set<string>();
  const out: ExtractedRecord[] = [];
  for (const row of rows) {
    const institution = row.cells[institutionColumn] || ctx.source.institution || '';
    let text = '';
    let parent: string | null = null;
    if (textColumn !== null) {
      text = row.cells[textColumn] ?? '';
    } else if (pathColumn !== null) {
      const segments = splitDepartmentPath(row.cells[pathColumn] ?? '');
      text = segments[segmentIndex] ?? '';
      parent = segmentIndex > 0 ? (segments[segmentIndex - 1] ?? null) : null;
      if (text === '' && segments.length > 0) {
        ctx.quarantine.add({ reason: `path: no segment ${segmentIndex} in "${row.cells[pathColumn]}"`, file, line: row.line, item_id: row.sheet });
        continue;
      }
    }
    if (institution === '' || text === '') {
      ctx.quarantine.add({
        reason: institution === '' ? 'row: empty institution' : 'row: empty text',
        file,
        line: row.line,
        item_id: row.sheet,
        raw: JSON.stringify(row.cells),
      });
      continue;
    }
    if (!withinLengthBounds(text, ctx.settings.min_chars, ctx.settings.max_chars)) {
      ctx.counters.increment('blocks_filtered_length');
      ctx.quarantine.add({ reason: `length: text is outside ${ctx.settings.min_chars}..${ctx.settings.max_chars} characters`, file, line: row.line, raw: text });
      continue;
    }
    const key = [institution.toLowerCase(), text.toLowerCase(), (parent ?? '').toLowerCase(), row.sheet ?? ''].join('\u0000');
    if (seen.has(key)) {
      ctx.counters.increment('rows_duplicate');
      continue;
    }
    seen.add(key);
    const rowUrl = mapping.url_column !== null ? row.cells[mapping.url_column.toLowerCase()] : undefined;
    out.push({
      record: {
        text,
        provenance: {
          institution,
          url: rowUrl !== undefined && /^(https?|file):/iu.test(rowUrl) ? rowUrl : url,
          section: row.sheet,
          fetched_at: null,
        },
        meta: { language: 'en', charset: 'utf-8', hints: { block_type: 'table', line: String(row.line) } },
        parent_anchor: parent,
      },
      order: row.line,
    });
  }
  return out;
}

/** CSV loader. */
export async function loadCsv(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'csv') throw new TaxonomyError('USAGE', 'loadCsv needs a csv source');
  const { headers, rows } = await readCsvRows(ctx.path, ctx.source.options.delimiter);
  return { records: rowsToRecords(rows, headers, ctx.source.options, ctx), itemsIn: rows.length, files: [ctx.path] };
}

/** XLSX loader. */
export async function loadXlsx(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'xlsx') throw new TaxonomyError('USAGE', 'loadXlsx needs an xlsx source');
  const { headers, rows } = await readXlsxRows(ctx.path, ctx.source.options.sheets, ctx.relative(ctx.path));
  return { records: rowsToRecords(rows, headers, ctx.source.options, ctx), itemsIn: rows.length, files: [ctx.path] };
}
