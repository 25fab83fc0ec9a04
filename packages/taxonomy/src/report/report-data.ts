import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import {
  ARTIFACT_DIRS,
  MergeOpSchema,
  SourceRecordSchema,
  SplitOpSchema,
  ValidationFindingSchema,
  describeFile,
  listJsonlFiles,
  readJsonFile,
  readJsonl,
  type ArtifactRef,
} from '@taxonomy/core';
import { CurationReportSchema, type CurationReport } from '@taxonomy/curation';
import { OrphanEntrySchema } from '@taxonomy/hierarchy';
import type { FinalConcept } from '../finalize.ts';
import { readS0Index } from '../s0-index.ts';

/** The S0 index as the report reads it: which record files there are and what each source brought. */
const S0IndexSchema = z.object({
  levels: z.record(z.string(), z.object({ files: z.array(z.string()) }).loose()),
  sources: z
    .array(
      z
        .object({
          id: z.string(),
          level: z.number().int(),
          loader: z.string(),
          path: z.string().optional(),
          records_in: z.number().int().optional(),
          records_out: z.number().int().optional(),
          quarantined: z.number().int().optional(),
        })
        .loose(),
    )
    .default([]),
});

import { SourceContributionSchema, type SourceContribution } from '../sources.ts';

export { SourceContributionSchema, type SourceContribution };

export const ReportRecordSchema = z.object({
  text: z.string(),
  institution: z.string(),
  url: z.string().nullable(),
  section: z.string().nullable(),
  source: z.string().nullable(),
  level: z.number().int().nullable(),
});
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

export const ReportFindingSchema = z.object({
  mode: z.string(),
  outcome: z.string(),
  hard: z.boolean(),
  detail: z.string(),
  snippets: z.array(z.object({ text: z.string(), url: z.string().nullable(), source: z.string().nullable(), score: z.number().nullable() })),
});
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

export const ReportOpSchema = z.object({
  kind: z.enum(['merge', 'split']),
  id: z.string(),
  level: z.number().int(),
  rule: z.string(),
  /** merge: the winner; split: the concept split. */
  subject: z.string(),
  /** merge: losers (with labels); split: the senses. */
  members: z.array(z.object({ id: z.string(), label: z.string(), note: z.string() })),
  /** Concepts re-pointed by the merge. */
  reparented: z.array(z.string()),
});
export type ReportOp = z.infer<typeof ReportOpSchema>;

export const ReportOrphanSchema = z.object({
  id: z.string(),
  level: z.number().int(),
  label: z.string(),
  disposition: z.string(),
  reason: z.string(),
  detail: z.string(),
  institutions: z.number().int(),
});

/** What finalize reads beyond the concepts so the report can show records, evidence, operations and quality. */
export interface ReportSources {
  records: Record<string, ReportRecord>;
  /** Concept id → its validation findings. */
  findings: Record<string, ReportFinding[]>;
  ops: ReportOp[];
  orphans: z.infer<typeof ReportOrphanSchema>[];
  /** Record id → source id of every S0 record (finalize's per-source figures use it instead of reading S0 again). */
  recordSources: ReadonlyMap<string, string>;
  curation: CurationReport | null;
  /** Files read, with checksums (they become finalize inputs in its metrics). */
  inputs: ArtifactRef[];
}

export interface LoadReportSourcesOptions {
  root: string;
  rows: ReadonlyArray<FinalConcept>;
  maxRecordsPerConcept: number;
  maxSnippetsPerConcept: number;
}

const labelOf = (before: unknown[], id: string): string => {
  const hit = before.find((c): c is { id: string; label: string } => typeof c === 'object' && c !== null && (c as { id?: unknown }).id === id);
  return hit?.label ?? id;
};

/**
 * Reads the S0 records the concepts cite (at most `maxRecordsPerConcept` each), the validation findings,
 * the merge and split logs, the hierarchy orphans, the curation outcomes and the S0 index. Missing
 * optional files give empty sections; every file read is returned as an input.
 */
