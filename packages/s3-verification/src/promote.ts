import { conceptId, sortedAnchor, sortedRecord, type Candidate, type Concept } from '@taxonomy/core';

/**
 * Promotes verified candidates of one level to Concepts with stable ids (`conceptId(level, label,
 * parent)`). Candidates that land on the same id are merged: support is the union of institutions and
 * record ids (never summed), aliases united, the first candidate's anchor kept; a concept made of one
 * candidate keeps the weight S2 gave it, a merged one is re-weighted with `weightOf`.
 */
export function promoteToConcepts(candidates: ReadonlyArray<Candidate>, weightOf: (institutions: number, records: number) => number): Concept[] {
  const byId = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const id = conceptId(c.level, c.normalized, c.parent);
    const list = byId.get(id);
    if (list === undefined) byId.set(id, [c]);
    else list.push(c);
  }
  const concepts: Concept[] = [];
  for (const [id, group] of byId) {
    const first = group[0]!;
    const institutions = sortedUnion(group, (c) => c.institutions);
    const recordIds = sortedUnion(group, (c) => c.record_ids);
    const aliases = [...new Set(group.flatMap((c) => [c.label, ...c.aliases]))].filter((a) => a !== first.normalized).sort();
    const count = group.reduce((n, c) => n + c.support.count, 0);
    const records = recordIds.length > 0 ? recordIds.length : Math.max(...group.map((c) => c.support.records));
    const gates: Record<string, boolean> = {};
    for (const c of group) for (const [gate, ok] of Object.entries(c.gates)) gates[gate] = (gates[gate] ?? true) && ok;
    const reasons = [...new Set(group.flatMap((c) => c.reasons))];
    // Keys in sorted order, nested ones too: writeJsonl then writes the line with one JSON.stringify (same bytes).
    concepts.push({
      aliases,
      anchor: sortedAnchor(first.anchor),
      gates: sortedRecord(gates),
      gloss: null,
      id,
      institutions,
      label: first.normalized,
      level: first.level,
      parent: first.parent,
      reasons,
      record_ids: recordIds,
      records,
      support: { count, institutions: institutions.length, records },
      validation: null,
      weight: group.length === 1 && first.weight !== undefined ? first.weight : weightOf(institutions.length, records),
    });
  }
  return concepts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The distinct values of `pick` over the group, sorted. Nearly every concept is one S2 candidate whose
 * institutions and record ids S2 wrote sorted and distinct: those are copied as they are, without a Set and
 * a sort per concept.
 */
function sortedUnion(group: ReadonlyArray<Candidate>, pick: (c: Candidate) => ReadonlyArray<string>): string[] {
  if (group.length === 1) {
    const values = pick(group[0]!);
    let ascending = true;
    for (let i = 1; i < values.length && ascending; i += 1) ascending = values[i - 1]! < values[i]!;
    if (ascending) return [...values];
  }
  return [...new Set(group.flatMap(pick))].sort();
}
