import { sortedRecord, withSortedKeys, type Candidate, type SourcePolicy } from '@taxonomy/core';
import type { InstitutionResolver } from './institution-identity.ts';

export interface LevelThreshold {
  min_institutions: number;
  min_records: number;
}

export interface WeightPolicy {
  institution_weight: number;
  record_weight: number;
}

export interface FrequencyDecision {
  kept: Candidate[];
  dropped: Candidate[];
  counters: Record<string, number>;
}

/** Sort key of candidates in S1–S3 artifacts: normalized label, then parent id. */
export function candidateKey(c: Pick<Candidate, 'normalized' | 'parent'>): string {
  return `${c.normalized}\u0000${c.parent ?? ''}`;
}

/** weight = institution_weight·institutions + record_weight·ln(1 + records). */
export function supportWeight(institutions: number, records: number, policy: WeightPolicy): number {
  return Math.round((policy.institution_weight * institutions + policy.record_weight * Math.log1p(records)) * 1e6) / 1e6;
}

/**
 * Groups a level's candidates by (normalized, parent) — parent ids keep their case — and counts
 * support by distinct canonical institutions and distinct record ids (the same record seen twice
 * counts once), so support is never double-counted when S1 shards or repeats a record.
 */
export function aggregateSupport(candidates: ReadonlyArray<Candidate>, resolver: InstitutionResolver): Candidate[] {
  // `records` stays null while a group has one candidate: its record ids are used as they are when already
  // sorted and distinct (S1 writes them so), without a Set of every id and a sort (18,832 ids at level 0).
  const groups = new Map<string, { first: Candidate; aliases: Set<string>; institutions: Set<string>; records: Set<string> | null; sources: Map<string, SourcePolicy>; count: number }>();
  for (const c of candidates) for (const name of c.institutions) resolver.observe(name);
  // Every name is observed by now, so a name resolves the same way each time: once per distinct spelling
  // (571 spellings for 11,078 mentions at level 0 of the 100k bench).
  const resolved = new Map<string, string>();
  const resolveOnce = (name: string): string => {
    let identity = resolved.get(name);
    if (identity === undefined) resolved.set(name, (identity = resolver.resolve(name)));
    return identity;
  };
  for (const c of candidates) {
    const key = candidateKey(c);
    let g = groups.get(key);
    if (g === undefined) {
      g = { first: c, aliases: new Set(), institutions: new Set(), records: null, sources: new Map(), count: 0 };
      groups.set(key, g);
    } else {
      g.records ??= new Set(g.first.record_ids);
      for (const r of c.record_ids) g.records.add(r);
    }
    for (const a of [c.label, ...c.aliases]) if (a !== c.normalized) g.aliases.add(a);
    if (c.institutions.length === 0) g.institutions.add(resolver.resolve(null));
    else for (const name of c.institutions) g.institutions.add(resolveOnce(name));
    for (const src of c.sources) g.sources.set(src.id, src);
    g.count += Math.max(c.support.count, 0);
  }
  return [...groups.values()].map(({ first, aliases, institutions, records, sources, count }) => {
    const recordIds = records !== null ? [...records].sort() : ascendingDistinct(first.record_ids) ? [...first.record_ids] : [...new Set(first.record_ids)].sort();
    return withSortedKeys({
      ...first,
      sources: [...sources.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      aliases: [...aliases].sort(),
      institutions: [...institutions].sort(),
      record_ids: recordIds,
      support: { institutions: institutions.size, records: recordIds.length, count },
    });
  });
}

/** True when every id is greater than the one before (so `[...new Set(ids)].sort()` is `ids` itself). */
function ascendingDistinct(ids: ReadonlyArray<string>): boolean {
  for (let i = 1; i < ids.length; i += 1) if (!(ids[i - 1]! < ids[i]!)) return false;
  return true;
}

/** Applies the level's thresholds: every candidate comes back kept or dropped, with its gate and reasons. */
export function applyThresholds(groups: ReadonlyArray<Candidate>, threshold: LevelThreshold, weight: WeightPolicy): FrequencyDecision {
  const kept: Candidate[] = [];
  const dropped: Candidate[] = [];
  const counters: Record<string, number> = { kept: 0, kept_by_trust: 0, dropped: 0, dropped_insufficient_institutions: 0, dropped_insufficient_records: 0 };
  for (const g of groups) {
    const { institutions, records } = g.support;
    const w = supportWeight(institutions, records, weight);
    const enoughInstitutions = institutions >= threshold.min_institutions;
    const enoughRecords = records >= threshold.min_records;
    const reasons = [
      ...g.reasons,
      `frequency: institutions=${institutions} (min ${threshold.min_institutions}), records=${records} (min ${threshold.min_records}), weight=${w.toFixed(2)}`,
      `frequency: institutions: ${g.institutions.join('; ')}`,
    ];
    const trusted = enoughInstitutions && enoughRecords ? null : trustedBy(g.sources, institutions, records);
    const passed = (enoughInstitutions && enoughRecords) || trusted !== null;
    if (trusted !== null) {
      reasons.push(`frequency: kept by source trust: ${trusted}`);
      counters['kept_by_trust'] = (counters['kept_by_trust'] ?? 0) + 1;
    } else {
      if (!enoughInstitutions) reasons.push(`frequency: dropped, ${institutions} institution(s) < ${threshold.min_institutions}`);
      if (!enoughRecords) reasons.push(`frequency: dropped, ${records} record(s) < ${threshold.min_records}`);
    }
    // Groups from aggregateSupport have their keys sorted; overriding keeps each key's place and `weight` sorts
    // last, so the writer's JSON.stringify fast path still applies.
    const out: Candidate = { ...g, gates: sortedRecord({ ...g.gates, frequency: passed }), reasons, weight: w };
    if (passed) {
      kept.push(out);
      counters['kept']! += 1;
    } else {
      dropped.push(out);
      counters['dropped']! += 1;
      if (!enoughInstitutions) counters['dropped_insufficient_institutions']! += 1;
      if (!enoughRecords) counters['dropped_insufficient_records']! += 1;
    }
  }
  return { kept, dropped, counters };
}


/**
 * Why a candidate below the level's thresholds is kept anyway, or null: one of its sources is
 * authoritative (it skips this gate; verification still applies), or its support meets the thresholds a
 * source sets for its own items. The first such source by id decides, so the reason is stable.
 */
export function trustedBy(sources: Iterable<SourcePolicy>, institutions: number, records: number): string | null {
  for (const src of [...sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (src.trust === 'authoritative') return `source "${src.id}" is authoritative (institutions=${institutions}, records=${records})`;
    if (src.min_institutions === null && src.min_records === null) continue;
    const minI = src.min_institutions ?? 1;
    const minR = src.min_records ?? 1;
    if (institutions >= minI && records >= minR) return `source "${src.id}" sets min_institutions=${minI}, min_records=${minR} for its items (institutions=${institutions}, records=${records})`;
  }
  return null;
}
