import { configShowCommand, configValidateCommand } from './config.ts';
import { curateCommands } from './curate.ts';
import { diffCommand, historyCommand, statusCommand } from './history.ts';
import { crawlCommand } from './crawl.ts';
import type { CommandContext, CommandDef } from './context.ts';
import { explainDropCommand, explainExtractCommand, explainMergeCommand, explainPlaceCommand, explainVerifyCommand } from './explain.ts';
import { generateCommand } from './generate.ts';
import { manageManifestCommand, manageStatusCommand } from './manage.ts';
import { postprocessCommands } from './postprocess.ts';
import { runCommand } from './run.ts';
import { didYouMean, parseCommandArgs, usageError, type OptionSpecs } from './usage.ts';

/** Every command of the `taxonomy` CLI. */
export const COMMANDS: ReadonlyArray<CommandDef> = [
  runCommand,
  crawlCommand,
  generateCommand,
  manageStatusCommand,
  manageManifestCommand,
  configValidateCommand,
  configShowCommand,
  explainExtractCommand,
  explainVerifyCommand,
  explainMergeCommand,
  explainPlaceCommand,
  explainDropCommand,
  ...postprocessCommands,
  statusCommand,
  historyCommand,
  diffCommand,
  ...curateCommands,
];

const GROUPS: Readonly<Record<string, string>> = {
  manage: 'Inspect the build: task status and the run manifest',
  config: 'Validate and show the resolved configuration',
  explain: 'Explain single decisions: extraction, verification, deduplication, and where the last build placed or dropped a label',
  postprocess: 'Run one post-processing step on a concept file',
  curate: 'Record human decisions in config/curation.json (applied by curation:apply before assembly)',
};

const TOP_LEVEL = [...new Set(COMMANDS.map((c) => c.path[0]!))];

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

/** Top-level help: every command with its one-line summary. */
export function formatMainHelp(): string {
  const lines = ['Usage: taxonomy <command> [options]', '', 'Builds a four-level academic taxonomy as an Nx task graph.', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.path.join(' ').padEnd(26)} ${c.summary}`);
  lines.push('', 'Run "taxonomy <command> --help" for the options of a command.');
  lines.push('Exit codes: 0 ok, 1 failure, 2 usage or config error, 3 missing or invalid input, 4 LLM provider unavailable.');
  return `${lines.join('\n')}\n`;
}

function formatGroupHelp(group: string): string {
  const lines = [`Usage: taxonomy ${group} <command> [options]`, '', GROUPS[group] ?? '', '', 'Commands:'];
  for (const c of COMMANDS.filter((x) => x.path[0] === group)) lines.push(`  ${c.path.join(' ').padEnd(26)} ${c.summary}`);
  return `${lines.join('\n')}\n`;
}

/** Help of one command: usage line, options with placeholders, details. */
export function formatCommandHelp(command: CommandDef): string {
  const lines = [`Usage: taxonomy ${command.path.join(' ')} [options]${command.args === undefined ? '' : ` ${command.args}`}`, '', command.summary, '', 'Options:'];
  for (const [name, spec] of Object.entries(command.options as OptionSpecs)) {
    const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
    lines.push(`  ${flag.padEnd(34)} ${spec.description}`);
  }
  if (command.details !== undefined) lines.push('', command.details);
  return `${lines.join('\n')}\n`;
}

/** Finds the command `argv` names; unknown names are USAGE errors suggesting the nearest command. */
export function resolveCommand(argv: ReadonlyArray<string>): { command: CommandDef | null; group: string | null; rest: string[] } {
  const [first, second] = argv;
  if (first === undefined) throw usageError('missing command; see taxonomy --help');
  if (!TOP_LEVEL.includes(first)) {
    const all = [...TOP_LEVEL, ...COMMANDS.map((c) => c.path.join(' '))];
    throw usageError(`unknown command "${first}"${didYouMean(first, all)}; see taxonomy --help`);
  }
  const direct = COMMANDS.find((c) => c.path.length === 1 && c.path[0] === first);
  if (direct !== undefined) return { command: direct, group: null, rest: argv.slice(1) };
  if (second === undefined || isHelp(second)) return { command: null, group: first, rest: argv.slice(1) };
  const sub = COMMANDS.find((c) => c.path[0] === first && c.path[1] === second);
  if (sub === undefined) {
    const names = COMMANDS.filter((c) => c.path[0] === first).map((c) => c.path[1]!);
    throw usageError(`unknown command "${first} ${second}"${didYouMean(second, names)}; expected one of ${names.join('|')}`);
  }
  return { command: sub, group: null, rest: argv.slice(2) };
}

/** The CLI as a function: dispatches `argv`, returns the exit code; errors propagate to `runMain`. */
export async function runCli(argv: ReadonlyArray<string>, ctx: CommandContext): Promise<number> {
  if (argv.length === 0 || isHelp(argv[0])) {
    ctx.out(formatMainHelp());
    return argv.length === 0 ? 2 : 0;
  }
  const { command, group, rest } = resolveCommand(argv);
  if (command === null) {
    ctx.out(formatGroupHelp(group!));
    return rest.length === 0 ? 2 : 0;
  }
  const beforeTerminator = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
  if (beforeTerminator.some((a) => a === '--help' || a === '-h')) {
    ctx.out(formatCommandHelp(command));
    return 0;
  }
  const args = parseCommandArgs(command.path.join(' '), rest, command.options);
  const takesArgs = command.args !== undefined;
  if (!takesArgs && args.positionals.length > 0) {
    throw usageError(`${command.path.join(' ')}: unexpected argument "${args.positionals[0]}"; see taxonomy ${command.path.join(' ')} --help`);
  }
  return (await command.run(args, ctx)) ?? 0;
}
