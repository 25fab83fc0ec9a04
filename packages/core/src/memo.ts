/**
 * `cache`'s value for `key`, computed by `compute` on a miss and remembered; a cache holding `limit` entries starts
 * over before it takes a new one. For memos of pure answers, where the limit bounds memory and only speed depends
 * on what is still held.
 */
export function memoBounded<K, V>(cache: Map<K, V>, key: K, limit: number, compute: (key: K) => V): V {
  const held = cache.get(key);
  if (held !== undefined) return held;
  const value = compute(key);
  if (cache.size >= limit) cache.clear();
  cache.set(key, value);
  return value;
}
