import type { Counters, Logger, Quarantine } from '@taxonomy/observability';
import type { S0Settings } from '../filters.ts';
import type { Source } from '../manifest.ts';
import type { ExtractedRecord, PageContext } from '../process-page.ts';

/** What every loader gets: the source, settings, and where counters and bad items go. */
export interface LoaderContext {
  /** Workspace root (absolute). */
  root: string;
  /** Absolute path of the source's file or folder. */
  path: string;
  source: Source;
  settings: S0Settings;
  page: PageContext;
  counters: Counters;
  quarantine: Quarantine;
  log: Logger;
  /** Path relative to the workspace root, for quarantine entries and refs. */
  relative(path: string): string;
  /** Real paths a loader may read below (the workspace and the manifest's `allowed_roots`). */
  allowedRoots: ReadonlyArray<string>;
}

export interface LoaderResult {
  records: ExtractedRecord[];
  /** Items read from the source (lines, rows, pages) before filtering. */
  itemsIn: number;
  /** Files read (absolute), for input checksums. */
  files: string[];
}

/** `file:` URL of a workspace file, relative so artifacts do not depend on where the checkout lives. */
export function fileUrl(relativePath: string): string {
  return `file:${relativePath.split('/').map(encodeURIComponent).join('/')}`;
}
