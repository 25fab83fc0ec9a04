import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { ARTIFACT_DIRS, listJsonlFiles, readJsonl, sourcePolicyOf } from '@taxonomy/core';
import { readS0Index } from './s0-index.ts';

/** What one source of the sources manifest brought to the build, and where its items were lost. */
export const SourceContributionSchema = z.object({
  id: z.string(),
  level: z.number().int(),
  loader: z.string(),
  trust: z.string(),
  records_in: z.number().int().describe('Items the loader read (rows, lines, pages)'),
  records_out: z.number().int().describe('Records S0 wrote'),
  labels: z.number().int().describe('Distinct labels S1 extracted from its records'),
  concepts_kept: z.number().int().describe('Final concepts citing at least one of its records'),
  records_used: z.number().int().describe('Its records that a final concept cites'),
  dropped: z.record(z.string(), z.number().int()).describe('Labels of its records each gate removed: frequency (S2), token_verification (S3), unplaced (hierarchy orphans)'),
  dropped_example: z.string().nullable().describe("One reason the commonest gate gave, with its figures"),
});
export type SourceContribution = z.infer<typeof SourceContributionSchema>;

const IndexSchema = z.object({
  sources: z.array(
    z.object({ id: z.string(), level: z.number().int(), loader: z.string(), trust: z.string().default('default'), records_in: z.number().int(), records_out: z.number().int() }),
  ),
});
const LooseRecord = z.object({ id: z.string().optional(), meta: z.object({ hints: z.record(z.string(), z.string()).default({}) }).optional() });
const LooseCandidate = z.object({
  normalized: z.string(),
  record_ids: z.array(z.string()).default([]),
  gates: z.record(z.string(), z.boolean()).default({}),
  reasons: z.array(z.string()).default([]),
});
const LooseConcept = z.object({ record_ids: z.array(z.string()).default([]) });
const LooseOrphan = z.object({ concept: LooseConcept });

async function visit<T>(dir: string, prefix: string, schema: z.ZodType<T>, each: (value: T) => void): Promise<void> {
  if (!existsSync(dir)) return;
  for (const file of await listJsonlFiles(dir, prefix)) for await (const { value } of readJsonl(file, { schema, onBad: () => undefined })) each(value);
}

/**
 * Per-source contribution, from the artifacts: records in and out (S0's index), distinct labels S1 drew
 * from the source's records, final concepts citing them, and the labels each gate removed (a label counts
 * once per gate, under every source among its records). Null when S0's index is missing.
 */
