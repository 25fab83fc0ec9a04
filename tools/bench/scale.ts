// The scale simulation behind `npm run bench -- --institutions N[,M…] [--shards K] [--extrapolate T]`:
// per size, a generated corpus of N institutions (scale-corpus.ts) in a temp workspace, every task run
// uncached in its own process (run-phase.ts: wall time, CPU time, peak RSS), the bytes each task wrote;
// then how each grows with the number of institutions and which task gives out first (scale-report.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { PhaseMetricsSchema, TaxonomyError } from '@taxonomy/core';
import { buildTasksFor, taskId } from '@taxonomy/taxonomy';
import { LOADER_BY_FORMAT, patchedConfig, readSeedStrings, runPhaseArgs, type ChildReport } from './corpus.ts';
import { generateScaleCorpus } from './scale-corpus.ts';
import { formatScaleReport, type ScaleResults, type ScaleRun, type ScaleTask } from './scale-report.ts';

export interface ScaleTaskSpec {
  task: string;
  phase: string;
  level: number | null;
  dir: string;
  /** The partition a shard task of S1 works on (s1.shards > 1). */
  shard?: number;
}

/**
 * The tasks of one build, in graph order. With `shards` > 1 (s1.shards) level N's S1 is its partition task,
 * the `s1:level-N-shard-k` tasks (run-phase.ts takes the shard as its fifth argument) and the merge step.
 */
export function scaleTasks(shards: number): ScaleTaskSpec[] {
  if (!Number.isInteger(shards) || shards < 1) throw new TaxonomyError('USAGE', `--shards must be an integer ≥ 1 (got ${shards})`);
  // Every task of the build graph for s1.shards = K, in its order (packages/taxonomy/src/build-graph.json): with K > 1
  // level N's S1 is a partition task, K shard tasks and the merge step s1:level-N. The crawl has nothing to fetch.
  return buildTasksFor(shards)
    .filter((t) => t.phase !== 'crawl')
    .map((t) => ({ task: taskId(t), phase: t.phase, level: t.level, dir: t.dir, ...(t.shard === undefined ? {} : { shard: t.shard }) }));
}

/** Parses `--institutions`: one size N runs N/10 and N (two points for a growth exponent); a list runs those sizes. */
export function parseInstitutionSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 10)) {
    throw new TaxonomyError('USAGE', `--institutions must be an integer ≥ 10 or a comma-separated list of them (got ${text})`);
  }
  const ladder = sizes.length === 1 ? [Math.max(10, Math.round(sizes[0]! / 10)), sizes[0]!] : sizes;
  return [...new Set(ladder)].sort((a, b) => a - b);
}

function runTaskChild(repo: string, spec: ScaleTaskSpec, root: string): Promise<ChildReport | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...runPhaseArgs(repo), spec.task, spec.phase, spec.level === null ? '-' : String(spec.level), root, ...(spec.shard === undefined ? [] : [String(spec.shard)])], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let fatal: string | null = null;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      // V8's out-of-memory line comes before a long native stack trace: keep it wherever it falls.
      fatal ??= /FATAL ERROR: [^\n]*/u.exec(text)?.[0] ?? null;
      stderr = (stderr + text).slice(-4000);
    });
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ChildReport);
      else {
        const line = stderr.trim().split('\n').filter((l) => l.startsWith('taxonomy:')).at(-1);
        const how = signal === null ? `exit ${code}` : `killed by ${signal}`;
        resolve({ error: fatal !== null ? `${how}: ${fatal}` : (line ?? `${how}: ${stderr.trim().split('\n').at(-1) ?? ''}`) });
      }
    });
  });
}

/** Total bytes of the files under `dir` (0 when it does not exist). */
export async function folderBytes(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function recordsIn(root: string, dir: string): Promise<number | undefined> {
  const file = join(root, dir, 'metrics.json');
  if (!existsSync(file)) return undefined;
  const parsed = PhaseMetricsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) return undefined;
  const n = parsed.data.inputs.reduce((s, ref) => s + (ref.records ?? 0), 0);
  if (n > 0) return n;
  // The phase recorded no counts for its inputs: the lines of its JSONL inputs.
  let lines = 0;
  for (const ref of parsed.data.inputs.filter((r) => r.path.endsWith('.jsonl'))) {
    const file = join(root, ref.path);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines += 1;
  }
  return lines > 0 ? lines : undefined;
}

