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

interface IndexedDocument extends EvidenceDocument {
  tokens: string[];
  starts: number[];
  ends: number[];
  /** `authorityOf` of the document, computed on first use (it parses the URL). */
  authority?: number;
}

/** First position in the ascending `list` at or after `from` whose value is ≥ `value`. */
function lowerBound(list: ReadonlyArray<number>, value: number, from: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A word-level inverted index over the evidence corpus, built once: folded token (lower-case,
 * diacritics folded, singular stem) → documents. A label matches a document where its folded tokens
 * occur consecutively, so matches respect word boundaries (`art` is not found in `martial`) and
 * tolerate plurals (`neurosciences` finds `neuroscience`). Search cost follows the rarest token's
 * posting list, never the corpus size.
 */
export class EvidenceIndex {
  readonly #docs: IndexedDocument[] = [];
  readonly #postings = new Map<string, number[]>();
  readonly #recordsByLevel = new Map<number | null, number>();
  readonly #docByRecordId = new Map<string, number>();
  #authoritative = false;

  constructor(documents: Iterable<EvidenceDocument>) {
    for (const doc of documents) {
      const tokens: string[] = [];
      const starts: number[] = [];
      const ends: number[] = [];
      for (const m of doc.text.matchAll(WORD)) {
        tokens.push(singularize(foldDiacritics(m[0]).toLowerCase()));
        starts.push(m.index);
        ends.push(m.index + m[0].length);
      }
      const index = this.#docs.length;
      this.#docs.push({ ...doc, tokens, starts, ends });
      for (const t of new Set(tokens)) {
        const list = this.#postings.get(t);
        if (list === undefined) this.#postings.set(t, [index]);
        else list.push(index);
      }
      if (doc.source === 'cip') this.#authoritative = true;
      if (doc.source === 'record') {
        this.#recordsByLevel.set(doc.level, (this.#recordsByLevel.get(doc.level) ?? 0) + 1);
        if (doc.record_id !== null) this.#docByRecordId.set(doc.record_id, index);
      }
    }
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.#docs.length;
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
    const phrase = foldedTokens(label);
    if (phrase.length === 0) return [];
    const out: string[] = [];
    for (const id of [...recordIds].sort()) {
      const d = this.#docByRecordId.get(id);
      if (d !== undefined) out.push(...this.#snippetsOf(this.#docs[d]!, phrase, windowChars));
    }
    return out;
  }

  /** Non-overlapping snippets of every document mentioning `label`, best score first. */
  search(label: string, options: SearchOptions): SearchResult {
    const phrase = foldedTokens(label);
    if (phrase.length === 0) return { snippets: [], total: 0, documents: 0 };
    const lists = [...new Set(phrase)].map((t) => this.#postings.get(t) ?? []);
    lists.sort((a, b) => a.length - b.length);
    const [first, ...rest] = lists;
    if (first === undefined || first.length === 0) return { snippets: [], total: 0, documents: 0 };
    // Posting lists are ascending: walk the shortest and look each document up in the others by binary
    // search from where the last lookup stopped (building a Set of a common token's list per search cost
    // more than the whole rest of validation).
    const cursors = rest.map(() => 0);
    const snippets: Snippet[] = [];
    const limit = options.limit ?? Infinity;
    let total = 0;
    let documents = 0;
    const lowerLabel = label.toLowerCase();
    for (const d of first) {
      let inAll = true;
      for (let r = 0; r < rest.length; r += 1) {
        const list = rest[r]!;
        const at = lowerBound(list, d, cursors[r]!);
        cursors[r] = at;
        if (list[at] !== d) {
          inAll = false;
          break;
        }
      }
      if (!inAll) continue;
      const doc = this.#docs[d]!;
      if (doc.source === 'cip' && !options.includeAuthoritative) continue;
      const found = this.#snippetsOf(doc, phrase, options.snippetChars);
      if (found.length === 0) continue;
      documents += 1;
      for (const text of found) {
        const exact = text.toLowerCase().includes(lowerLabel) ? 1 : 0.9;
        const independent = doc.record_id !== null && !options.ownRecordIds.has(doc.record_id) ? 0.2 : 0;
        doc.authority ??= authorityOf(doc);
        const score = Math.min(1.5, exact + 0.3 * doc.authority + independent);
        const snippet: Snippet = { text, url: doc.url, institution: doc.institution, record_id: doc.record_id, source: doc.source, score: Math.round(score * 10_000) / 10_000 };
        total += 1;
        if (limit === Infinity) snippets.push(snippet);
        else keepBest(snippets, snippet, limit);
      }
    }
    if (limit === Infinity) snippets.sort(compareSnippets);
    return { snippets, total, documents };
  }

  #snippetsOf(doc: IndexedDocument, phrase: ReadonlyArray<string>, snippetChars: number): string[] {
    const out: string[] = [];
    const half = Math.floor(snippetChars / 2);
    let coveredUntil = -1;
    for (let k = 0; k + phrase.length <= doc.tokens.length; k += 1) {
      let hit = true;
      for (let p = 0; p < phrase.length; p += 1) {
        if (doc.tokens[k + p] !== phrase[p]) {
          hit = false;
          break;
        }
      }
      if (!hit) continue;
      const start = doc.starts[k]!;
      const end = doc.ends[k + phrase.length - 1]!;
      if (start < coveredUntil) continue;
      const from = Math.max(0, start - half);
      const to = Math.min(doc.text.length, end + half);
      coveredUntil = to;
      out.push(collapseWhitespace(doc.text.slice(from, to)));
    }
    return out;
  }
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
