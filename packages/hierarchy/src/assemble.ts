import { TaxonomyError, isUnresolvedParentId, stableStringify, type Concept } from '@taxonomy/core';
import { checkInvariants } from './invariants.ts';
import {
  INVARIANT_NAMES,
  type InvariantCheck,
  type InvariantName,
  type InvariantReport,
  type InvariantViolation,
  type OrphanEntry,
  type OrphanStrategy,
} from './schema.ts';

export interface AssembleOptions {
  orphanStrategy: OrphanStrategy;
  /** Placeholder ids are `<prefix>level<N>`. */
  placeholderPrefix: string;
  /** Reject a node whose L0→node label path (case-insensitive) is already taken. */
  enforceUniquePaths: boolean;
  /** More input concepts than this is an input error. */
  maxGraphSize: number;
}

export interface AssembleResult {
  /** Placed concepts (placeholders included), sorted by id. */
  placed: Concept[];
  /** Orphans quarantined or attached to a placeholder, and rejected concepts, sorted by id. */
  orphans: OrphanEntry[];
  /** Concepts dropped by the `drop` policy (counted, not written). */
  dropped: OrphanEntry[];
  placeholders: string[];
  report: InvariantReport;
  /** Placed concepts whose validation failed (post-processing kept them flagged). */
  validationFailedPlaced: number;
}

type Status = 'placed' | 'orphaned' | 'dropped' | 'rejected';
type OrphanReason = Exclude<OrphanEntry['reason'], 'invariant'>;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The label of the placeholder parent that collects orphans of the level below. */
export function placeholderLabel(level: number): string {
  return `unplaced (level ${level})`;
}

/**
 * Assembles concepts into a four-level forest. Concepts are decided level by level, so a parent is
 * settled before its children: a child of a rejected, quarantined or dropped parent is itself an orphan.
 * Orphans (no parent, an `unresolved:` parent, a parent not in the input, a parent not placed) follow the
 * orphan strategy; concepts that break an invariant (duplicate id, two parents, a parent not exactly one
 * level up, a parent at level 0 for a root, a repeated label path) are rejected and fail the report.
 */
