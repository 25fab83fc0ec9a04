import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, createTestLoaderContext } from '../__fixtures__/context.ts';
import {
  extractPages,
  inferLoader,
  loadCsv,
  loadHtmlFolder,
  loadInstitutionUnitList,
  loadSourceRecordsJsonl,
  loadXlsx,
  readPageFile,
  splitDepartmentPath,
} from './index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's0-loaders-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Real lines of corpus/units/source_records.jsonl.
const UNIT_LINES = [
  '{"text": "UNIVERSITY OF PENNSYLVANIA - the Wharton School", "provenance": {"institution": "UNIVERSITY OF PENNSYLVANIA", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
  '{"text": "UNIVERSITY OF PENNSYLVANIA - School of Social Policy & Practice", "provenance": {"institution": "UNIVERSITY OF PENNSYLVANIA", "url": "file:data/Faculty Extraction Report.xlsx", "section": "<default>", "fetched_at": "2025-09-30T10:00:11.732259Z"}, "meta": {"language": "en", "charset": "utf-8", "hints": {"source": "excel", "level": "S0"}}}',
];

describe('source-records-jsonl', () => {
  it('keeps valid records and quarantines bad lines with file and line', async () => {
    const file = join(dir, 'units.jsonl');
    await writeFile(file, [UNIT_LINES[0], '{"text": "', '{"text": "   ", "provenance": {"institution": "YALE"}}', UNIT_LINES[1]].join('\n'));
    const ctx = createTestLoaderContext({ id: 'units', level: 0, loader: 'source-records-jsonl', path: 'units.jsonl' }, dir);
    const result = await loadSourceRecordsJsonl(ctx);
    expect(result.records.map((r) => [r.order, r.record.text])).toEqual([
      [1, 'UNIVERSITY OF PENNSYLVANIA - the Wharton School'],
      [4, 'UNIVERSITY OF PENNSYLVANIA - School of Social Policy & Practice'],
    ]);
    expect(ctx.quarantine.entries.map((e) => [e.file, e.line, e.reason.split(':')[0]])).toEqual([
      ['units.jsonl', 2, 'malformed JSON'],
      ['units.jsonl', 3, 'schema'],
    ]);
  });
});

// Real pages of corpus/pages/pages.jsonl (texts shortened), one flat, one enveloped, one failed fetch, one bad.
const PAGE_LINES = [
  JSON.stringify({
    url: 'http://cse.cs.duke.edu/research.php',
    institution: 'Duke University',
    kind: 'research_areas',
    level_hint: 2,
    title: 'Research - Areas and Themes (Duke Computer Systems & Engineering)',
    fetched_at: null,
    text: 'Research\nAreas and Themes\nBig Data\nComputer Architecture\nCloud Computing',
  }),
  JSON.stringify({
    snapshot: {
      url: 'https://2022.aclweb.org/callpapers#topics',
      institution: 'ACL',
      title: 'ACL 2022 Call for Papers',
      lang: 'en',
      text: 'Call for Papers\nRelevant topics for the conference include, but are not limited to, the following areas (in alphabetical order):\nDialogue and Interactive Systems\nDiscourse and Pragmatics',
    },
    kind: 'cfp_topics',
    language_confidence: 0.93,
  }),
  JSON.stringify({ url: 'https://www.cs.duke.edu/research/systems', institution: 'Duke University', kind: 'research_areas', http_status: 404, text: 'Not Found' }),
  JSON.stringify({ snapshot: { url: 'https://example.edu/bad' }, kind: 'research_areas' }),
];

