import { editDistance, normalizeLabel, type Concept, type Placement, type PlacementAlternative } from '@taxonomy/core';
import { describeDecision, type CurationDecision, type CurationOutcome } from './schema.ts';

export interface ApplyCurationResult {
  /** The concepts after every decision, sorted by id. */
  concepts: Concept[];
  /** One outcome per decision, in file order. */
  outcomes: CurationOutcome[];
}

const byIdOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Mutable view of the concepts while decisions apply: ids, children per parent, and why an id left. */
class ConceptState {
  readonly byId = new Map<string, Concept>();
  readonly children = new Map<string, Set<string>>();
  /** Id → which decision removed it (for decisions that name it later). */
  readonly removedBy = new Map<string, string>();

  constructor(concepts: ReadonlyArray<Concept>) {
    for (const c of concepts) this.byId.set(c.id, c);
    for (const c of concepts) if (c.parent !== null) this.link(c.parent, c.id);
  }

  link(parent: string, child: string): void {
    const set = this.children.get(parent) ?? new Set<string>();
    set.add(child);
    this.children.set(parent, set);
  }

  unlink(parent: string | null, child: string): void {
    if (parent !== null) this.children.get(parent)?.delete(child);
  }

  childrenOf(id: string): Concept[] {
    return [...(this.children.get(id) ?? [])].sort(byIdOrder).map((c) => this.byId.get(c)!);
  }

  /** Siblings a concept would have under `parent` (every L0 concept when `parent` is null). */
  siblingsUnder(parent: string | null, level: number): Concept[] {
    if (parent === null) return [...this.byId.values()].filter((c) => c.level === level && c.parent === null);
    return this.childrenOf(parent);
  }

  remove(id: string, why: string): void {
    const c = this.byId.get(id);
    if (c === undefined) return;
    this.unlink(c.parent, id);
    this.byId.delete(id);
    this.removedBy.set(id, why);
  }

  /** Why an id is not among the concepts: removed by an earlier decision, or a near id that is. */
  whyMissing(id: string): string {
    const removed = this.removedBy.get(id);
    if (removed !== undefined) return `${id} was ${removed}`;
    const base = id.split('~')[0]!;
    const sameLabel = [...this.byId.keys()].filter((k) => k.split('~')[0] === base).sort(byIdOrder);
    if (sameLabel.length > 0) {
      const where = sameLabel.slice(0, 3).map((k) => `${k} (under ${this.byId.get(k)!.parent ?? 'the root'})`).join(', ');
      return `${id} is not in this build; the same label is ${where}`;
    }
    const level = id.slice(0, 3);
    let best: string | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    const candidates = [...this.byId.keys()].filter((k) => k.startsWith(level));
    if (candidates.length <= 50_000) {
      for (const k of candidates) {
        const d = editDistance(base, k.split('~')[0]!);
        if (d < bestDistance || (d === bestDistance && best !== null && k < best)) {
          best = k;
          bestDistance = d;
        }
      }
    }
    return best !== null && bestDistance <= Math.max(2, Math.floor(base.length / 4)) ? `${id} is not in this build (nearest: ${best})` : `${id} is not in this build`;
  }
}

const withNote = (text: string, note: string | undefined) => (note === undefined ? text : `${text} — note: ${note}`);

function addReason(c: Concept, reason: string): Concept {
  return { ...c, reasons: [...c.reasons, reason] };
}

function addPlacementReason(c: Concept, reason: string): Concept {
  return c.placement === undefined ? c : { ...c, placement: { ...c.placement, reasons: [...c.placement.reasons, reason] } };
}

/** The placement of a pinned concept: method curated, full confidence, the former parent kept as the first alternative. */
function curatedPlacement(c: Concept, parent: Concept, previousParent: Concept | undefined, reason: string): Placement {
  const prior = c.placement;
  const alternatives: PlacementAlternative[] = [];
  if (c.parent !== null && c.parent !== parent.id) {
    alternatives.push({
      parent: c.parent,
      label: previousParent?.label ?? c.parent,
      votes: prior?.votes ?? 0,
      institutions: prior?.institutions ?? [],
      methods: prior === undefined ? [] : [prior.method],
    });
  }
  for (const alt of prior?.alternatives ?? []) if (alt.parent !== parent.id && alt.parent !== c.parent) alternatives.push(alt);
  const won = prior?.alternatives.find((a) => a.parent === parent.id);
  return {
    method: 'curated',
    confidence: 1,
    votes: won?.votes ?? (c.parent === parent.id ? (prior?.votes ?? 0) : 0),
    institutions: won?.institutions ?? (c.parent === parent.id ? (prior?.institutions ?? []) : []),
    alternatives,
    reasons: [...(prior?.reasons ?? []), reason],
  };
}

