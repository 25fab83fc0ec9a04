import { diffSnapshots, formatDiff, resolveRunRef } from '../history/diff.ts';
import { listHistory, readSnapshot, syncHistory, type HistoryEntry, type HistorySettings, type RunSnapshot } from '../history/snapshot.ts';
import { collectStaleness, formatStaleness } from '../status/staleness.ts';
import { resolveCommandConfig } from './config.ts';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { optionalString, usageError, type ParsedArgs } from './usage.ts';

function historySettings(args: ParsedArgs, ctx: CommandContext): HistorySettings {
  return resolveCommandConfig(args, ctx).config.taxonomy.history;
}

/** The history after recording the build on disk if Nx restored it from cache since the last snapshot. */
async function syncedHistory(args: ParsedArgs, ctx: CommandContext): Promise<{ entries: HistoryEntry[]; settings: HistorySettings }> {
  const settings = historySettings(args, ctx);
  await syncHistory(ctx.root, settings, new Date().toISOString());
  return { entries: await listHistory(ctx.root, settings), settings };
}

/** One line per run, newest last. */
export function formatHistory(rows: ReadonlyArray<{ entry: HistoryEntry; snapshot: RunSnapshot }>, dir: string): string {
  if (rows.length === 0) return `no run recorded yet in ${dir} (every taxonomy:finalize adds one)\n`;
  const lines = [`${'#'.padStart(4)}  ${'run'.padEnd(22)} ${'finalized'.padEnd(20)} ${'env'.padEnd(11)} ${'concepts'.padStart(8)}  ${'L0/L1/L2/L3'.padEnd(18)} curation  origin`];
  for (const { entry, snapshot } of rows) {
    const cur = snapshot.curation.filter((c) => c.status === 'applied' || c.status === 'unchanged').length;
    lines.push(
      `${String(entry.seq).padStart(4)}  ${snapshot.run_id.padEnd(22)} ${(snapshot.generated_at ?? snapshot.recorded_at).slice(0, 19).padEnd(20)} ${snapshot.environment.padEnd(11)} ${String(snapshot.counts.total).padStart(8)}  ${snapshot.counts.by_level.join('/').padEnd(18)} ${`${cur}/${snapshot.curation.length}`.padEnd(9)} ${snapshot.origin}`,
    );
  }
  const bytes = rows.reduce((n, r) => n + r.entry.bytes, 0);
  lines.push(`${rows.length} run(s) in ${dir}, ${(bytes / 1024).toFixed(0)} KiB; compare two with: taxonomy diff --from N --to M`);
  return `${lines.join('\n')}\n`;
}

export const historyCommand: CommandDef = {
  path: ['history'],
  summary: 'List the recorded runs (run id, time, concepts per level, curation)',
  options: {
    json: { type: 'boolean', description: 'Print JSON (entries with their snapshot header)' },
    limit: { type: 'string', value: 'N', description: 'Only the last N runs' },
    ...CONFIG_OPTIONS,
    ...HELP_OPTION,
  },
  details: 'Snapshots live in taxonomy.history.dir (default artifacts/.runs/history, outside Nx outputs), at most taxonomy.history.max_runs and max_total_mb.',
  async run(args, ctx) {
    const { entries, settings } = await syncedHistory(args, ctx);
    const limitText = optionalString(args.values, 'limit');
    const limit = limitText === undefined ? null : Number(limitText);
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw usageError(`history --limit: expected a positive integer, got "${limitText}"`);
    const rows = [];
    for (const entry of limit === null ? entries : entries.slice(-limit)) rows.push({ entry, snapshot: await readSnapshot(entry.file) });
    if (args.values['json'] === true) {
      ctx.out(`${JSON.stringify(rows.map(({ entry, snapshot }) => ({ seq: entry.seq, run_id: snapshot.run_id, generated_at: snapshot.generated_at, recorded_at: snapshot.recorded_at, origin: snapshot.origin, environment: snapshot.environment, counts: snapshot.counts, curation: snapshot.curation.length, bytes: entry.bytes })), null, 2)}\n`);
      return;
    }
    ctx.out(formatHistory(rows, settings.dir));
  },
};

export const diffCommand: CommandDef = {
  path: ['diff'],
  summary: 'Compare two runs: concepts added, removed, moved, relabelled; settings and counters changed',
  options: {
    from: { type: 'string', value: 'RUN', description: 'Older run: #N, N, -N, previous, latest or a run id (prefix); default previous' },
    to: { type: 'string', value: 'RUN', description: 'Newer run (same forms); default latest' },
    json: { type: 'boolean', description: 'Print the diff as JSON' },
    ...CONFIG_OPTIONS,
    ...HELP_OPTION,
  },
  details: 'A concept whose id changed with its parent (ids below L0 carry a hash of the parent id) counts as moved when it is the only one of its level and label in both runs. to.total − from.total = added − removed.',
  async run(args, ctx) {
    const { entries } = await syncedHistory(args, ctx);
    if (entries.length < 2 && optionalString(args.values, 'from') === undefined) {
      throw usageError(`diff needs two runs; the history holds ${entries.length} (change a setting and build again, or pass --from/--to)`);
    }
    const from = resolveRunRef(optionalString(args.values, 'from') ?? 'previous', entries);
    const to = resolveRunRef(optionalString(args.values, 'to') ?? 'latest', entries);
    const diff = diffSnapshots(await readSnapshot(from.file), await readSnapshot(to.file), { from: from.seq, to: to.seq });
    ctx.out(args.values['json'] === true ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
  },
};

export const statusCommand: CommandDef = {
  path: ['status'],
  summary: 'Which tasks are stale for the current settings and inputs, and why (runs nothing)',
  options: { json: { type: 'boolean', description: 'Print JSON' }, ...CONFIG_OPTIONS, ...HELP_OPTION },
  details: 'Compares each task\'s recorded config hash and input checksums (metrics.json) with the settings and files now, S2 levels through their own settings view, and marks everything downstream of a stale task. -o and --env show what a build with them would re-run.',
  async run(args, ctx) {
    const environment = optionalString(args.values, 'env');
    const rows = await collectStaleness(ctx.root, {
      env: ctx.env,
      overrides: (args.values['override'] as string[] | undefined) ?? [],
      ...(environment === undefined ? {} : { environment }),
    });
    ctx.out(args.values['json'] === true ? `${JSON.stringify(rows, null, 2)}\n` : formatStaleness(rows));
  },
};
