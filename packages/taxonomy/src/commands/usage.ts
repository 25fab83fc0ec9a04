import { parseArgs } from 'node:util';
import { TaxonomyError, editDistance } from '@taxonomy/core';

/** A usage error (exit 2): a one-line message, optionally with the nearest valid name. */
export function usageError(message: string): TaxonomyError {
  return new TaxonomyError('USAGE', message);
}


/** The valid name closest to `name`, when it is close enough to be a plausible typo. */
export function nearest(name: string, valid: ReadonlyArray<string>): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of valid) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best === null) return null;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(name: string, valid: ReadonlyArray<string>): string {
  const best = nearest(name, valid);
  return best === null ? '' : ` (did you mean "${best}"?)`;
}

export type OptionKind = 'string' | 'boolean';

export interface OptionSpec {
  type: OptionKind;
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `N` or `PATH`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a command's own arguments strictly: an unknown flag is a USAGE error naming the nearest valid
 * flag; `-o=value` is accepted as well as `-o value` and `-ovalue`.
 */
export function parseCommandArgs(command: string, argv: ReadonlyArray<string>, options: OptionSpecs): ParsedArgs {
  const config: Record<string, { type: OptionKind; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (err) {
    throw translateParseError(command, err, options);
  }
  const values: ParsedArgs['values'] = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') values[name] = stripInlineEquals(value);
    else if (Array.isArray(value)) values[name] = value.map((v) => (typeof v === 'string' ? stripInlineEquals(v) : String(v)));
    else values[name] = value;
  }
  return { values, positionals: parsed.positionals };
}

function stripInlineEquals(value: string): string {
  return value.startsWith('=') ? value.slice(1) : value;
}

function translateParseError(command: string, err: unknown, options: OptionSpecs): TaxonomyError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flags = Object.entries(options).flatMap(([name, spec]) => [`--${name}`, ...(spec.short === undefined ? [] : [`-${spec.short}`])]);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/u.exec(message)?.[1] ?? message;
    return usageError(`${command}: unknown option ${flag}${didYouMean(flag, flags)}; see taxonomy ${command} --help`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'([^']+)'/u.exec(message)?.[1] ?? '';
    return usageError(`${command}: option ${flag.split(' ')[0] ?? flag} needs a value; see taxonomy ${command} --help`);
  }
  return usageError(`${command}: ${message.split('\n')[0]}`);
}

/** A string option's value, or a USAGE error when a required one is missing. */
export function requireString(command: string, values: ParsedArgs['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw usageError(`${command}: --${name} is required; see taxonomy ${command} --help`);
  return value;
}

export function optionalString(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringList(values: ParsedArgs['values'], name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** `--level N` as an integer 0..3. */
export function parseLevel(command: string, raw: string | undefined): number {
  if (raw === undefined) throw usageError(`${command}: --level is required (0, 1, 2 or 3)`);
  if (!/^[0-3]$/u.test(raw.trim())) throw usageError(`${command}: --level must be 0, 1, 2 or 3 (got "${raw}")`);
  return Number(raw.trim());
}