export function assembleHierarchy(concepts: ReadonlyArray<Concept>, options: AssembleOptions): AssembleResult {
  if (concepts.length > options.maxGraphSize) {
    throw new TaxonomyError('INPUT_INVALID', `${concepts.length} concepts exceed hierarchy.max_graph_size ${options.maxGraphSize}`);
  }
  const sorted = [...concepts].sort((a, b) => a.level - b.level || byString(a.id, b.id));

  const rejections = new Map<InvariantName, InvariantViolation[]>(INVARIANT_NAMES.map((n) => [n, []]));
  const orphans: OrphanEntry[] = [];
  const dropped: OrphanEntry[] = [];
  const status = new Map<string, Status>();
  const levelOf = new Map<string, number>();
  const placedById = new Map<string, Concept>();
  // A label path is numbered once and keyed by (parent path number, folded label), as in checkInvariants.
  const pathNumber = new Map<string, number>();
  const pathNumbers = new Map<string, number>();
  const pathOwner = new Map<number, string>();
  const numberPath = (parent: string | null, label: string): number => {
    const key = `${parent === null ? -1 : pathNumber.get(parent)!}\u001f${label.trim().toLowerCase()}`;
    let number = pathNumbers.get(key);
    if (number === undefined) {
      number = pathNumbers.size;
      pathNumbers.set(key, number);
    }
    return number;
  };
  const placeholders: string[] = [];
  let attached = 0;
  let rejected = 0;

  const reject = (concept: Concept, check: InvariantName, detail: string, related: string[] = [], missing: string | null = null) => {
    rejections.get(check)!.push({ concept_id: concept.id, detail, related });
    orphans.push({
      concept_id: concept.id,
      level: concept.level,
      label: concept.label,
      disposition: 'rejected',
      reason: 'invariant',
      check,
      detail,
      missing_parent: missing,
      placeholder_parent: null,
      concept,
    });
    rejected += 1;
  };

  // Duplicate ids: identical placement keeps one copy; copies naming different parents keep none.
  const copies = new Map<string, Concept[]>();
  for (const c of sorted) {
    if (!levelOf.has(c.id)) levelOf.set(c.id, c.level);
    const list = copies.get(c.id);
    if (list === undefined) copies.set(c.id, [c]);
    else list.push(c);
  }
  const candidates: Concept[] = [];
  for (const [id, list] of copies) {
    if (list.length === 1) {
      candidates.push(list[0]!);
      continue;
    }
    // Copies of one id are ordered by content, so which copy is kept never depends on input order.
    const keys = new Map(list.map((c) => [c, stableStringify(c)]));
    list.sort((a, b) => a.level - b.level || byString(keys.get(a)!, keys.get(b)!));
    const placements = [...new Set(list.map((c) => `L${c.level} ${c.parent ?? '(none)'}`))].sort(byString);
    if (placements.length === 1) {
      candidates.push(list[0]!);
      for (const extra of list.slice(1)) reject(extra, 'unique-ids', `${list.length} concepts share id "${id}"; the first is kept`);
    } else {
      status.set(id, 'rejected');
      for (const copy of list) {
        reject(copy, 'single-parent', `${list.length} concepts share id "${id}" with different placements: ${placements.join(', ')}`, placements);
      }
    }
  }

  const ensurePlaceholder = (level: number): string => {
    const id = `${options.placeholderPrefix}level${level}`;
    if (placedById.has(id)) return id;
    if (levelOf.has(id)) throw new TaxonomyError('INPUT_INVALID', `a concept uses the placeholder id "${id}"`);
    const parent = level === 0 ? null : ensurePlaceholder(level - 1);
    const placeholder: Concept = {
      id,
      level,
      label: placeholderLabel(level),
      parent,
      aliases: [],
      institutions: [],
      record_ids: [],
      records: 0,
      support: { records: 0, institutions: 0, count: 0 },
      weight: 0,
      gates: {},
      reasons: [`hierarchy: placeholder parent for level-${level + 1} concepts whose parent could not be placed`],
      gloss: null,
      validation: null,
    };
    placedById.set(id, placeholder);
    pathNumber.set(id, numberPath(parent, placeholder.label));
    placeholders.push(id);
    return id;
  };

  const place = (concept: Concept): void => {
    const path = numberPath(concept.parent, concept.label);
    const owner = pathOwner.get(path);
    if (options.enforceUniquePaths && owner !== undefined) {
      status.set(concept.id, 'rejected');
      reject(concept, 'unique-paths', `same label path from level 0 as "${owner}"`, [owner]);
      return;
    }
    if (owner === undefined) pathOwner.set(path, concept.id);
    pathNumber.set(concept.id, path);
    placedById.set(concept.id, concept);
    status.set(concept.id, 'placed');
  };

  const handleOrphan = (concept: Concept, reason: OrphanReason, detail: string): void => {
    const base = {
      concept_id: concept.id,
      level: concept.level,
      label: concept.label,
      reason,
      check: null,
      detail,
      missing_parent: concept.parent,
      concept,
    };
    if (options.orphanStrategy === 'drop') {
      status.set(concept.id, 'dropped');
      dropped.push({ ...base, disposition: 'dropped', placeholder_parent: null });
      return;
    }
    if (options.orphanStrategy === 'quarantine') {
      status.set(concept.id, 'orphaned');
      orphans.push({ ...base, disposition: 'quarantined', placeholder_parent: null });
      return;
    }
    const parent = ensurePlaceholder(concept.level - 1);
    const moved: Concept = { ...concept, parent, reasons: [...concept.reasons, `hierarchy: ${detail}; attached to ${parent}`] };
    place(moved);
    if (status.get(concept.id) === 'placed') {
      attached += 1;
      orphans.push({ ...base, disposition: 'attached_placeholder', placeholder_parent: parent });
    }
  };

  candidates.sort((a, b) => a.level - b.level || byString(a.id, b.id));
  for (const concept of candidates) {
    if (status.get(concept.id) === 'rejected') continue;
    if (concept.level === 0) {
      if (concept.parent !== null) {
        status.set(concept.id, 'rejected');
        reject(concept, 'single-parent', `a level-0 concept has no parent, found "${concept.parent}"`, [concept.parent], concept.parent);
      } else place(concept);
      continue;
    }
    const parent = concept.parent;
    if (parent === null || parent === '') {
      handleOrphan(concept, 'no-parent', `a level-${concept.level} concept without a parent`);
      continue;
    }
    if (isUnresolvedParentId(parent)) {
      handleOrphan(concept, 'unresolved-parent', `parent anchor "${parent}" resolved to no concept`);
      continue;
    }
    const parentLevel = levelOf.get(parent);
    if (parentLevel === undefined) {
      handleOrphan(concept, 'missing-parent', `parent "${parent}" is not among the concepts`);
      continue;
    }
    if (parentLevel !== concept.level - 1) {
      status.set(concept.id, 'rejected');
      reject(concept, 'parent-one-level-up', `parent "${parent}" is at level ${parentLevel}, expected ${concept.level - 1}`, [parent], parent);
      continue;
    }
    const parentStatus = status.get(parent);
    if (parentStatus !== 'placed') {
      handleOrphan(concept, 'parent-not-placed', `parent "${parent}" was ${parentStatus ?? 'not placed'}`);
      continue;
    }
    place(concept);
  }

  const placed = [...placedById.values()].sort((a, b) => byString(a.id, b.id));
  orphans.sort((a, b) => byString(a.concept_id, b.concept_id) || byString(a.disposition, b.disposition) || byString(a.detail, b.detail));
  dropped.sort((a, b) => byString(a.concept_id, b.concept_id));

  // Re-check the placed forest independently of the decisions above; both feed the report.
  const proof = checkInvariants(placed, { uniqueLabelPaths: options.enforceUniquePaths });
  const placedFromInput = placed.length - placeholders.length;
  const counts = {
    in: concepts.length,
    placed: placedFromInput,
    orphaned: orphans.filter((o) => o.disposition === 'quarantined').length,
    dropped: dropped.length,
    rejected,
    attached_to_placeholder: attached,
    placeholders: placeholders.length,
    edges: placed.filter((c) => c.parent !== null).length,
    by_level: { '0': 0, '1': 0, '2': 0, '3': 0 },
  };
  for (const c of placed) counts.by_level[String(c.level) as '0' | '1' | '2' | '3'] += 1;
  const accounted = counts.placed + counts.orphaned + counts.dropped + counts.rejected;
  const checks: InvariantCheck[] = INVARIANT_NAMES.map((name) => {
    if (name === 'all-concepts-accounted') {
      const violations =
        accounted === counts.in
          ? []
          : [{ concept_id: '', detail: `in ${counts.in} ≠ placed ${counts.placed} + orphaned ${counts.orphaned} + dropped ${counts.dropped} + rejected ${counts.rejected}`, related: [] }];
      return { name, passed: violations.length === 0, violations };
    }
    const found = proof.checks.find((c) => c.name === name)?.violations ?? [];
    const violations = [...rejections.get(name)!, ...found].sort(
      (a, b) => byString(a.concept_id, b.concept_id) || byString(a.detail, b.detail),
    );
    return { name, passed: violations.length === 0, violations };
  });
  const report: InvariantReport = {
    passed: checks.every((c) => c.passed),
    policy: { orphan_strategy: options.orphanStrategy, enforce_unique_paths: options.enforceUniquePaths },
    checks,
    counts,
    topological_order_hash: proof.topological_order_hash,
  };
  const validationFailedPlaced = placed.filter((c) => c.validation?.passed === false).length;
  return { placed, orphans, dropped, placeholders: [...placeholders].sort(byString), report, validationFailedPlaced };
}
