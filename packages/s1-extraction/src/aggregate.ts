import { TaxonomyError, sourcePolicyOf, type Anchor, type Candidate, type SourcePolicy } from '@taxonomy/core';
import { anchorCandidate, usableSection, type ParentIndex } from './anchor.ts';
import type { RecordExtraction, RecordOutcome } from './extract.ts';

/** One line of `record-log-*.jsonl`: what became of each input record. */
export interface RecordLogEntry {
  record_id: string;
  institution: string;
  text: string;
  labels: string[];
  outcome: RecordOutcome;
  reason?: string;
  /** Labels the model proposed that normalization dropped, with why (present only when there are some). */
  dropped?: Array<{ label: string; reason: string; detail: string }>;
}

/** Stronger reasons first: when one (label, parent) was reached several ways, the strongest is reported. */
const METHOD_RANK: Record<Anchor['method'], number> = { root: 0, declared: 1, name: 2, institution: 3, lexicon: 4, unresolved: 5 };

function byString<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** Sort key of the candidates file: normalized form, then parent. */
export function candidateSortKey(c: Pick<Candidate, 'normalized' | 'parent'>): string {
  return `${c.normalized}\u0000${c.parent ?? ''}`;
}

export interface AggregateResult {
  candidates: Candidate[];
  /** (record, label) observations before aggregation. */
  raw: number;
}

/**
 * Anchors every label of every record and aggregates them into Candidates keyed by (normalized,
 * parent): first label in record-id order, sorted unique aliases, raw institution names and record
 * ids, support counts. No candidate is dropped for lacking a parent: it gets a scoped fallback id.
 */
export function aggregateCandidates(extractions: ReadonlyArray<RecordExtraction>, options: { level: number; index: ParentIndex | null }): AggregateResult {
  const ordered = [...extractions].sort(byString((e) => e.record.id));
  const buckets = new Map<string, { c: Candidate; aliases: Set<string>; institutions: Set<string>; records: Set<string>; sources: Map<string, SourcePolicy> }>();
  let raw = 0;
  for (const e of ordered) {
    const institution = e.record.provenance.institution.trim();
    const section = usableSection(e.record.provenance.section);
    const source = sourcePolicyOf(e.record.meta.hints);
    for (const label of e.labels) {
      raw += 1;
      const declared = [...new Set([...(e.record.parent_anchor === null ? [] : [e.record.parent_anchor]), ...label.parents])];
      const decision = anchorCandidate({ level: options.level, normalized: label.normalized, institution, declared, section }, options.index);
      const key = candidateSortKey({ normalized: label.normalized, parent: decision.parent });
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = {
          c: {
            level: options.level,
            label: label.label,
            normalized: label.normalized,
            parent: decision.parent,
            anchor: decision.anchor,
            aliases: [],
            institutions: [],
            record_ids: [],
            support: { records: 0, institutions: 0, count: 0 },
            gates: {},
            reasons: [],
            sources: [],
          },
          aliases: new Set(),
          institutions: new Set(),
          records: new Set(),
          sources: new Map(),
        };
        buckets.set(key, bucket);
      } else if (METHOD_RANK[decision.anchor.method] < METHOD_RANK[bucket.c.anchor.method]) {
        bucket.c.anchor = decision.anchor;
      }
      for (const a of label.aliases) bucket.aliases.add(a);
      if (label.label !== bucket.c.label && label.label !== label.normalized) bucket.aliases.add(label.label);
      bucket.institutions.add(institution);
      bucket.records.add(e.record.id);
      if (source !== null) bucket.sources.set(source.id, source);
      bucket.c.support.count += 1;
    }
  }
  const candidates = [...buckets.values()].map(({ c, aliases, institutions, records, sources }) => {
    aliases.delete(c.normalized);
    c.aliases = [...aliases].sort();
    c.institutions = [...institutions].sort();
    c.record_ids = [...records].sort();
    c.sources = [...sources.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    c.support = { records: c.record_ids.length, institutions: c.institutions.length, count: c.support.count };
    return c;
  });
  candidates.sort(byString(candidateSortKey));
  return { candidates, raw };
}

/** The per-record log, sorted by record id (ties keep input order). */
export function buildRecordLog(extractions: ReadonlyArray<RecordExtraction>): RecordLogEntry[] {
  return extractions
    .map((e) => ({
      record_id: e.record.id,
      institution: e.record.provenance.institution,
      text: e.record.text,
      labels: e.labels.map((l) => l.normalized).sort(),
      outcome: e.outcome,
      ...(e.reason === null ? {} : { reason: e.reason }),
      ...(e.dropped.length === 0 ? {} : { dropped: e.dropped.map((d) => ({ ...d })) }),
    }))
    .sort(byString((l) => l.record_id));
}

export interface RecordAccounting {
  records_in: number;
  records_labelled: number;
  records_empty: number;
  records_quarantined: number;
}

/** Counts outcomes and checks records_in = labelled + empty + quarantined; a mismatch is a bug, so it throws. */
export function accountRecords(recordsIn: number, log: ReadonlyArray<Pick<RecordLogEntry, 'outcome'>>): RecordAccounting {
  const counts = { labelled: 0, empty: 0, quarantined: 0 };
  for (const l of log) counts[l.outcome] += 1;
  const accounting = { records_in: recordsIn, records_labelled: counts.labelled, records_empty: counts.empty, records_quarantined: counts.quarantined };
  if (recordsIn !== counts.labelled + counts.empty + counts.quarantined) {
    throw new TaxonomyError(
      'INVARIANT_VIOLATED',
      `S1 record accounting: records_in ${recordsIn} ≠ labelled ${counts.labelled} + empty ${counts.empty} + quarantined ${counts.quarantined}`,
    );
  }
  return accounting;
}