describe('page-snapshots-jsonl', () => {
  it('reads flat and enveloped snapshots, keeps extra keys as metadata, quarantines invalid ones', async () => {
    const file = join(dir, 'pages.jsonl');
    await writeFile(file, `${PAGE_LINES.join('\n')}\n`);
    const pageFile = await readPageFile(file, 1 << 20);
    expect(pageFile.pages.map((p) => [p.line, p.snapshot.institution, p.extra['kind']])).toEqual([
      [1, 'Duke University', 'research_areas'],
      [2, 'ACL', 'cfp_topics'],
      [3, 'Duke University', 'research_areas'],
    ]);
    expect(pageFile.bad).toEqual([expect.objectContaining({ line: 4, reason: expect.stringMatching(/^schema: .*institution.*\(https:\/\/example\.edu\/bad\)$/u) })]);
  });

  it.each([
    [['research_areas'], ['Big Data', 'Computer Architecture', 'Cloud Computing'], 1],
    [['cfp_topics'], ['Dialogue and Interactive Systems', 'Discourse and Pragmatics'], 0],
  ])('kinds %j → one record per listed item, 2xx pages only', async (kinds, expected, skippedStatus) => {
    const file = join(dir, 'pages.jsonl');
    await writeFile(file, `${PAGE_LINES.join('\n')}\n`);
    const ctx = createTestLoaderContext({ id: 'pages', level: 2, loader: 'page-snapshots-jsonl', path: 'pages.jsonl', options: { kinds } }, dir);
    const result = extractPages(await readPageFile(file, 1 << 20), ctx);
    expect(result.records.map((r) => r.record.text)).toEqual(expected);
    expect(ctx.counters.get('pages_skipped_status')).toBe(skippedStatus);
  });

  it('carries url (fragment dropped), section, language confidence and page metadata into the record', async () => {
    const file = join(dir, 'pages.jsonl');
    await writeFile(file, `${PAGE_LINES.join('\n')}\n`);
    const ctx = createTestLoaderContext({ id: 'cfp', level: 3, loader: 'page-snapshots-jsonl', path: 'pages.jsonl', options: { kinds: ['cfp_topics'] } }, dir);
    const [first] = extractPages(await readPageFile(file, 1 << 20), ctx).records;
    expect(first!.record.provenance).toEqual({ institution: 'ACL', url: 'https://2022.aclweb.org/callpapers', section: 'Call for Papers', fetched_at: null });
    expect(first!.record.meta.language).toBe('en');
    expect(first!.record.meta.hints).toMatchObject({ kind: 'cfp_topics', language_confidence: '0.930', block_type: 'list', line: '2' });
    expect(ctx.counters.get('boilerplate_lines_removed')).toBe(1);
  });
});

describe('csv', () => {
  it.each([
    [0, ['College of Science', 'College of Arts', 'College of Business'], [null, null, null]],
    [1, ['Biology', 'Chemistry', 'Design', 'Media', 'Finance'], ['College of Science', 'College of Science', 'College of Arts', 'College of Arts', 'College of Business']],
  ])('level %i takes that department-path segment, the one above as parent', async (level, texts, parents) => {
    const ctx = createTestLoaderContext({ id: 'depts', level, loader: 'csv', path: join(FIXTURES, 'departments.csv'), options: { path_column: 'department_path', url_column: 'url' } }, dir);
    const result = await loadCsv(ctx);
    expect(result.records.map((r) => r.record.text)).toEqual(texts);
    expect(result.records.map((r) => r.record.parent_anchor)).toEqual(parents);
    expect(result.itemsIn).toBe(8);
    expect(ctx.quarantine.entries.map((e) => [e.line, e.reason])).toEqual([
      [8, 'row: empty institution'],
      [9, 'row: empty text'],
    ]);
  });

  it('uses a url column when it holds a URL and a file: URL otherwise', async () => {
    const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'csv', path: join(FIXTURES, 'departments.csv'), options: { url_column: 'url' } }, FIXTURES);
    const records = (await loadCsv(ctx)).records;
    expect(records.find((r) => r.record.text === 'Finance')!.record.provenance.url).toBe('https://example.edu/business');
    expect(records.find((r) => r.record.text === 'Biology')!.record.provenance.url).toBe('file:departments.csv');
    expect(ctx.counters.get('rows_duplicate')).toBe(1);
  });

  it('names missing columns', async () => {
    const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'csv', path: join(FIXTURES, 'departments.csv'), options: { text_column: 'unit' } }, dir);
    await expect(loadCsv(ctx)).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('missing column(s) unit') });
  });

  it.each([
    ['College of Science -> Biology', ['College of Science', 'Biology']],
    ['College of Arts - Design', ['College of Arts', 'Design']],
    ['School of Engineering->Computer Science->Machine Learning', ['School of Engineering', 'Computer Science', 'Machine Learning']],
    ['Human-Computer Interaction', ['Human-Computer Interaction']],
  ])('splitDepartmentPath(%s)', (path, expected) => {
    expect(splitDepartmentPath(path)).toEqual(expected);
  });
});