/** Folds `loser` into `winner` (unions of support, aliases; children re-pointed, same-label children merged too). Returns the ids changed or removed. */
function mergeConcepts(state: ConceptState, loserId: string, winnerId: string, why: string): string[] {
  const winner = state.byId.get(winnerId)!;
  const loser = state.byId.get(loserId)!;
  const aliases = new Set([...winner.aliases, loser.label, ...loser.aliases]);
  aliases.delete(winner.label);
  const institutions = [...new Set([...winner.institutions, ...loser.institutions])].sort();
  const recordIds = [...new Set([...winner.record_ids, ...loser.record_ids])].sort();
  state.byId.set(winnerId, {
    ...winner,
    aliases: [...aliases].sort(),
    institutions,
    record_ids: recordIds,
    records: Math.max(recordIds.length, winner.records, loser.records),
    support: {
      records: Math.max(recordIds.length, winner.support.records, loser.support.records),
      institutions: Math.max(institutions.length, winner.support.institutions, loser.support.institutions),
      count: winner.support.count + loser.support.count,
    },
    weight: Math.max(winner.weight, loser.weight),
    reasons: [...winner.reasons, `curation: merged ${loserId} ("${loser.label}") into this concept (${why})`],
  });
  const affected = [winnerId, loserId];
  const children = state.childrenOf(loserId);
  state.remove(loserId, `merged into ${winnerId} by ${why}`);
  for (const child of children) {
    const twin = state.childrenOf(winnerId).find((s) => s.label === child.label && s.id !== child.id);
    if (twin !== undefined) {
      affected.push(...mergeConcepts(state, child.id, twin.id, why));
      continue;
    }
    const reason = `curation: parent ${loserId} merged into ${winnerId} (${why})`;
    state.byId.set(child.id, addPlacementReason(addReason({ ...child, parent: winnerId }, reason), reason));
    state.children.get(loserId)?.delete(child.id);
    state.link(winnerId, child.id);
    affected.push(child.id);
  }
  return affected;
}

function descendantsOf(state: ConceptState, id: string): string[] {
  const out: string[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    for (const child of state.childrenOf(next)) stack.push(child.id);
  }
  return out;
}

/**
 * Applies human decisions to the concepts, in file order. A decision whose concept (or parent, or
 * merge target) is not among the concepts is `unmatched` with the reason, one that would give two
 * siblings the same label is a `conflict`; neither changes anything. Pure: the input is not modified.
 */
export function applyCuration(concepts: ReadonlyArray<Concept>, decisions: ReadonlyArray<CurationDecision>): ApplyCurationResult {
  const state = new ConceptState(concepts);
  const outcomes: CurationOutcome[] = decisions.map((decision, index) => {
    const name = describeDecision(index, decision);
    const tag = `decision ${name.split(' ')[0]}`;
    const outcome = (status: CurationOutcome['status'], detail: string, affected: string[] = []): CurationOutcome => ({
      index,
      decision,
      status,
      detail,
      affected: [...new Set(affected)].sort(byIdOrder),
    });
    const concept = state.byId.get(decision.concept);
    if (concept === undefined) return outcome('unmatched', state.whyMissing(decision.concept));
    switch (decision.op) {
      case 'pin': {
        const parent = state.byId.get(decision.parent);
        if (parent === undefined) return outcome('unmatched', `parent ${state.whyMissing(decision.parent)}`);
        const twin = state.childrenOf(parent.id).find((s) => s.label === concept.label && s.id !== concept.id);
        if (twin !== undefined) return outcome('conflict', `${parent.id} already has a child labelled "${concept.label}" (${twin.id}): merge the two instead`);
        const previous = concept.parent === null ? undefined : state.byId.get(concept.parent);
        const changed = concept.parent !== parent.id;
        const text = changed
          ? `parent pinned to ${parent.id} ("${parent.label}"), was ${concept.parent ?? 'none'}${previous === undefined ? '' : ` ("${previous.label}")`}`
          : `parent ${parent.id} ("${parent.label}") confirmed`;
        const reason = withNote(`curation: ${text} (${tag})`, decision.note);
        state.unlink(concept.parent, concept.id);
        state.link(parent.id, concept.id);
        state.byId.set(concept.id, addReason({ ...concept, parent: parent.id, placement: curatedPlacement(concept, parent, previous, reason) }, reason));
        return outcome(changed ? 'applied' : 'unchanged', text, [concept.id]);
      }
      case 'rename': {
        const label = normalizeLabel(decision.label);
        if (label === concept.label) return outcome('unchanged', `already labelled "${label}"`, [concept.id]);
        const twin = state.siblingsUnder(concept.parent, concept.level).find((s) => s.label === label && s.id !== concept.id);
        if (twin !== undefined) return outcome('conflict', `sibling ${twin.id} is already labelled "${label}": merge the two instead`);
        const aliases = new Set([...concept.aliases, concept.label]);
        aliases.delete(label);
        const text = `renamed "${concept.label}" → "${label}" (the old label is kept as an alias)`;
        state.byId.set(concept.id, addReason({ ...concept, label, aliases: [...aliases].sort() }, withNote(`curation: ${text} (${tag})`, decision.note)));
        return outcome('applied', text, [concept.id]);
      }
      case 'merge': {
        const into = state.byId.get(decision.into);
        if (into === undefined) return outcome('unmatched', `merge target ${state.whyMissing(decision.into)}`);
        const affected = mergeConcepts(state, concept.id, into.id, withNote(tag, decision.note));
        return outcome('applied', `merged "${concept.label}" (${concept.id}) into "${into.label}" (${into.id}); ${affected.length - 2} other concept(s) moved or merged with it`, affected);
      }
      case 'drop': {
        const removed = descendantsOf(state, concept.id);
        for (const id of removed) state.remove(id, id === concept.id ? `dropped by ${tag}` : `dropped with ${concept.id} by ${tag}`);
        return outcome('applied', `dropped "${concept.label}" and ${removed.length - 1} concept(s) below it`, removed);
      }
      case 'alias': {
        const alias = decision.alias.trim();
        if (normalizeLabel(alias) === concept.label || concept.aliases.includes(alias)) return outcome('unchanged', `"${alias}" is already a label or alias`, [concept.id]);
        const text = `alias "${alias}" added`;
        state.byId.set(concept.id, addReason({ ...concept, aliases: [...concept.aliases, alias].sort() }, withNote(`curation: ${text} (${tag})`, decision.note)));
        return outcome('applied', text, [concept.id]);
      }
    }
  });
  const out = [...state.byId.values()].sort((a, b) => byIdOrder(a.id, b.id));
  return { concepts: out, outcomes };
}
