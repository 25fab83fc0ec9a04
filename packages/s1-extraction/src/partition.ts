import { collapseWhitespace, sha256Hex } from '@taxonomy/core';

/** The key an institution is partitioned by: whitespace collapsed, case folded (what `sameInstitution` treats as one name). */
export function institutionKey(institution: string): string {
  return collapseWhitespace(institution).toLowerCase();
}

/**
 * The S1 shard (0-based, `0 … shards−1`) of every record of an institution: the first 8 hex digits of the
 * sha256 of its key, mod `shards`. It depends on nothing but the name and the count, so adding an
 * institution's records changes exactly one shard's input and leaves every other shard's bytes as they were.
 */
export function shardOf(institution: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be an integer ≥ 1 (got ${shards})`);
  if (shards === 1) return 0;
  return Number.parseInt(sha256Hex(institutionKey(institution)).slice(0, 8), 16) % shards;
}
