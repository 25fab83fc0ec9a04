import { collapseWhitespace, foldDiacritics } from '@taxonomy/core';
import { foldedTokens, singularize } from './similarity.ts';

/** One text the validator may cite: an S0 record or an authoritative (CIP) title. */
export interface EvidenceDocument {
  text: string;
  url: string | null;
  institution: string | null;
  /** Level of the S0 record (null when unknown, or for authoritative titles). */
  level: number | null;
  record_id: string | null;
  source: 'record' | 'cip';
}

export interface Snippet {
  text: string;
  url: string | null;
  institution: string | null;
  record_id: string | null;
  source: 'record' | 'cip';
  score: number;
}

export interface SearchOptions {
  /** Characters of context on both sides together (the snippet is about this plus the label). */
  snippetChars: number;
  /** Also search authoritative titles (L0/L1). */
  includeAuthoritative: boolean;
  /** The concept's own record ids: a mention elsewhere is independent evidence and scores higher. */
  ownRecordIds: ReadonlySet<string>;
  /** Keep only the best `limit` snippets (the order and the counts are those of the full list). */
  limit?: number;
}

export interface SearchResult {
  snippets: Snippet[];
  /** Snippets found, kept or not. */
  total: number;
  documents: number;
}

function compareSnippets(a: Snippet, b: Snippet): number {
  return b.score - a.score || cmp(a.url ?? '', b.url ?? '') || cmp(a.record_id ?? '', b.record_id ?? '') || cmp(a.text, b.text);
}

/** An append-only int32 column (doubling capacity): a million documents' tokens without a million arrays. */
class IntColumn {
  #data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.#data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.#data.length) {
      const grown = new Int32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length] = value;
    this.length += 1;
  }

  get(at: number): number {
    return this.#data[at]!;
  }

  /** The filled part, trimmed to its length (the column is not pushed to afterwards). */
  seal(): Int32Array {
    this.#data = this.#data.slice(0, this.length);
    return this.#data;
  }
}

/** Interns repeated strings (urls, institutions) as small ids: one copy per distinct value. */
class StringTable {
  readonly values: Array<string | null> = [null];
  readonly #ids = new Map<string, number>();

  id(value: string | null): number {
    if (value === null) return 0;
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }
}

