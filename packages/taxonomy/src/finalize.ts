import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import {
  ARTIFACT_DIRS,
  ConceptSchema,
  TaxonomyError,
  findWorkspaceRoot,
  listJsonlFiles,
  readJsonFile,
  readJsonl,
  writeJsonFile,
  writeJsonl,
  type ArtifactRef,
  type Concept,
  type PhaseMetrics,
  type RunManifest,
  type RunRecord,
} from '@taxonomy/core';
import { loadConfig, redactConfig } from '@taxonomy/config';
import { createLogger, runPhaseTask } from '@taxonomy/observability';
import {
  HierarchyTreeSchema,
  InvariantReportSchema,
  TreeNodeSchema,
  checkInvariants,
  type HierarchyTree,
  type InvariantReport,
  type TreeNode,
} from '@taxonomy/hierarchy';
import {
  phaseFoldersFor,
  buildManifest,
  buildRunRecord,
  collectPhases,
  collectPromptVersions,
  computeRunId,
  describeArtifact,
  listArtifacts,
} from './manifest.ts';
import { formatSummary, readSummary, type FinalizeSummary } from './summary.ts';
import { summarizeSources, zeroContributionWarning } from './sources.ts';
import { writeExports } from './exports/write-exports.ts';
import { loadReportSources, type ReportSources } from './report/report-data.ts';
import { formatReviewLines, recordRunHistory, reviewFiles } from './review.ts';
import { writeReport } from './report/write-report.ts';

/** One line of `artifacts/taxonomy/concepts.jsonl`: the placed concept plus its label path from L0. */
export const FinalConceptSchema = ConceptSchema.extend({
  path: z.array(z.string()).min(1).describe('Labels from the level-0 ancestor down to the concept itself'),
});
export type FinalConcept = z.infer<typeof FinalConceptSchema>;

const LevelCounts = z.object({ '0': z.number().int(), '1': z.number().int(), '2': z.number().int(), '3': z.number().int() });

/** `artifacts/taxonomy/hierarchy.json`: the tree with counts per level. */
export const HierarchyDocumentSchema = z.object({
  counts: z.object({ total: z.number().int(), edges: z.number().int(), by_level: LevelCounts }),
  invariants: z.object({ passed: z.boolean(), topological_order_hash: z.string() }),
  roots: z.array(TreeNodeSchema),
});
export type HierarchyDocument = z.infer<typeof HierarchyDocumentSchema>;

export interface FinalizeConceptsOptions {
  /** Require distinct label paths, as hierarchy assembly did (`hierarchy.enforce_unique_paths`). */
  uniqueLabelPaths: boolean;
}

/**
 * Turns the placed concepts and their tree into the final exports, re-checking every invariant on the
 * final data: any break (or a tree that disagrees with the concepts) is an INVARIANT_VIOLATED error.
 */
export function finalizeConcepts(
  concepts: ReadonlyArray<Concept>,
  tree: HierarchyTree,
  options: FinalizeConceptsOptions,
): { rows: FinalConcept[]; document: HierarchyDocument } {
  const proof = checkInvariants(concepts, { uniqueLabelPaths: options.uniqueLabelPaths });
  if (!proof.passed) {
    const failed = proof.checks.filter((c) => !c.passed);
    const first = failed[0]?.violations[0];
    throw new TaxonomyError(
      'INVARIANT_VIOLATED',
      `final concepts break ${failed.map((c) => `${c.name} (${c.violations.length})`).join(', ')}${first === undefined ? '' : `; e.g. ${first.concept_id}: ${first.detail}`}`,
    );
  }
  const byId = new Map(concepts.map((c) => [c.id, c]));
  for (const c of concepts) {
    const parent = c.parent === null ? null : byId.get(c.parent);
    if (c.level > 0 && (parent === null || parent === undefined || parent.level !== c.level - 1)) {
      throw new TaxonomyError('INVARIANT_VIOLATED', `${c.id} (level ${c.level}) has no parent one level up in the output`);
    }
  }
  assertTreeMatches(tree, byId);
  const paths = new Map<string, string[]>();
  for (const id of proof.topological_order) {
    const c = byId.get(id)!;
    paths.set(id, [...(c.parent === null ? [] : paths.get(c.parent)!), c.label]);
  }
  const rows: FinalConcept[] = concepts.map((c) => ({ ...c, path: paths.get(c.id)! }));
  const byLevel = { '0': 0, '1': 0, '2': 0, '3': 0 };
  for (const c of concepts) byLevel[String(c.level) as keyof typeof byLevel] += 1;
  const document: HierarchyDocument = {
    counts: { total: concepts.length, edges: concepts.filter((c) => c.parent !== null).length, by_level: byLevel },
    invariants: { passed: proof.passed, topological_order_hash: proof.topological_order_hash },
    roots: tree.roots,
  };
  return { rows, document };
}

