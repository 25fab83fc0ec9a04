// Runs one phase task in its own process so the bench can read this phase's own peak RSS.
// Usage: node --import tsx tools/bench/run-phase.ts <task> <phase> <level|-> <root> [shard]; prints one JSON line.
import { TaxonomyError } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';

type TaskFn = (options: Record<string, unknown>) => Promise<unknown>;

/** The helper tasks (no phase metrics) by task id, the phase tasks by phase. */
const TASK_EXPORTS: Record<string, [string, string]> = {
  's0:sources': ['@taxonomy/s0-raw-extraction', 'writeS0SourceViews'],
};
const PHASE_EXPORTS: Record<string, [string, string]> = {
  S0: ['@taxonomy/s0-raw-extraction', 'runS0LevelTask'],
  S1: ['@taxonomy/s1-extraction', 'runS1Task'],
  S2: ['@taxonomy/s2-frequency', 'runS2Task'],
  S3: ['@taxonomy/s3-verification', 'runS3Task'],
  postprocess: ['@taxonomy/postprocess', 'runPostprocessTask'],
  placement: ['@taxonomy/placement', 'runPlacementTask'],
  curation: ['@taxonomy/curation', 'runCurationTask'],
  hierarchy: ['@taxonomy/hierarchy', 'runHierarchyTask'],
  finalize: ['@taxonomy/taxonomy', 'runFinalizeTask'],
};

/** The s1.shards the workspace's config resolves to. */
async function shardsOf(root: string): Promise<number> {
  const { loadConfig } = await import('@taxonomy/config');
  return loadConfig({ root }).config.s1.shards;
}

await runMain(async () => {
  const [task = '', phase = '', levelArg = '-', root = '', shardArg] = process.argv.slice(2);
  // Sharded S1 (s1.shards > 1): s1:level-N-partition, s1:level-N-shard-K and the merge step s1:level-N.
  const sharded = /^s1:level-\d+-partition$/u.test(task)
    ? 'runS1PartitionTask'
    : shardArg !== undefined
      ? 'runS1ShardTask'
      : task.startsWith('s1:') && (await shardsOf(root)) > 1
        ? 'runS1MergeTask'
        : null;
  const target: [string, string] | undefined = sharded !== null ? ['@taxonomy/s1-extraction', sharded] : (TASK_EXPORTS[task] ?? PHASE_EXPORTS[phase]);
  if (target === undefined || root === '') throw new TaxonomyError('USAGE', 'usage: run-phase.ts <task> <phase> <level|-> <root> [shard]');
  if (task === 's2:settings') {
    // Its function takes the resolved slice; S2's own tasks resolve the same view themselves.
    const [{ loadConfig }, { writeS2Settings }] = await Promise.all([import('@taxonomy/config'), import('@taxonomy/s2-frequency')]);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await writeS2Settings(loadConfig({ root }).config.s2, root);
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, cpu_ms: (cpu.user + cpu.system) / 1000, peak_rss_mb: process.resourceUsage().maxRSS / 1024, rss_before_mb: 0 })}\n`);
    return;
  }
  const specifier: string = target[0];
  let fn: unknown;
  try {
    fn = ((await import(specifier)) as Record<string, unknown>)[target[1]];
  } catch (err) {
    throw new TaxonomyError('PROVIDER_UNAVAILABLE', `${target[0]} cannot be loaded: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (typeof fn !== 'function') throw new TaxonomyError('PROVIDER_UNAVAILABLE', `${target[0]} does not export ${target[1]}()`);
  const rssBefore = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await (fn as TaskFn)({ root, ...(levelArg === '-' ? {} : { level: Number(levelArg) }), ...(shardArg === undefined ? {} : { shard: Number(shardArg) }) });
  const ms = performance.now() - t0;
  // CPU time next to wall time: on a shared machine the wall clock mostly measures the neighbours.
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ ms, cpu_ms: (cpu.user + cpu.system) / 1000, peak_rss_mb: process.resourceUsage().maxRSS / 1024, rss_before_mb: rssBefore / 1024 })}\n`);
});
