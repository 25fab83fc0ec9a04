import { readFile } from 'node:fs/promises';
import type * as CsvParse from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { TaxonomyError, lazyRequire } from '@taxonomy/core';
import { withinLengthBounds } from '../filters.ts';
import type { ExtractedRecord } from '../process-page.ts';
import { badCellValue } from '../text-checks.ts';
import { checkUnzippedSize } from '../zip-budget.ts';
import { fileUrl, type LoaderContext, type LoaderResult } from './context.ts';
import { decodeLines } from './decode.ts';

// Loaded on the first CSV read, not by every S0 task.
const csvParse = lazyRequire<typeof CsvParse>(import.meta.url, 'csv-parse/sync');

/** One row of a table with its 1-based line (CSV) or row number (XLSX) and the sheet it came from. */
export interface TableRow {
  line: number;
  sheet: string | null;
  cells: Record<string, string>;
  /** Per column: why the cell is not data (a spreadsheet error, a formula, a date), when the reader knows. */
  cellProblems?: Record<string, string>;
  /** Why the row as a whole is bad (more cells than the header has). */
  problem?: string;
}

/** A line of a table file that could not be read at all (undecodable bytes). */
export interface TableBadLine {
  line: number;
  reason: string;
  raw: string;
}

/** Line breaks in a raw CSV record (CRLF counts once), for the line the record starts on. */
function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/gu)?.length ?? 0;
}

/** Refuses a header naming one column twice: a mapping could only pick one of them silently. */
function assertUniqueHeaders(headers: ReadonlyArray<string | undefined>, displayPath: string): void {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === undefined || h === '') return;
    const first = seen.get(h);
    if (first !== undefined) {
      throw new TaxonomyError('INPUT_INVALID', `${displayPath}: column "${h}" appears twice in the header (columns ${first + 1} and ${i + 1})`);
    }
    seen.set(h, i);
  });
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

/**
 * Reads a CSV file into rows keyed by lower-cased header, each with the line it starts on (a quoted
 * newline inside a cell does not shift it). Bytes are decoded strictly, line by line: a line that is not
 * UTF-8 is returned in `bad` and left out, never read with U+FFFD in it. LF, CRLF and CR-only endings
 * all work. A repeated header is INPUT_INVALID; a row with non-empty cells beyond the header is marked.
 */
export async function readCsvRows(path: string, delimiter: string, displayPath: string = path): Promise<{ headers: string[]; rows: TableRow[]; bad: TableBadLine[] }> {
  const decoded = decodeLines(await readFile(path));
  if (decoded === null) throw new TaxonomyError('INPUT_INVALID', `${displayPath}: not valid UTF-16 text (byte-order mark present)`);
  const bad: TableBadLine[] = decoded.bad.map((b) => ({ line: b.line, reason: 'invalid UTF-8', raw: b.raw }));
  let parsed: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    parsed = csvParse().parse(decoded.text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true, raw: true }) as never;
  } catch (err) {
    throw new TaxonomyError('INPUT_INVALID', `${displayPath}: not a readable CSV file (${(err as Error).message})`, { cause: err });
  }
  const [head, ...body] = parsed;
  if (head === undefined) return { headers: [], rows: [], bad };
  const headers = head.record.map((h) => h.trim().toLowerCase());
  assertUniqueHeaders(headers, displayPath);
  const rows = body.map(({ record, info, raw }) => {
    const cells: Record<string, string> = {};
    headers.forEach((h, i) => (cells[h] = (record[i] ?? '').trim()));
    const inner = raw.replace(/(?:\r\n|\r|\n)$/u, '').replace(/^[\r\n]+/u, '');
    const row: TableRow = { line: info.lines - lineBreaks(inner), sheet: null, cells };
    // A value under no header (past the last column, or under an empty header cell) would vanish unread.
    const extra = record.filter((c, i) => (i >= headers.length || headers[i] === '') && c.trim() !== '');
    if (extra.length > 0) row.problem = `${extra.length} non-empty cell(s) under no header (row has ${record.length} cells, the header ${headers.length})`;
    return row;
  });
  return { headers, rows, bad };
}

/**
 * Reads worksheets of an XLSX workbook (the first one unless `sheets` names them). A file that is not a
 * workbook is INPUT_INVALID with a one-line cause; a missing sheet names the sheet and the workbook.
 */
