import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { findWorkspaceRoot, readJsonlAll, type SourceRecord } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { createLogger } from '@taxonomy/observability';
import { executeCrawl, parseSeeds, writeCrawlOutput } from '@taxonomy/crawl';
import { runS0Task } from '@taxonomy/s0-raw-extraction';
import { runCli as runCommand } from '../packages/taxonomy/src/commands/registry.ts';
import type { CommandContext } from '../packages/taxonomy/src/commands/context.ts';
import { testSiteSeeds } from '../tools/test-site/seeds.ts';
import { startTestSite, type TestSite } from '../tools/test-site/server.ts';

/**
 * The crawl as a user runs it: the `taxonomy crawl` CLI in a child process (killed with SIGKILL half-way,
 * then resumed), its one-line errors, and the hand-over of its snapshots to S0 through a sources manifest.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
const CLI = join(repo, 'packages/taxonomy/src/cli.ts');
// `--import tsx` resolves from the working directory; the scratch workspaces have no node_modules.
const TSX = import.meta.resolve('tsx');
const CONTACT = 'crawl-e2e@example.invalid';

function runCli(args: string[], cwd: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...process.env, CI: 'true', TAXONOMY_LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crawl-e2e-'));
  await writeFile(join(dir, 'nx.json'), '{}');
  await cp(join(repo, 'config'), join(dir, 'config'), { recursive: true });
  await cp(join(repo, 'corpus'), join(dir, 'corpus'), { recursive: true });
  return dir;
}

describe('taxonomy crawl, killed with SIGKILL half-way and run again', () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startTestSite({ root: repo, crawlDelaySeconds: 0.1 });
  });
  afterAll(async () => site.close());

  it('resumes from the cache: no page fetched twice, the same snapshots as an uninterrupted crawl', async () => {
    const ws = await scratch();
    const seeds = testSiteSeeds(site.site, repo);
    seeds.entries = seeds.entries.filter((e) => ['duke-university-research-areas', 'neurips-cfp-topics', 'acl-cfp-topics'].includes(String(e['id'])));
    await writeFile(join(ws, 'seeds.json'), JSON.stringify(seeds));
    const args = ['crawl', '--seeds', 'seeds.json', '--out', 'out/snapshots.jsonl', '-o', `crawl.contact=${CONTACT}`, '-o', 'crawl.per_host_requests_per_second=1000'];

    const first = runCli(args, ws);
    let exited = false;
    void first.done.then(() => (exited = true));
    // Kill once at least 8 pages are in the cache journal (written synchronously before a page counts as
    // fetched): what the journal holds at the kill is what the crawl kept, and none of it may be fetched again.
    // A response the server finished sending but the crawler had not yet journaled is lost and rightly
    // fetched again (on a loaded machine that window is wider than any fixed delay).
    const journal = join(ws, '.cache/crawl/journal.jsonl');
    const journaled = async () =>
      (await readFile(journal, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            const e = JSON.parse(l) as { url: string; purpose: string };
            return e.purpose === 'page' ? [new URL(e.url).pathname + new URL(e.url).search] : [];
          } catch {
            return []; // a line cut by the kill
          }
        });
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      if (exited) throw new Error(`the crawl ended before it was killed: ${(await first.done).stderr}`);
      if (new Set(await journaled()).size >= 8) break;
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const kept = new Set(await journaled());
    const before = site.log();
    site.clearLog();

    const second = await runCli(args, ws).done;
    expect(second.code, second.stderr).toBe(0);
    const after = site.log();
    const fetched = (log: typeof before) => log.filter((e) => e.complete && e.status !== 503 && e.status !== 429).map((e) => e.path);
    expect(kept.size).toBeGreaterThanOrEqual(8);
    expect(fetched(after).filter((p) => kept.has(p))).toEqual([]);
    expect(fetched(before)).toEqual(expect.arrayContaining([...kept])); // the journal's pages are the server's paths
    expect(new Set(fetched(after)).size).toBe(fetched(after).length);

    // An uninterrupted crawl of the same seeds (fresh cache, the flaky pages already served) gives the same snapshots.
    const settings = { ...defaultConfig().crawl, contact: CONTACT, cache_dir: join(ws, 'fresh-cache'), per_host_requests_per_second: 1000 };
    const report = await executeCrawl({ root: ws, settings, seeds: parseSeeds(seeds, 'seeds.json', settings.defaults), log: createLogger({ level: 'silent' }), progress: false });
    const resumed = (await readFile(join(ws, 'out/snapshots.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { url: string; text: string });
    expect(resumed.map((s) => [s.url, s.text]).sort()).toEqual(report.snapshots.map((s) => [s.url, s.text]).sort());
    expect(second.stdout).toMatch(/^crawl seeds\.json: 3 entries, 11 snapshots/mu);
  }, 120_000);
});

describe('taxonomy crawl errors are one line', () => {
  const quiet = (root: string): CommandContext => ({ root, cwd: root, env: {}, out: () => undefined, note: () => undefined, logger: () => createLogger({ level: 'silent' }) });
  it.each([
    [
      'a bad seed URL',
      { entries: [{ institution: 'Duke University', kind: 'research_areas', seed_urls: ['htp://www.cs.duke.edu/research'], allowed_domains: ['cs.duke.edu'] }] },
      [`crawl.contact=${CONTACT}`],
      'INPUT_INVALID',
      'seeds.json: entries[0] (Duke University): seed_urls[0]: must be an absolute http:// or https:// URL (got "htp://www.cs.duke.edu/research")',
    ],
    [
      'a missing contact',
      { entries: [{ institution: 'Duke University', kind: 'research_areas', seed_urls: ['http://127.0.0.1:9/'], allowed_domains: ['127.0.0.1'] }] },
      [],
      'CONFIG_INVALID',
      'crawl.contact is not set: the User-Agent must tell site operators how to reach you (an email or URL); set it in config/crawl.json or with -o crawl.contact=you@example.edu',
    ],
  ])('%s', async (_name, seeds, overrides, code, message) => {
    const ws = await scratch();
    await writeFile(join(ws, 'seeds.json'), JSON.stringify(seeds));
    await expect(runCommand(['crawl', '--seeds', 'seeds.json', ...overrides.flatMap((o) => ['-o', o])], quiet(ws))).rejects.toMatchObject({ code, message });
  });

  it('an unreachable seed, from the real CLI: exit code 3 and one line on stderr', async () => {
    const ws = await scratch();
    const gone = await startTestSite({ root: repo });
    const base = gone.base;
    await gone.close();
    await writeFile(join(ws, 'seeds.json'), JSON.stringify({ entries: [{ id: 'stoc', institution: 'STOC', kind: 'cfp_topics', seed_urls: [`${base}/stoc/`], allowed_domains: ['127.0.0.1'] }] }));
    const r = await runCli(['crawl', '--seeds', 'seeds.json', '-o', `crawl.contact=${CONTACT}`], ws).done;
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([`taxonomy: INPUT_NOT_FOUND: seeds.json entries[0] (stoc): seed ${base}/stoc/ is unreachable: connection refused (connect ECONNREFUSED 127.0.0.1:${new URL(base).port})`]);
  }, 60_000);
});

describe('crawled snapshots through a sources manifest into S0', () => {
  it('give the records the bundled pages give', async () => {
    const ws = await scratch();
    const site = await startTestSite({ root: repo, crawlDelaySeconds: 0.005, slowMs: 20 });
    const settings = { ...defaultConfig().crawl, contact: CONTACT, cache_dir: join(ws, '.cache/crawl'), per_host_requests_per_second: 1000, retry_base_ms: 5 };
    const seeds = parseSeeds(testSiteSeeds(site.site, repo), 'seeds.json', settings.defaults);
    let report;
    try {
      report = await executeCrawl({ root: ws, settings, seeds, log: createLogger({ level: 'silent' }), progress: false });
    } finally {
      await site.close();
    }
    await writeCrawlOutput({ root: ws, file: join(ws, 'crawl/snapshots.jsonl'), seeds, report });
    const fragment = JSON.parse(await readFile(join(ws, 'crawl/snapshots.sources.json'), 'utf8')) as { sources: unknown[] };
    const bundled = JSON.parse(await readFile(join(ws, 'corpus/sources.json'), 'utf8')) as { sources: Array<{ loader: string }> };
    await writeFile(join(ws, 'crawl/sources.json'), JSON.stringify({ sources: [...bundled.sources.filter((s) => s.loader !== 'page-snapshots-jsonl'), ...fragment.sources] }));
    process.env['TAXONOMY_LOG_LEVEL'] = 'warn';
    await runS0Task({ root: ws, outDir: 'from-corpus' });
    await runS0Task({ root: ws, outDir: 'from-crawl', manifest: 'crawl/sources.json' });
    const pages = async (dir: string, level: number) =>
      (await readJsonlAll(join(ws, dir, `level-${level}`, 'records-00001.jsonl'), { schema: z.custom<SourceRecord>(), onBad: () => undefined })).filter(
        (r) => r.meta.hints['loader'] === 'page-snapshots-jsonl',
      );
    const key = (r: SourceRecord) => `${r.provenance.institution}\u0000${r.meta.hints['page_title']}\u0000${r.text}\u0000${r.parent_anchor}`;
    for (const [level, missing] of [[1, 0], [2, 1], [3, 0]] as const) {
      const a = (await pages('from-corpus', level)).map(key);
      const b = new Set((await pages('from-crawl', level)).map(key));
      // Level 2 misses one: Michigan's page heading "Computer Science" is an <h1> on the site, a heading and not an area.
      expect(a.filter((k) => !b.has(k)), `level ${level}`).toHaveLength(missing);
      expect(b.size, `level ${level}`).toBe(a.length - missing);
    }
    expect(report.snapshots).toHaveLength(51);
  }, 120_000);
});
