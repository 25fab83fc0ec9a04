import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_DIRS, PhaseMetricsSchema, RunManifestSchema, sha256Hex, stableHash, stableStringify, type PhaseMetrics } from '@taxonomy/core';
import { loadConfig, redactConfig, type Config, type LoadConfigOptions, type SliceName } from '@taxonomy/config';
import { CURATION_FILE } from '@taxonomy/curation';
import { BUILD_LEVELS, buildTasksFor, taskId, type GraphTask } from '../commands/task-graph.ts';
import { loadS0, loadS2 } from '../commands/phase-modules.ts';
import { flattenSettings } from '../history/diff.ts';

/** The config slices each task resolves (what `runPhaseTask` hashes into `metrics.config_hash`). */
export const TASK_SLICES: Readonly<Record<string, ReadonlyArray<SliceName>>> = {
  crawl: ['crawl'],
  s0: ['s0'],
  s1: ['s1', 'llm'],
  s2: ['s2'],
  s3: ['s3', 'llm'],
  postprocess: ['postprocess', 'llm'],
  placement: ['placement'],
  curation: [],
  hierarchy: ['hierarchy'],
  taxonomy: ['taxonomy'],
};

export const TASK_STATES = ['fresh', 'stale', 'missing'] as const;

export interface TaskStaleness {
  task: string;
  /** fresh: settings and inputs as when it ran; stale: it would run again; missing: it never completed. */
  state: (typeof TASK_STATES)[number];
  reasons: string[];
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The config hash a task would record now (same picking and redaction as `runPhaseTask`). */
export function configHashFor(config: Readonly<Config>, slices: ReadonlyArray<SliceName>): string {
  const picked: Record<string, unknown> = { global: config.global };
  for (const slice of slices) picked[slice] = config[slice];
  return stableHash(redactConfig(picked as Partial<Config>));
}

/** Dotted settings that differ between the last build's config and now, within the given slices. */
function changedSettings(before: Record<string, unknown> | null, now: Readonly<Config>, slices: ReadonlyArray<string>): string[] {
  if (before === null) return [];
  const out: string[] = [];
  for (const slice of slices) {
    const a = flattenSettings(before[slice] ?? {}, slice);
    const b = flattenSettings(redactConfig({ [slice]: now[slice as SliceName] } as Partial<Config>)[slice] ?? {}, slice);
    for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = JSON.stringify(a.get(key) ?? null);
      const y = JSON.stringify(b.get(key) ?? null);
      if (x !== y) out.push(`${key} ${x} → ${y}`);
    }
  }
  return out;
}

export interface CollectStalenessOptions extends Pick<LoadConfigOptions, 'env' | 'environment' | 'overrides'> {
  tasks?: ReadonlyArray<GraphTask>;
}

/**
 * Which tasks would run again for the current settings and inputs, and why, without running anything:
 * each task's `metrics.json` records its config hash and the checksum of every file it read; a task
 * whose hash or inputs differ now is stale, and so is everything downstream of a stale task. S2 levels
 * compare their own settings view (as Nx does), so a level-2 threshold leaves S2 levels 0, 1 and 3 fresh.
 * Code changes are not covered (Nx's hash and `nx affected` see them).
 */