function assertTreeMatches(tree: HierarchyTree, byId: ReadonlyMap<string, Concept>): void {
  const seen = new Set<string>();
  const stack: Array<{ node: TreeNode; parent: string | null }> = tree.roots.map((node) => ({ node, parent: null }));
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    const concept = byId.get(node.id);
    if (concept === undefined || seen.has(node.id) || concept.parent !== parent || concept.level !== node.level || concept.label !== node.label) {
      throw new TaxonomyError('INVARIANT_VIOLATED', `tree.json disagrees with the placed concepts at "${node.id}"`);
    }
    seen.add(node.id);
    for (const child of node.children) stack.push({ node: child, parent: node.id });
  }
  if (seen.size !== byId.size) {
    throw new TaxonomyError('INVARIANT_VIOLATED', `tree.json holds ${seen.size} nodes, the placed concepts ${byId.size}`);
  }
}

/**
 * Files finalize writes into its folder after the task (so they are not in its `metrics.json`): the
 * manifest and the report need the summary of every phase, finalize's own metrics included.
 */
export const FINALIZE_AFTER_TASK_FILES: ReadonlyArray<string> = ['manifest.json', 'report/index.html'];

export interface RunFinalizeTaskOptions {
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Output folder relative to the root (default `artifacts/taxonomy`). */
  outDir?: string;
  /** `slice.key=value` config overrides (the CLI's `-o`); they change the resolved config and so the run id. */
  overrides?: string[];
}

export interface RunFinalizeTaskResult {
  manifest: RunManifest;
  /** How this execution went (`artifacts/.runs/run.json`). */
  run: RunRecord;
  summary: FinalizeSummary;
  /** The human summary; the caller prints it to stdout. */
  summaryText: string;
  metrics: PhaseMetrics;
}

/**
 * The `taxonomy:finalize` task: re-checks the assembled hierarchy, writes `concepts.jsonl` and
 * `hierarchy.json` (byte-stable), then `manifest.json` with the run id, config, prompts, per-phase
 * metrics, artifact checksums and the build summary — byte-stable too, so the folder is the same on every
 * machine. How the execution went (time, runtime, timings, LLM usage) goes to the run record
 * `artifacts/.runs/run.json`, outside Nx outputs. Writes nothing else into `outDir`.
 */
