import { normalizeLabel } from '@taxonomy/core';

const cache = new Map<string, string>();

/** `normalizeLabel` from core, memoized: the rules normalize the same short phrases many times per record. */
export function normalize(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const out = normalizeLabel(text);
  if (cache.size > 200_000) cache.clear();
  cache.set(text, out);
  return out;
}
