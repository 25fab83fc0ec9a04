// `npm run bench`: scaled corpus → every phase uncached on a temp workspace → a table per phase, the
// dedup bench and the LLM throughput bench; results also in artifacts/bench/results.json.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PhaseMetricsSchema, TaxonomyError, findWorkspaceRoot, type PhaseMetrics } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { BUILD_TASKS, taskId } from '@taxonomy/taxonomy';
import { baselineJsonlPass } from './baseline.ts';
import { LOADER_BY_FORMAT, generateBenchCorpus, runPhaseArgs, patchedConfig, readSeedStrings, type ChildReport } from './corpus.ts';
import { buildPackages, runBuildBench } from './build.ts';
import { benchOnePage } from './one-page.ts';
import { formatBenchReport, type BenchResults, type PhaseResult } from './report.ts';
import { runScaleBench } from './scale.ts';

/** Every task of the build graph in its order (the crawl has nothing to fetch here). */
const PHASES: ReadonlyArray<{ task: string; phase: string; level: number | null; dir: string; helper: boolean }> = BUILD_TASKS.filter((t) => t.phase !== 'crawl').map((t) => ({
  task: taskId(t),
  phase: t.phase,
  level: t.level,
  dir: t.dir,
  helper: t.helper === true,
}));

/** Runs one phase in a child process (its own peak RSS); resolves to its report or its one-line error. */
function runPhaseChild(repo: string, task: string, phase: string, level: number | null, root: string): Promise<ChildReport | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...runPhaseArgs(repo), task, phase, level === null ? '-' : String(level), root], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ChildReport);
      else resolve({ error: stderr.trim().split('\n').filter((l) => l.startsWith('taxonomy:')).at(-1) ?? `exit ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}` });
    });
  });
}

