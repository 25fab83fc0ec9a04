import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  ARTIFACT_DIRS,
  TaxonomyError,
  describeFile,
  findWorkspaceRoot,
  sourcePolicyHints,
  redactUrlCredentials,
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
import { allowedRealRoots, checkSourcePath } from './source-paths.ts';
import { unsafeCharacter } from './text-checks.ts';

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
    // The output folder may neither be nor hold a source or the manifest (`--output corpus/units` deleted its input).
    protect: planned.protect,
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
        'blocks_truncated_dropped', 'rows_duplicate', 'records_duplicate_id', 'records_unsafe_text',
        'pages_refused', 'pages_empty', 'pages_undecodable', 'pages_without_text',
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
          allowedRoots: planned.allowedRoots,
        };
        const result = await runLoader(loaderCtx, pageFiles);
        const levelRecords = byLevel.get(source.level)!;
        const policyHints = sourcePolicyHints(sourcePolicy(source));
        const hintKeys: HintKeyCache = { base: [], sorted: [] };
        let out = 0;
        for (const { record: extracted, order } of result.records) {
          const unsafe = unsafeRecordText(extracted);
          if (unsafe !== null) {
            // A NUL, control or bidi-override character is never data: the record is set aside, not cleaned.
            ctx.counters.increment('records_unsafe_text');
            const line = Number(extracted.meta.hints['line'] ?? Number.NaN);
            ctx.quarantine.add({ reason: `text: ${unsafe}`, file: ctx.relative(abs), line: Number.isInteger(line) && line > 0 ? line : null, raw: JSON.stringify(extracted.text).slice(0, 160) });
            continue;
          }
          const record = withRedactedUrl(extracted);
          const parent = record.parent_anchor ?? resolveDeclaredAnchor(source, record.provenance.institution);
          const id = stableId('r-', [source.id, record.provenance.institution, record.provenance.url ?? '', record.provenance.section ?? '', record.text, order]);
          if (levelRecords.has(id)) {
            ctx.counters.increment('records_duplicate_id');
            continue;
          }
          levelRecords.set(id, canonicalRecord(record, id, source.level, parent, policyHints, source.loader, hintKeys));
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

/** The first field of a record holding a character that is never data, as "field: reason", or null. */
function unsafeRecordText(record: SourceRecord): string | null {
  const text = unsafeCharacter(record.text);
  if (text !== null) return text;
  const named = (name: string, value: string | null | undefined): string | null => {
    const problem = value === null || value === undefined ? null : unsafeCharacter(value);
    return problem === null ? null : `${name}: ${problem}`;
  };
  return named('institution', record.provenance.institution) ?? named('section', record.provenance.section) ?? named('parent_anchor', record.parent_anchor);
}

const RECORD_KEYS = new Set(['id', 'level', 'meta', 'parent_anchor', 'provenance', 'text']);
const META_KEYS = new Set(['charset', 'hints', 'language']);
const PROVENANCE_KEYS = new Set(['fetched_at', 'institution', 'section', 'url']);

/** True when every own key of `value` is in `known` (so a literal of those keys loses nothing). */
function onlyKeys(value: object, known: ReadonlySet<string>): boolean {
  for (const key in value) if (!known.has(key)) return false;
  return true;
}

/** The sorted hint keys of the last record's hint layout (records of one page share one). */
interface HintKeyCache {
  base: string[];
  sorted: string[];
}

function sameKeys(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `value`'s own keys are exactly `keys`, in that order. */
function hasKeysInOrder(value: object, keys: ReadonlyArray<string>): boolean {
  let i = 0;
  for (const key in value) if (keys[i++] !== key) return false;
  return i === keys.length;
}

const PROVENANCE_ORDER = ['fetched_at', 'institution', 'section', 'url'];

/**
 * The S0 record `{ ...record, id, level, parent_anchor, meta: { ...record.meta, hints: { ...record.meta.hints,
 * ...policyHints, loader } } }`, built with its keys (and its hints' keys) already in sorted order, so the
 * JSONL writer serialises it without a sorted deep copy (100k records: the copy and its garbage were about a
 * fifth of S0's time); a provenance already in that order is shared, not copied. A record with keys outside
 * the schema's, or a `__proto__` hint, keeps the spread form: the writer then sorts it, so the bytes are the
 * same either way.
 */
function canonicalRecord(
  record: SourceRecord,
  id: string,
  level: number,
  parent: string | null,
  policyHints: Readonly<Record<string, string>>,
  loader: string,
  cache: HintKeyCache,
): SourceRecord {
  const { meta, provenance } = record;
  const base = meta.hints;
  const baseKeys = Object.keys(base);
  if (!onlyKeys(record, RECORD_KEYS) || !onlyKeys(meta, META_KEYS) || !onlyKeys(provenance, PROVENANCE_KEYS) || baseKeys.includes('__proto__')) {
    return { ...record, id, level, parent_anchor: parent, meta: { ...meta, hints: { ...base, ...policyHints, loader } } };
  }
  if (!sameKeys(baseKeys, cache.base)) {
    cache.base = baseKeys;
    cache.sorted = [...new Set([...baseKeys, ...Object.keys(policyHints), 'loader'])].sort();
  }
  const hints: Record<string, string> = {};
  // Later spreads win: loader over the policy hints over the record's own.
  for (const key of cache.sorted) hints[key] = key === 'loader' ? loader : Object.hasOwn(policyHints, key) ? policyHints[key]! : base[key]!;
  return {
    id,
    level,
    meta: { charset: meta.charset, hints, language: meta.language },
    parent_anchor: parent,
    provenance: hasKeysInOrder(provenance, PROVENANCE_ORDER)
      ? provenance
      : { fetched_at: provenance.fetched_at, institution: provenance.institution, section: provenance.section, url: provenance.url },
    text: record.text,
  } as SourceRecord;
}

/** The record with credentials removed from its URL (`https://user:pw@host/…` must not reach an artifact). */
function withRedactedUrl(record: SourceRecord): SourceRecord {
  const url = record.provenance.url;
  if (url === null) return record;
  const clean = redactUrlCredentials(url);
  return clean === url ? record : { ...record, provenance: { ...record.provenance, url: clean } };
}

interface PlannedSources {
  sources: Source[];
  manifestRel: string | null;
  /** Real paths sources may be read below: the workspace and the manifest's `allowed_roots`. */
  allowedRoots: string[];
  /** Every source path and the manifest: the output folder may hold none of them. */
  protect: string[];
}

/**
 * The sources to read (manifest or ad-hoc input), every path checked before anything is read: it exists,
 * its real path is inside the workspace or an allowed root, it is a regular file (a folder for html-folder)
 * and not over `s0.max_source_bytes`. An ad-hoc `--input` is allowed where it is: the operator named it.
 */
async function planSources(root: string, options: RunS0TaskOptions): Promise<PlannedSources> {
  let sources: Source[];
  let manifestRel: string | null = null;
  let allowed: string[] = [];
  const config = loadConfig({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
  if (options.input !== undefined) {
    sources = [await adHocSource(root, options.input)];
    const real = realpathSync(resolve(root, options.input.path));
    allowed = [(await stat(real)).isDirectory() ? real : dirname(real)];
  } else {
    manifestRel = options.manifest ?? config.config.s0.sources_manifest;
    const manifest = await loadSourcesManifest(resolve(root, manifestRel), manifestRel);
    sources = manifest.sources.filter((s) => options.level === undefined || s.level === options.level);
    allowed = manifest.allowed_roots;
  }
  for (const source of sources) {
    checkSourcePath(root, source, { allowedRoots: allowed, maxBytes: config.config.s0.max_source_bytes });
  }
  const protect = [...sources.map((s) => resolve(root, s.path)), ...(manifestRel === null ? [] : [resolve(root, manifestRel)])];
  return { sources, manifestRel, allowedRoots: allowedRealRoots(root, allowed), protect };
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
