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
function rankByFrequency(frequency: Int32Array): Int32Array {
  let max = 0;
  for (const f of frequency) if (f > max) max = f;
  const starts = new Int32Array(max + 2);
  for (const f of frequency) starts[f + 1]! += 1;
  for (let f = 1; f < starts.length; f += 1) starts[f]! += starts[f - 1]!;
  const rank = new Int32Array(frequency.length);
  for (let id = 0; id < frequency.length; id += 1) rank[id] = starts[frequency[id]!]!++;
  return rank;
}

/**
 * Sets of integer ids laid out flat: set `i` is `values[offsets[i] .. offsets[i + 1])`, distinct ids in
 * ascending order, every id below `idCount`. One typed array for all sets instead of one Set of strings per
 * text: 100k texts of one page held about a million shingle strings, most of the garbage collector's work.
 */
export interface FlatSets {
  values: Int32Array;
  offsets: Int32Array;
  idCount: number;
}

/** Sorts `a[from .. to)` ascending in place (insertion sort: sets are a handful of ids). */
function sortRange(a: Int32Array, from: number, to: number): void {
  if (to - from > 32) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i += 1) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= from && a[j]! > v) {
      a[j + 1] = a[j]!;
      j -= 1;
    }
    a[j + 1] = v;
  }
}

/** Sorts `a[from .. to)` and drops repeats; returns the new end. */
function sortUnique(a: Int32Array, from: number, to: number): number {
  sortRange(a, from, to);
  if (to - from < 2) return to;
  let w = from + 1;
  for (let r = from + 1; r < to; r += 1) if (a[r] !== a[w - 1]) a[w++] = a[r]!;
  return w;
}

/** Growable Int32Array. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Interns word sequences as integers: a trie over word ids whose edges live in one open-addressing hash
 * table of typed arrays (no object per edge). Two sequences get the same node exactly when they are the
 * same words in the same order, so a node id stands for the shingle string `words.join(' ')`: different
 * lengths end at different depths, hence different nodes.
 */
class SequenceTrie {
  private parents: Int32Array;
  private words: Int32Array;
  private nodes: Int32Array;
  private mask: number;
  private used = 0;
  /** Node 0 is the empty sequence. */
  size = 1;
  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.parents = new Int32Array(capacity).fill(-1);
    this.words = new Int32Array(capacity);
    this.nodes = new Int32Array(capacity);
    this.mask = capacity - 1;
  }
  /** The node reached from `parent` by `word`, created when new. */
  child(parent: number, word: number): number {
    let slot = Math.imul(parent ^ Math.imul(word, 0x9e3779b1), 0x85ebca6b) >>> 0;
    slot = (slot ^ (slot >>> 15)) & this.mask;
    for (;;) {
      const p = this.parents[slot]!;
      if (p === -1) break;
      if (p === parent && this.words[slot] === word) return this.nodes[slot]!;
      slot = (slot + 1) & this.mask;
    }
    const node = this.size++;
    this.parents[slot] = parent;
    this.words[slot] = word;
    this.nodes[slot] = node;
    this.used += 1;
    if (this.used * 2 > this.mask) this.grow();
    return node;
  }
  private grow(): void {
    const { parents, words, nodes } = this;
    const capacity = parents.length * 2;
    this.parents = new Int32Array(capacity).fill(-1);
    this.words = new Int32Array(capacity);
    this.nodes = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let s = 0; s < parents.length; s += 1) {
      const p = parents[s]!;
      if (p === -1) continue;
      let slot = Math.imul(p ^ Math.imul(words[s]!, 0x9e3779b1), 0x85ebca6b) >>> 0;
      slot = (slot ^ (slot >>> 15)) & this.mask;
      while (this.parents[slot] !== -1) slot = (slot + 1) & this.mask;
      this.parents[slot] = p;
      this.words[slot] = words[s]!;
      this.nodes[slot] = nodes[s]!;
    }
  }
}

/**
 * The word shingles of every text as flat integer sets: the same sets as `wordShingles` gives (a shingle
 * is `size` consecutive words; a text of at most `size` words is one shingle of all its words), each
 * shingle an integer instead of a joined string. `wordsOf` splits a text into its words.
 */
