import { join } from 'node:path';
import { writeTextAtomic, type ArtifactRef } from '@taxonomy/core';
import type { FinalConcept } from '../finalize.ts';
import { buildReportData, renderReportPieces, type ReportData } from './render.ts';
import { sourcesFromSummary, type ReportSources } from './report-data.ts';

export interface WriteReportOptions {
  root: string;
  /** Folder of the report (absolute): `artifacts/taxonomy/report`. */
  dir: string;
  rows: ReadonlyArray<FinalConcept>;
  sources: ReportSources;
  /** The manifest summary (its `sources`, when present, replace the derived per-source figures). */
  summary: Readonly<Record<string, unknown>>;
  run: ReportData['run'];
  lowConfidenceBelow: number;
  maxRecordsPerConcept: number;
}

/** Writes `index.html`, the self-contained report; the same build gives the same bytes. */
export async function writeReport(options: WriteReportOptions): Promise<ArtifactRef> {
  const data = buildReportData({
    rows: options.rows,
    sources: options.sources,
    summarySources: sourcesFromSummary(options.summary),
    run: options.run,
    lowConfidenceBelow: options.lowConfidenceBelow,
    maxRecordsPerConcept: options.maxRecordsPerConcept,
  });
  // In pieces, hashed as written: the data as one JSON string, its escaped copy, the joined document and a second
  // encoding of it for the checksum were four copies of the largest string of the build.
  const path = join(options.dir, 'index.html');
  const sha256 = await writeTextAtomic(path, renderReportPieces(data));
  return { path: path.startsWith(`${options.root}/`) ? path.slice(options.root.length + 1) : path, sha256, records: data.concepts.length };
}
