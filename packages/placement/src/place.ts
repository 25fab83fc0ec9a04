import { conceptId, unresolvedParentId, type Concept, type Placement, type PlacementAlternative, type PlacementMethod, type SplitOp } from '@taxonomy/core';
import { fieldKey, schoolField } from '@taxonomy/lexicon';
import { assignLevels, type DerivedSchool, type LevelDecision } from './levels.ts';
import { ParentLookup } from './resolve.ts';
import type { RecordTable } from './records.ts';
import type { LevelCounters, Override, PlaceResult, PlacementSettings, Vote } from './types.ts';

export interface PlaceInput {
  /** Post-processed concepts of all four levels. */
  concepts: ReadonlyArray<Concept>;
  /** Disambiguation splits: their senses are placed one by one and stay apart only under different parents. */
  splitOps: ReadonlyArray<SplitOp>;
  /** Every S0 record the concepts cite, by id, with its canonical institution. */
  records: RecordTable;
  settings: PlacementSettings;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The reasons a concept collects here all start with this, so `explain place` and the report can pick them out. */
const TAG = 'placement:';

function emptyCounters(): LevelCounters {
  return {
    concepts: 0,
    placed_declared: 0,
    placed_institution: 0,
    placed_backbone: 0,
    unplaced: 0,
    declared_votes: 0,
    declared_kept: 0,
    declared_overridden: 0,
    declared_unresolved: 0,
  };
}

/** The decision for a school type given at L0 under several names: the name more institutions give leads. */
function typeDecision(a: LevelDecision, b: LevelDecision): LevelDecision {
  const size = (d: LevelDecision) => d.counts['L0'] ?? 0;
  const [lead, other] = size(b) > size(a) || (size(b) === size(a) && (b.label.length < a.label.length || (b.label.length === a.label.length && b.label < a.label))) ? [b, a] : [a, b];
  const type = schoolField(lead.label)!;
  return { ...lead, reason: `${lead.reason}; one school type (${type}) with ${other.label}${other.reason.includes('; one school type') ? '' : ''}` };
}

/** The sorted distinct strings of some lists; one list already sorted and distinct is returned as it is (never changed afterwards). */
function sortedUnion(lists: ReadonlyArray<ReadonlyArray<string>>, extra: ReadonlyArray<string>): string[] {
  if (lists.length === 1 && extra.length === 0) {
    const only = lists[0]!;
    let sorted = true;
    for (let i = 1; i < only.length && sorted; i += 1) sorted = only[i - 1]! < only[i]!;
    if (sorted) return only as string[];
  }
  const all = new Set<string>();
  for (const list of lists) for (const v of list) all.add(v);
  for (const v of extra) all.add(v);
  return [...all].sort(byString);
}

/** Folds several concepts of one label into one: union of support, the widest member's gates and validation. */
function mergeMembers(id: string, level: number, label: string, members: ReadonlyArray<Concept>, extraRecords: ReadonlyArray<{ id: string; institution: string }> = []): Concept {
  const widest = [...members].sort((a, b) => b.institutions.length - a.institutions.length || b.records - a.records || byString(a.id, b.id))[0]!;
  const aliases = new Set<string>();
  for (const m of members) {
    aliases.add(m.label);
    for (const a of m.aliases) aliases.add(a);
  }
  aliases.delete(label);
  const institutions = sortedUnion(members.map((m) => m.institutions), extraRecords.map((r) => r.institution));
  const recordIds = sortedUnion(members.map((m) => m.record_ids), extraRecords.map((r) => r.id));
  const gates: Record<string, boolean> = {};
  for (const m of members) for (const [gate, passed] of Object.entries(m.gates)) gates[gate] = (gates[gate] ?? false) || passed;
  const reasons: string[] = [];
  for (const m of members) for (const r of m.reasons) if (!reasons.includes(r)) reasons.push(r);
  const { anchor: _anchor, placement: _placement, ...rest } = widest;
  return {
    ...rest,
    id,
    level,
    label,
    parent: null,
    aliases: [...aliases].sort(byString),
    institutions,
    record_ids: recordIds,
    records: recordIds.length,
    support: {
      records: recordIds.length,
      institutions: institutions.length,
      count: members.reduce((n, m) => n + m.support.count, 0) + extraRecords.length,
    },
    weight: Math.max(...members.map((m) => m.weight)),
    gates,
    reasons,
  };
}

interface Tally {
  parent: string;
  votes: number;
  institutions: Set<string>;
  methods: Set<PlacementMethod>;
  declared: number;
}

interface Decision {
  parent: string | null;
  placement: Placement;
  reasons: string[];
  overrides: Override[];
  counters: Partial<LevelCounters>;
}

/**
 * Places every concept of the taxonomy: one level per label (see `assignLevels`), one concept per label
 * and level, then, level by level, a parent chosen from votes — each institution's declared parent
 * first, else the one of its own schools (or departments, or areas) the backbone says houses the field —
 * weighted by institutions, ties broken by declared votes, backbone fit, the parent's support and its id.
 * With no votes the CIP backbone alone decides, with a confidence; below `min_confidence` the concept
 * is left unplaced for review. Runners-up are kept as `alternatives`; every overridden declared parent
 * is named with why.
 */
export function placeConcepts(input: PlaceInput): PlaceResult {
  const { settings, records } = input;
  const assignment = assignLevels(input.concepts, records);
  const senseIds = new Set(input.splitOps.flatMap((op) => op.new_ids));

  // --- one concept per (label, level); senses of a split stay apart for now -----------------------
  // Labels of one school type that live at L0 ("dentistry", "dental medicine") are one school-level concept.
  const groups = new Map<string, { decision: LevelDecision; members: Concept[] }>();
  for (const c of input.concepts) {
    const labelKey = fieldKey(c.label);
    const own = assignment.decisions.get(labelKey)!;
    const type = own.level === 0 ? schoolField(c.label) : null;
    const key = type === null ? labelKey : fieldKey(type);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { decision: own, members: [] }));
    else if (type !== null && g.decision.key !== own.key) g.decision = typeDecision(g.decision, own);
    g.members.push(c);
  }
  const derivedByField = new Map<string, DerivedSchool[]>();
  for (const d of assignment.derivedSchools) {
    const list = derivedByField.get(fieldKey(d.field)) ?? [];
    list.push(d);
    derivedByField.set(fieldKey(d.field), list);
  }
  const placed: Concept[] = [];
  /** Concept id of each input concept after the merge, so a child's old parent id can be followed. */
  const mergedInto = new Map<string, string>();
  /** Senses kept apart: merged again after placement when they land under one parent. */
  const senseGroups: string[][] = [];
  for (const key of [...groups.keys()].sort(byString)) {
    const { decision, members } = groups.get(key)!;
    const level = decision.level;
    const derived = derivedByField.get(key) ?? [];
    derivedByField.delete(key);
    const moveNote = (m: Concept): string[] => (m.level === level ? [] : [`${TAG} moved from L${m.level} to L${level}: ${decision.reason}`]);
    const senses = members.filter((m) => m.level === level && senseIds.has(m.id));
    if (senses.length >= 2 && derived.length === 0) {
      // Each sense keeps its own id and support; the other members join the widest sense.
      const sorted = [...senses].sort((a, b) => b.institutions.length - a.institutions.length || byString(a.id, b.id));
      const rest = members.filter((m) => !sorted.includes(m));
      const ids: string[] = [];
      sorted.forEach((sense, i) => {
        const parts = i === 0 ? [sense, ...rest] : [sense];
        const merged = mergeMembers(sense.id, level, decision.label, parts);
        merged.gloss = sense.gloss;
        merged.reasons = [...merged.reasons, ...parts.flatMap(moveNote)];
        for (const p of parts) mergedInto.set(p.id, merged.id);
        placed.push(merged);
        ids.push(merged.id);
      });
      senseGroups.push(ids);
      continue;
    }
    const id = conceptId(level, decision.label, null);
    const merged = mergeMembers(id, level, decision.label, members, derived.map((d) => ({ id: d.record_id, institution: d.institution })));
    merged.gloss = members.length === 1 ? members[0]!.gloss : null;
    merged.reasons = [...merged.reasons, ...members.flatMap(moveNote)];
    if (members.length > 1) merged.reasons.push(`${TAG} one concept for "${decision.label}" at L${level} from ${members.map((m) => m.id).sort(byString).join(', ')}`);
    for (const d of derived) merged.reasons.push(`${TAG} "${textOf(records, d.record_id)}" (${d.institution}) is a school; ${d.from} is department-sized, so the school-level field ${d.field} stands for it at L0 (${d.via})`);
    for (const m of members) mergedInto.set(m.id, id);
    placed.push(merged);
  }
  // School-level fields that no source named at L0 but a school unit stands for ("physical sciences"); each
  // takes its gates and validation from the first input concept citing one of its units.
  const firstCiting = new Map<string, number>();
  if (derivedByField.size > 0) {
    for (const list of derivedByField.values()) for (const d of list) firstCiting.set(d.record_id, -1);
    input.concepts.forEach((c, i) => {
      for (const id of c.record_ids) if (firstCiting.get(id) === -1) firstCiting.set(id, i);
    });
  }
  for (const [, derived] of [...derivedByField].sort((a, b) => byString(a[0], b[0]))) {
    const field = derived[0]!.field;
    const first = derived.reduce((n, d) => { const i = firstCiting.get(d.record_id)!; return i !== -1 && (n === -1 || i < n) ? i : n; }, -1);
    const template = input.concepts[first]!;
    const base = mergeMembers(conceptId(0, field, null), 0, field, [template], []);
    const institutions = [...new Set(derived.map((d) => d.institution))].sort(byString);
    const recordIds = [...new Set(derived.map((d) => d.record_id))].sort(byString);
    placed.push({
      ...base,
      aliases: [],
      institutions,
      record_ids: recordIds,
      records: recordIds.length,
      support: { records: recordIds.length, institutions: institutions.length, count: derived.length },
      gloss: null,
      validation: null,
      reasons: derived.map((d) => `${TAG} "${textOf(records, d.record_id)}" (${d.institution}) is a school; ${d.from} is department-sized, so the school-level field ${field} stands for it at L0 (${d.via})`),
    });
  }

  // --- parents, level by level ---------------------------------------------------------------------
  const byLevel = new Map<number, Concept[]>([0, 1, 2, 3].map((l) => [l, []]));
  for (const c of placed) byLevel.get(c.level)!.push(c);
  for (const list of byLevel.values()) list.sort((a, b) => byString(a.id, b.id));
  const overrides: Override[] = [];
  const levels: Record<string, LevelCounters> = {};
  for (const c of byLevel.get(0)!) {
    c.parent = null;
    c.placement = { method: 'root', confidence: 1, votes: 0, institutions: [], alternatives: [], reasons: c.reasons.filter((r) => r.startsWith(TAG)) };
  }
  levels['level_0'] = { ...emptyCounters(), concepts: byLevel.get(0)!.length };
  for (const level of [1, 2, 3]) {
    const counters = emptyCounters();
    const parents = byLevel.get(level - 1)!;
    const lookup = new ParentLookup(parents, level - 1, records);
    const evidence = byLevel.get(level)!.map((concept) => gatherEvidence(concept, level, lookup, records));
    askOwnUnits(evidence, level, lookup);
    for (const e of evidence) {
      const concept = e.concept;
      counters.concepts += 1;
      const decision = decideParent(e, level, lookup, settings);
      concept.parent = decision.parent;
      concept.placement = decision.placement;
      concept.reasons = [...concept.reasons, ...decision.reasons];
      overrides.push(...decision.overrides);
      for (const [k, v] of Object.entries(decision.counters)) counters[k as keyof LevelCounters] += v;
    }
    levels[`level_${level}`] = counters;
  }

  // --- senses that landed under one parent are one concept after all ------------------------------
  const byId = new Map(placed.map((c) => [c.id, c]));
  let sensesMerged = 0;
  for (const ids of senseGroups) {
    const members = ids.map((id) => byId.get(id)!);
    const byParent = new Map<string, Concept[]>();
    for (const m of members) {
      const list = byParent.get(m.parent ?? '') ?? [];
      list.push(m);
      byParent.set(m.parent ?? '', list);
    }
    for (const [, same] of byParent) {
      if (same.length < 2) continue;
      const [keep, ...others] = same;
      const merged = mergeMembers(keep!.id, keep!.level, keep!.label, same);
      const note = `${TAG} senses ${same.map((s) => s.id).join(', ')} of "${keep!.label}" were placed under one parent, so they are one concept`;
      merged.parent = keep!.parent;
      merged.gloss = null;
      merged.reasons.push(note);
      merged.placement = { ...keep!.placement!, reasons: [...keep!.placement!.reasons, note] };
      byId.set(keep!.id, merged);
      for (const o of others) {
        byId.delete(o.id);
        mergedInto.set(o.id, keep!.id);
        for (const [from, to] of mergedInto) if (to === o.id) mergedInto.set(from, keep!.id);
        sensesMerged += 1;
      }
      // Children placed under a sense that merged away follow it.
      for (const c of byId.values()) if (c.parent !== null && others.some((o) => o.id === c.parent)) c.parent = keep!.id;
    }
  }
  const concepts = [...byId.values()].sort((a, b) => a.level - b.level || byString(a.id, b.id));
  const counters: Record<string, number> = {
    concepts_in: input.concepts.length,
    concepts_out: concepts.length,
    labels_moved: [...assignment.decisions.values()].filter((d) => Object.keys(d.counts).some((l) => l !== `L${d.level}`)).length,
    derived_schools: assignment.derivedSchools.length,
    senses_merged: sensesMerged,
    overrides: overrides.length,
  };
  for (const [name, c] of Object.entries(levels)) for (const [k, v] of Object.entries(c)) counters[`${name}_${k}`] = v;
  return { concepts, overrides: overrides.sort((a, b) => byString(a.concept_id, b.concept_id) || byString(a.institution, b.institution) || byString(a.declared, b.declared)), counters, levels };
}

