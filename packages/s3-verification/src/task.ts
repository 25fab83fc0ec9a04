import { isAbsolute, join } from 'node:path';
import {
  ARTIFACT_DIRS,
  CandidateSchema,
  describeFile,
  findWorkspaceRoot,
  listJsonlFiles,
  readJsonl,
  writeJsonl,
  type ArtifactRef,
  type Candidate,
  type PhaseMetrics,
} from '@taxonomy/core';
import { createLlmClient } from '@taxonomy/llm';
import { runPhaseTask } from '@taxonomy/observability';
import { promoteToConcepts } from './promote.ts';
import { applyVerification, verifyLabel } from './verify.ts';

export interface RunS3TaskOptions {
  level: number;
  root?: string;
  /** Folder of S2's `kept-*.jsonl` (default `artifacts/s2/level-N`), relative to the root or absolute. */
  inputDir?: string;
  /** Output folder relative to the root (default `artifacts/s3/level-N`). */
  outDir?: string;
  overrides?: string[];
}

const candidateKey = (c: Candidate) => `${c.normalized}\u0000${c.parent ?? ''}`;
/** The reference weight formula, used only when two candidates fold into one concept id. */
const defaultWeight = (institutions: number, records: number) => Math.round((institutions + 0.3 * Math.log1p(records)) * 1e6) / 1e6;

/** The S3 task: verifies the kept candidates of one level and promotes the verified ones to Concepts. */
export async function runS3Task(options: RunS3TaskOptions): Promise<PhaseMetrics> {
  const level = options.level;
  const root = options.root ?? findWorkspaceRoot();
  const inputDir = isAbsolute(options.inputDir ?? '') ? options.inputDir! : join(root, options.inputDir ?? ARTIFACT_DIRS.s2(level));
  // Only the kept candidates are read, so only they are verified against S2's metrics.
  const files = await listJsonlFiles(inputDir, 'kept');
  return runPhaseTask({
    task: `s3:level-${level}`,
    phase: 'S3',
    level,
    slices: ['s3', 'llm'],
    outDir: options.outDir ?? ARTIFACT_DIRS.s3(level),
    root,
    reads: files,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const policy = ctx.config.s3;
      const candidates: Candidate[] = [];
      const inputs: ArtifactRef[] = [];
      for (const file of files) {
        for await (const { value } of readJsonl(file, { schema: CandidateSchema, onBad: ctx.quarantine.addBadLine })) candidates.push(value);
        inputs.push(await describeFile(file, root));
      }
      ctx.counters.declare('candidates_in', 'checked', 'passed_rule', 'failed_rule', 'allowlist_hits', 'llm_called', 'passed_llm', 'failed_llm', 'verified', 'failed');
      ctx.counters.set('candidates_in', candidates.length);
      const client = await createLlmClient({ config: ctx.config.llm, root, log: ctx.log, phase: 's3' });
      const verified: Candidate[] = [];
      const failed: Candidate[] = [];
      const progress = ctx.progress('verify', candidates.length);
      try {
        const outcomes = await Promise.all(
          candidates.map(async (c) => {
            const outcome = await verifyLabel(c.normalized, level, policy, client);
            progress.tick();
            return outcome;
          }),
        );
        for (const [i, outcome] of outcomes.entries()) {
          const c = candidates[i]!;
          ctx.counters.increment('checked');
          if (outcome.rules.allowlisted) ctx.counters.increment('allowlist_hits');
          else ctx.counters.increment(outcome.rules.passed ? 'passed_rule' : 'failed_rule');
          if (outcome.kind === 'quarantined') {
            ctx.quarantine.add({ reason: outcome.reason, item_id: c.normalized, raw: JSON.stringify({ normalized: c.normalized, parent: c.parent }) });
            continue;
          }
          if (outcome.llmCalled) {
            ctx.counters.increment('llm_called');
            ctx.counters.increment(outcome.llmPass === true ? 'passed_llm' : 'failed_llm');
          }
          const decided = applyVerification(c, outcome);
          (outcome.pass ? verified : failed).push(decided);
        }
      } finally {
        progress.done();
      }
      const usage = client.usage();
      await client.close();
      ctx.counters.set('verified', verified.length);
      ctx.counters.set('failed', failed.length);
      const concepts = promoteToConcepts(verified, defaultWeight);
      ctx.counters.set('concepts', concepts.length);
      const outputs = [
        ...(await writeJsonl({ dir: ctx.outDir, name: 'verified', items: verified, sortKey: candidateKey, relativeTo: root })),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'failed', items: failed, sortKey: candidateKey, relativeTo: root })),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'concepts', items: concepts, sortKey: (c) => c.id, relativeTo: root })),
      ];
      return {
        inputs,
        outputs,
        llm: usage,
        summary: `s3:level-${level}: verified ${verified.length}, failed ${failed.length}, ${concepts.length} concepts`,
      };
    },
  });
}
