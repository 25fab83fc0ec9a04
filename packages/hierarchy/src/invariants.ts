import { isUnresolvedParentId, sha256Hex } from '@taxonomy/core';
import { INVARIANT_NAMES, type InvariantCheck, type InvariantName, type InvariantViolation } from './schema.ts';

/** The fields the invariants look at; a Concept has them all. */
export interface HierarchyNode {
  id: string;
  level: number;
  label: string;
  parent: string | null;
}

export interface CheckInvariantsOptions {
  /** Also require distinct label paths (case-insensitive) from L0 to every node (default true). */
  uniqueLabelPaths?: boolean;
}

export interface InvariantCheckResult {
  passed: boolean;
  /** Every structural check, `all-concepts-accounted` excluded (it needs the assembly's counts). */
  checks: InvariantCheck[];
  /** Ids in a topological order (parents first; ties by level then id); ids on or below a cycle are missing. */
  topological_order: string[];
  topological_order_hash: string;
}

export const STRUCTURAL_INVARIANTS = INVARIANT_NAMES.filter((n) => n !== 'all-concepts-accounted');

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks a set of concepts, independently of how it was built, for the hierarchy invariants: unique ids,
 * levels 0–3, exactly one parent below L0 and none at L0, the parent exactly one level up and present,
 * no cycles (proved by a topological order) and unique L0→node label paths.
 */
export function checkInvariants(nodes: ReadonlyArray<HierarchyNode>, options: CheckInvariantsOptions = {}): InvariantCheckResult {
  const violations = new Map<InvariantName, InvariantViolation[]>(STRUCTURAL_INVARIANTS.map((n) => [n, []]));
  const add = (name: InvariantName, concept_id: string, detail: string, related: string[] = []) => {
    violations.get(name)!.push({ concept_id, detail, related });
  };

  const copies = new Map<string, HierarchyNode[]>();
  for (const node of nodes) {
    const list = copies.get(node.id);
    if (list === undefined) copies.set(node.id, [node]);
    else list.push(node);
  }
  const ids = [...copies.keys()].sort(byString);
  const firstNodes = new Map<string, HierarchyNode>();
  for (const [id, list] of copies) firstNodes.set(id, list[0]!);
  const first = (id: string): HierarchyNode => firstNodes.get(id)!;

  for (const id of ids) {
    const list = copies.get(id)!;
    if (list.length > 1) {
      add('unique-ids', id, `${list.length} concepts share this id`);
      const parents = [...new Set(list.map((n) => n.parent ?? '(none)'))].sort(byString);
      if (parents.length > 1) add('single-parent', id, `copies of this id name ${parents.length} different parents`, parents);
    }
    for (const node of [first(id)]) {
      if (!Number.isInteger(node.level) || node.level < 0 || node.level > 3) {
        add('four-levels', id, `level ${node.level} is outside 0–3`);
        continue;
      }
      if (node.level === 0) {
        if (node.parent !== null) add('single-parent', id, `a level-0 concept has no parent, found "${node.parent}"`, [node.parent]);
        continue;
      }
      if (node.parent === null || node.parent === '') {
        add('single-parent', id, `a level-${node.level} concept needs exactly one parent, found none`);
        continue;
      }
      if (isUnresolvedParentId(node.parent) || !copies.has(node.parent)) {
        add('no-dangling-parents', id, `parent "${node.parent}" is not in the hierarchy`, [node.parent]);
        continue;
      }
      const parentLevel = first(node.parent).level;
      if (parentLevel !== node.level - 1) {
        add('parent-one-level-up', id, `parent "${node.parent}" is at level ${parentLevel}, expected ${node.level - 1}`, [node.parent]);
      }
    }
  }

  // Kahn's algorithm over parent → child edges, one frontier at a time, each sorted by (level, id).
  const children = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const id of ids) indegree.set(id, 0);
  for (const id of ids) {
    const parent = first(id).parent;
    if (parent !== null && copies.has(parent)) {
      indegree.set(id, 1);
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [id]);
      else list.push(id);
    }
  }
  const order: string[] = [];
  const levelOf = new Map<string, number>();
  for (const [id, node] of firstNodes) levelOf.set(id, node.level);
  const byLevelThenId = (a: string, b: string) => levelOf.get(a)! - levelOf.get(b)! || byString(a, b);
  let frontier = ids.filter((id) => indegree.get(id) === 0).sort(byLevelThenId);
  while (frontier.length > 0) {
    for (const id of frontier) order.push(id);
    const next: string[] = [];
    for (const id of frontier) for (const child of children.get(id) ?? []) next.push(child);
    frontier = next.sort(byLevelThenId);
  }
  if (order.length < ids.length) {
    const ordered = new Set(order);
    const reported = new Set<string>();
    for (const start of ids) {
      if (ordered.has(start) || reported.has(start)) continue;
      // Every node has one parent, so walking up from a node outside the order ends in a cycle.
      const seen: string[] = [];
      let at: string | null = start;
      while (at !== null && !seen.includes(at)) {
        seen.push(at);
        at = first(at).parent;
      }
      if (at === null) continue;
      const cycle = seen.slice(seen.indexOf(at));
      if (cycle.some((id) => reported.has(id))) continue;
      for (const id of cycle) reported.add(id);
      const sorted = [...cycle].sort(byString);
      add('acyclic', sorted[0]!, `cycle: ${[...cycle, at].join(' → ')}`, sorted.slice(1));
    }
  }

  // Label paths from L0, in topological order so every parent's path exists before its children's. Each
  // distinct path gets a number, so a path is keyed by (parent path number, label) and never rebuilt whole.
  const pathNumber = new Map<string, number>();
  const pathNumbers = new Map<string, number>();
  const pathOwner = new Map<number, string>();
  for (const id of order) {
    const node = first(id);
    const parentNumber = node.parent === null ? -1 : pathNumber.get(node.parent);
    if (parentNumber === undefined) continue;
    const key = `${parentNumber}\u001f${node.label.trim().toLowerCase()}`;
    let number = pathNumbers.get(key);
    if (number === undefined) {
      number = pathNumbers.size;
      pathNumbers.set(key, number);
    }
    pathNumber.set(id, number);
    if (options.uniqueLabelPaths === false) continue;
    const owner = pathOwner.get(number);
    if (owner === undefined) pathOwner.set(number, id);
    else add('unique-paths', id, `same label path from level 0 as "${owner}"`, [owner]);
  }

  const checks: InvariantCheck[] = STRUCTURAL_INVARIANTS.map((name) => {
    const list = violations.get(name)!.sort((a, b) => byString(a.concept_id, b.concept_id) || byString(a.detail, b.detail));
    return { name, passed: list.length === 0, violations: list };
  });
  return {
    passed: checks.every((c) => c.passed),
    checks,
    topological_order: order,
    topological_order_hash: sha256Hex(order.join('\n')),
  };
}