/** A (level-0) unit's text for a reason, else its record id. */
function textOf(records: RecordTable, id: string): string {
  const at = records.find(id);
  return (at === -1 ? null : records.text(at)) ?? id;
}

/** The records (table slots) of a concept from one institution that were read for this level (a moved record's declared parent was meant for another level). */
function recordsByInstitution(concept: Concept, level: number, records: RecordTable): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const id of concept.record_ids) {
    const at = records.find(id);
    if (at === -1 || records.level(at) !== level) continue;
    const institution = records.institution(at);
    const list = out.get(institution);
    if (list === undefined) out.set(institution, [at]);
    else list.push(at);
  }
  return out;
}

/** An institution's vote through its own units, filled in by `askOwnUnits` (null: its units give no parent). */
interface OwnSlot {
  institution: string;
  own: { concept: Concept; detail: string } | null | undefined;
}

/** What a concept's records declare, in vote order, before the institutions' own units are asked. */
interface Evidence {
  concept: Concept;
  slots: Array<Vote | OwnSlot>;
  unresolved: Array<{ institution: string; declared: string; reason: string }>;
  declaredBy: Map<string, Array<{ declared: string; parent: string }>>;
}

const isOwnSlot = (slot: Vote | OwnSlot): slot is OwnSlot => !('parent' in slot);

