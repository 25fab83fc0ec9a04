import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import * as z from 'zod';
import { ARTIFACT_DIRS, TaxonomyError, findWorkspaceRoot, readJsonFile, sha256Hex, stableHash, writeJsonFile, type PhaseMetrics } from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { readPageFile } from './loaders/index.ts';
import { loadSourcesManifest, type Source } from './manifest.ts';
import { checkSourcePath } from './source-paths.ts';
import { LEVELS, runS0Task, type S0TaskResult } from './task.ts';

/**
 * What S0 level N reads of the sources: the manifest entries of that level and a digest of exactly the
 * content their loaders consume (for a page file shared by several levels, only the pages of the kinds a
 * source keeps, with their line numbers, and the file's bad lines). `s0:level-N` hashes this view and
 * nothing else of the sources, so a new call-for-papers page (level 3) in a page file that also holds
 * level-1 and level-2 pages re-runs only `s0:level-3`.
 */
export const S0SourceViewSchema = z.strictObject({
  level: z.number().int().min(0),
  manifest: z.string().describe('the sources manifest, relative to the root'),
  sources: z.array(z.strictObject({ source: z.record(z.string(), z.unknown()), content_sha256: z.string().regex(/^[0-9a-f]{64}$/u) })),
});
export type S0SourceView = z.infer<typeof S0SourceViewSchema>;

/** Every file the manifest names (whole-file SHA-256, relative paths): what the level tasks check their reads against. */
export const S0SourceFilesSchema = z.strictObject({ files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/u)) });
export type S0SourceFiles = z.infer<typeof S0SourceFilesSchema>;

export const S0_SOURCE_FILES = 'files.json';

export interface S0SourceViewsOptions {
  root: string;
  overrides?: ReadonlyArray<string>;
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (info === null) return [];
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of (await readdir(path)).sort()) out.push(...(await filesUnder(join(path, name))));
  return out;
}

/** The digest of what one source's loader reads (see S0SourceViewSchema). */
async function contentDigest(root: string, source: Source, maxLineBytes: number): Promise<string> {
  const abs = resolve(root, source.path);
  if (source.loader === 'page-snapshots-jsonl' && source.options.kinds !== null) {
    const kinds = source.options.kinds;
    const file = await readPageFile(abs, maxLineBytes);
    // The same selection as extractPages: pages whose metadata `kind` is one of the source's kinds.
    const pages = file.pages.filter(({ extra }) => typeof extra['kind'] === 'string' && kinds.includes(extra['kind']));
    return stableHash({ pages, bad: file.bad.map(({ line, reason, raw }) => ({ line, reason, raw })) });
  }
  const parts: string[] = [];
  for (const file of await filesUnder(abs)) parts.push(`${relative(root, file)}\u0000${sha256Hex(await readFile(file))}`);
  return sha256Hex(parts.join('\n'));
}

/** Each level's view of the sources, and the whole-file checksums of everything the manifest names. */
export async function planS0SourceViews(options: S0SourceViewsOptions): Promise<{ views: S0SourceView[]; files: S0SourceFiles }> {
  const root = resolve(options.root);
  const config = loadConfig({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) }).config;
  const manifestRel = config.s0.sources_manifest;
  const manifestPath = resolve(root, manifestRel);
  const { sources, allowed_roots: allowedRoots } = await loadSourcesManifest(manifestPath, manifestRel);
  const files: Record<string, string> = { [relative(root, manifestPath)]: sha256Hex(await readFile(manifestPath)) };
  for (const source of sources) {
    const abs = resolve(root, source.path);
    if (!existsSync(abs)) throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${source.path}`);
    // The same refusal as the level tasks, before a byte is read: a path outside the workspace, a device
    // (/dev/zero never ends) or a FIFO (blocks for ever) must fail here in one line, not hang s0:sources.
    checkSourcePath(root, source, { allowedRoots, maxBytes: config.s0.max_source_bytes });
    for (const file of await filesUnder(abs)) files[relative(root, file)] ??= sha256Hex(await readFile(file));
  }
  const views: S0SourceView[] = [];
  for (const level of LEVELS) {
    const own = sources.filter((s) => s.level === level);
    const entries: S0SourceView['sources'] = [];
    for (const source of own) entries.push({ source: source as unknown as Record<string, unknown>, content_sha256: await contentDigest(root, source, config.s0.max_line_bytes) });
    views.push({ level, manifest: manifestRel, sources: entries });
  }
  return { views, files: { files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } };
}

/**
 * The `s0:sources` task: writes `artifacts/s0/sources/level-N.json` (what `s0:level-N` hashes) and
 * `files.json` (what the level tasks check their reads against). Returns the files written.
 */
export async function writeS0SourceViews(options: S0SourceViewsOptions): Promise<string[]> {
  const root = resolve(options.root);
  const { views, files } = await planS0SourceViews(options);
  const dir = join(root, ARTIFACT_DIRS.s0Sources);
  const written: string[] = [];
  for (const view of views) {
    const file = join(dir, `level-${view.level}.json`);
    await writeJsonFile(file, view);
    written.push(file);
  }
  await writeJsonFile(join(dir, S0_SOURCE_FILES), files);
  written.push(join(dir, S0_SOURCE_FILES));
  return written;
}

export interface RunS0LevelTaskOptions {
  level: number;
  root?: string;
  overrides?: string[];
}

/**
 * The `s0:level-N` task: the S0 extraction of level N's sources alone, into `artifacts/s0/level-N`. It trusts
 * the view `s0:sources` wrote (what Nx hashed) only if the files it read are the ones the view was made of;
 * a source edited while the build ran fails the task instead of caching records under the wrong hash.
 */
export async function runS0LevelTask(options: RunS0LevelTaskOptions): Promise<S0TaskResult> {
  const root = resolve(options.root ?? findWorkspaceRoot());
  const filesPath = join(root, ARTIFACT_DIRS.s0Sources, S0_SOURCE_FILES);
  if (!existsSync(filesPath)) throw new TaxonomyError('ARTIFACT_MISSING', `${ARTIFACT_DIRS.s0Sources}/${S0_SOURCE_FILES} is missing: run s0:sources first`);
  const seen = (await readJsonFile(filesPath, S0SourceFilesSchema)).files;
  const result = await runS0Task({ root, level: options.level, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
  checkReads(result.metrics, seen);
  return result;
}

/** Fails when a file the task read differs from the one `s0:sources` described. */
function checkReads(metrics: PhaseMetrics, seen: Record<string, string>): void {
  const changed = metrics.inputs.filter((ref) => seen[ref.path] !== ref.sha256).map((ref) => ref.path);
  if (changed.length > 0) {
    throw new TaxonomyError(
      'INPUT_INVALID',
      `${changed.join(', ')} changed after s0:sources described the sources (edited while the build ran?): build again`,
    );
  }
}
