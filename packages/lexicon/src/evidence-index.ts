import { tokenize } from '@taxonomy/core';
import { loadCip, type CipIndex } from './cip.ts';
import { stemToken } from './field-lexicon.ts';
import { readEvidenceSnapshot } from './lexicon-snapshot.ts';
import { normalize } from './normalize.ts';

/**
 * The CIP word index `familyEvidence` (parents.ts) reads: which CIP series and families each stemmed word of a
 * title (strong) or a definition (weak) points to. Built from every title and definition of CIP (~1 MB of text),
 * which cost a task ≈ 0.15 s on its first department label; the evidence snapshot stores it (lexicon-snapshot.ts).
 */

/** Technician, residency and military variants folded into the family they serve. */
const FOLD: Record<string, string> = { '60': '51', '61': '51', '29': '28' };
/** Skills, trades and diploma families: their words say little about an academic department. */
export const WEAK_FAMILIES = new Set(['10', '12', '15', '28', '41', '49', '32', '33', '34', '35', '36', '37', '46', '47', '48', '49', '53']);
export const STOP = new Set(['and', 'of', 'the', 'in', 'for', 'on', 'to', 'with', 'a', 'an', 'or', 'general', 'other', 'studies', 'study', 'science', 'sciences', 'applied', 'related', 'research', 'program', 'programs', 'technology', 'institution', 'world']);
/** Teacher-education series repeat every subject's name ("Mathematics Teacher Education"): weak evidence. */
const WEAK_SERIES = new Set(['13.13']);

export function fold(code: string): string {
  return FOLD[code] ?? code;
}

export interface Posting {
  readonly family: string;
  readonly series: string;
  readonly weight: number;
}

export interface EvidenceIndex {
  /** stemmed token → CIP postings (title words weigh 1, definition words 0.3). */
  readonly postings: ReadonlyMap<string, readonly Posting[]>;
  /** Sorted stemmed title tokens, for root and clipped-form lookups. */
  readonly titleTokens: readonly string[];
  readonly seriesTitles: ReadonlyMap<string, string>;
  readonly familyTitles: ReadonlyMap<string, string>;
}

/** Builds the index from the CIP entries (what the snapshot stores; `loadEvidenceIndex` prefers the snapshot). */
export function buildEvidenceIndex(cip: CipIndex): EvidenceIndex {
  const postings = new Map<string, Posting[]>();
  const titleTokens = new Set<string>();
  const seriesTitles = new Map<string, string>();
  const familyTitles = new Map<string, string>();
  for (const entry of cip.entries) {
    if (entry.kind === 'family') {
      familyTitles.set(entry.family, entry.title);
      continue;
    }
    const series = entry.code.slice(0, 5);
    if (entry.kind === 'series') seriesTitles.set(series, entry.title);
    const family = fold(entry.family);
    if (entry.family === '21' || entry.family === '55' || WEAK_FAMILIES.has(family)) continue;
    const seen = new Map<string, number>();
    for (const tok of tokenize(entry.normalized)) seen.set(stemToken(tok), 1);
    for (const tok of tokenize(normalize(entry.definition))) {
      const s = stemToken(tok);
      if (!seen.has(s)) seen.set(s, 0.3);
    }
    for (const [tok, weight] of seen) {
      if (STOP.has(tok) || tok.length < 3) continue;
      if (weight === 1) titleTokens.add(tok);
      const list = postings.get(tok) ?? [];
      list.push({ family, series, weight: WEAK_SERIES.has(series) ? weight * 0.2 : weight });
      postings.set(tok, list);
    }
  }
  return { postings, titleTokens: [...titleTokens].sort(), seriesTitles, familyTitles };
}

let cached: EvidenceIndex | null = null;

/** The index once per process: from the lexicon snapshot when it is current, else built from the CIP entries. */
export function loadEvidenceIndex(): EvidenceIndex {
  cached ??= readEvidenceSnapshot() ?? buildEvidenceIndex(loadCip());
  return cached;
}
