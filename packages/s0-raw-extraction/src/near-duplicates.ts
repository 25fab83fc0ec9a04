/**
 * Near-duplicate removal within one page in (near) linear time, with exactly the decisions of the greedy
 * pairwise rule it replaces: a text is dropped when its shingle Jaccard similarity to an earlier *kept*
 * text reaches the threshold. Comparing every pair took 292 s for 100k list items of one page.
 *
 * The index is prefix filtering (Chaudhuri et al. 2006, as in PPJoin): shingles are ordered rarest
 * first; two sets with Jaccard ≥ t must share a shingle among the first |x| − ⌈t·|x|⌉ + 1 of each, so
 * only kept texts sharing a prefix shingle are compared, and only when their sizes allow Jaccard ≥ t.
 * The filter is exact (unlike MinHash/LSH, which would only approximate the old output); the final
 * comparison is the same `jaccard` as before, so equal inputs give byte-equal outputs.
 */

/** Jaccard similarity of two sets (both empty → 1, one empty → 0). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const s of small) if (large.has(s)) inter += 1;
  return inter / (a.size + b.size - inter);
}

/** How many of a set's rarest tokens must be indexed/probed so that no pair with Jaccard ≥ t is missed. */
function prefixLength(size: number, threshold: number): number {
  // The epsilon can only lengthen the prefix (more candidates), never shorten it below the bound.
  const required = Math.ceil(threshold * size - 1e-9);
  return Math.min(size, Math.max(1, size - required + 1));
}

/** rank[id] for ids ordered by ascending frequency, ties by id (a stable counting sort). */
function rankByFrequency(frequency: ReadonlyArray<number>): Int32Array {
  let max = 0;
  for (const f of frequency) if (f > max) max = f;
  const starts = new Int32Array(max + 2);
  for (const f of frequency) starts[f + 1]! += 1;
  for (let f = 1; f < starts.length; f += 1) starts[f]! += starts[f - 1]!;
  const rank = new Int32Array(frequency.length);
  frequency.forEach((f, id) => (rank[id] = starts[f]!++));
  return rank;
}

/** |a ∩ b| of two ascending arrays of distinct ids. */
function intersectionSize(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return n;
}

/**
 * Greedy near-duplicate filter over shingle sets, in order: returns the indexes kept. Same result as
 * comparing each set with every earlier kept one. Shingles become integer ranks (rarest first) once, so
 * each set is a small sorted array; the similarity is the same ratio of the same integers as `jaccard`.
 */
export function keepDistinctSets(sets: ReadonlyArray<ReadonlySet<string>>, threshold: number): number[] {
  if (sets.length === 0) return [];
  // Every pair reaches a threshold of 0: only the first survives.
  if (threshold <= 0) return [0];
  const ids = new Map<string, number>();
  const frequency: number[] = [];
  const encoded: Int32Array[] = sets.map((set) => {
    const out = new Int32Array(set.size);
    let k = 0;
    for (const s of set) {
      let id = ids.get(s);
      if (id === undefined) {
        id = frequency.length;
        ids.set(s, id);
        frequency.push(0);
      }
      frequency[id]! += 1;
      out[k++] = id;
    }
    return out;
  });
  // Rank: rarest first, ties by first appearance. The order only decides which pairs are compared, never
  // the result (the filter is exact), so a counting sort by frequency is enough.
  const rank = rankByFrequency(frequency);
  const ranked = encoded.map((set) => set.map((id) => rank[id]!).sort());
  const postings = new Map<number, number[]>();
  const kept: number[] = [];
  const seenAt = new Int32Array(sets.length).fill(-1);
  let keptEmpty = false;
  for (const [i, set] of ranked.entries()) {
    if (set.length === 0) {
      if (keptEmpty) continue;
      keptEmpty = true;
      kept.push(i);
      continue;
    }
    const prefix = set.subarray(0, prefixLength(set.length, threshold));
    let duplicate = false;
    probe: for (const token of prefix) {
      for (const j of postings.get(token) ?? []) {
        if (seenAt[j] === i) continue;
        seenAt[j] = i;
        const other = ranked[j]!;
        // Jaccard ≤ min/max of the sizes: a pair too different in size cannot reach the threshold.
        if (Math.min(other.length, set.length) < threshold * Math.max(other.length, set.length) - 1e-9) continue;
        const inter = intersectionSize(set, other);
        if (inter / (set.length + other.length - inter) >= threshold) {
          duplicate = true;
          break probe;
        }
      }
    }
    if (duplicate) continue;
    kept.push(i);
    for (const token of prefix) {
      const list = postings.get(token);
      if (list === undefined) postings.set(token, [i]);
      else list.push(i);
    }
  }
  return kept;
}