describe('xlsx', () => {
  async function writeWorkbook(path: string): Promise<void> {
    const workbook = new ExcelJS.Workbook();
    const first = workbook.addWorksheet('Faculty');
    first.addRow(['institution', 'department_path']);
    first.addRow(['University A', 'College of Science -> Biology']);
    first.addRow(['University A', 'College of Science -> Chemistry']);
    first.addRow(['University B', 'College of Arts -> Design']);
    const second = workbook.addWorksheet('Extra');
    second.addRow(['institution', 'department_path']);
    second.addRow(['University B', 'College of Business -> Finance']);
    await workbook.xlsx.writeFile(path);
  }

  it.each([
    [[], ['College of Science', 'College of Arts'], ['Faculty']],
    [['Faculty', 'Extra'], ['College of Science', 'College of Arts', 'College of Business'], ['Faculty', 'Extra']],
  ])('sheets %j', async (sheets, texts, sections) => {
    const path = join(dir, 'faculty.xlsx');
    await writeWorkbook(path);
    const ctx = createTestLoaderContext({ id: 'faculty', level: 0, loader: 'xlsx', path: 'faculty.xlsx', options: { sheets } }, dir);
    const result = await loadXlsx(ctx);
    expect(result.records.map((r) => r.record.text)).toEqual(texts);
    expect([...new Set(result.records.map((r) => r.record.provenance.section))]).toEqual(sections);
  });

  it('names a missing sheet and the workbook', async () => {
    const path = join(dir, 'faculty.xlsx');
    await writeWorkbook(path);
    const ctx = createTestLoaderContext({ id: 'faculty', level: 0, loader: 'xlsx', path: 'faculty.xlsx', options: { sheets: ['NoSuchSheet'] } }, dir);
    await expect(loadXlsx(ctx)).rejects.toMatchObject({ code: 'INPUT_INVALID', message: 'faculty.xlsx: no sheet named "NoSuchSheet" (sheets: Faculty, Extra)' });
  });

  it.each([
    ['corrupt.xlsx', Buffer.from('PK\u0003\u0004 this is not really a zip archive')],
    ['text.xlsx', Buffer.from('institution,department_path\nUniversity A,College of Science\n')],
  ])('%s is INPUT_INVALID with a one-line cause', async (name, bytes) => {
    await writeFile(join(dir, name), bytes);
    const ctx = createTestLoaderContext({ id: 'bad', level: 0, loader: 'xlsx', path: name }, dir);
    const error = (await loadXlsx(ctx).then(
      () => new Error('loaded'),
      (err: unknown) => err as Error,
    )) as Error & { code?: string };
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: not a readable XLSX workbook \\(.+\\)$`, 'u'));
    expect(error.message).not.toContain('\n');
  });
});

describe('institution-unit-list', () => {
  it('keeps good pairs, quarantines blank, malformed and undecodable lines by line number', async () => {
    const file = join(dir, 'list.txt');
    const { readFile } = await import('node:fs/promises');
    const fixture = await readFile(join(FIXTURES, 'departments-list.txt'));
    await writeFile(file, Buffer.concat([fixture, Buffer.from([0x63, 0x6f, 0xff, 0x7c, 0x7c, 0x78, 0x0a])]));
    const ctx = createTestLoaderContext({ id: 'list', level: 1, loader: 'institution-unit-list', path: 'list.txt' }, dir);
    const result = await loadInstitutionUnitList(ctx);
    expect(result.records.map((r) => [r.order, r.record.provenance.institution, r.record.text])).toEqual([
      [1, 'yale university', 'department of computer science'],
      [2, 'stanford university', 'department of linguistics'],
      [7, 'princeton university', 'department of molecular biology'],
    ]);
    expect(ctx.quarantine.entries.map((e) => [e.line, e.reason])).toEqual([
      [3, 'blank line'],
      [4, 'malformed line: expected "institution||unit"'],
      [5, 'malformed line: expected "institution||unit"'],
      [6, 'malformed line: expected "institution||unit"'],
      [8, 'invalid UTF-8'],
    ]);
    expect(result.records[0]!.record.provenance.url).toBe('file:list.txt');
  });
});

describe('html-folder', () => {
  it('reads headings as sections, list items, table rows and paragraphs; drops nav, script, footer and boilerplate lines', async () => {
    const ctx = createTestLoaderContext(
      { id: 'duke-html', level: 2, loader: 'html-folder', path: join(FIXTURES, 'html-pages'), institution: 'Duke University' },
      FIXTURES,
    );
    const result = await loadHtmlFolder(ctx);
    expect(result.itemsIn).toBe(2);
    const duke = result.records.filter((r) => r.record.provenance.url === 'https://www.cs.duke.edu/research/systems');
    expect(duke.map((r) => [r.record.meta.hints['block_type'], r.record.provenance.section, r.record.text.slice(0, 45)])).toEqual([
      ['paragraph', 'Systems', 'Explore Systems research areas at Duke Comput'],
      ['list', 'Systems', 'Architecture'],
      ['paragraph', 'Architecture', 'Research at Duke includes parallel and distri'],
      ['list', 'Areas and Themes', 'Big Data'],
      ['list', 'Areas and Themes', 'Computer Architecture'],
      ['list', 'Areas and Themes', 'Cloud Computing'],
      ['list', 'Areas and Themes', 'Data Centers'],
      ['list', 'Areas and Themes', 'Databases'],
      ['table', 'Areas and Themes', 'Distributed Systems | Fault Tolerance'],
      ['paragraph', 'Areas and Themes', 'Mobile Computing and Networking are shared wi'],
    ]);
    expect(duke.at(-1)!.record.text).toBe('Mobile Computing and Networking are shared with ECE.');
    expect(ctx.counters.get('boilerplate_lines_removed')).toBe(1);
    const princeton = result.records.filter((r) => r.record.provenance.url === 'file:html-pages/princeton-areas.htm');
    expect(princeton.map((r) => [r.record.meta.hints['block_type'], r.record.provenance.section, r.record.text.slice(0, 32)])).toEqual([
      ['list', 'Research Areas', 'Computational Biology'],
      ['paragraph', 'Computational Biology', 'At Princeton, researchers in com'],
      ['list', 'Research Areas', 'Computer Architecture'],
      ['paragraph', 'Computer Architecture', 'Research in computer architectur'],
    ]);
    expect(princeton[1]!.record.text).toContain('computer science — algorithmic design');
  });
});

describe('inferLoader', () => {
  it.each([
    ['pages.jsonl', PAGE_LINES[0]!, 'page-snapshots-jsonl'],
    ['envelope.jsonl', PAGE_LINES[1]!, 'page-snapshots-jsonl'],
    ['units.jsonl', UNIT_LINES[0]!, 'source-records-jsonl'],
    ['list.txt', 'yale university||department of computer science', 'institution-unit-list'],
    ['table.csv', 'institution,text', 'csv'],
  ])('%s → %s', async (name, content, expected) => {
    await writeFile(join(dir, name), `${content}\n`);
    expect(await inferLoader(join(dir, name))).toBe(expected);
  });

  it('a folder is HTML pages; a missing path is INPUT_NOT_FOUND', async () => {
    expect(await inferLoader(join(FIXTURES, 'html-pages'))).toBe('html-folder');
    await expect(inferLoader(join(dir, 'nope.jsonl'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
