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
import { runPhaseTask } from '@taxonomy/observability';
import { aggregateSupport, applyThresholds, candidateKey } from './frequency.ts';
import { InstitutionResolver } from './institution-identity.ts';
import { s2SettingsForLevel } from './settings.ts';

export interface RunS2TaskOptions {
  level: number;
  root?: string;
  /** Folder of S1's `candidates-*.jsonl` (default `artifacts/s1/level-N`), relative to the root or absolute. */
  inputDir?: string;
  /** Output folder relative to the root (default `artifacts/s2/level-N`). */
  outDir?: string;
  overrides?: string[];
}

/** The S2 task: reads S1 candidates of one level, aggregates support, applies the level's thresholds. */
export async function runS2Task(options: RunS2TaskOptions): Promise<PhaseMetrics> {
  const level = options.level;
  const root = options.root ?? findWorkspaceRoot();
  const inputDir = resolveDir(root, options.inputDir ?? ARTIFACT_DIRS.s1(level));
  // Fails with INPUT_NOT_FOUND naming the folder before the output is touched. Only these files are verified
  // against S1's metrics: S2 never reads S1's record log.
  const files = await listJsonlFiles(inputDir, 'candidates');
  return runPhaseTask({
    task: `s2:level-${level}`,
    phase: 'S2',
    level,
    slices: ['s2'],
    outDir: options.outDir ?? ARTIFACT_DIRS.s2(level),
    root,
    reads: files,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const s2 = s2SettingsForLevel(ctx.config.s2, level);
      const candidates: Candidate[] = [];
      const inputs: ArtifactRef[] = [];
      for (const file of files) {
        for await (const { value, line } of readJsonl(file, { schema: CandidateSchema, onBad: ctx.quarantine.addBadLine })) {
          if (value.level !== level) {
            ctx.quarantine.add({ reason: `candidate of level ${value.level} in the level-${level} input`, file, line, item_id: value.normalized });
            continue;
          }
          candidates.push(value);
        }
        inputs.push(await describeFile(file, root));
      }
      ctx.counters.set('candidates_in', candidates.length);
      const resolver = new InstitutionResolver(s2.institution_policy);
      const groups = aggregateSupport(candidates, resolver);
      const threshold = s2.threshold;
      const decision = applyThresholds(groups, threshold, s2.weight);
      ctx.counters.set('groups', groups.length);
      for (const [name, value] of Object.entries(decision.counters)) ctx.counters.set(name, value);
      ctx.counters.set('institutions_distinct', new Set(groups.flatMap((g) => g.institutions)).size);
      const write = (name: string, items: Candidate[]) =>
        writeJsonl({ dir: ctx.outDir, name, items, sortKey: candidateKey, shardSize: 50_000, relativeTo: root });
      // How each spelling seen was resolved: later phases (placement) group records by the same identities.
      const names = [...new Set(candidates.flatMap((c) => c.institutions))].sort();
      const identities = names.map((raw) => ({ raw, institution: resolver.resolve(raw) }));
      const outputs = [
        ...(await write('kept', decision.kept)),
        ...(await write('dropped', decision.dropped)),
        ...(await writeJsonl({ dir: ctx.outDir, name: 'institutions', items: identities, sortKey: (i) => i.raw, relativeTo: root })),
      ];
      return {
        inputs,
        outputs,
        summary: `s2:level-${level}: kept ${decision.kept.length}, dropped ${decision.dropped.length} of ${groups.length} groups (min ${threshold.min_institutions} institution(s), ${threshold.min_records} record(s))`,
      };
    },
  });
}

function resolveDir(root: string, dir: string): string {
  return isAbsolute(dir) ? dir : join(root, dir);
}
