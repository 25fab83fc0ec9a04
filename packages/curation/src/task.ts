import { join } from 'node:path';
import {
  ARTIFACT_DIRS,
  ConceptSchema,
  TaxonomyError,
  describeFile,
  listJsonlFiles,
  readJsonl,
  writeJsonFile,
  writeJsonl,
  type ArtifactRef,
  type Concept,
  type PhaseMetrics,
} from '@taxonomy/core';
import { runPhaseTask } from '@taxonomy/observability';
import { applyCuration } from './apply.ts';
import { loadCurationFile } from './file.ts';
import { CURATION_FILE, describeDecision, type CurationReport } from './schema.ts';

/** The concepts curation reads: the one place that says which phase comes before curation (placement). */
export const CURATION_INPUT_DIR: string = ARTIFACT_DIRS.placement;

export interface RunCurationTaskOptions {
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Folder of `concepts-*.jsonl`, relative to the root (default CURATION_INPUT_DIR). */
  inputDir?: string;
  /** Output folder relative to the root (default `artifacts/curation`). */
  outDir?: string;
  /** Decisions file relative to the root (default `config/curation.json`). */
  file?: string;
  overrides?: string[];
}

export interface RunCurationTaskResult {
  metrics: PhaseMetrics;
  report: CurationReport;
}

/**
 * The `curation:apply` task: applies `config/curation.json` to the concepts, writes them with
 * `decisions.json` (every decision's outcome), and warns about each decision that matched nothing
 * or conflicted — such a decision changes nothing but is never silently ignored.
 */
export async function runCurationTask(options: RunCurationTaskOptions = {}): Promise<RunCurationTaskResult> {
  let report: CurationReport | null = null;
  const metrics = await runPhaseTask({
    task: 'curation:apply',
    phase: 'curation',
    level: null,
    slices: [],
    outDir: options.outDir ?? ARTIFACT_DIRS.curation,
    reads: [options.inputDir ?? CURATION_INPUT_DIR],
    ...(options.root === undefined ? {} : { root: options.root }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const inputDir = join(ctx.root, options.inputDir ?? CURATION_INPUT_DIR);
      const files = await listJsonlFiles(inputDir, 'concepts');
      if (files.length === 0) throw new TaxonomyError('ARTIFACT_MISSING', `no concepts-*.jsonl in ${ctx.relative(inputDir)}`);
      const concepts: Concept[] = [];
      const seen = new Set<string>();
      const inputs: ArtifactRef[] = [];
      for (const file of files) {
        let records = 0;
        for await (const { value, line } of readJsonl(file, { schema: ConceptSchema, onBad: ctx.quarantine.addBadLine })) {
          if (seen.has(value.id)) {
            ctx.quarantine.add({ reason: `duplicate concept id ${value.id} (first occurrence kept)`, file: ctx.relative(file), line, item_id: value.id });
            continue;
          }
          seen.add(value.id);
          concepts.push(value);
          records += 1;
        }
        inputs.push({ ...(await describeFile(file, ctx.root)), records });
      }
      const loaded = await loadCurationFile(ctx.root, options.file ?? CURATION_FILE);
      if (loaded.present) inputs.push({ path: loaded.path, sha256: loaded.sha256!, records: loaded.file.decisions.length });
      const result = applyCuration(concepts, loaded.file.decisions);
      const count = (status: string) => result.outcomes.filter((o) => o.status === status).length;
      const built: CurationReport = {
        file: loaded.path,
        present: loaded.present,
        counts: {
          decisions: result.outcomes.length,
          applied: count('applied'),
          unchanged: count('unchanged'),
          unmatched: count('unmatched'),
          conflict: count('conflict'),
        },
        outcomes: result.outcomes,
      };
      report = built;
      for (const o of result.outcomes) {
        if (o.status === 'unmatched' || o.status === 'conflict') {
          ctx.log.warn({ decision: o.index + 1, op: o.decision.op, concept: o.decision.concept, status: o.status }, `${loaded.path} decision ${describeDecision(o.index, o.decision)} ${o.status === 'unmatched' ? 'matches nothing' : 'was not applied'}: ${o.detail}`);
        }
      }
      ctx.counters.set('concepts_in', concepts.length);
      ctx.counters.set('concepts_out', result.concepts.length);
      ctx.counters.set('decisions', built.counts.decisions);
      for (const status of ['applied', 'unchanged', 'unmatched', 'conflict'] as const) ctx.counters.set(`decisions_${status}`, built.counts[status]);
      for (const op of ['pin', 'rename', 'merge', 'drop', 'alias'] as const) {
        ctx.counters.set(`applied_${op}`, result.outcomes.filter((o) => o.decision.op === op && (o.status === 'applied' || o.status === 'unchanged')).length);
      }
      const outputs: ArtifactRef[] = [
        ...(await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: result.concepts, sortKey: (c) => c.id, relativeTo: ctx.root })),
        await writeJsonFile(join(ctx.outDir, 'decisions.json'), built, ctx.root),
      ];
      const c = built.counts;
      return {
        inputs,
        outputs,
        summary: `curation: ${c.decisions} decision(s) in ${loaded.path}${loaded.present ? '' : ' (absent)'}: ${c.applied} applied, ${c.unchanged} unchanged, ${c.unmatched} unmatched, ${c.conflict} conflict; ${concepts.length} → ${result.concepts.length} concepts`,
      };
    },
  });
  if (report === null) throw new TaxonomyError('TASK_FAILED', 'curation produced no report');
  return { metrics, report };
}
