import type { Concept, MergeOp } from '@taxonomy/core';
import { candidatePairs, type BlockingStats } from './blocking.ts';
import { scorePair, type DedupConfig, type PairDecision } from './pair-score.ts';
import { jaroWinkler, foldLabel } from './similarity.ts';
import { OpSequence, opContentId } from './op-sequence.ts';

export interface DeduplicateOptions {
  config: DedupConfig;
  knownWords: ReadonlySet<string>;
  /** Gives every op its place in the run's op history (for replay and undo). */
  sequence: OpSequence;
  iteration: number;
}

export interface DeduplicateStats extends BlockingStats {
  groups: number;
  pairs_scored: number;
  phonetic_probe_filtered: number;
  edges: number;
  vetoed: number;
  merges: number;
  losers: number;
  reparented: number;
}

export interface DeduplicateResult {
  concepts: Concept[];
  ops: MergeOp[];
  stats: DeduplicateStats;
}

/** A label that is one short word (`ece`, `hpc`): on equal support it yields to a spelled-out label. */
function isBareAcronym(label: string): boolean {
  return /^[a-z]{2,5}$/u.test(label);
}

/** Canonical order: more institutions, then a spelled-out label over a bare acronym, then the shorter label, then lexical label, then id. */
export function compareCanonical(a: Concept, b: Concept): number {
  return (
    b.support.institutions - a.support.institutions ||
    Number(isBareAcronym(a.label)) - Number(isBareAcronym(b.label)) ||
    a.label.length - b.label.length ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Deduplicates concepts level by level (L0 first, so children re-pointed to a merged parent are already
 * grouped under it when their own level is processed). Only concepts of one level and one parent are
 * compared; a loser must itself score at least τ against its winner (no chains of weak links).
 */
export function deduplicate(input: ReadonlyArray<Concept>, options: DeduplicateOptions): DeduplicateResult {
  const byId = new Map<string, Concept>();
  for (const c of input) byId.set(c.id, c);
  const childIndex = buildChildIndex(byId.values());
  const ops: MergeOp[] = [];
  const stats: DeduplicateStats = {
    groups: 0,
    blocks: 0,
    largest_block: 0,
    windows: 0,
    candidate_pairs: 0,
    pairs_scored: 0,
    phonetic_probe_filtered: 0,
    edges: 0,
    vetoed: 0,
    merges: 0,
    losers: 0,
    reparented: 0,
  };
  for (let level = 0; level <= 3; level += 1) {
    const groups = new Map<string, Concept[]>();
    for (const c of byId.values()) {
      if (c.level !== level) continue;
      const key = options.config.parent_context_strict ? (c.parent ?? '<root>') : '<level>';
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [c]);
      else g.push(c);
    }
    for (const key of [...groups.keys()].sort()) {
      const members = groups.get(key)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (members.length < 2) continue;
      stats.groups += 1;
      for (const op of mergeGroup(members, level, byId, childIndex, options, stats)) ops.push(op);
    }
  }
  const concepts = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { concepts, ops, stats };
}

function mergeGroup(
  members: Concept[],
  level: number,
  byId: Map<string, Concept>,
  childIndex: Map<string, string[]>,
  options: DeduplicateOptions,
  stats: DeduplicateStats,
): MergeOp[] {
  const { pairs, stats: blockStats } = candidatePairs(members, options.config);
  stats.blocks += blockStats.blocks;
  stats.largest_block = Math.max(stats.largest_block, blockStats.largest_block);
  stats.windows += blockStats.windows;
  stats.candidate_pairs += blockStats.candidate_pairs;
  const edges = new Map<number, Map<number, PairDecision>>();
  const folded = members.map((m) => foldLabel(m.label));
  for (const { i, j, phoneticOnly } of pairs) {
    if (phoneticOnly && jaroWinkler(folded[i]!, folded[j]!) < options.config.phonetic_probe_threshold) {
      stats.phonetic_probe_filtered += 1;
      continue;
    }
    stats.pairs_scored += 1;
    const decision = scorePair(members[i]!, members[j]!, level, options.config, options.knownWords);
    if (decision.veto !== null) stats.vetoed += 1;
    if (!decision.merge) continue;
    stats.edges += 1;
    for (const [x, y] of [
      [i, j],
      [j, i],
    ] as const) {
      let m = edges.get(x);
      if (m === undefined) edges.set(x, (m = new Map()));
      m.set(y, decision);
    }
  }
  if (edges.size === 0) return [];
  const order = [...edges.keys()].sort((x, y) => compareCanonical(members[x]!, members[y]!));
  const assigned = new Set<number>();
  const ops: MergeOp[] = [];
  for (const w of order) {
    if (assigned.has(w)) continue;
    assigned.add(w);
    const losers = [...edges.get(w)!.keys()].filter((l) => !assigned.has(l)).sort((x, y) => compareCanonical(members[x]!, members[y]!));
    if (losers.length === 0) continue;
    for (const l of losers) assigned.add(l);
    const evidence: Record<string, unknown> = {};
    for (const l of losers) {
      const d = edges.get(w)!.get(l)!;
      evidence[members[l]!.id] = { score: d.score, threshold: d.threshold, driver: d.driver, signals: d.signals };
    }
    const op = applyMerge(
      byId,
      childIndex,
      members[w]!.id,
      losers.map((l) => members[l]!.id),
      'dedup-similarity',
      { scores: evidence },
      options,
    );
    stats.merges += 1;
    stats.losers += op.losers.length;
    stats.reparented += ((op.evidence?.['reparented'] as unknown[] | undefined) ?? []).length;
    ops.push(op);
  }
  return ops;
}

/** Parent id → ids of its children. */
export function buildChildIndex(concepts: Iterable<Concept>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const c of concepts) {
    if (c.parent === null) continue;
    const list = index.get(c.parent);
    if (list === undefined) index.set(c.parent, [c.id]);
    else list.push(c.id);
  }
  return index;
}

