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
import { assembleHierarchy } from './assemble.ts';
import type { InvariantReport } from './schema.ts';
import { buildTree } from './tree.ts';

export interface RunHierarchyTaskOptions {
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Folder of `concepts-*.jsonl`, relative to the root (default `artifacts/curation`: the curated concepts). */
  inputDir?: string;
  /** Output folder relative to the root (default `artifacts/hierarchy`). */
  outDir?: string;
  /** `slice.key=value` config overrides. */
  overrides?: string[];
}

export interface RunHierarchyTaskResult {
  metrics: PhaseMetrics;
  report: InvariantReport;
}

/**
 * The `hierarchy:assemble` task: reads the curated concepts, assembles them, writes placed concepts,
 * orphans, the invariant report and the tree, then fails with INVARIANT_VIOLATED (after writing, so the
 * report can be read) when a true invariant broke.
 */
export async function runHierarchyTask(options: RunHierarchyTaskOptions = {}): Promise<RunHierarchyTaskResult> {
  const outRel = options.outDir ?? ARTIFACT_DIRS.hierarchy;
  let report: InvariantReport | null = null;
  const metrics = await runPhaseTask({
    task: 'hierarchy:assemble',
    phase: 'hierarchy',
    level: null,
    slices: ['hierarchy'],
    outDir: outRel,
    reads: [options.inputDir ?? ARTIFACT_DIRS.curation],
    ...(options.root === undefined ? {} : { root: options.root }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const inputDir = join(ctx.root, options.inputDir ?? ARTIFACT_DIRS.curation);
      const files = await listJsonlFiles(inputDir, 'concepts');
      if (files.length === 0) throw new TaxonomyError('ARTIFACT_MISSING', `no concepts-*.jsonl in ${ctx.relative(inputDir)}`);
      const concepts: Concept[] = [];
      const inputs: ArtifactRef[] = [];
      for (const file of files) {
        let records = 0;
        for await (const { value } of readJsonl(file, { schema: ConceptSchema, onBad: ctx.quarantine.addBadLine })) {
          concepts.push(value);
          records += 1;
        }
        inputs.push({ ...(await describeFile(file, ctx.root)), records });
      }
      const settings = ctx.config.hierarchy;
      const result = assembleHierarchy(concepts, {
        orphanStrategy: settings.orphan_strategy,
        placeholderPrefix: settings.placeholder_prefix,
        enforceUniquePaths: settings.enforce_unique_paths,
        maxGraphSize: settings.max_graph_size,
      });
      report = result.report;
      const { counts } = result.report;
      ctx.counters.set('nodes_in', counts.in);
      ctx.counters.set('nodes_placed', counts.placed);
      ctx.counters.set('orphans', counts.orphaned);
      ctx.counters.set('dropped', counts.dropped);
      ctx.counters.set('rejected', counts.rejected);
      ctx.counters.set('attached_to_placeholder', counts.attached_to_placeholder);
      ctx.counters.set('placeholders', counts.placeholders);
      ctx.counters.set('edges', counts.edges);
      ctx.counters.set('validation_failed_placed', result.validationFailedPlaced);
      for (const level of ['0', '1', '2', '3'] as const) ctx.counters.set(`level_${level}`, counts.by_level[level]);
      ctx.counters.set('invariant_violations', result.report.checks.reduce((n, c) => n + c.violations.length, 0));

      const outputs: ArtifactRef[] = [
        ...(await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: result.placed, sortKey: (c) => c.id, relativeTo: ctx.root })),
        ...(await writeJsonl({
          dir: ctx.outDir,
          name: 'orphans',
          items: result.orphans,
          shardSize: 0,
          sortKey: (o) => `${o.concept_id}\u0000${o.disposition}\u0000${o.detail}`,
          relativeTo: ctx.root,
        })),
        await writeJsonFile(join(ctx.outDir, 'invariants.json'), result.report, ctx.root),
        await writeJsonFile(join(ctx.outDir, 'tree.json'), buildTree(result.placed), ctx.root),
      ];
      const failed = result.report.checks.filter((c) => !c.passed).map((c) => `${c.name} (${c.violations.length})`);
      if (failed.length > 0) ctx.log.error({ failed }, 'hierarchy invariants broken');
      if (counts.orphaned + counts.dropped > 0) {
        ctx.log.warn(
          { orphaned: counts.orphaned, dropped: counts.dropped, strategy: settings.orphan_strategy },
          'concepts without a placed parent were handled by the orphan policy',
        );
      }
      return {
        inputs,
        outputs,
        summary: `hierarchy: ${counts.placed}/${counts.in} placed, ${counts.orphaned} orphaned, ${counts.dropped} dropped, ${counts.rejected} rejected, ${counts.placeholders} placeholders`,
      };
    },
  });
  if (report === null) throw new TaxonomyError('INVARIANT_VIOLATED', 'hierarchy assembly produced no report');
  const finalReport: InvariantReport = report;
  if (!finalReport.passed) {
    const failed = finalReport.checks.filter((c) => !c.passed).map((c) => `${c.name} (${c.violations.length})`);
    throw new TaxonomyError('INVARIANT_VIOLATED', `hierarchy invariants broken: ${failed.join(', ')}; see ${outRel}/invariants.json`);
  }
  return { metrics, report: finalReport };
}
