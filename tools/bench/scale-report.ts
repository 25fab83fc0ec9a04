/** One task of one scale run (a child process, see run-phase.ts). */
export interface ScaleTask {
  task: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  records_in?: number | undefined;
  wall_s?: number;
  cpu_s?: number;
  peak_rss_mb?: number;
  /** Peak RSS after the modules were loaded, before the task ran. */
  rss_at_start_mb?: number;
  /** Bytes the task wrote into its artifact folder. */
  output_mb?: number;
}

/** One scale run: a generated corpus of `institutions` institutions, every task uncached. */
export interface ScaleRun {
  institutions: number;
  shards: number;
  venues: number;
  items_per_level: number[];
  corpus_mb: number;
  tasks: ScaleTask[];
}

export interface ScaleResults {
  seed: number;
  node: string;
  cpus: number;
  /** V8's heap limit in a task process (Node's default for this machine). */
  heap_limit_mb: number;
  extrapolate_to: number;
  runs: ScaleRun[];
}

/** How one measure of a task grows: value ≈ a · institutions^exponent (log-log least squares over the runs). */
export interface Growth {
  exponent: number | null;
  /** The fitted value at `extrapolate_to` institutions. */
  at_target: number | null;
}

export interface TaskGrowth {
  task: string;
  wall: Growth;
  cpu: Growth;
  /** RSS above the task's start-up RSS (the part that grows with the data). */
  working_set: Growth;
  rss_at_target_mb: number | null;
  output: Growth;
  /** Institutions at which the extrapolated peak RSS reaches the heap limit (null: it does not grow). */
  heap_limit_at: number | null;
}

export interface ScaleAnalysis {
  tasks: TaskGrowth[];
  /** The task with the most CPU time at the target size. */
  slowest_at_target: TaskGrowth | null;
  /** The task whose CPU time grows fastest (among tasks taking ≥ 1 % of the largest run's CPU). */
  fastest_growing: TaskGrowth | null;
  /** The task that reaches the heap limit first, with the number of institutions. */
  memory_ceiling: TaskGrowth | null;
}

/** Least-squares slope of log(value) on log(n), and the fitted value at `target`; null below two usable points. */
export function fitGrowth(points: ReadonlyArray<readonly [number, number]>, target: number): Growth {
  const usable = points.filter(([n, v]) => n > 0 && v > 0);
  if (usable.length < 2) return { exponent: null, at_target: null };
  const xs = usable.map(([n]) => Math.log(n));
  const ys = usable.map(([, v]) => Math.log(v));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return { exponent: null, at_target: null };
  const exponent = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / sxx;
  return { exponent, at_target: Math.exp(my + exponent * (Math.log(target) - mx)) };
}

/** The growth of every task over the runs (tasks that failed in any run are left out). */
export function analyzeScale(results: ScaleResults): ScaleAnalysis {
  const runs = [...results.runs].sort((a, b) => a.institutions - b.institutions);
  const names = runs[0]?.tasks.map((t) => t.task) ?? [];
  const target = results.extrapolate_to;
  const tasks: TaskGrowth[] = [];
  for (const name of names) {
    const rows = runs.map((r) => [r.institutions, r.tasks.find((t) => t.task === name)] as const);
    if (rows.some(([, t]) => t === undefined || t.status !== 'ok')) continue;
    const series = (pick: (t: ScaleTask) => number | undefined) => rows.map(([n, t]) => [n, pick(t!) ?? 0] as const);
    const working = fitGrowth(series((t) => (t.peak_rss_mb ?? 0) - (t.rss_at_start_mb ?? 0)), target);
    const start = rows.at(-1)![1]!.rss_at_start_mb ?? 0;
    const rssAt = working.at_target === null ? null : start + working.at_target;
    let heapAt: number | null = null;
    const last = rows.at(-1)!;
    const lastWorking = (last[1]!.peak_rss_mb ?? 0) - start;
    if (working.exponent !== null && working.exponent > 0.05 && lastWorking > 0) {
      heapAt = last[0] * ((results.heap_limit_mb - start) / lastWorking) ** (1 / working.exponent);
    }
    tasks.push({
      task: name,
      wall: fitGrowth(series((t) => t.wall_s), target),
      cpu: fitGrowth(series((t) => t.cpu_s), target),
      working_set: working,
      rss_at_target_mb: rssAt,
      output: fitGrowth(series((t) => t.output_mb), target),
      heap_limit_at: heapAt,
    });
  }
  const largest = runs.at(-1);
  const largestCpu = largest?.tasks.reduce((s, t) => s + (t.cpu_s ?? 0), 0) ?? 0;
  const cpuOf = (g: TaskGrowth) => largest?.tasks.find((t) => t.task === g.task)?.cpu_s ?? 0;
  const byTarget = tasks.filter((t) => t.cpu.at_target !== null).sort((a, b) => b.cpu.at_target! - a.cpu.at_target!);
  const byExponent = tasks.filter((t) => t.cpu.exponent !== null && cpuOf(t) >= 0.01 * largestCpu).sort((a, b) => b.cpu.exponent! - a.cpu.exponent!);
  const byCeiling = tasks.filter((t) => t.heap_limit_at !== null).sort((a, b) => a.heap_limit_at! - b.heap_limit_at!);
  return { tasks, slowest_at_target: byTarget[0] ?? null, fastest_growing: byExponent[0] ?? null, memory_ceiling: byCeiling[0] ?? null };
}

