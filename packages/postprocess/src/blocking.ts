import { doubleMetaphone } from 'double-metaphone';
import { STOP_WORDS, contentTokens, foldLabel, initials, isAcronymToken, wordTokens } from './similarity.ts';

/** What blocking needs to know about a label. */
export interface BlockItem {
  label: string;
  aliases: ReadonlyArray<string>;
}

export interface BlockingOptions {
  prefix_length: number;
  phonetic_enabled: boolean;
  acronym_blocking_enabled: boolean;
  max_block_size: number;
}

export type BlockStrategy = 'prefix' | 'acronym' | 'phonetic';

/** At most this many aliases of a concept feed acronym keys (aliases can be long raw source strings). */
const MAX_ALIASES_FOR_KEYS = 3;

/** Blocking keys of one label: `prefix:…`, `acronym:…` and `phonetic:…` (primary and secondary codes). */
export function blockingKeys(item: BlockItem, options: BlockingOptions): string[] {
  const keys = new Set<string>();
  const folded = foldLabel(item.label);
  if (folded.length > 0) keys.add(`prefix:${folded.slice(0, options.prefix_length)}`);
  if (options.acronym_blocking_enabled) {
    for (const text of [item.label, ...item.aliases.slice(0, MAX_ALIASES_FOR_KEYS)]) {
      const tokens = wordTokens(text).filter((t) => !STOP_WORDS.has(t));
      if (tokens.length === 1 && isAcronymToken(tokens[0]!)) keys.add(`acronym:${tokens[0]}`);
      else if (tokens.length >= 2) keys.add(`acronym:${initials(text)}`);
    }
  }
  if (options.phonetic_enabled) {
    const tokens = contentTokens(item.label);
    if (tokens.length > 0) {
      const codes = tokens.map((t) => doubleMetaphone(t));
      keys.add(`phonetic:${codes.map((c) => c[0]).join(' ')}`);
      keys.add(`phonetic:${codes.map((c) => c[1]).join(' ')}`);
    }
  }
  return [...keys].sort();
}

/** A candidate pair of item indexes (i < j) and whether only a phonetic block proposed it. */
export interface CandidatePair {
  i: number;
  j: number;
  phoneticOnly: boolean;
}

export interface BlockingStats {
  blocks: number;
  largest_block: number;
  windows: number;
  candidate_pairs: number;
}

/**
 * Candidate pairs among `items` (all of one level and one parent): every pair sharing a key. Members of a
 * block are ordered by folded label, and a block larger than `max_block_size` is covered by half-overlapping
 * windows of that size, so neighbours in label order are always compared and the work stays linear in the
 * number of items instead of quadratic in the block size.
 */
export function candidatePairs(items: ReadonlyArray<BlockItem>, options: BlockingOptions): { pairs: CandidatePair[]; stats: BlockingStats } {
  const blocks = new Map<string, number[]>();
  const folded = items.map((it) => foldLabel(it.label));
  for (const [index, item] of items.entries()) {
    for (const key of blockingKeys(item, options)) {
      const members = blocks.get(key);
      if (members === undefined) blocks.set(key, [index]);
      else members.push(index);
    }
  }
  const seen = new Map<number, boolean>();
  const n = items.length;
  let windows = 0;
  let largest = 0;
  let counted = 0;
  for (const key of [...blocks.keys()].sort()) {
    const members = blocks.get(key)!;
    if (members.length < 2) continue;
    counted += 1;
    largest = Math.max(largest, members.length);
    const phonetic = key.startsWith('phonetic:');
    members.sort((a, b) => (folded[a]! < folded[b]! ? -1 : folded[a]! > folded[b]! ? 1 : a - b));
    const size = Math.max(2, options.max_block_size);
    const step = Math.max(1, Math.floor(size / 2));
    for (let start = 0; start < members.length; start += step) {
      const window = members.slice(start, start + size);
      windows += 1;
      for (let x = 0; x < window.length; x += 1) {
        for (let y = x + 1; y < window.length; y += 1) {
          const i = Math.min(window[x]!, window[y]!);
          const j = Math.max(window[x]!, window[y]!);
          const code = i * n + j;
          const prior = seen.get(code);
          if (prior === undefined) seen.set(code, phonetic);
          else if (prior && !phonetic) seen.set(code, false);
        }
      }
      if (start + size >= members.length) break;
    }
  }
  const pairs: CandidatePair[] = [];
  for (const [code, phoneticOnly] of seen) pairs.push({ i: Math.floor(code / n), j: code % n, phoneticOnly });
  pairs.sort((a, b) => a.i - b.i || a.j - b.j);
  return { pairs, stats: { blocks: counted, largest_block: largest, windows, candidate_pairs: pairs.length } };
}
