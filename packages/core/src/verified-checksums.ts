import { statSync } from 'node:fs';

/**
 * The checksums this process has verified, so a file is hashed once per task: a task verifies its inputs
 * against their producers' `metrics.json` before it starts, then records the same files (path and sha256)
 * as its own inputs. A file is reused only while its size and modification time are the ones seen when it
 * was verified; anything else is hashed again.
 */
const verified = new Map<string, { sha256: string; size: number; mtimeMs: number }>();

/** Records that `path` (absolute) was found to hash to `sha256`. */
export function rememberVerifiedChecksum(path: string, sha256: string): void {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info !== undefined) verified.set(path, { sha256, size: info.size, mtimeMs: info.mtimeMs });
}

/** The checksum verified for `path` (absolute) if the file is unchanged since, else null. */
export function verifiedChecksum(path: string): string | null {
  const seen = verified.get(path);
  if (seen === undefined) return null;
  const info = statSync(path, { throwIfNoEntry: false });
  return info !== undefined && info.size === seen.size && info.mtimeMs === seen.mtimeMs ? seen.sha256 : null;
}
