import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import {
  ARTIFACT_DIRS,
  ConceptSchema,
  ProvenanceSchema,
  SourceRecordSchema,
  SplitOpSchema,
  TaxonomyError,
  describeFile,
  findWorkspaceRoot,
  listJsonlFiles,
  readJsonl,
  usableSection,
  writeJsonl,
  type ArtifactRef,
  type Concept,
  type PhaseMetrics,
  type SplitOp,
} from '@taxonomy/core';
import { runPhaseTask, type Logger, type Quarantine } from '@taxonomy/observability';
import { placeConcepts } from './place.ts';
import { RecordTable } from './records.ts';
import type { Override, PlaceResult } from './types.ts';

export interface RunPlacementTaskOptions {
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Folder holding `s0/`, `s2/` and `postprocess/` (default `artifacts`), relative to the root or absolute. */
  artifactsDir?: string;
  /** Output folder relative to the root (default `artifacts/placement`). */
  outDir?: string;
  overrides?: string[];
}

const IdentitySchema = z.object({ raw: z.string().min(1), institution: z.string().min(1) });

/**
 * The fields of an S0 record placement reads, parsed as S0's own schema parses them. S0 validated the whole
 * record when it wrote it and its recorded checksums are checked before anything is read, so the fields
 * placement never looks at (`meta`, the provenance's url and fetch time) are not parsed again.
 */
const PlacementSourceSchema = SourceRecordSchema.pick({ id: true, level: true, text: true, parent_anchor: true }).extend({
  provenance: ProvenanceSchema.pick({ institution: true, section: true }),
});

async function readAll<T>(files: ReadonlyArray<string>, schema: z.ZodType<T>, quarantine: Quarantine, root: string, each: (value: T) => void): Promise<ArtifactRef[]> {
  const inputs: ArtifactRef[] = [];
  for (const file of files) {
    let lines = 0;
    for await (const { value } of readJsonl(file, { schema, onBad: quarantine.addBadLine })) {
      lines += 1;
      each(value);
    }
    inputs.push({ ...(await describeFile(file, root)), records: lines });
  }
  return inputs;
}

async function filesIn(dir: string, prefix: string): Promise<string[]> {
  return existsSync(dir) ? listJsonlFiles(dir, prefix) : [];
}

/** Prints the overridden declared parents (the first few; all are in `overrides.jsonl`). */
function warnOverrides(log: Logger, overrides: ReadonlyArray<Override>, max: number): void {
  if (overrides.length === 0) return;
  const byLevel = new Map<number, number>();
  for (const o of overrides) byLevel.set(o.level, (byLevel.get(o.level) ?? 0) + 1);
  const levels = [...byLevel].sort((a, b) => a[0] - b[0]).map(([l, n]) => `L${l} ${n}`).join(', ');
  log.warn({ overrides: overrides.length, byLevel: Object.fromEntries(byLevel) }, `placement: ${overrides.length} declared parent(s) not kept (${levels}); see artifacts/placement/overrides.jsonl`);
  for (const o of overrides.slice(0, max)) log.warn({ concept: o.concept_id, institution: o.institution }, `placement: ${o.label}: ${o.reason}`);
}

/**
 * The `placement:run` task: reads the post-processed concepts, the disambiguation splits, S0's records
 * and S2's institution identities; places every concept (`placeConcepts`); writes `concepts-*.jsonl`
 * (with `placement` on every concept) and `overrides.jsonl` (declared parents not kept, with why).
 */