function gatherEvidence(concept: Concept, level: number, lookup: ParentLookup, records: RecordTable): Evidence {
  const byInstitution = recordsByInstitution(concept, level, records);
  const slots: Array<Vote | OwnSlot> = [];
  const unresolved: Array<{ institution: string; declared: string; reason: string }> = [];
  const declaredBy = new Map<string, Array<{ declared: string; parent: string }>>();
  // Each distinct anchor of an institution is resolved once (a heading repeats on every record of its page).
  const seenDeclared = new Set<string>();
  const seenHeadings = new Set<string>();
  for (const institution of [...byInstitution.keys()].sort(byString)) {
    const list = byInstitution.get(institution)!;
    // Declared parents: the source's own, else a page heading that names a concept of the level above.
    const declared = new Map<string, { parent: string; detail: string; text: string }>();
    seenDeclared.clear();
    seenHeadings.clear();
    for (const at of list) {
      let text = records.declared(at);
      let kind: 'declared' | 'heading' = 'declared';
      if (text !== null) {
        if (seenDeclared.has(text)) continue;
        seenDeclared.add(text);
      } else {
        text = records.section(at);
        if (text === null || seenHeadings.has(text)) continue;
        seenHeadings.add(text);
        kind = 'heading';
      }
      const hit = lookup.resolve(text, institution, concept.label, kind === 'heading');
      if (hit.concept !== null) {
        if (!declared.has(hit.concept.id)) declared.set(hit.concept.id, { parent: hit.concept.id, detail: `${kind} "${text}" → ${hit.concept.label} (${hit.how})`, text });
      } else if (kind === 'declared') {
        unresolved.push({ institution, declared: text, reason: hit.reason });
      }
    }
    if (declared.size > 0) {
      const share = 1 / declared.size;
      for (const d of declared.values()) slots.push({ parent: d.parent, institution, method: 'declared', weight: share, detail: d.detail });
      declaredBy.set(institution, [...declared.values()].map((d) => ({ declared: d.text, parent: d.parent })));
      continue;
    }
    slots.push({ institution, own: undefined });
  }
  // Institutions whose records were read at another level vote through their own schools too (a department listed at L0).
  for (const institution of concept.institutions) {
    if (!byInstitution.has(institution)) slots.push({ institution, own: undefined });
  }
  return { concept, slots, unresolved, declaredBy };
}

