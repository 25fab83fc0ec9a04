import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PhaseMetricsSchema, type ArtifactRef, type PhaseMetrics } from './entities.ts';
import { sortKeysDeep } from './hashing.ts';
import { ONE_SHOT_PARSE } from './one-shot-parse.ts';
import { rememberVerifiedChecksum } from './verified-checksums.ts';

/**
 * Content-checked inputs (the way DVC checks its cache): a task folder's `metrics.json` lists every file
 * the task wrote with its sha256, so a reader can tell an intact folder from one that was edited,
 * truncated, partly copied or restored from a damaged cache entry before it uses a single line.
 */

/** What is wrong with one folder, first problem first; each problem names one file. */
export interface ArtifactCheck {
  /** The folder holding `metrics.json` (absolute). */
  folder: string;
  metrics: PhaseMetrics | null;
  problems: string[];
  /** Files whose checksum was verified. */
  verified: number;
}

export interface VerifyArtifactOptions {
  /** Workspace root: metrics paths are relative to it. */
  root: string;
  /** File names besides `metrics.json` a folder may hold without being listed (finalize's `manifest.json`). */
  unlisted?: ReadonlyArray<string>;
  /**
   * The files whose checksums matter (a task's inputs; a folder stands for the listed files under it): only
   * those are hashed, and each file must be listed. Default: every listed file. The folder is still checked
   * for files it does not list.
   */
  files?: ReadonlyArray<string>;
  /** false: check only that the folder holds what its metrics list (no hashing), e.g. before replacing it. */
  checksums?: boolean;
}

/** sha256 of a file, read in chunks (forEachChunk). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  forEachChunk(path, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

const chunkBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * Reads a file in 1 MiB chunks of one reused buffer, synchronously: what hashing a task's inputs and outputs needs.
 * A read stream allocates a buffer per chunk and takes a thread-pool round trip for each (finalize, which hashes
 * every phase folder, waited ≈ 0.15 s on them); the chunk passed to `use` is valid only during the call, and `use`
 * must not read a file with it.
 */
