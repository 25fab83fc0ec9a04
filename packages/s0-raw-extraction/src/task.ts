import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import {
  ARTIFACT_DIRS,
  TaxonomyError,
  describeFile,
  findWorkspaceRoot,
  sourcePolicyHints,
  stableId,
  writeJsonFile,
  writeJsonl,
  type ArtifactRef,
  type PhaseMetrics,
  type SourceRecord,
} from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { runPhaseTask } from '@taxonomy/observability';
import { compileBoilerplate, compileHeaderPatterns } from './filters.ts';
import {
  extractPages,
  inferLoader,
  loadCsv,
  loadHtmlFolder,
  loadInstitutionUnitList,
  loadSourceRecordsJsonl,
  loadXlsx,
  readPageFile,
  type LoaderContext,
  type LoaderResult,
  type PageFile,
} from './loaders/index.ts';
import { LOADERS, SourceSchema, loadSourcesManifest, resolveDeclaredAnchor, sourcePolicy, type LoaderName, type Source } from './manifest.ts';

export const LEVELS = [0, 1, 2, 3] as const;

export interface RunS0TaskOptions {
  /** Sources manifest relative to the root (default: config `s0.sources_manifest`). */
  manifest?: string;
  /** Workspace root (default: found from the working directory). */
  root?: string;
  /** Output folder, relative to the root or absolute (default `artifacts/s0`). */
  outDir?: string;
  /** `slice.key=value` config overrides. */
  overrides?: string[];
  /** One ad-hoc source instead of the manifest (`taxonomy generate --step S0 --input PATH`). */
  input?: { path: string; level: number; loader?: string; institution?: string };
  /** Only the sources of this level, as the task `s0:level-N`: records go straight into `outDir` (default `artifacts/s0/level-N`). */
  level?: number;
}

/** What `index.json` says about one source. */
export interface SourceIndexEntry {
  id: string;
  loader: LoaderName;
  /** `authoritative` sources skip S2's frequency gate; see the sources manifest. */
  trust: Source['trust'];
  path: string;
  level: number;
  records_in: number;
  records_out: number;
  quarantined: number;
  files: string[];
}

export interface S0TaskResult {
  metrics: PhaseMetrics;
  index: { manifest: string | null; sources: SourceIndexEntry[]; levels: Record<string, { records: number; sources: string[]; files: string[] }> };
}

/**
 * The `s0:extract` task: reads every source of the manifest (or one ad-hoc input), turns it into
 * SourceRecords with stable ids, levels and declared parent anchors, and writes
 * `level-N/records-*.jsonl` (sorted by id, sharded) and `index.json`. Bad items are quarantined, never fatal;
 * a missing input is INPUT_NOT_FOUND.
 */
