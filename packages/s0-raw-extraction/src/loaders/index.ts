import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';
import type { LoaderName } from '../manifest.ts';

export * from './context.ts';
export { loadSourceRecordsJsonl } from './source-records-jsonl.ts';
export { extractPages, readPageFile, type LoadedPage, type PageFile } from './page-snapshots-jsonl.ts';
export { loadCsv, loadXlsx, readCsvRows, readXlsxRows, rowsToRecords, splitDepartmentPath, type TableRow } from './tabular.ts';
export { loadInstitutionUnitList } from './unit-list.ts';
export { loadHtmlFolder } from './html-folder.ts';

/**
 * Picks a loader for an ad-hoc input: a folder is HTML pages; `.csv`, `.xlsx`, `.txt`/`.lst` by extension;
 * `.jsonl` by its first record (a `snapshot` envelope or page fields → page snapshots, else SourceRecords).
 */
export async function inferLoader(path: string): Promise<LoaderName> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${path}`);
  if (info.isDirectory()) return 'html-folder';
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.txt' || ext === '.lst') return 'institution-unit-list';
  if (ext === '.jsonl' || ext === '.ndjson') {
    const first = await readFirstLine(path);
    try {
      const value = JSON.parse(first) as Record<string, unknown>;
      if ('snapshot' in value || ('url' in value && 'text' in value && !('provenance' in value))) return 'page-snapshots-jsonl';
    } catch {
      // an unreadable first line is quarantined by the SourceRecord reader
    }
    return 'source-records-jsonl';
  }
  throw new TaxonomyError('USAGE', `cannot infer a loader for ${path}: pass one of .jsonl, .csv, .xlsx, .txt or a folder of HTML pages`);
}

async function readFirstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/u, '');
    return text.split(/\r?\n/u).find((l) => l.trim() !== '') ?? '';
  } finally {
    await handle.close();
  }
}