export function forEachChunk(path: string, use: (chunk: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, chunkBuffer, 0, chunkBuffer.length, null); n > 0; n = readSync(fd, chunkBuffer, 0, chunkBuffer.length, null)) use(chunkBuffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

function display(root: string, path: string): string {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/**
 * The task folder a path belongs to: the path itself when it holds `metrics.json`, else the nearest parent
 * that does (S1 reads `artifacts/s0/level-N`, whose metrics live in `artifacts/s0`), else the path itself
 * (for a file, the folder it lies in).
 */
export function artifactFolderOf(path: string, root: string): string {
  const start = resolve(root, path);
  // A file read (S2 reads S1's candidates files) belongs to the folder it lies in or one above.
  const base = statSync(start, { throwIfNoEntry: false })?.isFile() === true ? dirname(start) : start;
  let dir = base;
  for (let depth = 0; depth < 3; depth += 1) {
    if (existsSync(join(dir, 'metrics.json'))) return dir;
    const up = dirname(dir);
    if (up === dir || !(`${up}${sep}`.startsWith(`${resolve(root)}${sep}`) || up === resolve(root))) break;
    dir = up;
  }
  return base;
}

/**
 * Verifies one task folder against its `metrics.json`: the file exists and parses; every output it lists
 * exists with the recorded sha256; the folder holds no file it does not list. Nothing is thrown: the
 * caller decides (a task fails, `manage status` reports).
 */
export async function verifyArtifactFolder(folder: string, options: VerifyArtifactOptions): Promise<ArtifactCheck> {
  const root = resolve(options.root);
  const abs = resolve(root, folder);
  const metricsPath = join(abs, 'metrics.json');
  const result: ArtifactCheck = { folder: abs, metrics: null, problems: [], verified: 0 };
  const info = await stat(abs).catch(() => null);
  if (info === null) {
    result.problems.push(`${display(root, abs)}: missing`);
    return result;
  }
  const text = await readFile(metricsPath, 'utf8').catch(() => null);
  if (text === null) {
    result.problems.push(`${display(root, metricsPath)}: missing, so nothing in ${display(root, abs)} can be checked (a task that did not finish, or files put there by hand)`);
    return result;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = PhaseMetricsSchema.safeParse(json, ONE_SHOT_PARSE);
  if (!parsed.success) {
    result.problems.push(`${display(root, metricsPath)}: not a valid metrics file`);
    return result;
  }
  result.metrics = parsed.data;
  const listed = new Set<string>();
  const wanted = options.files === undefined ? null : [...new Set(options.files.map((f) => resolve(root, f)))].sort();
  const covers = (w: string, path: string) => path === w || path.startsWith(`${w}${sep}`);
  const isWanted = (path: string) => wanted === null || wanted.some((w) => covers(w, path));
  for (const ref of parsed.data.outputs) {
    const path = resolve(root, ref.path);
    listed.add(path);
    if (!`${path}`.startsWith(`${abs}${sep}`)) {
      result.problems.push(`${display(root, metricsPath)}: lists ${ref.path}, outside ${display(root, abs)} (the folder was moved or copied)`);
      continue;
    }
    if (options.checksums === false || !isWanted(path)) {
      if (!existsSync(path)) result.problems.push(`${display(root, path)}: missing (listed in ${display(root, metricsPath)})`);
      continue;
    }
    const actual = await sha256File(path).catch(() => null);
    if (actual === null) {
      result.problems.push(`${display(root, path)}: missing (listed in ${display(root, metricsPath)})`);
      continue;
    }
    if (actual !== ref.sha256) {
      result.problems.push(
        `${display(root, path)}: sha256 ${actual.slice(0, 12)}… differs from ${ref.sha256.slice(0, 12)}… recorded in ${display(root, metricsPath)} (edited, truncated or restored from a damaged cache entry)`,
      );
      continue;
    }
    rememberVerifiedChecksum(path, actual);
    result.verified += 1;
  }
  for (const w of wanted ?? []) {
    if ([...listed].some((path) => covers(w, path)) || (await stat(w).catch(() => null))?.isDirectory() === true) continue;
    result.problems.push(`${display(root, w)}: not listed in ${display(root, metricsPath)}, so it cannot be checked`);
  }
  const allowed = new Set(['metrics.json', ...(options.unlisted ?? [])]);
  for (const file of (await listFiles(abs)).sort()) {
    if (listed.has(file) || allowed.has(file.slice(abs.length + 1).split(sep).join('/'))) continue;
    result.problems.push(`${display(root, file)}: not written by the task (not listed in ${display(root, metricsPath)})`);
  }
  return result;
}

export interface SealOptions {
  root: string;
  /** Fields of the metrics to write; `outputs` is always computed from the folder. */
  metrics?: Partial<Omit<PhaseMetrics, 'outputs'>>;
}

/**
 * Writes `metrics.json` for a folder whose files were not written by a task (test fixtures, data imported
 * by hand): every file is listed with its sha256, so tasks accept the folder as checked input. Returns
 * the metrics written.
 */
export async function sealArtifactFolder(folder: string, options: SealOptions): Promise<PhaseMetrics> {
  const root = resolve(options.root);
  const abs = resolve(root, folder);
  const outputs: ArtifactRef[] = [];
  for (const file of (await listFiles(abs)).sort()) {
    if (file === join(abs, 'metrics.json')) continue;
    const body = await readFile(file);
    let lines = 0;
    for (let i = body.indexOf(0x0a); i !== -1; i = body.indexOf(0x0a, i + 1)) lines += 1;
    if (body.length > 0 && body[body.length - 1] !== 0x0a) lines += 1;
    outputs.push({ path: display(root, file), sha256: createHash('sha256').update(body).digest('hex'), records: file.endsWith('.jsonl') ? lines : null });
  }
  const metrics = PhaseMetricsSchema.parse(
    {
      phase: 'imported',
      level: null,
      policy_version: 'imported',
      config_hash: '',
      counters: {},
      inputs: [],
      llm: null,
      ...options.metrics,
      outputs,
    },
    ONE_SHOT_PARSE,
  );
  await writeFile(join(abs, 'metrics.json'), `${JSON.stringify(sortKeysDeep(metrics), null, 2)}\n`);
  return metrics;
}
