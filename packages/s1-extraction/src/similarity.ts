/**
 * Ratcliff/Obershelp similarity (what Python's difflib `SequenceMatcher.ratio` computes, without its
 * junk heuristics): twice the number of characters in the recursively longest common blocks over the
 * total length. 1 for equal strings, 0 when nothing is shared.
 */
export function ratcliffObershelp(a: string, b: string): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  return (2 * matchingCharacters(a, 0, a.length, b, 0, b.length)) / (a.length + b.length);
}

function matchingCharacters(a: string, aLo: number, aHi: number, b: string, bLo: number, bHi: number): number {
  if (aLo >= aHi || bLo >= bHi) return 0;
  // Longest common substring by dynamic programming over one row (labels are short).
  let bestLen = 0;
  let bestA = aLo;
  let bestB = bLo;
  let prev = new Array<number>(bHi - bLo + 1).fill(0);
  let cur = new Array<number>(bHi - bLo + 1).fill(0);
  for (let i = aLo; i < aHi; i += 1) {
    for (let j = bLo; j < bHi; j += 1) {
      const k = j - bLo + 1;
      if (a[i] === b[j]) {
        const len = prev[k - 1]! + 1;
        cur[k] = len;
        // Earliest block in `a`, then in `b`, on ties: the same choice difflib makes.
        if (len > bestLen) {
          bestLen = len;
          bestA = i - len + 1;
          bestB = j - len + 1;
        }
      } else cur[k] = 0;
    }
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  if (bestLen === 0) return 0;
  return (
    bestLen +
    matchingCharacters(a, aLo, bestA, b, bLo, bestB) +
    matchingCharacters(a, bestA + bestLen, aHi, b, bestB + bestLen, bHi)
  );
}

function trigrams(text: string): Set<string> {
  const padded = `  ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i += 1) out.add(padded.slice(i, i + 3));
  return out;
}

/**
 * Fuzzy lookup over a fixed set of keys without scanning them all: a character-trigram inverted index
 * picks the keys that share enough trigrams with the query, and only those are scored with
 * Ratcliff/Obershelp.
 */
export class FuzzyIndex {
  readonly #keys: string[] = [];
  readonly #postings = new Map<string, number[]>();

  constructor(keys: Iterable<string>) {
    for (const key of [...new Set(keys)].sort()) {
      const id = this.#keys.length;
      this.#keys.push(key);
      for (const g of trigrams(key)) {
        const list = this.#postings.get(g);
        if (list === undefined) this.#postings.set(g, [id]);
        else list.push(id);
      }
    }
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The best key with similarity ≥ `cutoff` (ties: the shorter, then the alphabetically first), or null. */
  best(query: string, cutoff: number): { key: string; score: number } | null {
    if (query.length === 0 || this.#keys.length === 0) return null;
    const grams = trigrams(query);
    const shared = new Map<number, number>();
    for (const g of grams) {
      for (const id of this.#postings.get(g) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    // A key sharing fewer than a third of the query's trigrams cannot reach a useful cutoff.
    const minShared = Math.max(1, Math.floor(grams.size / 3));
    let best: { key: string; score: number } | null = null;
    for (const [id, count] of shared) {
      if (count < minShared) continue;
      const key = this.#keys[id]!;
      const bound = (2 * Math.min(key.length, query.length)) / (key.length + query.length);
      if (bound < cutoff) continue;
      const score = ratcliffObershelp(query, key);
      if (score < cutoff) continue;
      if (
        best === null ||
        score > best.score + 1e-12 ||
        (Math.abs(score - best.score) <= 1e-12 && (key.length < best.key.length || (key.length === best.key.length && key < best.key)))
      ) {
        best = { key, score };
      }
    }
    return best;
  }
}