export async function summarizeSources(
  root: string,
  finalConcepts: ReadonlyArray<{ record_ids: ReadonlyArray<string> }>,
  recordSources?: ReadonlyMap<string, string>,
): Promise<SourceContribution[] | null> {
  const read0 = await readS0Index(root);
  if (read0 === null) return null;
  const index = IndexSchema.parse(read0.index);
  let sourceOf = recordSources;
  if (sourceOf === undefined) {
    const read = new Map<string, string>();
    for (let level = 0; level <= 3; level += 1) {
      await visit(join(root, ARTIFACT_DIRS.s0, `level-${level}`), 'records', LooseRecord, (r) => {
        const policy = sourcePolicyOf(r.meta?.hints ?? {});
        if (r.id !== undefined && policy !== null) read.set(r.id, policy.id);
      });
    }
    sourceOf = read;
  }
  const bySource = sourceOf;
  const sourcesOf = (ids: ReadonlyArray<string>) => new Set(ids.flatMap((id) => (bySource.has(id) ? [bySource.get(id)!] : [])));
  const labels = new Map<string, Set<string>>();
  const dropped = new Map<string, Map<string, Set<string>>>();
  const examples = new Map<string, Map<string, string>>();
  const drop = (gate: string, c: z.infer<typeof LooseCandidate>, level: number) => {
    const reason = [...c.reasons].reverse().find((r) => r.startsWith(`${gate}:`)) ?? null;
    for (const s of sourcesOf(c.record_ids)) {
      const byGate = dropped.get(s) ?? new Map<string, Set<string>>();
      const set = byGate.get(gate) ?? new Set<string>();
      set.add(`${level}\u0000${c.normalized}`);
      byGate.set(gate, set);
      dropped.set(s, byGate);
      if (reason !== null) {
        const ex = examples.get(s) ?? new Map<string, string>();
        if (!ex.has(gate)) ex.set(gate, `"${c.normalized}": ${reason}`);
        examples.set(s, ex);
      }
    }
  };
  for (let level = 0; level <= 3; level += 1) {
    await visit(join(root, ARTIFACT_DIRS.s1(level)), 'candidates', LooseCandidate, (c) => {
      for (const s of sourcesOf(c.record_ids)) {
        const set = labels.get(s) ?? new Set<string>();
        set.add(`${level}\u0000${c.normalized}`);
        labels.set(s, set);
      }
    });
    await visit(join(root, ARTIFACT_DIRS.s2(level)), 'dropped', LooseCandidate, (c) => {
      if (c.gates['frequency'] === false) drop('frequency', c, level);
    });
    await visit(join(root, ARTIFACT_DIRS.s3(level)), 'failed', LooseCandidate, (c) => {
      if (c.gates['token_verification'] === false) drop('token_verification', c, level);
    });
  }
  await visit(join(root, ARTIFACT_DIRS.hierarchy), 'orphans', LooseOrphan, (o) => {
    for (const s of sourcesOf(o.concept.record_ids)) {
      const byGate = dropped.get(s) ?? new Map<string, Set<string>>();
      const set = byGate.get('unplaced') ?? new Set<string>();
      set.add(o.concept.record_ids.join(','));
      byGate.set('unplaced', set);
      dropped.set(s, byGate);
    }
  });
  const kept = new Map<string, number>();
  const used = new Map<string, Set<string>>();
  for (const c of finalConcepts) {
    for (const s of sourcesOf(c.record_ids)) kept.set(s, (kept.get(s) ?? 0) + 1);
    for (const id of c.record_ids) {
      const s = bySource.get(id);
      if (s === undefined) continue;
      const set = used.get(s) ?? new Set<string>();
      set.add(id);
      used.set(s, set);
    }
  }
  return index.sources.map((src) => {
    const byGate = dropped.get(src.id) ?? new Map<string, Set<string>>();
    const counts = Object.fromEntries([...byGate].map(([g, set]) => [g, set.size] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    const top = [...byGate].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    return SourceContributionSchema.parse({
      id: src.id,
      level: src.level,
      loader: src.loader,
      trust: src.trust,
      records_in: src.records_in,
      records_out: src.records_out,
      labels: labels.get(src.id)?.size ?? 0,
      concepts_kept: kept.get(src.id) ?? 0,
      records_used: used.get(src.id)?.size ?? 0,
      dropped: counts,
      dropped_example: top === undefined ? null : (examples.get(src.id)?.get(top) ?? null),
    });
  });
}

/** The warning for a source that gave the build nothing, naming the gate that removed most of its labels. */
export function zeroContributionWarning(s: SourceContribution): string | null {
  if (s.concepts_kept > 0) return null;
  const gates = Object.entries(s.dropped).sort((a, b) => b[1] - a[1]);
  if (s.records_out === 0) return `source "${s.id}" contributed 0 concepts: S0 wrote no records from its ${s.records_in} item(s)`;
  if (s.labels === 0) return `source "${s.id}" contributed 0 concepts: S1 extracted no label from its ${s.records_out} record(s)`;
  const [gate, n] = gates[0] ?? ['none', 0];
  const hint = gate === 'frequency' ? ' (mark the source "trust": "authoritative" or give it "thresholds" to keep single-source items)' : '';
  return `source "${s.id}" contributed 0 concepts: the ${gate} gate removed ${n} of its ${s.labels} label(s)${s.dropped_example === null ? '' : `, e.g. ${s.dropped_example}`}${hint}`;
}
