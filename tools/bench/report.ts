/** One phase of the bench. */
export interface PhaseResult {
  task: string;
  phase: string;
  level: number | null;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  records_in?: number;
  seconds?: number;
  records_per_second?: number | null;
  peak_rss_mb?: number;
  /** Peak RSS of the child after loading modules, before the phase started. */
  rss_at_start_mb?: number;
  baseline_records?: number | null;
  baseline_seconds?: number | null;
  /** Phase time / bare JSONL read-parse-write time over the same files. */
  ratio_to_baseline?: number | null;
  /** CPU seconds (user + system) of the phase and of the baseline: steadier than wall time on a shared machine. */
  cpu_seconds?: number | null;
  baseline_cpu_seconds?: number | null;
  ratio_cpu_to_baseline?: number | null;
}

export interface BenchResults {
  records: number;
  seed: number;
  node: string;
  cpus: number;
  items_per_level: number[];
  phases: PhaseResult[];
  phases_seconds: number;
  dedup: { small: { count: number; ms: number; merges: number }; large: { count: number; ms: number; merges: number }; ratio: number | null } | null;
  llm: {
    records: number;
    latencyMs: number;
    concurrency: number;
    elapsed_ms: number;
    ideal_ms: number;
    bound_ms: number;
    ratio: number;
    ok: number;
    failed: number;
  } | null;
  total_seconds: number;
}

const fmt = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined ? '-' : value.toFixed(digits));
const int = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : Math.round(value).toLocaleString('en-US'));

/** The human report: the per-phase table, then the dedup and LLM benches. */
export function formatBenchReport(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(`taxonomy bench: ${results.records.toLocaleString('en-US')} records (L0..L3 ${results.items_per_level.join(' / ')}), seed ${results.seed}, node ${results.node}, ${results.cpus} cpus`);
  lines.push('');
  const header = ['task', 'records in', 'seconds', 'records/s', 'peak RSS MB', 'baseline s', 'x baseline', 'cpu s', 'base cpu s', 'x cpu'];
  const widths = [20, 11, 9, 11, 12, 11, 11, 8, 11, 7];
  lines.push(header.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : h.padStart(widths[i]!))).join(' '));
  for (const p of results.phases) {
    if (p.status !== 'ok') {
      lines.push(`${p.task.padEnd(widths[0]!)} ${p.status}: ${p.error ?? ''}`);
      continue;
    }
    const cells = [
      int(p.records_in),
      fmt(p.seconds),
      int(p.records_per_second),
      int(p.peak_rss_mb),
      fmt(p.baseline_seconds, 3),
      fmt(p.ratio_to_baseline, 1),
      fmt(p.cpu_seconds),
      fmt(p.baseline_cpu_seconds, 3),
      fmt(p.ratio_cpu_to_baseline, 1),
    ];
    lines.push([p.task.padEnd(widths[0]!), ...cells.map((c, i) => c.padStart(widths[i + 1]!))].join(' '));
  }
  lines.push(`${'all phases'.padEnd(widths[0]!)} ${''.padStart(widths[1]!)} ${fmt(results.phases_seconds).padStart(widths[2]!)}`);
  lines.push('');
  if (results.dedup === null) lines.push('dedup bench: benchDeduplicate not available');
  else {
    const { small, large, ratio } = results.dedup;
    lines.push(`dedup bench: ${int(small.count)} concepts ${fmt(small.ms, 0)} ms (${small.merges} merges); ${int(large.count)} concepts ${fmt(large.ms, 0)} ms (${large.merges} merges); 10x data → ${fmt(ratio, 1)}x time`);
  }
  if (results.llm === null) lines.push('llm bench: benchLlmThroughput not available');
  else {
    const l = results.llm;
    const verdict = l.elapsed_ms <= l.bound_ms ? 'within' : 'OVER';
    lines.push(
      `llm bench: ${l.records} calls, ${l.latencyMs} ms latency, concurrency ${l.concurrency}: ${fmt(l.elapsed_ms, 0)} ms; ideal ${fmt(l.ideal_ms, 0)} ms, bound ${fmt(l.bound_ms / l.ideal_ms, 1)}x = ${fmt(l.bound_ms, 0)} ms; ratio ${fmt(l.ratio)} (${verdict} bound); ok ${l.ok}, failed ${l.failed}`,
    );
  }
  lines.push(`total ${fmt(results.total_seconds, 1)} s`);
  return `${lines.join('\n')}\n`;
}
