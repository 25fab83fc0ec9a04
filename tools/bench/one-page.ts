import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, readSeedStrings, runPhaseArgs, type SeedStrings } from './corpus.ts';

/**
 * One page with many list items (issue 11, item 9): 25k / 50k / 100k items of one research-area page took
 * 18 / 67 / 292 s in S0 while near-duplicate removal compared every pair. Items are the real research-area
 * and topic strings of the sample corpus recombined (seeded), one in twenty an exact or case-changed repeat.
 */
export function onePageItems(seed: SeedStrings, count: number, randomSeed: number): string[] {
  const random = createRandom(randomSeed);
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(random() * xs.length)]!;
  const words = [...seed.areas, ...seed.topics];
  const items: string[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && random() < 0.05) {
      const earlier = items[Math.floor(random() * items.length)]!;
      items.push(random() < 0.5 ? earlier : earlier.toUpperCase());
      continue;
    }
    items.push(`${pick(words)} and ${pick(words)} ${i % 997}`.replace(/\s+/gu, ' ').slice(0, 200));
  }
  return items;
}

export interface OnePageResult {
  items: number;
  records: number;
  deduped: number;
  seconds: number;
  /** CPU seconds (user + system) of the S0 process: what the run costs without the neighbours. */
  cpu_seconds: number;
  peak_rss_mb: number;
}

/** Runs S0 in its own process over a workspace holding one page of `count` items; resolves to its figures. */
export async function benchOnePage(repo: string, count: number, randomSeed: number): Promise<OnePageResult> {
  const root = await mkdtemp(join(tmpdir(), 'taxonomy-one-page-'));
  try {
    await writeFile(join(root, 'nx.json'), '{}\n');
    await cp(join(repo, 'config'), join(root, 'config'), { recursive: true });
    await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'warn' }));
    // One page of 100k items is one JSONL line of about 6 MB, over the default 4 MiB line limit.
    await writeFile(join(root, 'config', 's0.json'), JSON.stringify({ max_line_bytes: 64 * 1024 * 1024 }));
    const items = onePageItems(readSeedStrings(repo), count, randomSeed);
    const page = { url: 'https://example.edu/research', institution: 'Duke University', kind: 'research_areas', title: 'Research Areas', text: `Research Areas\n${items.join('\n')}` };
    await mkdir(join(root, 'corpus'), { recursive: true });
    await writeFile(join(root, 'corpus', 'page.jsonl'), `${JSON.stringify(page)}\n`);
    await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify({ sources: [{ id: 'page', level: 2, loader: 'page-snapshots-jsonl', path: 'corpus/page.jsonl' }] }));
    const run = (task: string, level: string) =>
      new Promise<{ ms: number; cpu_ms: number; peak_rss_mb: number }>((resolve, reject) => {
        const child = spawn(process.execPath, [...runPhaseArgs(repo), task, 'S0', level, root], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-2000)));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; cpu_ms: number; peak_rss_mb: number }) : reject(new Error(err.trim().split('\n').at(-1) ?? `exit ${code}`))));
      });
    // s0:sources describes the page file; s0:level-2 reads, segments and deduplicates it (the part timed).
    await run('s0:sources', '-');
    const report = await run('s0:level-2', '2');
    const metrics = JSON.parse(await readFile(join(root, 'artifacts/s0/level-2/metrics.json'), 'utf8')) as { counters: Record<string, number> };
    return { items: count, records: metrics.counters['records_out_level_2'] ?? 0, deduped: metrics.counters['blocks_deduped'] ?? 0, seconds: report.ms / 1000, cpu_seconds: report.cpu_ms / 1000, peak_rss_mb: report.peak_rss_mb };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