export function wordShingleSets(texts: ReadonlyArray<string>, size: number, wordsOf: (text: string) => string[]): FlatSets {
  const wordIds = new Map<string, number>();
  const trie = new SequenceTrie(texts.length * 8);
  const values = new IntList(texts.length * 8);
  const offsets = new Int32Array(texts.length + 1);
  let ids: number[] = [];
  for (let t = 0; t < texts.length; t += 1) {
    const words = wordsOf(texts[t]!);
    ids.length = 0;
    for (const w of words) {
      let id = wordIds.get(w);
      if (id === undefined) {
        id = wordIds.size;
        wordIds.set(w, id);
      }
      ids.push(id);
    }
    const from = values.length;
    if (ids.length > 0 && ids.length <= size) {
      let node = 0;
      for (const id of ids) node = trie.child(node, id);
      values.push(node);
    } else {
      for (let i = 0; i + size <= ids.length; i += 1) {
        let node = 0;
        for (let j = i; j < i + size; j += 1) node = trie.child(node, ids[j]!);
        values.push(node);
      }
    }
    values.length = sortUnique(values.data, from, values.length);
    offsets[t + 1] = values.length;
  }
  ids = [];
  return { values: values.data.subarray(0, values.length), offsets, idCount: trie.size };
}

/** |a ∩ b| of two ascending runs of distinct ids inside `v`. */
function intersectionSize(v: Int32Array, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  let i = aFrom;
  let j = bFrom;
  let n = 0;
  while (i < aTo && j < bTo) {
    const x = v[i]!;
    const y = v[j]!;
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
 * Greedy near-duplicate filter over shingle sets (`wordShingleSets`), in order: returns the indexes kept. Same
 * result as comparing each set with every earlier kept one. Shingles become integer ranks (rarest first) once,
 * so each set is a small sorted run of integers; the similarity is the same ratio of the same integers as `jaccard`.
 */
export function keepDistinctFlat(sets: FlatSets, threshold: number): number[] {
  const n = sets.offsets.length - 1;
  if (n <= 0) return [];
  // Every pair reaches a threshold of 0: only the first survives.
  if (threshold <= 0) return [0];
  const { values, offsets } = sets;
  const frequency = new Int32Array(sets.idCount);
  for (const id of values) frequency[id]! += 1;
  // Rank: rarest first, ties by id. The order only decides which pairs are compared, never the result (the
  // filter is exact), so a counting sort by frequency is enough.
  const rank = rankByFrequency(frequency);
  const ranked = new Int32Array(values.length);
  for (let p = 0; p < values.length; p += 1) ranked[p] = rank[values[p]!]!;
  for (let i = 0; i < n; i += 1) sortRange(ranked, offsets[i]!, offsets[i + 1]!);
  // Postings as linked lists in typed arrays: head[token] → entry, next[entry] → entry, owner[entry] = set.
  const head = new Int32Array(sets.idCount).fill(-1);
  const next = new Int32Array(values.length);
  const owner = new Int32Array(values.length);
  let entries = 0;
  const kept: number[] = [];
  const seenAt = new Int32Array(n).fill(-1);
  let keptEmpty = false;
  for (let i = 0; i < n; i += 1) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    const length = to - from;
    if (length === 0) {
      if (keptEmpty) continue;
      keptEmpty = true;
      kept.push(i);
      continue;
    }
    const prefixEnd = from + prefixLength(length, threshold);
    let duplicate = false;
    probe: for (let p = from; p < prefixEnd; p += 1) {
      for (let e = head[ranked[p]!]!; e !== -1; e = next[e]!) {
        const j = owner[e]!;
        if (seenAt[j] === i) continue;
        seenAt[j] = i;
        const otherFrom = offsets[j]!;
        const otherLength = offsets[j + 1]! - otherFrom;
        // Jaccard ≤ min/max of the sizes: a pair too different in size cannot reach the threshold.
        if (Math.min(otherLength, length) < threshold * Math.max(otherLength, length) - 1e-9) continue;
        const inter = intersectionSize(ranked, from, to, otherFrom, otherFrom + otherLength);
        if (inter / (length + otherLength - inter) >= threshold) {
          duplicate = true;
          break probe;
        }
      }
    }
    if (duplicate) continue;
    kept.push(i);
    for (let p = from; p < prefixEnd; p += 1) {
      const token = ranked[p]!;
      owner[entries] = i;
      next[entries] = head[token]!;
      head[token] = entries;
      entries += 1;
    }
  }
  return kept;
}