/** Fills every own-unit slot of a level, one institution at a time (see `ParentLookup.ownParents`). */
function askOwnUnits(evidence: ReadonlyArray<Evidence>, level: number, lookup: ParentLookup): void {
  const asks = new Map<string, Array<{ label: string; slot: OwnSlot }>>();
  for (const e of evidence) {
    for (const slot of e.slots) {
      if (!isOwnSlot(slot)) continue;
      const list = asks.get(slot.institution);
      if (list === undefined) asks.set(slot.institution, [{ label: e.concept.label, slot }]);
      else list.push({ label: e.concept.label, slot });
    }
  }
  for (const institution of [...asks.keys()].sort(byString)) {
    const list = asks.get(institution)!;
    asks.delete(institution);
    const answers = lookup.ownParents(list.map((a) => a.label), level, institution);
    list.forEach((a, i) => (a.slot.own = answers[i]!));
  }
}

function decideParent(evidence: Evidence, level: number, lookup: ParentLookup, settings: PlacementSettings): Decision {
  const { concept, unresolved, declaredBy } = evidence;
  const votes: Vote[] = [];
  for (const slot of evidence.slots) {
    if (!isOwnSlot(slot)) votes.push(slot);
    else if (slot.own) votes.push({ parent: slot.own.concept.id, institution: slot.institution, method: 'institution', weight: 1, detail: slot.own.detail });
  }

  const tallies = new Map<string, Tally>();
  for (const v of votes) {
    let t = tallies.get(v.parent);
    if (t === undefined) tallies.set(v.parent, (t = { parent: v.parent, votes: 0, institutions: new Set(), methods: new Set(), declared: 0 }));
    t.votes += v.weight;
    t.institutions.add(v.institution);
    t.methods.add(v.method);
    if (v.method === 'declared') t.declared += v.weight;
  }
  const fits = new Map<string, number>();
  const fit = (parent: string): number => {
    let f = fits.get(parent);
    if (f === undefined) fits.set(parent, (f = lookup.fit(concept.label, parent)));
    return f;
  };
  const ranked = [...tallies.values()].sort(
    (a, b) =>
      b.votes - a.votes ||
      b.declared - a.declared ||
      fit(b.parent) - fit(a.parent) ||
      lookup.support(b.parent) - lookup.support(a.parent) ||
      byString(a.parent, b.parent),
  );
  const total = ranked.reduce((n, t) => n + t.votes, 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const alternativesOf = (list: Tally[]): PlacementAlternative[] =>
    list.slice(0, settings.max_alternatives).map((t) => ({
      parent: t.parent,
      label: lookup.label(t.parent),
      votes: round(t.votes),
      institutions: [...t.institutions].sort(byString),
      methods: [...t.methods].sort(byString) as PlacementMethod[],
    }));
  const reasons: string[] = [];
  const counters: Partial<LevelCounters> = { declared_votes: [...declaredBy.values()].reduce((n, l) => n + l.length, 0) + unresolved.length };
  const overrides: Override[] = [];

  let parent: string | null;
  let placement: Placement;
  const winner = ranked[0];
  if (winner !== undefined) {
    parent = winner.parent;
    const method: PlacementMethod = winner.declared > 0 ? 'declared' : 'institution';
    const confidence = round(winner.votes / total);
    const voters = new Set(votes.map((v) => v.institution)).size;
    const why = votes.filter((v) => v.parent === winner.parent).slice(0, 3).map((v) => `${v.institution}: ${v.detail}`);
    reasons.push(
      `${TAG} ${method} → ${lookup.label(winner.parent)} (${round(winner.votes)} of ${round(total)} vote(s) from ${voters} of ${concept.institutions.length} institution(s); ${why.join('; ')}${votes.filter((v) => v.parent === winner.parent).length > 3 ? '; …' : ''})`,
    );
    placement = { method, confidence, votes: round(winner.votes), institutions: [...winner.institutions].sort(byString), alternatives: alternativesOf(ranked.slice(1)), reasons: [] };
    counters[method === 'declared' ? 'placed_declared' : 'placed_institution'] = 1;
  } else {
    const guess = lookup.backboneParent(concept.label, level, settings);
    if (guess !== null && guess.confidence >= settings.min_confidence) {
      parent = guess.concept.id;
      reasons.push(`${TAG} backbone → ${guess.concept.label} (confidence ${guess.confidence}; no declared or institution evidence; ${guess.detail})`);
      placement = {
        method: 'backbone',
        confidence: guess.confidence,
        votes: 0,
        institutions: [],
        alternatives: guess.alternatives.slice(0, settings.max_alternatives).map((a) => ({ parent: a.id, label: a.label, votes: 0, institutions: [], methods: ['backbone'] })),
        reasons: [],
      };
      counters.placed_backbone = 1;
    } else {
      parent = unresolvedParentId(level - 1, 'unplaced');
      const why =
        guess === null
          ? `no declared or institution evidence and the backbone names no L${level - 1} parent`
          : `no declared or institution evidence; the backbone's best parent ${guess.concept.label} has confidence ${guess.confidence} < ${settings.min_confidence} (${guess.detail})`;
      reasons.push(`${TAG} unplaced: ${why}; left for review`);
      placement = { method: 'unplaced', confidence: guess?.confidence ?? 0, votes: 0, institutions: [], alternatives: [], reasons: [] };
      counters.unplaced = 1;
    }
  }
  // Declared parents that were not kept, and why.
  for (const [institution, list] of declaredBy) {
    for (const d of list) {
      if (d.parent === parent) {
        counters.declared_kept = (counters.declared_kept ?? 0) + 1;
        continue;
      }
      const mine = tallies.get(d.parent)!;
      const reason = `declared parent "${d.declared}" → ${lookup.label(d.parent)} (${institution}) outvoted by ${round(winner!.votes)} vote(s) of ${winner!.institutions.size} institution(s) for ${lookup.label(parent!)} against ${round(mine.votes)}`;
      reasons.push(`${TAG} ${reason}`);
      overrides.push({ concept_id: concept.id, label: concept.label, level, institution, declared: d.declared, declared_parent: d.parent, chosen_parent: parent, reason });
      counters.declared_overridden = (counters.declared_overridden ?? 0) + 1;
    }
  }
  for (const u of unresolved) {
    const reason = `declared parent "${u.declared}" (${u.institution}) not kept: ${u.reason}`;
    reasons.push(`${TAG} ${reason}`);
    overrides.push({ concept_id: concept.id, label: concept.label, level, institution: u.institution, declared: u.declared, declared_parent: null, chosen_parent: parent, reason });
    counters.declared_unresolved = (counters.declared_unresolved ?? 0) + 1;
  }
  placement.reasons = [...concept.reasons.filter((r) => r.startsWith(TAG)), ...reasons];
  return { parent, placement, reasons, overrides, counters };
}