export async function runPlacementTask(options: RunPlacementTaskOptions = {}): Promise<{ metrics: PhaseMetrics; result: PlaceResult }> {
  let result: PlaceResult | null = null;
  const root = options.root ?? findWorkspaceRoot();
  const artifactsRel = options.artifactsDir ?? 'artifacts';
  // Every folder read is checked against the checksums its task recorded (S0 and S2 levels when present;
  // S0 writes one folder per level, s0:level-N).
  const upstream = [
    join(artifactsRel, 'postprocess'),
    ...[0, 1, 2, 3].map((l) => join(artifactsRel, 's0', `level-${l}`)),
    ...[0, 1, 2, 3].map((l) => join(artifactsRel, 's2', `level-${l}`)),
  ];
  const metrics = await runPhaseTask({
    task: 'placement:run',
    phase: 'placement',
    level: null,
    slices: ['placement'],
    outDir: options.outDir ?? ARTIFACT_DIRS.placement,
    root,
    reads: upstream.filter((dir, i) => i === 0 || existsSync(join(root, dir))),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const artifacts = join(ctx.root, artifactsRel);
      const postprocessDir = join(artifacts, 'postprocess');
      const conceptFiles = await filesIn(postprocessDir, 'concepts');
      if (conceptFiles.length === 0) throw new TaxonomyError('ARTIFACT_MISSING', `no concepts-*.jsonl in ${ctx.relative(postprocessDir)}; run postprocess:run first`);
      // Every record id a concept cites gets a slot in the record table; the concept keeps the table's copy of the id.
      const table = new RecordTable();
      const concepts: Concept[] = [];
      const inputs = await readAll(conceptFiles, ConceptSchema, ctx.quarantine, ctx.root, (c) => {
        const ids = c.record_ids;
        for (let i = 0; i < ids.length; i += 1) ids[i] = table.cite(ids[i]!);
        const institutions = c.institutions;
        for (let i = 0; i < institutions.length; i += 1) institutions[i] = table.intern(institutions[i]!);
        concepts.push(c);
      });
      const splitOps: SplitOp[] = [];
      inputs.push(...(await readAll(await filesIn(postprocessDir, 'split-ops'), SplitOpSchema, ctx.quarantine, ctx.root, (op) => splitOps.push(op))));
      // Raw institution spellings → the identities S2 resolved, per level.
      const identities = new Map<string, string>();
      for (let level = 0; level <= 3; level += 1) {
        const files = await filesIn(join(artifacts, 's2', `level-${level}`), 'institutions');
        inputs.push(...(await readAll(files, IdentitySchema, ctx.quarantine, ctx.root, (i) => identities.set(`${level}\u0000${i.raw}`, table.intern(i.institution)))));
      }
      let unmapped = 0;
      for (let level = 0; level <= 3; level += 1) {
        const files = await filesIn(join(artifacts, 's0', `level-${level}`), 'records');
        inputs.push(
          ...(await readAll(files, PlacementSourceSchema, ctx.quarantine, ctx.root, (r) => {
            if (r.id === undefined || !table.isCited(r.id)) return;
            const raw = r.provenance.institution.trim();
            const institution = identities.get(`${level}\u0000${raw}`);
            if (institution === undefined) unmapped += 1;
            table.set({
              id: r.id,
              level: r.level ?? level,
              institution: institution ?? raw,
              text: r.text,
              declared: r.parent_anchor,
              section: usableSection(r.provenance.section),
            });
          })),
        );
      }
      const records = table;
      if (unmapped > 0) ctx.log.warn({ unmapped }, 'placement: records whose institution S2 did not resolve keep their raw name');
      const missing = records.cited - records.read;
      ctx.counters.declare('records_cited', 'records_missing', 'records_unmapped_institution');
      ctx.counters.set('records_cited', records.cited);
      ctx.counters.set('records_missing', missing);
      ctx.counters.set('records_unmapped_institution', unmapped);
      if (missing > 0) ctx.log.warn({ missing }, 'placement: concepts cite records S0 does not have; their declared parents are unknown');
      const progress = ctx.progress('place', concepts.length);
      result = placeConcepts({ concepts, splitOps, records, settings: ctx.config.placement });
      progress.tick(concepts.length);
      progress.done();
      for (const [name, value] of Object.entries(result.counters)) ctx.counters.set(name, value);
      warnOverrides(ctx.log, result.overrides, ctx.config.placement.max_override_warnings);
      const outputs = [
        ...(await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: result.concepts, sortKey: (c) => `${c.level}\u0000${c.id}`, relativeTo: ctx.root })),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'overrides', items: result.overrides, sortKey: (o) => `${o.level}\u0000${o.concept_id}\u0000${o.institution}\u0000${o.declared}`, shardSize: 0, relativeTo: ctx.root })),
      ];
      const l = result.levels;
      const line = [1, 2, 3]
        .map((n) => {
          const c = l[`level_${n}`]!;
          return `L${n} declared ${c.placed_declared}, institution ${c.placed_institution}, backbone ${c.placed_backbone}, unplaced ${c.unplaced}`;
        })
        .join('; ');
      return { inputs, outputs, summary: `placement: ${concepts.length} → ${result.concepts.length} concepts; ${line}; ${result.overrides.length} declared parent(s) not kept` };
    },
  });
  return { metrics, result: result! };
}
