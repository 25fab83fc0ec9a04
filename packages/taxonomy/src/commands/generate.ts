import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ARTIFACT_DIRS, TaxonomyError } from '@taxonomy/core';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { loadS0, loadS1, loadS2, loadS3 } from './phase-modules.ts';
import { didYouMean, optionalString, parseLevel, requireString, stringList, usageError } from './usage.ts';

export const GENERATE_STEPS = ['S0', 'S1', 'S2', 'S3'] as const;
export type GenerateStep = (typeof GENERATE_STEPS)[number];

export function parseStep(raw: string): GenerateStep {
  const step = GENERATE_STEPS.find((s) => s.toLowerCase() === raw.trim().toLowerCase());
  if (step === undefined) throw usageError(`generate: unknown step "${raw}"${didYouMean(raw, GENERATE_STEPS)}; expected S0|S1|S2|S3`);
  return step;
}

export interface GenerateRequest {
  step: GenerateStep;
  level: number;
  /** Absolute input path (file for S0, folder for S1–S3). */
  input: string;
  /** Output folder relative to the workspace root (what the task functions expect). */
  outDir: string;
  /** Absolute folder of parent concepts for S1. */
  parentsDir?: string;
  overrides: string[];
}

/** Calls the phase's task function on ad-hoc paths (no Nx, no cache). */
export async function runGenerate(request: GenerateRequest, root: string): Promise<unknown> {
  const common = { root, outDir: request.outDir, overrides: request.overrides };
  switch (request.step) {
    case 'S0': {
      const { runS0Task } = await loadS0();
      return runS0Task({ ...common, input: { path: request.input, level: request.level } });
    }
    case 'S1': {
      const { runS1Task } = await loadS1();
      return runS1Task({ ...common, level: request.level, inputDir: request.input, ...(request.parentsDir === undefined ? {} : { parentsDir: request.parentsDir }) });
    }
    case 'S2': {
      const { runS2Task } = await loadS2();
      return runS2Task({ ...common, level: request.level, inputDir: request.input });
    }
    case 'S3': {
      const { runS3Task } = await loadS3();
      return runS3Task({ ...common, level: request.level, inputDir: request.input });
    }
  }
}

/** The counters of a task result (`PhaseMetrics` or `{ metrics }`), for the one-line report. */
export function resultCounters(result: unknown): Record<string, number> {
  const pick = (value: unknown): Record<string, number> | null => {
    if (value === null || typeof value !== 'object') return null;
    const counters = (value as { counters?: unknown }).counters;
    return counters !== null && typeof counters === 'object' ? (counters as Record<string, number>) : null;
  };
  return pick(result) ?? pick((result as { metrics?: unknown } | null)?.metrics) ?? {};
}

export const generateCommand: CommandDef = {
  path: ['generate'],
  summary: 'Run one phase (S0–S3) directly on ad-hoc paths, without Nx',
  options: {
    step: { type: 'string', value: 'S0|S1|S2|S3', description: 'Phase to run' },
    level: { type: 'string', value: 'N', description: 'Level 0–3' },
    input: { type: 'string', value: 'PATH', description: 'S0: a source file; S1: an S0 artifact folder; S2/S3: the previous phase folder' },
    output: { type: 'string', value: 'DIR', description: 'Output folder (emptied first)' },
    parents: { type: 'string', value: 'DIR', description: 'S1 only: folder with the verified concepts of the level above' },
    override: CONFIG_OPTIONS.override,
    ...HELP_OPTION,
  },
  details: 'The output folder is emptied first; it may not be the workspace root or a folder above it.',
  async run(args, ctx) {
    const request = buildGenerateRequest(args.values, ctx);
    const result = await runGenerate(request, ctx.root);
    const counters = Object.entries(resultCounters(result)).filter(([, v]) => v !== 0).map(([k, v]) => `${k}=${v}`);
    ctx.out(`completed ${request.step} level ${request.level} -> ${resolve(ctx.root, request.outDir)}\n`);
    if (counters.length > 0) ctx.out(`  ${counters.join(' ')}\n`);
  },
};

function buildGenerateRequest(values: Parameters<typeof requireString>[1], ctx: CommandContext): GenerateRequest {
  const step = parseStep(requireString('generate', values, 'step'));
  const level = parseLevel('generate', optionalString(values, 'level'));
  const input = resolve(ctx.cwd, requireString('generate', values, 'input'));
  if (!existsSync(input)) throw new TaxonomyError('INPUT_NOT_FOUND', `generate: input ${input} does not exist`);
  const output = resolve(ctx.cwd, requireString('generate', values, 'output'));
  const parents = optionalString(values, 'parents');
  if (parents !== undefined && step !== 'S1') throw usageError('generate: --parents only applies to --step S1');
  const parentsDir = parents === undefined ? undefined : resolve(ctx.cwd, parents);
  if (step === 'S1' && level > 0 && parentsDir === undefined && !existsSync(join(ctx.root, ARTIFACT_DIRS.s3(level - 1)))) {
    throw usageError(`generate: --step S1 --level ${level} needs --parents DIR (the verified concepts of level ${level - 1}; ${ARTIFACT_DIRS.s3(level - 1)} does not exist)`);
  }
  if (parentsDir !== undefined && !existsSync(parentsDir)) throw new TaxonomyError('INPUT_NOT_FOUND', `generate: parents folder ${parentsDir} does not exist`);
  if (output === ctx.root || ctx.root.startsWith(`${output}${sep}`) || output === input) {
    throw usageError(`generate: --output ${output} would be emptied first; choose a folder of its own`);
  }
  return {
    step,
    level,
    input,
    outDir: relative(ctx.root, output),
    overrides: stringList(values, 'override'),
    ...(parentsDir === undefined ? {} : { parentsDir }),
  };
}
