import { sha256Hex } from './hashing.ts';

/** A label as it appears inside ids: lower-case words joined by `-`. */
export function slugify(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^\p{L}\p{N}&+]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
}

/**
 * Stable concept id: `L{level}:{slug}` at L0; below L0 the slug is suffixed with a short hash of the
 * parent id (`L2:machine-learning~3fa2c1`), so one label under two parents gives two distinct ids and the
 * same label under the same parent always gives the same id.
 */
export function conceptId(level: number, label: string, parent: string | null): string {
  const base = `L${level}:${slugify(label)}`;
  return parent === null ? base : `${base}~${sha256Hex(parent).slice(0, 6)}`;
}

/** Scoped fallback parent id for an anchor that resolved to no concept of the level above. */
export function unresolvedParentId(parentLevel: number, anchor: string): string {
  return `unresolved:L${parentLevel}:${slugify(anchor) || 'unknown'}`;
}

/** True for ids made by `unresolvedParentId`. */
export function isUnresolvedParentId(id: string): boolean {
  return id.startsWith('unresolved:');
}
