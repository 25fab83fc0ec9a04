import type { HierarchyNode } from './invariants.ts';
import type { HierarchyTree, TreeNode } from './schema.ts';

const compareNodes = (a: TreeNode, b: TreeNode): number =>
  a.label < b.label ? -1 : a.label > b.label ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Nests placed concepts under their parents, siblings sorted by label then id. Expects a forest that
 * passed the invariants: a node whose parent is absent becomes a root.
 */
export function buildTree(nodes: ReadonlyArray<HierarchyNode>): HierarchyTree {
  const byId = new Map<string, TreeNode>();
  for (const n of nodes) byId.set(n.id, { id: n.id, label: n.label, level: n.level, children: [] });
  const roots: TreeNode[] = [];
  for (const n of nodes) {
    const node = byId.get(n.id)!;
    const parent = n.parent === null ? undefined : byId.get(n.parent);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  for (const node of byId.values()) node.children.sort(compareNodes);
  return { roots: roots.sort(compareNodes) };
}

/** Label path from level 0 to every node of the tree, by id. */
export function labelPathsOf(tree: HierarchyTree): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const stack: Array<{ node: TreeNode; path: string[] }> = tree.roots.map((node) => ({ node, path: [] }));
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    const own = [...path, node.label];
    out.set(node.id, own);
    for (const child of node.children) stack.push({ node: child, path: own });
  }
  return out;
}