export async function runFinalizeTask(options: RunFinalizeTaskOptions = {}): Promise<RunFinalizeTaskResult> {
  const root = options.root ?? findWorkspaceRoot();
  const outRel = options.outDir ?? ARTIFACT_DIRS.taxonomy;
  const resolved = loadConfig({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
  let state: { rows: FinalConcept[]; report: InvariantReport; reportSources: ReportSources } | null = null;
  const review = resolved.config.taxonomy;
  const folders = phaseFoldersFor(resolved.config.s1.shards);

  // After the folder is in place (the manifest describes its metrics.json): the manifest and the report, inside
  // the task's lock and its duration_ms (runPhaseTask's `finish`).
  const manifestAndReport = async () => {
    if (state === null) throw new TaxonomyError('ARTIFACT_MISSING', 'finalize produced no concepts');
    const { rows, report, reportSources } = state as { rows: FinalConcept[]; report: InvariantReport; reportSources: ReportSources };

    const { phases, problems } = await collectPhases(root, [...folders, { task: 'taxonomy:finalize', dir: outRel }]);
    const upstream = await listArtifacts(
      root,
      folders.map((p) => p.dir),
    );
    const config = redactConfig(resolved.config);
    const { prompts, conflicts } = collectPromptVersions(phases);
    const runId = computeRunId({ config, prompts, artifacts: upstream });
    const conceptsByLevel: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3': 0 };
    for (const c of rows) conceptsByLevel[String(c.level)] = (conceptsByLevel[String(c.level)] ?? 0) + 1;
    const files = [...['concepts.jsonl', 'hierarchy.json', 'manifest.json'].map((f) => `${outRel}/${f}`), ...reviewFiles(outRel)];
    const sources = await summarizeSources(root, rows, reportSources.recordSources);
    const log = createLogger({ level: resolved.config.global.log_level }).child({ task: 'taxonomy:finalize' });
    for (const src of sources ?? []) {
      const warning = zeroContributionWarning(src);
      if (warning !== null) log.warn({ source: src.id, dropped: src.dropped }, warning);
    }
    const summary = await readSummary({
      root,
      phases,
      conceptsByLevel,
      concepts: rows,
      sources,
      hierarchy: {
        passed: report.passed,
        placed: report.counts.placed,
        orphaned: report.counts.orphaned,
        dropped: report.counts.dropped,
        rejected: report.counts.rejected,
        placeholders: report.counts.placeholders,
      },
      files,
    });
    const sampleSize = resolved.config.taxonomy.summary_sample_size;
    const sample = [0, 1, 2, 3].map((level) => ({
      level,
      top: rows
        .filter((c) => c.level === level)
        .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1))
        .slice(0, sampleSize)
        .map((c) => ({ id: c.id, path: c.path.join(' / '), weight: c.weight, institutions: c.support.institutions })),
    }));
    // The manifest lists every curation decision with its outcome (`summary.curation`).
    const curation = reportSources.curation;
    await writeReport({
      root,
      dir: join(root, outRel, 'report'),
      rows,
      sources: reportSources,
      summary: summary as unknown as Record<string, unknown>,
      run: { id: runId, environment: resolved.environment, policy_version: resolved.config.global.policy_version },
      lowConfidenceBelow: review.report.low_confidence_below,
      maxRecordsPerConcept: review.report.max_records_per_concept,
    });
    const finalFiles = await listArtifacts(root, [outRel]);
    const manifest = buildManifest({
      runId,
      environment: resolved.environment,
      policyVersion: resolved.config.global.policy_version,
      config,
      prompts,
      phases,
      artifacts: [...upstream, ...finalFiles],
      summary: {
        ...summary,
        curation,
        prompt_conflicts: conflicts,
        metrics_problems: problems,
        execution_note: `durations, peak memory, LLM calls, tokens and cost of the execution: ${ARTIFACT_DIRS.runRecord} (outside Nx outputs)`,
        manifest_not_in_artifacts: 'manifest.json cannot carry its own checksum',
        sample,
      },
    });
    await writeJsonFile(join(root, outRel, 'manifest.json'), manifest, root);
    return { manifest, summary, curation, runId, rows, phases };
  };
  let finished: Awaited<ReturnType<typeof manifestAndReport>> | null = null;

  const metrics = await runPhaseTask({
    task: 'taxonomy:finalize',
    phase: 'finalize',
    level: null,
    slices: ['taxonomy'],
    outDir: outRel,
    root,
    // Every folder the manifest describes is checked against its metrics.json first; manifest.json is written after the task.
    reads: [...folders.map((p) => p.dir).filter((dir) => dir === ARTIFACT_DIRS.hierarchy || existsSync(join(root, dir)))],
    alsoWrites: FINALIZE_AFTER_TASK_FILES,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const hierarchyDir = join(root, ARTIFACT_DIRS.hierarchy);
      const files = await listJsonlFiles(hierarchyDir, 'concepts').catch((err: unknown) => {
        throw new TaxonomyError('ARTIFACT_MISSING', `no hierarchy output in ${ARTIFACT_DIRS.hierarchy}: run hierarchy:assemble first`, { cause: err });
      });
      if (files.length === 0) throw new TaxonomyError('ARTIFACT_MISSING', `no concepts-*.jsonl in ${ARTIFACT_DIRS.hierarchy}`);
      const concepts: Concept[] = [];
      const inputs: ArtifactRef[] = [];
      for (const file of files) {
        for await (const { value } of readJsonl(file, { schema: ConceptSchema, onBad: ctx.quarantine.addBadLine })) concepts.push(value);
        inputs.push(await describeArtifact(file, root));
      }
      if (ctx.quarantine.size > 0) {
        throw new TaxonomyError('INPUT_INVALID', `${ctx.quarantine.size} unreadable line(s) in ${ARTIFACT_DIRS.hierarchy}/concepts-*.jsonl`);
      }
      const treePath = join(hierarchyDir, 'tree.json');
      const reportPath = join(hierarchyDir, 'invariants.json');
      const tree = await readJsonFile(treePath, HierarchyTreeSchema);
      const report = await readJsonFile(reportPath, InvariantReportSchema);
      inputs.push(await describeArtifact(treePath, root), await describeArtifact(reportPath, root));
      if (!report.passed) {
        throw new TaxonomyError('INVARIANT_VIOLATED', `${ARTIFACT_DIRS.hierarchy}/invariants.json did not pass; the hierarchy is not final`);
      }
      const { rows, document } = finalizeConcepts(concepts, tree, { uniqueLabelPaths: resolved.config.hierarchy.enforce_unique_paths });
      const outputs: ArtifactRef[] = [
        ...(await writeJsonl({
          dir: ctx.outDir,
          name: 'concepts',
          items: rows,
          shardSize: 0,
          sortKey: (c) => `${c.level}\u0000${c.id}`,
          relativeTo: root,
        })),
        await writeJsonFile(join(ctx.outDir, 'hierarchy.json'), document, root),
        ...(await writeExports(rows, { dir: join(ctx.outDir, 'exports'), root, baseIri: review.exports.base_iri, cipNamespace: review.exports.cip_namespace, schemeLabel: review.exports.scheme_label, dotMaxLevel: review.exports.dot_max_level })),
      ];
      // The report shows records, evidence, operations, orphans and curation: read (and checksum) them here.
      const reportSources = await loadReportSources({ root, rows, maxRecordsPerConcept: review.report.max_records_per_concept, maxSnippetsPerConcept: review.report.max_snippets_per_concept });
      inputs.push(...reportSources.inputs);
      ctx.counters.set('concepts', rows.length);
      ctx.counters.set('edges', document.counts.edges);
      for (const level of ['0', '1', '2', '3'] as const) ctx.counters.set(`level_${level}`, document.counts.by_level[level]);
      ctx.counters.set('validation_failed', rows.filter((c) => c.validation?.passed === false).length);
      state = { rows, report, reportSources };
      return { inputs, outputs, summary: `finalize: ${rows.length} concepts` };
    },
    finish: async () => {
      finished = await manifestAndReport();
    },
  });
  if (finished === null) throw new TaxonomyError('ARTIFACT_MISSING', 'finalize wrote no manifest');
  const { manifest, summary, curation, runId, rows, phases: described } = finished as Awaited<ReturnType<typeof manifestAndReport>>;
  // The run record holds every task's timing, this one's to the end of its manifest and report: only its own is
  // read again (the folders and the other timings are those the manifest described).
  const own = (await collectPhases(root, [{ task: 'taxonomy:finalize', dir: outRel }])).phases;
  const phases = [...described.filter((p) => p.task !== 'taxonomy:finalize'), ...own];
  const run = buildRunRecord({ runId, generatedAt: new Date().toISOString(), runtime: { node: process.version, platform: platform(), arch: arch() }, phases });
  await writeJsonFile(join(root, ARTIFACT_DIRS.runRecord), run, root);
  const history = await recordRunHistory(root, manifest, run, rows, review.history);
  const header = `taxonomy ${runId} (${manifest.environment}, policy ${manifest.policy_version})`;
  return { manifest, run, summary, summaryText: `${formatSummary(summary, header, run)}${formatReviewLines(curation, history)}`, metrics };
}
