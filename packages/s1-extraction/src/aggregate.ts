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

/** Where an observation stands in record-id order: record id, then input order of the record, then its label's place. */
interface Order {
  id: string;
  seq: number;
  label: number;
}

function before(a: Order, b: Order): boolean {
  return a.id < b.id || (a.id === b.id && (a.seq < b.seq || (a.seq === b.seq && a.label < b.label)));
}

interface Bucket {
  c: Candidate;
  /** The observation that gave the label (the first in record-id order). */
  first: Order;
  /** The observation that gave the anchor: the first one of the strongest method. */
  anchorAt: Order;
  /** Labels as written other than the normalized form; all but the first label become aliases. */
  labels: Set<string>;
  aliases: Set<string>;
  institutions: Set<string>;
  records: Set<string>;
  /** Source policy by id, the last in record-id order kept. */
  sources: Map<string, { at: Order; source: SourcePolicy }>;
}

/**
 * Anchors and aggregates extractions one at a time, in any order, into what `aggregateCandidates` gives
 * for the same set: each bucket keeps the observation that is first in record-id order (ties: input order)
 * for its label, the first of the strongest method for its anchor and the last for each source, so the
 * extractions themselves need not be held or sorted. Memory is the candidates (with their record ids).
 */
export class CandidateAggregator {
  readonly #buckets = new Map<string, Bucket>();
  #seq = 0;
  #raw = 0;

  constructor(private readonly options: { level: number; index: ParentIndex | null }) {}

