import type { Anchor, Candidate } from './entities.ts';

/**
 * The same candidate with the keys of every object in sorted order, so core's `writeJsonl` serialises it with
 * one `JSON.stringify` instead of a sorted deep copy of each line (its `canonicalJson` fast path; candidates
 * come from the schema in its field order, which is not sorted). The bytes written are the same either way:
 * `canonicalJson` checks the order and falls back to the copy, so this only has to be right to be fast.
 * S2 writes its candidates and S3 its verified ones through it.
 */
export function withSortedKeys(c: Candidate): Candidate {
  const out: Candidate = {
    aliases: c.aliases,
    anchor: sortedAnchor(c.anchor),
    gates: sortedRecord(c.gates),
    institutions: c.institutions,
    label: c.label,
    level: c.level,
    normalized: c.normalized,
    parent: c.parent,
    reasons: c.reasons,
    record_ids: c.record_ids,
    sources: c.sources.map((src) => ({ id: src.id, min_institutions: src.min_institutions, min_records: src.min_records, trust: src.trust })),
    support: { count: c.support.count, institutions: c.support.institutions, records: c.support.records },
  };
  if (c.weight !== undefined) out.weight = c.weight;
  return out;
}

/** An anchor with its keys in sorted order. */
export function sortedAnchor(a: Anchor): Anchor {
  return { anchor: a.anchor, detail: a.detail, method: a.method };
}

/** A record with its keys in sorted order. */
export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}
