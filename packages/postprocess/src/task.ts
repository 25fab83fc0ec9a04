import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ARTIFACT_DIRS, findWorkspaceRoot, writeJsonFile, writeJsonl, type PhaseMetrics } from '@taxonomy/core';
import { createLlmClient } from '@taxonomy/llm';
import { runPhaseTask } from '@taxonomy/observability';
import { loadEvidence, readConcepts, s3ConceptFiles } from './inputs.ts';
import { loadLexiconView } from './lexicon-adapter.ts';
import { postprocessConcepts, type PostprocessResult } from './pipeline.ts';

export interface RunPostprocessTaskOptions {
  root?: string;
  /** Folder holding the upstream `s3/level-N` and `s0/level-N` artifacts (default `<root>/artifacts`). */
  inputDir?: string;
  /** Output folder relative to the root (default `artifacts/postprocess`). */
  outDir?: string;
  overrides?: string[];
}

/**
 * The `postprocess:run` task: reads the S3 concepts of all four levels and the S0 records, runs
 * validate → disambiguate → deduplicate to a fixed point, and writes concepts, findings, op logs and
 * the per-iteration report.
 */
export async function runPostprocessTask(options: RunPostprocessTaskOptions = {}): Promise<PhaseMetrics> {
  const root = options.root ?? findWorkspaceRoot();
  const artifactsDir = options.inputDir === undefined ? join(root, 'artifacts') : resolve(root, options.inputDir);
  const s0Levels = [0, 1, 2, 3].map((level) => join(artifactsDir, 's0', `level-${level}`));
  return runPhaseTask({
    task: 'postprocess:run',
    phase: 'postprocess',
    level: null,
    slices: ['postprocess', 'llm'],
    outDir: options.outDir ?? ARTIFACT_DIRS.postprocess,
    root,
    // S0's records (one folder per level, s0:level-N) are optional evidence; those present are checked like the S3 concepts.
    reads: [...[0, 1, 2, 3].map((level) => join(artifactsDir, 's3', `level-${level}`)), ...s0Levels.filter((dir) => existsSync(dir))],
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const { config, counters, quarantine, log } = ctx;
      counters.declare('concepts_in', 'validated_passed', 'validated_failed', 'validated_unknown', 'merged', 'split', 'deferred', 'iterations', 'concepts_out');
      // Loading and the loop live in their own function: the evidence index and the S3 concepts as read are
      // garbage by the time the outputs are serialised (at a million records they are most of the heap).
      const { result, inputs, llm } = await (async () => {
        const loaded = await readConcepts(await s3ConceptFiles(artifactsDir), quarantine.addBadLine, root);
        const lexicon = loadLexiconView();
        const evidence = await loadEvidence(artifactsDir, lexicon.titles, quarantine.addBadLine, root);
        counters.set('evidence_records', evidence.records);
        if (evidence.records === 0) log.warn({ artifactsDir }, 'no S0 records found: record evidence is unknown for every level');
        // One copy of each record id: the concepts' ids become the index's strings.
        for (const c of loaded.concepts) evidence.index.shareRecordIds(c.record_ids);
        const client = await createLlmClient({ config: config.llm, root, log, phase: 'postprocess' });
        let out: PostprocessResult;
        try {
          out = await postprocessConcepts(loaded.concepts, {
            config: config.postprocess,
            index: evidence.index,
            client,
            families: lexicon.families,
            knownWords: lexicon.knownWords,
            log,
          });
        } finally {
          await client.close();
        }
        return { result: out, inputs: [...loaded.inputs, ...evidence.inputs], llm: client.usage() };
      })();
      for (const [name, value] of Object.entries(result.counters)) counters.set(name, value);
      const outputs = [
        ...(await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: result.concepts, sortKey: (c) => c.id, relativeTo: root })),
        ...(await writeJsonl({
          dir: ctx.outDir,
          name: 'findings',
          items: result.findings,
          sortKey: (f) => f.concept_id,
          relativeTo: root,
        })),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'merge-ops', items: result.mergeOps, sortKey: seqKey, shardSize: 0, relativeTo: root })),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'split-ops', items: result.splitOps, sortKey: seqKey, shardSize: 0, relativeTo: root })),
        ...(result.dropped.length > 0
          ? await writeJsonl({ dir: ctx.outDir, name: 'dropped', items: result.dropped, sortKey: (c) => c.id, shardSize: 0, relativeTo: root })
          : []),
        await writeJsonFile(join(ctx.outDir, 'iterations.json'), { converged: result.converged, max_iterations: config.postprocess.max_iterations, iterations: result.iterations }, root),
      ];
      return {
        inputs,
        outputs,
        llm,
        summary: `postprocess: ${result.counters['concepts_in']} → ${result.counters['concepts_out']} concepts in ${result.iterations.length} iteration(s); merged ${result.counters['merged']}, split ${result.counters['split']}, deferred ${result.counters['deferred']}`,
      };
    },
  });
}

/** Ops are written in the order they happened (undo walks them backwards). */
function seqKey(op: { evidence: Record<string, unknown> | null }): string {
  return String(op.evidence?.['seq'] ?? 0).padStart(10, '0');
}
