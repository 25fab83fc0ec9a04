import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandDef } from './context.ts';
import { loadPostprocess } from './phase-modules.ts';
import { requireString, stringList } from './usage.ts';

const STEPS = {
  validate: { fn: 'runValidateFile', summary: 'Validate concepts (rule, evidence, LLM) and write findings' },
  deduplicate: { fn: 'runDeduplicateFile', summary: 'Merge duplicate concepts and write the merge-op log' },
  disambiguate: { fn: 'runDisambiguateFile', summary: 'Split ambiguous labels into senses and write the split-op log' },
} as const;

/** `postprocess validate|deduplicate|disambiguate --input F --output F`: the postprocess file functions. */
export const postprocessCommands: CommandDef[] = (Object.keys(STEPS) as Array<keyof typeof STEPS>).map((step) => ({
  path: ['postprocess', step],
  summary: STEPS[step].summary,
  options: {
    input: { type: 'string', value: 'F', description: 'Concept JSONL file (or a folder of shards)' },
    output: { type: 'string', value: 'F', description: 'Output concept JSONL; side files share its stem' },
    override: CONFIG_OPTIONS.override,
    ...HELP_OPTION,
  },
  details: 'Evidence for validation comes from the S0 records of the workspace (artifacts/s0).',
  async run(args, ctx) {
    const input = resolve(ctx.cwd, requireString(`postprocess ${step}`, args.values, 'input'));
    const output = resolve(ctx.cwd, requireString(`postprocess ${step}`, args.values, 'output'));
    if (!existsSync(input)) throw new TaxonomyError('INPUT_NOT_FOUND', `postprocess ${step}: input ${input} does not exist`);
    const mod = await loadPostprocess();
    const result = await mod[STEPS[step].fn]({ input, output, root: ctx.root, overrides: stringList(args.values, 'override') });
    ctx.out(
      `${step}: ${result.concepts_in} concepts in, ${result.concepts_out} out; passed ${result.validated_passed}, failed ${result.validated_failed}, ` +
        `unknown ${result.validated_unknown}; merged ${result.merged}, split ${result.split}, deferred ${result.deferred}; bad lines ${result.bad_lines}\n`,
    );
    for (const file of result.files) ctx.out(`  wrote ${file}\n`);
  },
}));
