import { realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';

/**
 * Where a source may live and what it may be. A manifest path is resolved to its real path (symlinks
 * followed) and must stay inside the workspace, or inside a folder the manifest lists under
 * `allowed_roots`; it must be a regular file (a folder for `html-folder`) — never a device, FIFO or socket
 * (`/dev/zero` took 7.6 GB, a FIFO hangs the read) — and not larger than `s0.max_source_bytes`.
 */

/** Folders S0 never walks into inside an html-folder source. */
export const NEVER_WALKED = ['node_modules', '.git', '.nx', 'artifacts', '.cache'] as const;

export interface CheckedSource {
  /** The path as written, resolved against the root. */
  path: string;
  /** The real path (symlinks resolved). */
  real: string;
  kind: 'file' | 'folder';
  size: number;
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}${sep}`);
}

/** The kind of a non-regular file, for messages. */
export function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/** Real paths of the workspace and of the allowed roots (relative ones resolved against the workspace). */
export function allowedRealRoots(root: string, allowedRoots: ReadonlyArray<string>): string[] {
  const out = [realpathSync(root)];
  for (const entry of allowedRoots) {
    try {
      out.push(realpathSync(resolve(root, entry)));
    } catch {
      // an allowed root that does not exist allows nothing
    }
  }
  return out;
}

/** Why a real path may not be read (outside every allowed root), or null. */
export function outsideProblem(real: string, roots: ReadonlyArray<string>): string | null {
  if (roots.some((r) => isInside(real, r))) return null;
  return `resolves to ${real}, outside the workspace`;
}

/**
 * Checks one manifest source path; throws INPUT_NOT_FOUND when it does not exist and INPUT_INVALID (one
 * line naming the source and the path) when it must not be read. Nothing of the file is read here.
 */
export function checkSourcePath(
  root: string,
  source: { id: string; path: string; loader: string },
  options: { allowedRoots: ReadonlyArray<string>; maxBytes: number },
): CheckedSource {
  const path = resolve(root, source.path);
  const label = `source "${source.id}" (${source.path})`;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${source.path}`);
  }
  const outside = outsideProblem(real, allowedRealRoots(root, options.allowedRoots));
  if (outside !== null) {
    throw new TaxonomyError('INPUT_INVALID', `${label} ${outside}; list its folder under "allowed_roots" in the sources manifest to read it`);
  }
  const info = statSync(real);
  const wantFolder = source.loader === 'html-folder';
  if (wantFolder) {
    if (!info.isDirectory()) throw new TaxonomyError('INPUT_INVALID', `${label} is ${fileKind(info)}; an html-folder source is a folder`);
    return { path, real, kind: 'folder', size: 0 };
  }
  if (!info.isFile()) throw new TaxonomyError('INPUT_INVALID', `${label} is ${fileKind(info)}, not a regular file`);
  if (info.size > options.maxBytes) {
    throw new TaxonomyError('INPUT_INVALID', `${label} is ${info.size} bytes, over s0.max_source_bytes=${options.maxBytes}`);
  }
  return { path, real, kind: 'file', size: info.size };
}

/** A path relative to the root when inside it, else absolute (for messages). */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