const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
const int = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
const sum = (run: ScaleRun, pick: (t: ScaleTask) => number | undefined): number => run.tasks.reduce((s, t) => s + (pick(t) ?? 0), 0);

/** The report: one table per run, then the growth table and the bottleneck. Markdown-friendly (pipes). */
export function formatScaleReport(results: ScaleResults, analysis: ScaleAnalysis = analyzeScale(results)): string {
  const lines: string[] = [];
  const runs = [...results.runs].sort((a, b) => a.institutions - b.institutions);
  lines.push(`taxonomy scale bench: seed ${results.seed}, node ${results.node}, ${results.cpus} cpus, heap limit ${int(results.heap_limit_mb)} MB`);
  for (const run of runs) {
    lines.push('');
    lines.push(
      `${run.institutions.toLocaleString('en-US')} institutions, ${run.venues.toLocaleString('en-US')} venues, shards ${run.shards}: ${int(run.items_per_level.reduce((a, b) => a + b, 0))} records (L0..L3 ${run.items_per_level.map(int).join(' / ')}), corpus ${fmt(run.corpus_mb)} MB`,
    );
    lines.push('');
    lines.push('| task | records in | wall s | CPU s | peak RSS MB | output MB |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const t of run.tasks) {
      if (t.status !== 'ok') lines.push(`| ${t.task} | ${t.status}: ${t.error ?? ''} | | | | |`);
      else lines.push(`| ${t.task} | ${int(t.records_in)} | ${fmt(t.wall_s)} | ${fmt(t.cpu_s)} | ${int(t.peak_rss_mb)} | ${fmt(t.output_mb, 2)} |`);
    }
    lines.push(`| all tasks | | ${fmt(sum(run, (t) => t.wall_s))} | ${fmt(sum(run, (t) => t.cpu_s))} | ${int(Math.max(0, ...run.tasks.map((t) => t.peak_rss_mb ?? 0)))} | ${fmt(sum(run, (t) => t.output_mb), 2)} |`);
  }
  if (runs.length >= 2) {
    const target = results.extrapolate_to.toLocaleString('en-US');
    lines.push('');
    lines.push(`growth, ${runs.map((r) => r.institutions.toLocaleString('en-US')).join(' → ')} institutions (value ∝ institutions^k), extrapolated to ${target}:`);
    lines.push('');
    lines.push(`| task | k wall | k CPU | CPU s at ${target} | k RSS above start | peak RSS MB at ${target} | k output | output MB at ${target} |`);
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const g of analysis.tasks) {
      lines.push(
        `| ${g.task} | ${fmt(g.wall.exponent, 2)} | ${fmt(g.cpu.exponent, 2)} | ${int(g.cpu.at_target)} | ${fmt(g.working_set.exponent, 2)} | ${int(g.rss_at_target_mb)} | ${fmt(g.output.exponent, 2)} | ${fmt(g.output.at_target)} |`,
      );
    }
    const cpuAtTarget = analysis.tasks.reduce((s, g) => s + (g.cpu.at_target ?? 0), 0);
    lines.push(`| all tasks | | | ${int(cpuAtTarget)} | | | | |`);
    lines.push('');
    // A task that failed at some size is the first bottleneck, whatever the fits of the others say.
    for (const run of runs) {
      for (const t of run.tasks.filter((x) => x.status === 'failed')) {
        lines.push(`first failure: ${t.task} at ${run.institutions.toLocaleString('en-US')} institutions (${t.error ?? 'failed'}); tasks after it did not run, and it is left out of the fits`);
      }
    }
    const s = analysis.slowest_at_target;
    const f = analysis.fastest_growing;
    const m = analysis.memory_ceiling;
    if (s !== null) {
      const share = cpuAtTarget > 0 ? (100 * (s.cpu.at_target ?? 0)) / cpuAtTarget : 0;
      lines.push(`bottleneck (time): ${s.task}, ${int(s.cpu.at_target)} CPU s at ${target} institutions (${fmt(share, 0)}% of all tasks), CPU ∝ n^${fmt(s.cpu.exponent, 2)}`);
    }
    if (f !== null) lines.push(`fastest-growing task: ${f.task}, CPU ∝ n^${fmt(f.cpu.exponent, 2)}`);
    if (m !== null) lines.push(`bottleneck (memory): ${m.task} reaches the ${int(results.heap_limit_mb)} MB heap limit at about ${int(m.heap_limit_at)} institutions (RSS above start ∝ n^${fmt(m.working_set.exponent, 2)})`);
    else lines.push('bottleneck (memory): no task grows towards the heap limit');
  }
  return `${lines.join('\n')}\n`;
}
