import { SLICE_NAMES, checkConfigPaths, defaultConfig, loadConfig, redactConfig, sliceHash, type ResolvedConfig, type SliceName } from '@taxonomy/config';
import { TaxonomyError } from '@taxonomy/core';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { didYouMean, optionalString, stringList, usageError, type ParsedArgs } from './usage.ts';

/** Resolves the config for a command from its `--env` and `-o` options (errors name key, type and nearest key). */
export function resolveCommandConfig(args: ParsedArgs, ctx: CommandContext): ResolvedConfig {
  const environment = optionalString(args.values, 'env');
  return loadConfig({
    root: ctx.root,
    env: ctx.env,
    overrides: stringList(args.values, 'override'),
    ...(environment === undefined ? {} : { environment }),
  });
}

/** The one-line confirmation `config validate` prints. */
export function describeValidConfig(resolved: ResolvedConfig): string {
  return `config ok (environment ${resolved.environment}, policy version ${resolved.config.global.policy_version}, slices ${SLICE_NAMES.join(', ')})`;
}

export const configValidateCommand: CommandDef = {
  path: ['config', 'validate'],
  summary: 'Load and validate the configuration (files, profile, environment, -o overrides)',
  options: { ...CONFIG_OPTIONS, ...HELP_OPTION },
  details: 'Fails (exit 2) naming the key path, the expected type and the nearest valid key; also checks that regexes compile and cannot backtrack catastrophically, that min ≤ max settings hold, that URLs are URLs, that the sources manifest is a file and the LLM cache folder is writable.',
  async run(args, ctx) {
    const resolved = resolveCommandConfig(args, ctx);
    const problems = checkConfigPaths(resolved);
    if (problems.length > 0) throw new TaxonomyError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
    ctx.out(`${describeValidConfig(resolved)}\n`);
    for (const slice of SLICE_NAMES) ctx.out(`  ${slice.padEnd(12)} ${sliceHash(resolved.config, slice).slice(0, 12)}\n`);
  },
};

export const configShowCommand: CommandDef = {
  path: ['config', 'show'],
  summary: 'Print the resolved configuration as JSON, secrets redacted',
  options: {
    slice: { type: 'string', value: 'X', description: `Only one slice: ${SLICE_NAMES.join('|')}` },
    defaults: { type: 'boolean', description: 'Schema defaults only (no files, environment or overrides)' },
    ...CONFIG_OPTIONS,
    ...HELP_OPTION,
  },
  async run(args, ctx) {
    const resolved = args.values['defaults'] === true ? { environment: 'defaults', config: defaultConfig() } : resolveCommandConfig(args, ctx);
    const redacted = redactConfig(resolved.config);
    const slice = optionalString(args.values, 'slice');
    if (slice !== undefined && !(SLICE_NAMES as string[]).includes(slice)) {
      throw usageError(`config show: unknown slice "${slice}"${didYouMean(slice, SLICE_NAMES)}; expected one of ${SLICE_NAMES.join('|')}`);
    }
    const value = slice === undefined ? { environment: resolved.environment, ...redacted } : redacted[slice as SliceName];
    ctx.out(`${JSON.stringify(value, null, 2)}\n`);
  },
};
