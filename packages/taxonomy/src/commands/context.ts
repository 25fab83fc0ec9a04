import { createLogger, type Logger } from '@taxonomy/observability';
import type { OptionSpecs, ParsedArgs } from './usage.ts';

/** What a command gets: the workspace root, where to print, and the environment to hand to child processes. */
export interface CommandContext {
  readonly root: string;
  /** Working directory that relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** Command output (stdout); logs go to stderr through pino. */
  out(text: string): void;
  /** Short notes for a person (stderr), e.g. which Nx command runs now. */
  note(text: string): void;
  /** Environment passed through to child processes (Nx). */
  readonly env: Readonly<Record<string, string | undefined>>;
  logger(level?: string): Logger;
}

/** One command of the CLI: a thin adapter over an exported function. */
export interface CommandDef {
  /** e.g. ['explain', 'merge']. */
  path: ReadonlyArray<string>;
  summary: string;
  /** Positional arguments for the usage line, e.g. `A B`. */
  args?: string;
  options: OptionSpecs;
  /** Extra help paragraphs. */
  details?: string;
  run(args: ParsedArgs, ctx: CommandContext): Promise<number | void>;
}

/** The context of a real process: stdout/stderr and a lazily created root logger. */
export function processContext(root: string, cwd: string, env: Readonly<Record<string, string | undefined>>): CommandContext {
  let log: Logger | null = null;
  return {
    root,
    cwd,
    env,
    out: (text) => void process.stdout.write(text),
    note: (text) => void process.stderr.write(text),
    logger: (level) => (log ??= createLogger(level === undefined ? {} : { level })),
  };
}

/** Options shared by commands that resolve the configuration. */
export const CONFIG_OPTIONS = {
  override: { type: 'string', short: 'o', multiple: true, value: 'slice.key=value', description: 'Config override (repeatable), highest precedence' },
  env: { type: 'string', value: 'E', description: 'Environment profile: development|testing|production (default TAXONOMY_ENV or development)' },
} as const satisfies OptionSpecs;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', description: 'Show this help' } } as const satisfies OptionSpecs;