/** First position in the ascending `list[from..to)` at or after `from` whose value is ≥ `value`. */
function lowerBound(list: Int32Array, value: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const WORD = /[\p{L}\p{N}]+/gu;
const SOURCE_CIP = 1;

/**
 * A word-level inverted index over the evidence corpus, built once: folded token (lower-case,
 * diacritics folded, singular stem) → documents. A label matches a document where its folded tokens
 * occur consecutively, so matches respect word boundaries (`art` is not found in `martial`) and
 * tolerate plurals (`neurosciences` finds `neuroscience`). Search cost follows the rarest token's
 * posting list, never the corpus size.
 *
 * Memory is columnar, for a million records: a document is its text, its record id and a few int
 * columns (interned url and institution, level, source, where its tokens start); every document's tokens
 * (interned ids) and their character spans sit in three shared int32 columns, and the posting lists in
 * one int32 array built when the first search runs. Documents are added one at a time (`add`), so the
 * loader streams the records instead of holding them.
 */
export class EvidenceIndex {
  readonly #texts: string[] = [];
  readonly #recordIds: Array<string | null> = [];
  readonly #urls = new StringTable();
  readonly #institutions = new StringTable();
  readonly #urlOf = new IntColumn();
  readonly #institutionOf = new IntColumn();
  /** SOURCE_CIP for an authoritative title, 0 for a record. */
  readonly #sourceOf = new IntColumn();
  /** Where each document's tokens start in the token columns (one more entry than documents). */
  readonly #tokenStart = new IntColumn();
  readonly #tokens = new IntColumn(1 << 16);
  readonly #starts = new IntColumn(1 << 16);
  readonly #ends = new IntColumn(1 << 16);
  /** Folded token → token id. */
  readonly #tokenIds = new Map<string, number>();
  /** Raw word as it appears in a text → token id (folding and stemming are done once per spelling). */
  readonly #rawTokenIds = new Map<string, number>();
  readonly #recordsByLevel = new Map<number | null, number>();
  readonly #docByRecordId = new Map<string, number>();
  /** `authorityOf` of a record's url id, computed on first use (it parses the URL). */
  readonly #authorityByUrl = new Map<number, number>();
  #authoritative = false;
  /** Posting lists in CSR form: documents of token t are `#postingDocs[#postingStart[t] .. #postingStart[t + 1])`. */
  #postingStart: Int32Array | null = null;
  #postingDocs: Int32Array | null = null;

  constructor(documents: Iterable<EvidenceDocument> = []) {
    this.#tokenStart.push(0);
    for (const doc of documents) this.add(doc);
  }

  /** Adds one document (a search after it rebuilds the posting lists). */
  add(doc: EvidenceDocument): void {
    this.#postingStart = null;
    this.#postingDocs = null;
    const index = this.#texts.length;
    for (const m of doc.text.matchAll(WORD)) {
      const raw = m[0];
      let id = this.#rawTokenIds.get(raw);
      if (id === undefined) {
        const folded = singularize(foldDiacritics(raw).toLowerCase());
        id = this.#tokenIds.get(folded);
        if (id === undefined) {
          id = this.#tokenIds.size;
          this.#tokenIds.set(folded, id);
        }
        this.#rawTokenIds.set(raw, id);
      }
      this.#tokens.push(id);
      this.#starts.push(m.index);
      this.#ends.push(m.index + raw.length);
    }
    this.#tokenStart.push(this.#tokens.length);
    this.#texts.push(doc.text);
    this.#recordIds.push(doc.record_id);
    this.#urlOf.push(this.#urls.id(doc.url));
    this.#institutionOf.push(this.#institutions.id(doc.institution));
    this.#sourceOf.push(doc.source === 'cip' ? SOURCE_CIP : 0);
    if (doc.source === 'cip') this.#authoritative = true;
    if (doc.source === 'record') {
      this.#recordsByLevel.set(doc.level, (this.#recordsByLevel.get(doc.level) ?? 0) + 1);
      if (doc.record_id !== null) this.#docByRecordId.set(doc.record_id, index);
    }
  }

  /**
   * Replaces, in place, each id of `recordIds` that names an indexed record by the index's own string, so
   * a concept's record ids and the index share one copy (a million records' ids are tens of MB).
   */
  shareRecordIds(recordIds: string[]): void {
    for (let i = 0; i < recordIds.length; i += 1) {
      const d = this.#docByRecordId.get(recordIds[i]!);
      if (d !== undefined) recordIds[i] = this.#recordIds[d]!;
    }
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.#texts.length;
  }

  /** True when some S0 record feeds this level (or carries no level); otherwise evidence is unknown there. */
  hasRecordsFor(level: number): boolean {
    return (this.#recordsByLevel.get(level) ?? 0) > 0 || (this.#recordsByLevel.get(null) ?? 0) > 0;
  }

  /** True when authoritative titles were indexed. */
  get hasAuthoritative(): boolean {
    return this.#authoritative;
  }

  /**
   * Context windows around `label` in the given records (for disambiguation): only records that really
   * mention the label contribute, so a record that never names it cannot make two senses look alike.
   */
  contextsFor(recordIds: ReadonlyArray<string>, label: string, windowChars: number): string[] {
    const phrase = this.#phraseIds(label);
    if (phrase === null) return [];
    const out: string[] = [];
    for (const id of [...recordIds].sort()) {
      const d = this.#docByRecordId.get(id);
      if (d !== undefined) out.push(...this.#snippetsOf(d, phrase, windowChars));
    }
    return out;
  }

  /** Non-overlapping snippets of every document mentioning `label`, best score first. */
  search(label: string, options: SearchOptions): SearchResult {
    const phrase = this.#phraseIds(label);
    if (phrase === null) return { snippets: [], total: 0, documents: 0 };
    this.#buildPostings();
    const start = this.#postingStart!;
    const docs = this.#postingDocs!;
    // Posting ranges [from, to) of the distinct tokens, shortest first.
    const ranges = [...new Set(phrase)].map((t) => [start[t]!, start[t + 1]!] as const);
    ranges.sort((a, b) => a[1] - a[0] - (b[1] - b[0]));
    const [first, ...rest] = ranges;
    if (first === undefined || first[1] === first[0]) return { snippets: [], total: 0, documents: 0 };
    // Posting lists are ascending: walk the shortest and look each document up in the others by binary
    // search from where the last lookup stopped (building a Set of a common token's list per search cost
    // more than the whole rest of validation).
    const cursors = rest.map((r) => r[0]);
    const snippets: Snippet[] = [];
    const limit = options.limit ?? Infinity;
    let total = 0;
    let documents = 0;
    const lowerLabel = label.toLowerCase();
    for (let p = first[0]; p < first[1]; p += 1) {
      const d = docs[p]!;
      let inAll = true;
      for (let r = 0; r < rest.length; r += 1) {
        const to = rest[r]![1];
        const at = lowerBound(docs, d, cursors[r]!, to);
        cursors[r] = at;
        if (at === to || docs[at] !== d) {
          inAll = false;
          break;
        }
      }
      if (!inAll) continue;
      const cip = this.#sourceOf.get(d) === SOURCE_CIP;
      if (cip && !options.includeAuthoritative) continue;
      const windows = this.#windowsOf(d, phrase, options.snippetChars);
      if (windows.length === 0) continue;
      documents += 1;
      total += windows.length / 2;
      const recordId = this.#recordIds[d]!;
      const urlId = this.#urlOf.get(d);
      const url = this.#urls.values[urlId]!;
      const institution = this.#institutions.values[this.#institutionOf.get(d)]!;
      const source: Snippet['source'] = cip ? 'cip' : 'record';
      const authority = cip ? 1 : this.#authorityOfUrl(urlId);
      const independent = recordId !== null && !options.ownRecordIds.has(recordId) ? 0.2 : 0;
      // The best score a snippet of this document can have (an exact mention): when even that sorts after
      // the worst kept snippet on score, url and record id, no snippet of it is kept and none is cut out.
      const best = snippetScore(1, authority, independent);
      if (snippets.length === limit && cannotEnter(snippets[limit - 1]!, best, url, recordId)) continue;
      const text = this.#texts[d]!;
      for (let w = 0; w < windows.length; w += 2) {
        const snippetText = collapseWhitespace(text.slice(windows[w]!, windows[w + 1]!));
        const exact = snippetText.toLowerCase().includes(lowerLabel) ? 1 : 0.9;
        const snippet: Snippet = { text: snippetText, url, institution, record_id: recordId, source, score: snippetScore(exact, authority, independent) };
        if (limit === Infinity) snippets.push(snippet);
        else keepBest(snippets, snippet, limit);
      }
    }
    if (limit === Infinity) snippets.sort(compareSnippets);
    return { snippets, total, documents };
  }

  /** Token ids of a label's folded tokens; null when it has none or one never occurs (nothing can match). */
  #phraseIds(label: string): number[] | null {
    const phrase = foldedTokens(label);
    if (phrase.length === 0) return null;
    const ids: number[] = [];
    for (const t of phrase) {
      const id = this.#tokenIds.get(t);
      if (id === undefined) return null;
      ids.push(id);
    }
    return ids;
  }

  #authorityOfUrl(urlId: number): number {
    let authority = this.#authorityByUrl.get(urlId);
    if (authority === undefined) {
      authority = authorityOf({ source: 'record', url: this.#urls.values[urlId]! });
      this.#authorityByUrl.set(urlId, authority);
    }
    return authority;
  }

  /** Builds the posting lists once, after the last `add`: count each token's documents, then fill in document order. */
  #buildPostings(): void {
    if (this.#postingStart !== null) return;
    const tokens = this.#tokens.seal();
    const tokenStart = this.#tokenStart.seal();
    this.#starts.seal();
    this.#ends.seal();
    this.#urlOf.seal();
    this.#institutionOf.seal();
    this.#sourceOf.seal();
    this.#rawTokenIds.clear();
    const tokenCount = this.#tokenIds.size;
    const lastDoc = new Int32Array(tokenCount).fill(-1);
    const start = new Int32Array(tokenCount + 1);
    const docCount = this.#texts.length;
    for (let d = 0; d < docCount; d += 1) {
      for (let k = tokenStart[d]!; k < tokenStart[d + 1]!; k += 1) {
        const t = tokens[k]!;
        if (lastDoc[t] === d) continue;
        lastDoc[t] = d;
        start[t + 1]! += 1;
      }
    }
    for (let t = 0; t < tokenCount; t += 1) start[t + 1]! += start[t]!;
    const docs = new Int32Array(start[tokenCount]!);
    const fill = start.slice(0, tokenCount);
    lastDoc.fill(-1);
    for (let d = 0; d < docCount; d += 1) {
      for (let k = tokenStart[d]!; k < tokenStart[d + 1]!; k += 1) {
        const t = tokens[k]!;
        if (lastDoc[t] === d) continue;
        lastDoc[t] = d;
        docs[fill[t]!] = d;
        fill[t]! += 1;
      }
    }
    this.#postingStart = start;
    this.#postingDocs = docs;
  }

  /** Snippets of document `d` around each non-overlapping mention of `phrase` (whitespace collapsed). */
  #snippetsOf(d: number, phrase: ReadonlyArray<number>, snippetChars: number): string[] {
    const text = this.#texts[d]!;
    const windows = this.#windowsOf(d, phrase, snippetChars);
    const out: string[] = [];
    for (let w = 0; w < windows.length; w += 2) out.push(collapseWhitespace(text.slice(windows[w]!, windows[w + 1]!)));
    return out;
  }

  /**
   * Character windows [from, to) — flat pairs — of the snippets of document `d`: one per mention of
   * `phrase`, `snippetChars / 2` either side, a mention inside the previous window skipped.
   */
  #windowsOf(d: number, phrase: ReadonlyArray<number>, snippetChars: number): number[] {
    const out: number[] = [];
    const half = Math.floor(snippetChars / 2);
    const length = this.#texts[d]!.length;
    const from0 = this.#tokenStart.get(d);
    const to0 = this.#tokenStart.get(d + 1);
    let coveredUntil = -1;
    for (let k = from0; k + phrase.length <= to0; k += 1) {
      let hit = true;
      for (let p = 0; p < phrase.length; p += 1) {
        if (this.#tokens.get(k + p) !== phrase[p]) {
          hit = false;
          break;
        }
      }
      if (!hit) continue;
      const start = this.#starts.get(k);
      const end = this.#ends.get(k + phrase.length - 1);
      if (start < coveredUntil) continue;
      const from = Math.max(0, start - half);
      const to = Math.min(length, end + half);
      coveredUntil = to;
      out.push(from, to);
    }
    return out;
  }
}

/** A snippet's score: match 1.0 / 0.9, + 0.3 · authority, + 0.2 when independent; capped at 1.5, 4 decimals. */
function snippetScore(exact: number, authority: number, independent: number): number {
  return Math.round(Math.min(1.5, exact + 0.3 * authority + independent) * 10_000) / 10_000;
}

/**
 * True when a snippet scoring at most `score` with this url and record id sorts after `worst` whatever its
 * text (compareSnippets: score, then url, then record id, then text), so keepBest would not keep it.
 */
function cannotEnter(worst: Snippet, score: number, url: string | null, recordId: string | null): boolean {
  if (worst.score !== score) return worst.score > score;
  const byUrl = cmp(worst.url ?? '', url ?? '');
  return byUrl !== 0 ? byUrl < 0 : cmp(worst.record_id ?? '', recordId ?? '') < 0;
}

/**
 * Inserts `snippet` into `best` (sorted by compareSnippets, at most `limit` long) after every snippet that
 * does not sort after it: the first `limit` of a stable sort of all snippets, without sorting them all.
 */
function keepBest(best: Snippet[], snippet: Snippet, limit: number): void {
  if (best.length === limit && compareSnippets(best[limit - 1]!, snippet) <= 0) return;
  let at = best.length;
  while (at > 0 && compareSnippets(best[at - 1]!, snippet) > 0) at -= 1;
  best.splice(at, 0, snippet);
  if (best.length > limit) best.pop();
}

/** How much a source is trusted: authoritative titles 1.0, .edu/.gov pages 0.8, anything else 0.3. */
export function authorityOf(doc: Pick<EvidenceDocument, 'source' | 'url'>): number {
  if (doc.source === 'cip') return 1;
  if (doc.url === null) return 0.3;
  try {
    const host = new URL(doc.url).hostname.toLowerCase();
    if (host.endsWith('.edu') || host.endsWith('.gov')) return 0.8;
  } catch {
    return 0.3;
  }
  return 0.3;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
