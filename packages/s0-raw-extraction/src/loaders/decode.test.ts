import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLoaderContext } from '../__fixtures__/context.ts';
import { decodeDocument, decodeLines, sniffHtmlCharset } from './decode.ts';
import { loadCsv, loadHtmlFolder, loadInstitutionUnitList } from './index.ts';

/**
 * Issue 11, item 7: decode honestly. Before, CSV and HTML replaced invalid bytes with U+FFFD ("Caf� School")
 * where JSONL quarantined them; `<meta charset>` and UTF-16 byte-order marks were ignored; an empty, binary
 * or undecodable page gave 0 records and no counter. Strings are real lines of corpus/pages/pages.jsonl and
 * corpus/departments/institutions_departments.txt.
 */
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's0-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** "Human–Computer Interaction" with its en dash as Windows-1252 writes it (0x96). */
const CP1252_HCI = Buffer.concat([Buffer.from('Human'), Buffer.from([0x96]), Buffer.from('Computer Interaction')]);
const page = (items: string[], head = '') => `<html lang="en"><head>${head}<title>Research Areas</title></head><body><h1>Research Areas</h1><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></body></html>`;

describe('strict decoding', () => {
  it.each([
    [Buffer.from('\uFEFFAlgorithms – A core area'), 'utf-8', 'Algorithms – A core area'],
    [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Algorithms – A core area', 'utf16le')]), 'utf-16le', 'Algorithms – A core area'],
    [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Algorithms – A core area', 'utf16le').swap16()]), 'utf-16be', 'Algorithms – A core area'],
  ])('a byte-order mark picks the encoding (%#)', (bytes, encoding, text) => {
    expect(decodeDocument(bytes)).toEqual({ ok: true, text, encoding });
  });

  it.each([
    ['<meta charset="windows-1252">', 'windows-1252'],
    ['<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', 'iso-8859-1'],
    ['<meta name="viewport" content="width=device-width">', null],
  ])('sniffs %s', (meta, charset) => {
    expect(decodeDocument(Buffer.concat([Buffer.from(page(['x'], '<meta charset="windows-1252">')), CP1252_HCI]), { html: true })).toMatchObject({ ok: true, text: expect.stringContaining('Human–Computer Interaction') });
    expect(sniffHtmlCharset(Buffer.from(page(['Databases'], meta)))).toBe(charset);
  });

  it('never replaces a bad byte: a CSV line that is not UTF-8 comes back as a bad line', () => {
    const bytes = Buffer.concat([Buffer.from('institution,text\nduke university,Databases\ncarnegie mellon university,'), CP1252_HCI, Buffer.from('\n')]);
    const decoded = decodeLines(bytes)!;
    expect(decoded.bad).toEqual([{ line: 3, raw: expect.stringContaining('Human') }]);
    expect(decoded.text).not.toContain('\uFFFD');
  });
});

describe('loaders quarantine or count what they cannot decode', () => {
  it('CSV: the undecodable row is quarantined with its line, the others read', async () => {
    const file = join(dir, 'areas.csv');
    await writeFile(file, Buffer.concat([Buffer.from('institution,text\nduke university,Databases\ncarnegie mellon university,'), CP1252_HCI, Buffer.from('\nduke university,Networking\n')]));
    const ctx = createTestLoaderContext({ id: 'areas', level: 2, loader: 'csv', path: 'areas.csv' }, dir);
    const result = await loadCsv(ctx);
    expect(result.records.map((r) => r.record.text)).toEqual(['Databases', 'Networking']);
    expect(ctx.quarantine.entries.map((q) => [q.line, q.reason])).toEqual([[3, 'invalid UTF-8']]);
    expect(JSON.stringify(result.records)).not.toContain('\uFFFD');
  });

  it('HTML: <meta charset> and UTF-16 byte-order marks decode; empty, binary and undecodable pages are counted and quarantined', async () => {
    const folder = join(dir, 'pages');
    await mkdir(folder, { recursive: true });
    const [before, after] = page(['Databases', 'HCI'], '<meta charset="windows-1252">').split('HCI');
    await writeFile(join(folder, 'cp1252.html'), Buffer.concat([Buffer.from(before!), CP1252_HCI, Buffer.from(after!)]));
    await writeFile(join(folder, 'utf16.html'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(page(['Distributed Systems', 'Operating Systems']), 'utf16le')]));
    await writeFile(join(folder, 'empty.html'), '  \n');
    await writeFile(join(folder, 'binary.html'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const [head, tail] = page(['HCI']).split('HCI');
    await writeFile(join(folder, 'mangled.html'), Buffer.concat([Buffer.from(head!), CP1252_HCI, Buffer.from(tail!)]));
    const ctx = createTestLoaderContext({ id: 'pages', level: 2, loader: 'html-folder', path: 'pages', institution: 'Carnegie Mellon University' }, dir);
    const result = await loadHtmlFolder(ctx);
    expect(result.records.map((r) => r.record.text).sort()).toEqual(['Databases', 'Distributed Systems', 'Human–Computer Interaction', 'Operating Systems']);
    expect(JSON.stringify(result.records)).not.toContain('\uFFFD');
    expect({ empty: ctx.counters.get('pages_empty'), undecodable: ctx.counters.get('pages_undecodable') }).toEqual({ empty: 1, undecodable: 2 });
    expect(ctx.quarantine.entries.map((q) => [q.file, q.reason]).sort()).toEqual([
      ['pages/binary.html', 'page undecodable: binary content (NUL bytes)'],
      ['pages/empty.html', 'page empty: no bytes but white space'],
      ['pages/mangled.html', 'page undecodable: invalid utf-8'],
    ]);
  });

  it('institution lists: a UTF-16 file with its byte-order mark reads like UTF-8', async () => {
    const lines = 'new york university||department of radiology\r\nnorthwestern university||department of electrical and computer engineering\r\n';
    await writeFile(join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines, 'utf16le')]));
    const ctx = createTestLoaderContext({ id: 'depts', level: 1, loader: 'institution-unit-list', path: 'utf16.txt' }, dir);
    const result = await loadInstitutionUnitList(ctx);
    expect(result.records.map((r) => [r.record.provenance.institution, r.record.text])).toEqual([
      ['new york university', 'department of radiology'],
      ['northwestern university', 'department of electrical and computer engineering'],
    ]);
    expect(ctx.quarantine.size).toBe(0);
  });
});