  /** Adds one record's labels; `order` (default: the order of the calls) breaks ties between equal record ids. */
  add(e: RecordExtraction, order?: number): void {
    const seq = order ?? this.#seq;
    this.#seq += 1;
    if (e.labels.length === 0) return;
    const institution = e.record.provenance.institution.trim();
    const section = usableSection(e.record.provenance.section);
    const source = sourcePolicyOf(e.record.meta.hints);
    const ownAnchor = e.record.parent_anchor === null ? [] : [e.record.parent_anchor];
    for (let li = 0; li < e.labels.length; li += 1) {
      const label = e.labels[li]!;
      this.#raw += 1;
      const at: Order = { id: e.record.id, seq, label: li };
      const declared = label.parents.length === 0 ? ownAnchor : [...new Set([...ownAnchor, ...label.parents])];
      const decision = anchorCandidate({ level: this.options.level, normalized: label.normalized, institution, declared, section }, this.options.index);
      const key = candidateSortKey({ normalized: label.normalized, parent: decision.parent });
      let bucket = this.#buckets.get(key);
      if (bucket === undefined) {
        bucket = {
          c: {
            level: this.options.level,
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
          first: at,
          anchorAt: at,
          labels: new Set(),
          aliases: new Set(),
          institutions: new Set(),
          records: new Set(),
          sources: new Map(),
        };
        this.#buckets.set(key, bucket);
      } else {
        if (before(at, bucket.first)) {
          bucket.first = at;
          bucket.c.label = label.label;
        }
        const rank = METHOD_RANK[decision.anchor.method];
        const held = METHOD_RANK[bucket.c.anchor.method];
        if (rank < held || (rank === held && before(at, bucket.anchorAt))) {
          bucket.c.anchor = decision.anchor;
          bucket.anchorAt = at;
        }
      }
      for (const a of label.aliases) bucket.aliases.add(a);
      if (label.label !== label.normalized) bucket.labels.add(label.label);
      bucket.institutions.add(institution);
      bucket.records.add(e.record.id);
      if (source !== null) {
        const held = bucket.sources.get(source.id);
        if (held === undefined || !before(at, held.at)) bucket.sources.set(source.id, { at, source });
      }
      bucket.c.support.count += 1;
    }
  }

  /** The candidates sorted by `candidateSortKey`, and the number of (record, label) observations. */
  finish(): AggregateResult {
    const candidates = [...this.#buckets.values()].map(({ c, labels, aliases, institutions, records, sources }) => {
      for (const l of labels) if (l !== c.label) aliases.add(l);
      aliases.delete(c.normalized);
      c.aliases = [...aliases].sort();
      c.institutions = [...institutions].sort();
      c.record_ids = [...records].sort();
      c.sources = [...sources.values()].map((s) => s.source).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      c.support = { records: c.record_ids.length, institutions: c.institutions.length, count: c.support.count };
      return c;
    });
    candidates.sort(byString(candidateSortKey));
    return { candidates, raw: this.#raw };
  }
}

/**
 * Anchors every label of every record and aggregates them into Candidates keyed by (normalized,
 * parent): first label in record-id order, sorted unique aliases, raw institution names and record
 * ids, support counts. No candidate is dropped for lacking a parent: it gets a scoped fallback id.
 */
export function aggregateCandidates(extractions: ReadonlyArray<RecordExtraction>, options: { level: number; index: ParentIndex | null }): AggregateResult {
  const aggregator = new CandidateAggregator(options);
  for (const e of extractions) aggregator.add(e);
  return aggregator.finish();
}

/** One record's line of the record log. */
export function recordLogEntry(e: RecordExtraction): RecordLogEntry {
  return {
    record_id: e.record.id,
    institution: e.record.provenance.institution,
    text: e.record.text,
    labels: e.labels.map((l) => l.normalized).sort(),
    outcome: e.outcome,
    ...(e.reason === null ? {} : { reason: e.reason }),
    ...(e.dropped.length === 0 ? {} : { dropped: e.dropped.map((d) => ({ ...d })) }),
  };
}

/**
 * One record-log line as core's `stableStringify` writes it (keys sorted at every depth, absent keys left out),
 * built directly: `stableStringify` copies every object to sort its keys, once per record.
 */
export function recordLogLine(l: RecordLogEntry): string {
  return JSON.stringify({
    ...(l.dropped === undefined ? {} : { dropped: l.dropped.map((d) => ({ detail: d.detail, label: d.label, reason: d.reason })) }),
    institution: l.institution,
    labels: l.labels,
    outcome: l.outcome,
    ...(l.reason === undefined ? {} : { reason: l.reason }),
    record_id: l.record_id,
    text: l.text,
  });
}

/** The per-record log, sorted by record id (ties keep input order). */
export function buildRecordLog(extractions: ReadonlyArray<RecordExtraction>): RecordLogEntry[] {
  return extractions.map(recordLogEntry).sort(byString((l) => l.record_id));
}

export interface RecordAccounting {
  records_in: number;
  records_labelled: number;
  records_empty: number;
  records_quarantined: number;
}

/** Counts outcomes and checks records_in = labelled + empty + quarantined; a mismatch is a bug, so it throws. */
export function accountRecords(recordsIn: number, log: ReadonlyArray<Pick<RecordLogEntry, 'outcome'>> | Readonly<Record<RecordOutcome, number>>): RecordAccounting {
  let counts: Readonly<Record<RecordOutcome, number>>;
  if (Array.isArray(log)) {
    const tally = { labelled: 0, empty: 0, quarantined: 0 };
    for (const l of log as ReadonlyArray<Pick<RecordLogEntry, 'outcome'>>) tally[l.outcome] += 1;
    counts = tally;
  } else counts = log as Readonly<Record<RecordOutcome, number>>;
  const accounting = { records_in: recordsIn, records_labelled: counts.labelled, records_empty: counts.empty, records_quarantined: counts.quarantined };
  if (recordsIn !== counts.labelled + counts.empty + counts.quarantined) {
    throw new TaxonomyError(
      'INVARIANT_VIOLATED',
      `S1 record accounting: records_in ${recordsIn} ≠ labelled ${counts.labelled} + empty ${counts.empty} + quarantined ${counts.quarantined}`,
    );
  }
  return accounting;
}