async function readMetrics(root: string, dir: string): Promise<PhaseMetrics | null> {
  const file = join(root, dir, 'metrics.json');
  if (!existsSync(file)) return null;
  const parsed = PhaseMetricsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** A temp workspace: nx.json, a copy of config/ (offline LLM, quiet logs), the generated corpus and its manifest. */
async function prepareWorkspace(repo: string, records: number, seed: number): Promise<{ root: string; items: number[] }> {
  const root = await mkdtemp(join(tmpdir(), 'taxonomy-bench-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await patchedConfig(repo, root, {
    global: { log_level: 'warn' },
    llm: { provider: 'offline', cache_enabled: false },
  });
  const corpus = generateBenchCorpus(readSeedStrings(repo), records, seed);
  await mkdir(join(root, 'corpus', 'bench'), { recursive: true });
  for (const [name, body] of Object.entries(corpus.files)) await writeFile(join(root, 'corpus', 'bench', name), body);
  const manifest = {
    sources: corpus.sources.map((s) => ({ id: `bench-level-${s.level}`, level: s.level, path: `corpus/bench/${s.path}`, loader: LOADER_BY_FORMAT[s.format] })),
  };
  await writeFile(join(root, 'corpus', 'sources.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { root, items: corpus.itemsPerLevel };
}

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '20250927' },
      keep: { type: 'boolean', default: false },
      'one-page': { type: 'boolean', default: false },
      institutions: { type: 'string' },
      shards: { type: 'string', default: '1' },
      extrapolate: { type: 'string', default: '50000' },
      build: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      floor: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const repo = findWorkspaceRoot();
  if (values.build) {
    // The sample build under Nx on a clone (issue 14, item 1): cold wall vs the tasks' duration_ms, cached reruns vs `nx show projects`.
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new TaxonomyError('USAGE', `--runs must be an integer ≥ 1 (got ${values.runs})`);
    return runBuildBench(repo, { runs, keep: values.keep, floor: values.floor });
  }
  process.stderr.write('bench: nx run-many -t build (the phases run from dist/) …\n');
  await buildPackages(repo);
  if (values.institutions !== undefined) {
    // The scale simulation (issue 16): growth with the number of institutions, in tools/bench/scale.ts.
    return runScaleBench(repo, { institutions: values.institutions, shards: values.shards, extrapolate: values.extrapolate, seed: Number(values.seed), keep: values.keep });
  }
  if (values['one-page']) {
    // S0 over one page of 25k / 50k / 100k list items (issue 11, item 9): near-duplicate removal must scale linearly.
    process.stdout.write(`${'items'.padStart(8)} ${'records'.padStart(8)} ${'deduped'.padStart(8)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'peak RSS MB'.padStart(12)}\n`);
    for (const items of [25_000, 50_000, 100_000]) {
      const r = await benchOnePage(repo, items, Number(values.seed));
      process.stdout.write(`${String(r.items).padStart(8)} ${String(r.records).padStart(8)} ${String(r.deduped).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${r.cpu_seconds.toFixed(2).padStart(8)} ${Math.round(r.peak_rss_mb).toString().padStart(12)}\n`);
    }
    return 0;
  }
  const records = Number(values.records);
  const seed = Number(values.seed);
  if (!Number.isInteger(records) || records < 100) throw new TaxonomyError('USAGE', `--records must be an integer ≥ 100 (got ${values.records})`);
  const started = performance.now();
  process.stderr.write(`bench: generating ${records} records (seed ${seed})\n`);
  const { root, items } = await prepareWorkspace(repo, records, seed);
  const phases: PhaseResult[] = [];
  let blocked: string | null = null;
  for (const p of PHASES) {
    if (blocked !== null) {
      phases.push({ task: p.task, phase: p.phase, level: p.level, status: 'skipped', error: `upstream ${blocked} did not complete` });
      continue;
    }
    process.stderr.write(`bench: ${p.task} …\n`);
    const report = await runPhaseChild(repo, p.task, p.phase, p.level, root);
    if ('error' in report) {
      phases.push({ task: p.task, phase: p.phase, level: p.level, status: 'failed', error: report.error });
      blocked = p.task;
      continue;
    }
    const metrics = p.helper ? null : await readMetrics(root, p.dir);
    const inputs = metrics?.inputs ?? [];
    // The floor: a bare JSONL pass over the phase's JSONL inputs (S0: over the records it wrote).
    const refs = (p.phase === 'S0' ? metrics?.outputs ?? [] : inputs).filter((ref) => ref.path.endsWith('.jsonl'));
    const base = refs.length === 0 ? null : await baselineJsonlPass(refs.map((ref) => join(root, ref.path)), join(root, 'baseline.tmp.jsonl'));
    // Records in: the generated items for S0; else the counts the phase recorded for its inputs, or the
    // lines the baseline read from those same files when the phase recorded none.
    const counted = inputs.reduce((n, ref) => n + (ref.records ?? 0), 0);
    const recordsIn = p.helper ? 0 : p.phase === 'S0' ? (p.level === null ? items.reduce((a, b) => a + b, 0) : (items[p.level] ?? 0)) : counted > 0 ? counted : (base?.records ?? 0);
    const seconds = report.ms / 1000;
    phases.push({
      task: p.task,
      phase: p.phase,
      level: p.level,
      status: 'ok',
      records_in: recordsIn,
      seconds,
      records_per_second: seconds > 0 ? recordsIn / seconds : null,
      peak_rss_mb: report.peak_rss_mb,
      rss_at_start_mb: report.rss_before_mb,
      baseline_records: base?.records ?? null,
      baseline_seconds: base === null ? null : base.ms / 1000,
      ratio_to_baseline: base === null || base.ms === 0 ? null : report.ms / base.ms,
      cpu_seconds: report.cpu_ms / 1000,
      baseline_cpu_seconds: base === null ? null : base.cpu_ms / 1000,
      ratio_cpu_to_baseline: base === null || base.cpu_ms === 0 ? null : report.cpu_ms / base.cpu_ms,
    });
  }

  let dedup: BenchResults['dedup'] = null;
  const postprocess = (await import('@taxonomy/postprocess')) as Record<string, unknown>;
  if (typeof postprocess['benchDeduplicate'] === 'function') {
    process.stderr.write('bench: deduplication 5,000 and 50,000 …\n');
    const bench = postprocess['benchDeduplicate'] as (count: number, seed: number) => { count: number; ms: number; merges: number };
    const small = bench(5000, seed);
    const large = bench(50000, seed);
    dedup = { small, large, ratio: small.ms > 0 ? large.ms / small.ms : null };
  }

  let llm: BenchResults['llm'] = null;
  const llmBenchFile = join(repo, 'tools/fake-llm/bench.ts');
  if (existsSync(llmBenchFile)) {
    const mod = (await import(llmBenchFile)) as Record<string, unknown>;
    if (typeof mod['benchLlmThroughput'] === 'function') {
      process.stderr.write('bench: LLM throughput (2,000 calls, 50 ms, concurrency 16) …\n');
      const run = mod['benchLlmThroughput'] as (o: { records: number; latencyMs: number; concurrency: number }) => Promise<{ elapsedMs: number; ok: number; failed: number }>;
      const options = { records: 2000, latencyMs: 50, concurrency: 16 };
      const result = await run(options);
      const ideal = (options.records * options.latencyMs) / options.concurrency;
      llm = { ...options, elapsed_ms: result.elapsedMs, ideal_ms: ideal, bound_ms: 1.1 * ideal, ratio: result.elapsedMs / ideal, ok: result.ok, failed: result.failed };
    }
  }

  const results: BenchResults = {
    records,
    seed,
    node: process.version,
    cpus: cpus().length,
    items_per_level: items,
    phases,
    phases_seconds: phases.reduce((n, p) => n + (p.seconds ?? 0), 0),
    dedup,
    llm,
    total_seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(formatBenchReport(results));
  const outDir = join(repo, 'artifacts', 'bench');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nresults: artifacts/bench/results.json${values.keep ? `; workspace kept at ${root}` : ''}\n`);
  if (!values.keep) await rm(root, { recursive: true, force: true });
  return phases.some((p) => p.status !== 'ok') ? 1 : 0;
});