export async function collectStaleness(root: string, options: CollectStalenessOptions = {}): Promise<TaskStaleness[]> {
  const resolved = loadConfig({ root, ...(options.env === undefined ? {} : { env: options.env }), ...(options.environment === undefined ? {} : { environment: options.environment }), ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
  const config = resolved.config;
  const manifest = RunManifestSchema.safeParse(await readJson(join(root, ARTIFACT_DIRS.taxonomy, 'manifest.json')));
  const lastConfig = manifest.success ? manifest.data.config : null;
  const tasks = options.tasks ?? buildTasksFor(config.s1.shards);
  const state = new Map<string, TaskStaleness>();
  const s2 = await loadS2();
  /** S2 level N: its settings view now vs the one on disk (what s2:level-N was built with). */
  const viewChange = async (level: number): Promise<string | null> => {
    const file = join(ARTIFACT_DIRS.s2Settings, `level-${level}.json`);
    const disk = await readJson(join(root, file));
    const now = stableStringify(s2.s2SettingsForLevel(config.s2, level));
    if (disk === null) return `${file} does not exist yet`;
    return stableStringify(disk) === now ? null : `its settings view ${file} changes`;
  };
  /** S0 level N: its view of the sources now vs the one on disk (what s0:level-N hashed), computed once. */
  let s0Views: Promise<Map<number, string> | string> | null = null;
  const s0ViewChange = async (level: number): Promise<string | null> => {
    s0Views ??= (async () => {
      try {
        const { views } = await (await loadS0()).planS0SourceViews({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
        return new Map(views.map((v) => [v.level, stableStringify(v)]));
      } catch (err) {
        return `the sources cannot be read: ${err instanceof Error ? err.message : String(err)}`;
      }
    })();
    const now = await s0Views;
    if (typeof now === 'string') return now;
    const file = join(ARTIFACT_DIRS.s0Sources, `level-${level}.json`);
    const disk = await readJson(join(root, file));
    if (disk === null) return `${file} does not exist yet`;
    return stableStringify(disk) === now.get(level) ? null : `its view of the sources ${file} changes`;
  };
  const settingsDetail = (slices: ReadonlyArray<string>) => {
    const changed = changedSettings(lastConfig, config, slices);
    return changed.length === 0 ? `settings of ${slices.join(', ')} changed` : `settings changed: ${changed.join('; ')}`;
  };

  for (const task of tasks) {
    const id = taskId(task);
    const reasons: string[] = [];
    let missing = false;
    const isS2Level = task.project === 's2' && task.target.startsWith('level-');
    const isS0Level = task.project === 's0' && task.level !== null;
    const level = task.level;

    if (task.helper === true && id === 's2:settings') {
      const changed: number[] = [];
      for (const l of [0, 1, 2, 3]) if ((await viewChange(l)) !== null) changed.push(l);
      if (!existsSync(join(root, task.dir))) missing = true;
      else if (changed.length > 0) reasons.push(`${settingsDetail(['global', 's2'])} (the view of level ${changed.join(', ')} changes)`);
    } else if (task.helper === true && id === 's0:sources') {
      const changed: number[] = [];
      for (const l of BUILD_LEVELS) if ((await s0ViewChange(l)) !== null) changed.push(l);
      if (!existsSync(join(root, task.dir))) missing = true;
      else if (changed.length > 0) reasons.push(`the sources of level ${changed.join(', ')} changed`);
    } else {
      const parsed = PhaseMetricsSchema.safeParse(await readJson(join(root, task.dir, 'metrics.json')));
      const metrics: PhaseMetrics | null = parsed.success ? parsed.data : null;
      if (metrics === null) missing = true;
      else {
        if (isS2Level) {
          const view = await viewChange(level!);
          if (view !== null) reasons.push(`${view}: ${settingsDetail(['s2'])}`);
          const global = changedSettings(lastConfig, config, ['global']);
          if (global.length > 0) reasons.push(`settings changed: ${global.join('; ')}`);
        } else {
          const slices = TASK_SLICES[task.project] ?? [];
          if (configHashFor(config, slices) !== metrics.config_hash) reasons.push(settingsDetail(['global', ...slices]));
        }
        // S0 levels are judged by their own view of the sources (what Nx hashes), not by the whole files they read.
        if (isS0Level) {
          const view = await s0ViewChange(level!);
          if (view !== null) reasons.push(view);
        }
        // An upstream file that differs means the upstream task re-ran without this one (its staleness also propagates below).
        for (const ref of isS0Level ? [] : metrics.inputs) {
          const abs = join(root, ref.path);
          if (!existsSync(abs)) reasons.push(`input ${ref.path} is gone`);
          else if (sha256Hex(await readFile(abs)) !== ref.sha256) reasons.push(`input ${ref.path} changed since this task ran`);
        }
        if (task.project === 'curation' && !metrics.inputs.some((r) => r.path === CURATION_FILE) && existsSync(join(root, CURATION_FILE))) {
          reasons.push(`${CURATION_FILE} was created`);
        }
      }
    }
    for (const dep of task.dependsOn) {
      if ((dep === 's2:settings' && isS2Level) || (dep === 's0:sources' && isS0Level)) continue; // judged by the level's own view above
      const upstream = state.get(dep);
      if (upstream !== undefined && upstream.state !== 'fresh') reasons.push(`upstream ${dep} is ${upstream.state}`);
    }
    state.set(id, { task: id, state: missing ? 'missing' : reasons.length > 0 ? 'stale' : 'fresh', reasons: [...new Set(reasons)] });
  }
  return tasks.map((t) => state.get(taskId(t))!);
}

/** The status table: one line per task, the reasons under stale ones. */
export function formatStaleness(rows: ReadonlyArray<TaskStaleness>): string {
  const lines = [`${'task'.padEnd(20)} ${'state'.padEnd(8)} why`];
  for (const row of rows) {
    const [first, ...rest] = row.reasons;
    lines.push(`${row.task.padEnd(20)} ${row.state.padEnd(8)} ${row.state === 'missing' ? 'no complete output yet' : (first ?? '')}`.trimEnd());
    for (const r of rest) lines.push(`${''.padEnd(29)} ${r}`);
  }
  const stale = rows.filter((r) => r.state !== 'fresh');
  lines.push(
    '',
    stale.length === 0
      ? `all ${rows.length} tasks are up to date with the current settings and inputs`
      : `${stale.length} of ${rows.length} tasks would run again: ${stale.map((r) => r.task).join(', ')}`,
    'nothing was run; `npx nx run taxonomy:finalize` rebuilds them (a task whose re-run writes the same data leaves its dependents cached). Code changes are not compared here: Nx and `nx affected` see them.',
  );
  return `${lines.join('\n')}\n`;
}