/**
 * Folds `loserIds` into `winnerId` inside `byId`: aliases gain the losers' labels and aliases;
 * institutions and record ids are unions (so shared support is not counted twice); counts become the
 * union sizes (never below any member's own count); children of a loser are re-pointed to the winner.
 * Returns the MergeOp, whose `before` holds every concept it changed so that undo can restore them.
 */
export function applyMerge(
  byId: Map<string, Concept>,
  childIndex: Map<string, string[]>,
  winnerId: string,
  loserIds: ReadonlyArray<string>,
  rule: string,
  evidence: Record<string, unknown>,
  options: Pick<DeduplicateOptions, 'sequence' | 'iteration'>,
): MergeOp {
  const winner = byId.get(winnerId)!;
  const losers = loserIds.map((id) => byId.get(id)!);
  const loserSet = new Set(loserIds);
  const children = loserIds
    .flatMap((id) => childIndex.get(id) ?? [])
    .map((id) => byId.get(id))
    .filter((c): c is Concept => c !== undefined && c.parent !== null && loserSet.has(c.parent))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const group = [winner, ...losers];
  const aliases = new Set<string>();
  for (const c of group) {
    aliases.add(c.label);
    for (const a of c.aliases) aliases.add(a);
  }
  aliases.delete(winner.label);
  const institutions = [...new Set(group.flatMap((c) => c.institutions))].sort();
  const recordIds = [...new Set(group.flatMap((c) => c.record_ids))].sort();
  const maxOf = (f: (c: Concept) => number) => Math.max(...group.map(f));
  const records = Math.max(recordIds.length, maxOf((c) => c.records));
  const merged: Concept = {
    ...winner,
    aliases: [...aliases].sort(),
    institutions,
    record_ids: recordIds,
    records,
    support: {
      records: Math.max(recordIds.length, maxOf((c) => c.support.records)),
      institutions: Math.max(institutions.length, maxOf((c) => c.support.institutions)),
      count: group.reduce((s, c) => s + c.support.count, 0),
    },
    weight: maxOf((c) => c.weight),
    gates: { ...winner.gates, deduplication: true },
    reasons: [...winner.reasons, `merged ${[...loserIds].sort().join(', ')} (${rule})`],
    validation: null,
  };
  const reparented = children.map((c) => ({ id: c.id, from: c.parent, to: winnerId }));
  const seq = options.sequence.next();
  const body = {
    level: winner.level,
    winner: winnerId,
    losers: [...loserIds].sort(),
    rule,
    evidence: { ...evidence, reparented, iteration: options.iteration, seq },
    before: [winner, ...losers, ...children],
  };
  byId.set(winnerId, merged);
  for (const id of loserIds) byId.delete(id);
  for (const c of children) byId.set(c.id, { ...c, parent: winnerId, validation: null, reasons: [...c.reasons, `parent ${c.parent} merged into ${winnerId}`] });
  const moved = loserIds.flatMap((id) => childIndex.get(id) ?? []);
  for (const id of loserIds) childIndex.delete(id);
  if (moved.length > 0) childIndex.set(winnerId, [...(childIndex.get(winnerId) ?? []), ...moved]);
  return { operation_id: opContentId('merge-', body), ...body };
}
