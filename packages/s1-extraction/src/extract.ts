import { collapseWhitespace, memoBounded, type SourceRecord } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import type { LlmClient } from '@taxonomy/llm';
import { usableSection } from './anchor.ts';
import { normalizeCandidate, type NormalizeResult, type NormalizedCandidate, type RawCandidate } from './normalize.ts';

/** A source record with its id settled (S0 always sets one; see `recordIdOf`). */
export type IdentifiedRecord = SourceRecord & { id: string };

export const RECORD_OUTCOMES = ['labelled', 'empty', 'quarantined'] as const;
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/** What one record gave: its normalized labels, the labels dropped and why, or the reason it was quarantined. */
export interface RecordExtraction {
  record: IdentifiedRecord;
  outcome: RecordOutcome;
  /** Why the record is empty or quarantined. */
  reason: string | null;
  labels: NormalizedCandidate[];
  /** Labels the model proposed that normalization dropped (empty or out of the length bounds). */
  dropped: Array<{ label: string; reason: 'empty' | 'too_short' | 'too_long'; detail: string }>;
  /** Raw candidates the model returned for this record. */
  raw: number;
}

export interface ExtractRecordsOptions {
  level: number;
  client: LlmClient;
  config: Config['s1'];
  /** Records sent to the client at once; the client bounds real concurrency itself (default 256). */
  window?: number;
  /** Called after each window with the number of records done in it. */
  onProgress?: (done: number) => void;
}

/** Merges a record's labels that normalized to the same form (aliases and parents united, first label kept). */
function mergeByNormalized(labels: ReadonlyArray<NormalizedCandidate>): NormalizedCandidate[] {
  const byForm = new Map<string, NormalizedCandidate>();
  for (const l of labels) {
    const seen = byForm.get(l.normalized);
    if (seen === undefined) byForm.set(l.normalized, { ...l, aliases: [...l.aliases], parents: [...l.parents] });
    else {
      seen.aliases = [...new Set([...seen.aliases, ...l.aliases, ...(l.label !== seen.label ? [l.label] : [])])].sort();
      seen.parents = [...new Set([...seen.parents, ...l.parents])];
    }
  }
  return [...byForm.values()].sort((a, b) => (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0));
}

/** Normalizations a cache holds per config slice before it starts over: the answers are pure, only speed depends on it. */
const NORMALIZE_CACHE_LIMIT = 50_000;
const normalizeCaches = new WeakMap<Config['s1'], Map<string, NormalizeResult>>();

/**
 * `normalizeCandidate` without trace, memoized on everything it reads (the raw candidate, level, institution and
 * the config slice): a label recurs with its institution across records (on the 100k bench 41,915 level-3 labels are
 * 5,390 (label, institution) pairs). The result is shared: callers copy what they keep (see `mergeByNormalized`).
 */
function normalizeCached(raw: RawCandidate, level: number, institution: string, config: Config['s1']): NormalizeResult {
  let cache = normalizeCaches.get(config);
  if (cache === undefined) {
    cache = new Map();
    normalizeCaches.set(config, cache);
  }
  const key = `${level}\u0000${institution}\u0000${raw.label}\u0000${raw.normalized}\u0000${raw.aliases.join('\u0001')}\u0000${raw.parents.join('\u0001')}`;
  return memoBounded(cache, key, NORMALIZE_CACHE_LIMIT, () => normalizeCandidate(raw, { level, institution, config, trace: false }));
}

/** Extracts and normalizes one record through the client; a failed call makes the record quarantined, not the phase. */
export async function extractRecord(record: IdentifiedRecord, options: Omit<ExtractRecordsOptions, 'window' | 'onProgress'>): Promise<RecordExtraction> {
  const institution = collapseWhitespace(record.provenance.institution);
  const result = await options.client.run('taxonomy.extract', {
    institution,
    level: options.level,
    source_text: record.text,
    section: usableSection(record.provenance.section),
    parent_anchor: record.parent_anchor,
  });
  if (!result.ok) {
    return { record, outcome: 'quarantined', reason: `llm ${result.reason}: ${result.error}`, labels: [], dropped: [], raw: 0 };
  }
  const kept: NormalizedCandidate[] = [];
  const dropped: RecordExtraction['dropped'] = [];
  for (const raw of result.value.candidates) {
    // The steps are for `explain`: the task keeps only the result.
    const n = normalizeCached(raw, options.level, institution, options.config);
    if (n.ok) kept.push(n.value);
    else dropped.push({ label: raw.label, reason: n.reason, detail: n.detail });
  }
  const labels = mergeByNormalized(kept);
  const raw = result.value.candidates.length;
  if (labels.length > 0) return { record, outcome: 'labelled', reason: null, labels, dropped, raw };
  const reason = raw === 0 ? 'the model named no field' : `every label dropped: ${dropped.map((d) => `${d.reason} (${d.detail})`).join('; ')}`;
  return { record, outcome: 'empty', reason, labels, dropped, raw };
}

/**
 * Extracts every record, a window of records at a time issued concurrently (the client limits real
 * concurrency and rate); results come back in input order. A PROVIDER_UNAVAILABLE error propagates.
 */
export async function extractRecords(records: ReadonlyArray<IdentifiedRecord>, options: ExtractRecordsOptions): Promise<RecordExtraction[]> {
  const window = Math.max(1, options.window ?? 256);
  const out: RecordExtraction[] = [];
  for (let i = 0; i < records.length; i += window) {
    const batch = records.slice(i, i + window);
    out.push(...(await Promise.all(batch.map((r) => extractRecord(r, options)))));
    options.onProgress?.(batch.length);
  }
  return out;
}
