import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuarantineEntrySchema, SourceRecordSchema, findWorkspaceRoot, readJsonlAll } from '@taxonomy/core';
import { createTestLoaderContext } from '../__fixtures__/context.ts';
import { runS0Task } from '../task.ts';
import { loadCsv, loadInstitutionUnitList, loadXlsx } from './index.ts';

/**
 * Issue 11, item 8: bad cells are bad data. Before, a duplicate CSV header silently picked one column, extra
 * cells vanished, `#REF!` was kept as text, a date became a time-zone-dependent string, a cell starting with
 * `=` reached concepts.jsonl as an institution, NUL, control and bidi-override characters passed every loader,
 * a CR-only file was one bad line, and a quoted newline reported the wrong line. Rows are real lines of
 * corpus/departments/institutions_departments.txt.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's0-cells-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string) {
  await writeFile(join(dir, name), text);
  const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'csv', path: name, options: { text_column: 'department' } }, dir);
  return { ctx, result: await loadCsv(ctx) };
}

describe('CSV cells', () => {
  it('refuses a header that names a column twice', async () => {
    await expect(csv('dup.csv', 'institution,department,department\nyale university,physics,astronomy\n')).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: 'dup.csv: column "department" appears twice in the header (columns 2 and 3)',
    });
  });

  it.each([
    ['a cell under no header', 'stanford university,cytopathology,extra\n', 'row: 1 non-empty cell(s) under no header (row has 3 cells, the header 2)'],
    ['a spreadsheet error', 'stanford university,#REF!\n', 'row: cell department: spreadsheet error #REF!'],
    ['a formula', '"=HYPERLINK(""https://example.edu"",""Stanford"")",cytopathology\n', 'row: cell institution: a formula (starts with "="), not data'],
    ['a NUL byte', 'stanford university,cyto\u0000pathology\n', 'row: cell department: control character U+0000'],
    ['a bidi override', 'stanford university,cyto\u202Epathology\n', 'row: cell department: bidirectional control character U+202E'],
  ])('quarantines %s and keeps the good rows', async (_name, bad, reason) => {
    const { ctx, result } = await csv('cells.csv', `institution,department\nyale university,physics\n${bad}duke univeristy,fuqua school of business\n`);
    expect(result.records.map((r) => r.record.text)).toEqual(['physics', 'fuqua school of business']);
    expect(ctx.quarantine.entries.map((q) => [q.line, q.reason])).toEqual([[3, reason]]);
  });

  it('gives the line a quoted multi-line record starts on, and reads CR-only files line by line', async () => {
    const { ctx, result } = await csv('quoted.csv', 'institution,department\r"yale\runiversity",#N/A\ryale university,physics\r');
    expect(result.records.map((r) => [r.order, r.record.text])).toEqual([[4, 'physics']]);
    expect(ctx.quarantine.entries.map((q) => [q.line, q.reason])).toEqual([[2, 'row: cell department: spreadsheet error #N/A']]);
  });
});

describe('XLSX cells', () => {
  it('quarantines error, formula and date cells instead of reading their display text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Departments');
    sheet.addRow(['institution', 'department']);
    sheet.addRow(['yale university', 'physics']);
    sheet.addRow(['stanford university', { error: '#REF!' }]);
    sheet.addRow([{ formula: 'CONCAT("Stan","ford")', result: 'Stanford' }, 'cytopathology']);
    sheet.addRow(['northwestern university', new Date(Date.UTC(2024, 0, 5))]);
    sheet.addRow(['duke univeristy', 'fuqua school of business']);
    await workbook.xlsx.writeFile(join(dir, 'cells.xlsx'));
    const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'xlsx', path: 'cells.xlsx', options: { text_column: 'department' } }, dir);
    const result = await loadXlsx(ctx);
    expect(result.records.map((r) => r.record.text)).toEqual(['physics', 'fuqua school of business']);
    expect(ctx.quarantine.entries.map((q) => [q.line, q.reason])).toEqual([
      [3, 'row: cell department: spreadsheet error #REF!'],
      [4, 'row: cell institution: a formula (=CONCAT("Stan","ford")), not data'],
      [5, 'row: cell department: a date (2024-01-05), not text'],
    ]);
  });
});

describe('lists and records', () => {
  it('reads a CR-only institution list as three lines, not one malformed line', async () => {
    await writeFile(join(dir, 'cr.txt'), 'yale university||physics\rstanford university||cytopathology\rduke univeristy||fuqua school of business');
    const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'institution-unit-list', path: 'cr.txt' }, dir);
    const result = await loadInstitutionUnitList(ctx);
    expect(result.itemsIn).toBe(3);
    expect(result.records.map((r) => [r.order, r.record.text])).toEqual([[1, 'physics'], [2, 'cytopathology'], [3, 'fuqua school of business']]);
    expect(ctx.quarantine.size).toBe(0);
  });

  it('S0 quarantines records with NUL, control or bidi characters from every loader, with file and line', async () => {
    const root = join(dir, 'ws');
    await mkdir(join(root, 'config'), { recursive: true });
    await writeFile(join(root, 'nx.json'), '{}\n');
    await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
    await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
    const units = (await readFile(join(root, 'corpus/units/source_records.jsonl'), 'utf8')).split('\n');
    units[0] = units[0]!.replace('the Wharton School', 'the Wharton\\u202e School');
    units[1] = units[1]!.replace('School of Social Policy', 'School of\\u0000 Social Policy');
    await writeFile(join(root, 'corpus/units/source_records.jsonl'), units.join('\n'));
    const list = (await readFile(join(root, 'corpus/departments/institutions_departments.txt'), 'utf8')).split('\n');
    list[2] = `${list[2]}\u001b[31m`;
    await writeFile(join(root, 'corpus/departments/institutions_departments.txt'), list.join('\n'));
    const { metrics } = await runS0Task({ root });
    expect(metrics.counters['records_unsafe_text']).toBe(3);
    const quarantine = await readJsonlAll(join(root, 'artifacts/s0/quarantine.jsonl'), { schema: QuarantineEntrySchema, onBad: (b) => expect.fail(b.reason) });
    expect(quarantine.map((q) => [q.file, q.line, q.reason])).toEqual([
      ['corpus/departments/institutions_departments.txt', 3, 'text: control character U+001B'],
      ['corpus/units/source_records.jsonl', 1, 'text: bidirectional control character U+202E'],
      ['corpus/units/source_records.jsonl', 2, 'text: control character U+0000'],
    ]);
    const l0 = await readJsonlAll(join(root, 'artifacts/s0/level-0'), { schema: SourceRecordSchema, onBad: (b) => expect.fail(b.reason) });
    expect(l0).toHaveLength(units.filter((l) => l.trim() !== '').length - 2);
  });
});