const MB = 1024 * 1024;

/** One size: the workspace, the corpus, every task in order; the workspace is removed unless `keep`. */
export async function runScaleSize(repo: string, institutions: number, options: { seed: number; shards: number; keep: boolean }): Promise<ScaleRun> {
  const specs = scaleTasks(options.shards);
  const root = await mkdtemp(join(tmpdir(), `taxonomy-scale-${institutions}-`));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await patchedConfig(repo, root, {
    global: { log_level: 'warn' },
    llm: { provider: 'offline', cache_enabled: false },
    s1: { shards: options.shards },
  });
  const corpus = generateScaleCorpus(readSeedStrings(repo), institutions, options.seed);
  await mkdir(join(root, 'corpus', 'bench'), { recursive: true });
  let corpusBytes = 0;
  for (const [name, body] of Object.entries(corpus.files)) {
    await writeFile(join(root, 'corpus', 'bench', name), body);
    corpusBytes += Buffer.byteLength(body);
  }
  const manifest = { sources: corpus.sources.map((s) => ({ id: `scale-level-${s.level}`, level: s.level, path: `corpus/bench/${s.path}`, loader: LOADER_BY_FORMAT[s.format] })) };
  await writeFile(join(root, 'corpus', 'sources.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const tasks: ScaleTask[] = [];
  let blocked: string | null = null;
  for (const spec of specs) {
    if (blocked !== null) {
      tasks.push({ task: spec.task, status: 'skipped', error: `upstream ${blocked} did not complete` });
      continue;
    }
    process.stderr.write(`scale ${institutions}: ${spec.task} …\n`);
    const report = await runTaskChild(repo, spec, root);
    if ('error' in report) {
      tasks.push({ task: spec.task, status: 'failed', error: report.error });
      blocked = spec.task;
      continue;
    }
    const items = corpus.itemsPerLevel.reduce((a, b) => a + b, 0);
    tasks.push({
      task: spec.task,
      status: 'ok',
      records_in: spec.phase === 'S0' ? items : await recordsIn(root, spec.dir),
      wall_s: report.ms / 1000,
      cpu_s: report.cpu_ms / 1000,
      peak_rss_mb: report.peak_rss_mb,
      rss_at_start_mb: report.rss_before_mb,
      output_mb: (await folderBytes(join(root, spec.dir))) / MB,
    });
  }
  if (options.keep) process.stderr.write(`scale ${institutions}: workspace kept at ${root}\n`);
  else await rm(root, { recursive: true, force: true });
  return { institutions, shards: options.shards, venues: corpus.venues.length, items_per_level: corpus.itemsPerLevel, corpus_mb: corpusBytes / MB, tasks };
}

/** The whole simulation; prints the report, writes artifacts/bench/scale-<sizes>.json; exit 1 when a task failed. */
export async function runScaleBench(repo: string, options: { institutions: string; shards: string; extrapolate: string; seed: number; keep: boolean }): Promise<number> {
  const sizes = parseInstitutionSizes(options.institutions);
  const shards = Number(options.shards);
  const target = Number(options.extrapolate);
  if (!Number.isInteger(target) || target < 1) throw new TaxonomyError('USAGE', `--extrapolate must be a positive integer (got ${options.extrapolate})`);
  scaleTasks(shards);
  const results: ScaleResults = {
    seed: options.seed,
    node: process.version,
    cpus: cpus().length,
    heap_limit_mb: getHeapStatistics().heap_size_limit / MB,
    extrapolate_to: target,
    runs: [],
  };
  const outDir = join(repo, 'artifacts', 'bench');
  await mkdir(outDir, { recursive: true });
  const out = join(outDir, `scale-${sizes.join('-')}.json`);
  for (const n of sizes) {
    results.runs.push(await runScaleSize(repo, n, { seed: options.seed, shards, keep: options.keep }));
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  }
  process.stdout.write(formatScaleReport(results));
  process.stdout.write(`\nresults: ${out.slice(repo.length + 1)}\n`);
  return results.runs.some((r) => r.tasks.some((t) => t.status !== 'ok')) ? 1 : 0;
}
