import * as z from 'zod';
import { ConceptSchema } from '@taxonomy/core';

/** Every invariant the assembled hierarchy must hold, in the order the report lists them. */
export const INVARIANT_NAMES = [
  'unique-ids',
  'four-levels',
  'single-parent',
  'parent-one-level-up',
  'no-dangling-parents',
  'acyclic',
  'unique-paths',
  'all-concepts-accounted',
] as const;
export type InvariantName = (typeof INVARIANT_NAMES)[number];

export const ORPHAN_STRATEGIES = ['quarantine', 'attach_placeholder', 'drop'] as const;
export type OrphanStrategy = (typeof ORPHAN_STRATEGIES)[number];

export const InvariantViolationSchema = z.object({
  concept_id: z.string().describe('The concept that breaks the invariant (the smallest id of a cycle)'),
  detail: z.string().min(1),
  related: z.array(z.string()).default([]).describe('Other ids involved: the parent, the other copies, the cycle members'),
});
export type InvariantViolation = z.infer<typeof InvariantViolationSchema>;

export const InvariantCheckSchema = z.object({
  name: z.enum(INVARIANT_NAMES),
  passed: z.boolean(),
  violations: z.array(InvariantViolationSchema),
});
export type InvariantCheck = z.infer<typeof InvariantCheckSchema>;

const LevelCounts = z.object({ '0': z.number().int(), '1': z.number().int(), '2': z.number().int(), '3': z.number().int() });

/** `invariants.json`: machine-checkable proof that the placed hierarchy is a four-level forest. */
export const InvariantReportSchema = z.object({
  passed: z.boolean().describe('False when any concept was rejected for a reason other than the declared orphan policy'),
  policy: z.object({ orphan_strategy: z.enum(ORPHAN_STRATEGIES), enforce_unique_paths: z.boolean() }),
  checks: z.array(InvariantCheckSchema),
  counts: z.object({
    in: z.number().int().describe('Concepts read'),
    placed: z.number().int().describe('Input concepts placed in the hierarchy (placeholders not included)'),
    orphaned: z.number().int().describe('Quarantined by the orphan policy (in orphans.jsonl)'),
    dropped: z.number().int().describe('Dropped by the orphan policy (counted only)'),
    rejected: z.number().int().describe('Rejected for breaking an invariant (in orphans.jsonl)'),
    attached_to_placeholder: z.number().int().describe('Placed under a placeholder parent (part of placed)'),
    placeholders: z.number().int(),
    edges: z.number().int(),
    by_level: LevelCounts.describe('Placed nodes per level, placeholders included'),
  }),
  topological_order_hash: z.string().describe('SHA-256 of the placed ids in topological order, one per line'),
});
export type InvariantReport = z.infer<typeof InvariantReportSchema>;

export const ORPHAN_DISPOSITIONS = ['quarantined', 'rejected', 'attached_placeholder', 'dropped'] as const;

/** One line of `orphans.jsonl`: a concept the hierarchy could not place as given, and why. */
export const OrphanEntrySchema = z.object({
  concept_id: z.string(),
  level: z.number().int(),
  label: z.string(),
  disposition: z.enum(ORPHAN_DISPOSITIONS),
  reason: z
    .enum(['no-parent', 'unresolved-parent', 'missing-parent', 'parent-not-placed', 'invariant'])
    .describe('Orphan reasons follow the orphan policy; "invariant" is a rejection'),
  check: z.enum(INVARIANT_NAMES).nullable().describe('The invariant broken, for rejections'),
  detail: z.string(),
  missing_parent: z.string().nullable().describe('The parent id that could not be used'),
  placeholder_parent: z.string().nullable().default(null),
  concept: ConceptSchema.describe('The concept as read, so it can be restored'),
});
export type OrphanEntry = z.infer<typeof OrphanEntrySchema>;

export interface TreeNode {
  id: string;
  label: string;
  level: number;
  children: TreeNode[];
}

/** One node of `tree.json`, children sorted by label then id. */
export const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({ id: z.string(), label: z.string(), level: z.number().int(), children: z.array(TreeNodeSchema) }),
);

/** `tree.json`: the placed forest, one root per level-0 concept. */
export const HierarchyTreeSchema = z.object({ roots: z.array(TreeNodeSchema) });
export type HierarchyTree = z.infer<typeof HierarchyTreeSchema>;
