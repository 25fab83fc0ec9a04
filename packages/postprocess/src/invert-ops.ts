import { ConceptSchema, TaxonomyError, formatZodIssues, type Concept, type MergeOp, type SplitOp } from '@taxonomy/core';

type AnyOp = { kind: 'merge'; op: MergeOp } | { kind: 'split'; op: SplitOp };

function seqOf(op: MergeOp | SplitOp): number {
  const seq = op.evidence?.['seq'];
  if (typeof seq !== 'number') throw new TaxonomyError('INPUT_INVALID', `op ${op.operation_id} has no evidence.seq; cannot order it for undo`);
  return seq;
}

/**
 * Undoes merge and split logs: ops are undone newest first (by `evidence.seq`, shared by both logs);
 * each undo removes what the op produced (the winner and re-pointed children of a merge, the sense
 * concepts of a split) and puts back the concepts recorded in its `before`. Returns the concept set
 * as it was before the first op, sorted by id.
 */
export function invertOps(concepts: ReadonlyArray<Concept>, mergeOps: ReadonlyArray<MergeOp>, splitOps: ReadonlyArray<SplitOp>): Concept[] {
  const byId = new Map(concepts.map((c) => [c.id, c] as const));
  const ops: AnyOp[] = [...mergeOps.map((op) => ({ kind: 'merge' as const, op })), ...splitOps.map((op) => ({ kind: 'split' as const, op }))];
  ops.sort((a, b) => seqOf(b.op) - seqOf(a.op));
  for (const entry of ops) {
    const before = entry.op.before.map((raw) => {
      const parsed = ConceptSchema.safeParse(raw);
      if (!parsed.success) throw new TaxonomyError('INPUT_INVALID', `op ${entry.op.operation_id}: before: ${formatZodIssues(parsed.error)}`);
      return parsed.data;
    });
    const produced = entry.kind === 'merge' ? [entry.op.winner] : entry.op.new_ids;
    for (const id of produced) byId.delete(id);
    for (const c of before) byId.set(c.id, c);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