export async function readXlsxRows(
  path: string,
  sheets: ReadonlyArray<string>,
  displayPath: string,
  maxUnzippedBytes: number = Number.POSITIVE_INFINITY,
): Promise<{ headers: string[]; rows: TableRow[] }> {
  await checkUnzippedSize(path, maxUnzippedBytes, displayPath);
  // Loaded on first use: importing exceljs costs ~0.3 s, which every S0 task paid though few sources are workbooks.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
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
    assertUniqueHeaders(headers.slice(1), `${displayPath} sheet "${name}"`);
    for (const h of headers) if (h) headerSet.add(h);
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells: Record<string, string> = {};
      const cellProblems: Record<string, string> = {};
      headers.forEach((h, col) => {
        if (!h) return;
        const cell = row.getCell(col);
        const problem = xlsxCellProblem(cell, Excel.ValueType);
        if (problem !== null) cellProblems[h] = problem;
        cells[h] = problem === null ? cell.text.trim() : '';
      });
      if (Object.values(cells).every((v) => v === '') && Object.keys(cellProblems).length === 0) return;
      const extra = countCellsWithoutHeader(row, headers);
      rows.push({ line: rowNumber, sheet: name, cells, cellProblems, ...(extra > 0 ? { problem: `${extra} non-empty cell(s) under no header` } : {}) });
    });
  }
  return { headers: [...headerSet], rows };
}

/** Why an XLSX cell is not text data: an error value, a formula, a date (whose text would depend on the time zone). */
function xlsxCellProblem(cell: ExcelJS.Cell, ValueType: typeof ExcelJS.ValueType): string | null {
  switch (cell.type) {
    case ValueType.Error:
      return `spreadsheet error ${cell.text}`;
    case ValueType.Formula:
      return `a formula (=${String((cell.value as { formula?: unknown } | null)?.formula ?? '').slice(0, 40)}), not data`;
    case ValueType.Date: {
      const date = cell.value instanceof Date ? cell.value : null;
      return `a date (${date === null || Number.isNaN(date.getTime()) ? cell.text : date.toISOString().slice(0, 10)}), not text`;
    }
    default:
      return null;
  }
}

/** Non-empty cells of a row in a column without a header (past the last one, or under an empty header cell). */
function countCellsWithoutHeader(row: ExcelJS.Row, headers: ReadonlyArray<string | undefined>): number {
  let n = 0;
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    if (!headers[col] && cell.text.trim() !== '') n += 1;
  });
  return n;
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
  const used = [institutionColumn, textColumn, pathColumn, mapping.url_column?.toLowerCase() ?? null].filter((c): c is string => c !== null);
  for (const row of rows) {
    const bad = row.problem ?? cellProblemOf(row, used);
    if (bad !== null) {
      ctx.quarantine.add({ reason: `row: ${bad}`, file, line: row.line, item_id: row.sheet, raw: JSON.stringify(row.cells) });
      continue;
    }
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

/** The first problem of a used column of the row ("cell institution: spreadsheet error #REF!"), or null. */
function cellProblemOf(row: TableRow, used: ReadonlyArray<string>): string | null {
  for (const column of used) {
    const problem = row.cellProblems?.[column] ?? (row.cells[column] === undefined ? null : badCellValue(row.cells[column]));
    if (problem !== null && problem !== undefined) return `cell ${column}: ${problem}`;
  }
  return null;
}

/** CSV loader. */
export async function loadCsv(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'csv') throw new TaxonomyError('USAGE', 'loadCsv needs a csv source');
  const file = ctx.relative(ctx.path);
  const { headers, rows, bad } = await readCsvRows(ctx.path, ctx.source.options.delimiter, file);
  for (const b of bad) ctx.quarantine.add({ reason: b.reason, file, line: b.line, raw: b.raw });
  return { records: rowsToRecords(rows, headers, ctx.source.options, ctx), itemsIn: rows.length + bad.length, files: [ctx.path] };
}

/** XLSX loader. */
export async function loadXlsx(ctx: LoaderContext): Promise<LoaderResult> {
  if (ctx.source.loader !== 'xlsx') throw new TaxonomyError('USAGE', 'loadXlsx needs an xlsx source');
  const { headers, rows } = await readXlsxRows(ctx.path, ctx.source.options.sheets, ctx.relative(ctx.path), ctx.settings.max_unzipped_bytes);
  return { records: rowsToRecords(rows, headers, ctx.source.options, ctx), itemsIn: rows.length, files: [ctx.path] };
}
