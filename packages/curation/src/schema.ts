import * as z from 'zod';
import { normalizeLabel } from '@taxonomy/core';

/** Where the human decisions live, relative to the workspace root: what `curation:apply` hashes. */
export const CURATION_FILE = 'config/curation.json';

export const CURATION_OPS = ['pin', 'rename', 'merge', 'drop', 'alias'] as const;
export type CurationOp = (typeof CURATION_OPS)[number];

const ID_PATTERN = /^L([0-3]):\S+$/u;

/** The level a concept id names (`L2:machine-learning~3fa2c1` → 2), or null for anything else. */
export function levelOfId(id: string): number | null {
  const m = ID_PATTERN.exec(id);
  return m === null ? null : Number(m[1]);
}

const ConceptRef = z
  .string()
  .trim()
  .regex(ID_PATTERN, 'must be a concept id such as "L2:machine-learning~3fa2c1" (see artifacts/taxonomy/concepts.jsonl or the report)');
const Note = z.string().trim().min(1).optional().describe('Why the decision was taken (shown in the manifest and the report)');
const LabelText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine((v) => normalizeLabel(v).length > 0, 'must contain a letter or digit');

export const PinDecisionSchema = z
  .object({
    op: z.literal('pin').describe("Fix a concept's parent"),
    concept: ConceptRef,
    parent: ConceptRef.describe('The parent, one level up'),
    note: Note,
  })
  .strict()
  .superRefine((d, ctx) => {
    const level = levelOfId(d.concept);
    if (level === 0) ctx.addIssue({ code: 'custom', path: ['concept'], message: 'a level-0 concept has no parent to pin' });
    else if (level !== null && levelOfId(d.parent) !== level - 1) {
      ctx.addIssue({ code: 'custom', path: ['parent'], message: `must be a level-${level - 1} concept id (L${level - 1}:…), one level above ${d.concept}` });
    }
  });

export const RenameDecisionSchema = z
  .object({
    op: z.literal('rename').describe('Give a concept a new label; the old one becomes an alias'),
    concept: ConceptRef,
    label: LabelText.describe('The new label'),
    note: Note,
  })
  .strict();

export const MergeDecisionSchema = z
  .object({
    op: z.literal('merge').describe('Fold `concept` into `into`: support, aliases and children move over'),
    concept: ConceptRef.describe('The concept that disappears'),
    into: ConceptRef.describe('The concept that stays'),
    note: Note,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.concept === d.into) ctx.addIssue({ code: 'custom', path: ['into'], message: 'must differ from concept' });
    else if (levelOfId(d.concept) !== levelOfId(d.into)) {
      ctx.addIssue({ code: 'custom', path: ['into'], message: `must be a concept of the same level as ${d.concept}` });
    }
  });

export const DropDecisionSchema = z
  .object({
    op: z.literal('drop').describe('Remove a concept and everything below it'),
    concept: ConceptRef,
    note: Note,
  })
  .strict();

export const AliasDecisionSchema = z
  .object({
    op: z.literal('alias').describe('Add an alternative label'),
    concept: ConceptRef,
    alias: LabelText.describe('The alternative label'),
    note: Note,
  })
  .strict();

/** One human decision of `config/curation.json`. */
export const CurationDecisionSchema = z.discriminatedUnion('op', [
  PinDecisionSchema,
  RenameDecisionSchema,
  MergeDecisionSchema,
  DropDecisionSchema,
  AliasDecisionSchema,
]);
export type CurationDecision = z.infer<typeof CurationDecisionSchema>;

/** `config/curation.json`: decisions applied in file order by `curation:apply`, before hierarchy assembly. */
export const CurationFileSchema = z
  .object({
    $comment: z.string().optional(),
    decisions: z.array(CurationDecisionSchema).default([]),
  })
  .strict();
export type CurationFile = z.infer<typeof CurationFileSchema>;

export const OUTCOME_STATUSES = ['applied', 'unchanged', 'unmatched', 'conflict'] as const;

/** What became of one decision: applied (changed something), unchanged (already so), unmatched (a target is gone), conflict (would break the tree). */
export const CurationOutcomeSchema = z.object({
  index: z.number().int().min(0).describe('Position in the decisions array (0-based)'),
  decision: CurationDecisionSchema,
  status: z.enum(OUTCOME_STATUSES),
  detail: z.string().min(1).describe('One line: what changed, or why nothing did'),
  affected: z.array(z.string()).default([]).describe('Concept ids the decision changed or removed'),
});
export type CurationOutcome = z.infer<typeof CurationOutcomeSchema>;

/** `artifacts/curation/decisions.json`. */
export const CurationReportSchema = z.object({
  file: z.string(),
  present: z.boolean().describe('Whether the decisions file exists'),
  counts: z.object({
    decisions: z.number().int().min(0),
    applied: z.number().int().min(0),
    unchanged: z.number().int().min(0),
    unmatched: z.number().int().min(0),
    conflict: z.number().int().min(0),
  }),
  outcomes: z.array(CurationOutcomeSchema),
});
export type CurationReport = z.infer<typeof CurationReportSchema>;

/** One line naming a decision for messages: `#3 pin L2:machine-learning~3fa2c1`. */
export function describeDecision(index: number, decision: Pick<CurationDecision, 'op' | 'concept'>): string {
  return `#${index + 1} ${decision.op} ${decision.concept}`;
}