export async function runS0Task(options: RunS0TaskOptions = {}): Promise<S0TaskResult> {
  const root = resolve(options.root ?? findWorkspaceRoot());
  const outRel = options.outDir === undefined ? (options.level === undefined ? ARTIFACT_DIRS.s0 : ARTIFACT_DIRS.s0Level(options.level)) : isAbsolute(options.outDir) ? relative(root, options.outDir) : options.outDir;
  // Inputs are checked before the phase starts, so a typo fails with one line and leaves the last artifacts alone.
  const planned = await planSources(root, options);
  let index: S0TaskResult['index'] | null = null;
  const metrics = await runPhaseTask({
    task: options.level === undefined ? 's0:extract' : `s0:level-${options.level}`,
    phase: 'S0',
    level: options.level ?? null,
    slices: ['s0'],
    outDir: outRel,
    root,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    run: async (ctx) => {
      const settings = ctx.config.s0;
      const inputs = new Map<string, ArtifactRef>();
      const { sources, manifestRel } = planned;
      if (manifestRel !== null) {
        const manifestPath = resolve(root, manifestRel);
        inputs.set(manifestPath, await describeFile(manifestPath, root));
      }
      const page = {
        settings,
        boilerplate: compileBoilerplate(settings.boilerplate_patterns),
        headerPatterns: compileHeaderPatterns(settings.segmentation.header_patterns),
        counters: ctx.counters,
      };
      ctx.counters.declare(
        'pages_seen', 'pages_failed', 'pages_emitted', 'pages_skipped_status', 'language_skipped', 'blocks_total', 'blocks_kept',
        'blocks_headers', 'boilerplate_lines_removed', 'editorial_lines_removed', 'blocks_filtered_length', 'blocks_deduped',
        'blocks_truncated_dropped', 'rows_duplicate', 'records_duplicate_id',
        ...LEVELS.map((l) => `records_out_level_${l}`),
      );
      const pageFiles = new Map<string, PageFile>();
      const byLevel = new Map<number, Map<string, SourceRecord>>(LEVELS.map((l) => [l, new Map()]));
      const entries: SourceIndexEntry[] = [];
      for (const source of sources) {
        const abs = resolve(root, source.path);
        const before = ctx.quarantine.size;
        const loaderCtx: LoaderContext = {
          root,
          path: abs,
          source,
          settings,
          page,
          counters: ctx.counters,
          quarantine: ctx.quarantine,
          log: ctx.log.child({ source: source.id }),
          relative: ctx.relative,
        };
        const result = await runLoader(loaderCtx, pageFiles);
        const levelRecords = byLevel.get(source.level)!;
        let out = 0;
        for (const { record, order } of result.records) {
          const parent = record.parent_anchor ?? resolveDeclaredAnchor(source, record.provenance.institution);
          const id = stableId('r-', [source.id, record.provenance.institution, record.provenance.url ?? '', record.provenance.section ?? '', record.text, order]);
          if (levelRecords.has(id)) {
            ctx.counters.increment('records_duplicate_id');
            continue;
          }
          const hints = { ...record.meta.hints, ...sourcePolicyHints(sourcePolicy(source)), loader: source.loader };
          levelRecords.set(id, { ...record, id, level: source.level, parent_anchor: parent, meta: { ...record.meta, hints } });
          out += 1;
        }
        for (const file of result.files) if (!inputs.has(file)) inputs.set(file, await describeFile(file, root));
        const entry: SourceIndexEntry = {
          id: source.id,
          loader: source.loader,
          trust: source.trust,
          path: source.path,
          level: source.level,
          records_in: result.itemsIn,
          records_out: out,
          quarantined: ctx.quarantine.size - before,
          files: result.files.map(ctx.relative).sort(),
        };
        entries.push(entry);
        ctx.log.info({ source: source.id, level: source.level, in: entry.records_in, out, quarantined: entry.quarantined }, `source ${source.id} read`);
      }
      const outputs: ArtifactRef[] = [];
      const levels: S0TaskResult['index']['levels'] = {};
      for (const level of options.level === undefined ? LEVELS : [options.level]) {
        const records = [...byLevel.get(level)!.values()];
        ctx.counters.set(`records_out_level_${level}`, records.length);
        const refs = await writeJsonl({
          dir: options.level === undefined ? join(ctx.outDir, `level-${level}`) : ctx.outDir,
          name: 'records',
          items: records,
          sortKey: (r) => r.id ?? '',
          shardSize: settings.shard_size,
          relativeTo: root,
        });
        outputs.push(...refs);
        levels[String(level)] = {
          records: records.length,
          sources: entries.filter((e) => e.level === level).map((e) => e.id),
          files: refs.map((r) => relative(ctx.outDir, resolve(root, r.path))),
        };
      }
      index = { manifest: manifestRel, sources: entries, levels };
      outputs.push(await writeJsonFile(join(ctx.outDir, 'index.json'), index, root));
      const summary = Object.entries(levels).map(([l, v]) => `L${l} ${v.records}`).join(', ');
      return {
        inputs: [...inputs.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
        outputs,
        summary: `${options.level === undefined ? 's0:extract' : `s0:level-${options.level}`} wrote ${summary} records from ${entries.length} source(s)`,
      };
    },
  });
  return { metrics, index: index! };
}

/** The sources to read (manifest or ad-hoc input), every path checked to exist. */
async function planSources(root: string, options: RunS0TaskOptions): Promise<{ sources: Source[]; manifestRel: string | null }> {
  let sources: Source[];
  let manifestRel: string | null = null;
  if (options.input !== undefined) {
    sources = [await adHocSource(root, options.input)];
  } else {
    const config = loadConfig({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
    manifestRel = options.manifest ?? config.config.s0.sources_manifest;
    sources = (await loadSourcesManifest(resolve(root, manifestRel), manifestRel)).sources.filter((s) => options.level === undefined || s.level === options.level);
  }
  for (const source of sources) {
    if ((await stat(resolve(root, source.path)).catch(() => null)) === null) {
      throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${source.path}`);
    }
  }
  return { sources, manifestRel };
}

async function runLoader(ctx: LoaderContext, pageFiles: Map<string, PageFile>): Promise<LoaderResult> {
  switch (ctx.source.loader) {
    case 'source-records-jsonl':
      return loadSourceRecordsJsonl(ctx);
    case 'page-snapshots-jsonl': {
      let file = pageFiles.get(ctx.path);
      if (file === undefined) {
        // A page file shared by several sources is read (and its bad lines quarantined) once.
        file = await readPageFile(ctx.path, ctx.settings.max_line_bytes);
        pageFiles.set(ctx.path, file);
        for (const bad of file.bad) ctx.quarantine.addBadLine({ ...bad, file: ctx.relative(bad.file) });
      }
      return extractPages(file, ctx);
    }
    case 'csv':
      return loadCsv(ctx);
    case 'xlsx':
      return loadXlsx(ctx);
    case 'institution-unit-list':
      return loadInstitutionUnitList(ctx);
    case 'html-folder':
      return loadHtmlFolder(ctx);
  }
}

/** The one source an ad-hoc `--input` describes; the loader is inferred from the path when not given. */
async function adHocSource(root: string, input: NonNullable<RunS0TaskOptions['input']>): Promise<Source> {
  const abs = resolve(root, input.path);
  if ((await stat(abs).catch(() => null)) === null) throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${input.path}`);
  if (input.loader !== undefined && !(LOADERS as readonly string[]).includes(input.loader)) {
    throw new TaxonomyError('USAGE', `unknown loader "${input.loader}" (loaders: ${LOADERS.join(', ')})`);
  }
  const loader = (input.loader as LoaderName | undefined) ?? (await inferLoader(abs));
  const id = basename(abs).toLowerCase().replace(/[^a-z0-9._-]+/gu, '-').replace(/^[^a-z0-9]+/u, '') || 'input';
  const parsed = SourceSchema.safeParse({
    id,
    level: input.level,
    loader,
    path: relative(root, abs) || '.',
    ...(input.institution === undefined ? {} : { institution: input.institution }),
  });
  if (!parsed.success) throw new TaxonomyError('USAGE', `--input ${input.path}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