export async function loadReportSources(options: LoadReportSourcesOptions): Promise<ReportSources> {
  const { root, rows } = options;
  const inputs: ArtifactRef[] = [];
  const ignoreBad = () => undefined;
  const finalIds = new Set(rows.map((c) => c.id));

  // Records: only those a concept shows, so the report stays small on large corpora.
  const wanted = new Set<string>();
  for (const c of rows) for (const id of [...c.record_ids].sort().slice(0, options.maxRecordsPerConcept)) wanted.add(id);
  const allRecordSources = new Map<string, string>();
  const records: Record<string, ReportRecord> = {};
  const read0 = await readS0Index(root);
  const index = read0 === null ? null : S0IndexSchema.parse(read0.index);
  if (index !== null) {
    for (const file of read0!.files) inputs.push(await describeFile(file, root));
    for (const [level, entry] of Object.entries(index.levels).sort(([a], [b]) => Number(a) - Number(b))) {
      for (const rel of entry.files) {
        const file = join(root, ARTIFACT_DIRS.s0, rel);
        if (!existsSync(file)) continue;
        for await (const { value } of readJsonl(file, { schema: SourceRecordSchema, onBad: ignoreBad })) {
          if (value.id === undefined) continue;
          const source = value.meta.hints['source_id'] ?? null;
          if (source !== null) allRecordSources.set(value.id, source);
          if (!wanted.has(value.id)) continue;
          records[value.id] = {
            text: value.text,
            institution: value.provenance.institution,
            url: value.provenance.url,
            section: value.provenance.section,
            source,
            level: value.level ?? Number(level),
          };
        }
        inputs.push(await describeFile(file, root));
      }
    }
  }

  // Validation findings per final concept.
  const findings: Record<string, ReportFinding[]> = {};
  const pp = join(root, ARTIFACT_DIRS.postprocess);
  for (const file of await listJsonlFiles(pp, 'findings').catch(() => [] as string[])) {
    for await (const { value } of readJsonl(file, { schema: ValidationFindingSchema, onBad: ignoreBad })) {
      if (!finalIds.has(value.concept_id)) continue;
      const raw = (value.evidence?.['snippets'] ?? []) as unknown[];
      const snippets = (Array.isArray(raw) ? raw : [])
        .slice(0, options.maxSnippetsPerConcept)
        .map((s) => s as { text?: unknown; url?: unknown; source?: unknown; score?: unknown })
        .filter((s) => typeof s.text === 'string')
        .map((s) => ({
          text: String(s.text).slice(0, 160),
          url: typeof s.url === 'string' ? s.url : null,
          source: typeof s.source === 'string' ? s.source : null,
          score: typeof s.score === 'number' ? s.score : null,
        }));
      (findings[value.concept_id] ??= []).push({ mode: value.mode, outcome: value.outcome, hard: value.hard, detail: value.detail, snippets });
    }
    inputs.push(await describeFile(file, root));
  }

  // Merge and split logs.
  const ops: ReportOp[] = [];
  const mergeFile = join(pp, 'merge-ops.jsonl');
  if (existsSync(mergeFile)) {
    for await (const { value } of readJsonl(mergeFile, { schema: MergeOpSchema, onBad: ignoreBad })) {
      const reparented = ((value.evidence?.['reparented'] ?? []) as Array<{ id?: unknown }>).map((r) => String(r.id ?? '')).filter((id) => id !== '');
      const scores = (value.evidence?.['scores'] ?? {}) as Record<string, { score?: number; driver?: string }>;
      ops.push({
        kind: 'merge',
        id: value.operation_id,
        level: value.level,
        rule: value.rule,
        subject: value.winner,
        members: value.losers.map((id) => ({
          id,
          label: labelOf(value.before, id),
          note: scores[id]?.score === undefined ? '' : `score ${scores[id]!.score}${scores[id]!.driver === undefined ? '' : ` (${scores[id]!.driver})`}`,
        })),
        reparented,
      });
    }
    inputs.push(await describeFile(mergeFile, root));
  }
  const splitFile = join(pp, 'split-ops.jsonl');
  if (existsSync(splitFile)) {
    for await (const { value } of readJsonl(splitFile, { schema: SplitOpSchema, onBad: ignoreBad })) {
      const senses = ((value.evidence?.['senses'] ?? []) as Array<{ concept_id?: string; gloss?: string; parent_label?: string }>).filter((s) => typeof s.concept_id === 'string');
      ops.push({
        kind: 'split',
        id: value.operation_id,
        level: value.level,
        rule: value.rule,
        subject: value.source_id,
        members: value.new_ids.map((id) => {
          const sense = senses.find((s) => s.concept_id === id);
          return { id, label: labelOf(value.before, id), note: sense?.gloss ?? '' };
        }),
        reparented: [],
      });
    }
    inputs.push(await describeFile(splitFile, root));
  }

  // Orphans of the hierarchy.
  const orphans: ReportSources['orphans'] = [];
  const orphanFile = join(root, ARTIFACT_DIRS.hierarchy, 'orphans.jsonl');
  if (existsSync(orphanFile)) {
    for await (const { value } of readJsonl(orphanFile, { schema: OrphanEntrySchema, onBad: ignoreBad })) {
      orphans.push({
        id: value.concept_id,
        level: value.level,
        label: value.label,
        disposition: value.disposition,
        reason: value.reason,
        detail: value.detail,
        institutions: value.concept.support.institutions,
      });
    }
    inputs.push(await describeFile(orphanFile, root));
  }

  // Curation outcomes.
  const decisionsFile = join(root, ARTIFACT_DIRS.curation, 'decisions.json');
  let curation: CurationReport | null = null;
  if (existsSync(decisionsFile)) {
    curation = await readJsonFile(decisionsFile, CurationReportSchema);
    inputs.push(await describeFile(decisionsFile, root));
  }

  return { records, findings, ops, orphans, recordSources: allRecordSources, curation, inputs };
}

/** The build's own per-source figures when the manifest summary carries them (`summary.sources`), else null. */
export function sourcesFromSummary(summary: Readonly<Record<string, unknown>>): SourceContribution[] | null {
  const parsed = z.array(SourceContributionSchema).safeParse(summary['sources']);
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}
