import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { startCacheServer, type CacheServer } from '../tools/cache-server/server.ts';
import { PROBE_HASH } from '../tools/nx/remote-cache-plugin.mjs';
import { cloneRepo } from '../tools/bench/clone.ts';

/**
 * Issue 16, items 1 and 2, with Nx itself: three clones of the committed repository share one cache server
 * (tools/cache-server on 127.0.0.1, a free port). Clone A builds the whole graph and fills the server; a fresh
 * clone B (empty local cache, a read-only token) gets all 25 tasks from it, byte for byte, then re-runs the
 * three tasks a curation change touches on top of the restored folders (their checksums verified) without
 * being able to write; clone C — another folder, HOME, TMPDIR, user and API key, a wrong token — builds
 * everything itself, says the cache refused it, and gets the same task hashes and the same bytes as A.
 * The build is the 25-task graph (24 phase tasks and the phase bundle they run) over the small held-out
 * declared-paths corpus, so the test stays cheap.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
const TASKS = 25;
const READ_WRITE = 'ci-token-0123456789';
const READ_ONLY = 'dev-token-0123456789';
let base = '';
let server: CacheServer;

interface Build {
  code: number;
  output: string;
  /** Task id → hash and cache status, from Nx's own record of the run (`.nx/cache/run.json`). */
  tasks: Record<string, { hash: string; cacheStatus: string }>;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'taxonomy-remote-cache-'));
  server = await startCacheServer({ dir: join(base, 'cache-server'), tokens: [READ_WRITE], readTokens: [READ_ONLY] });
});

afterAll(async () => {
  await server?.close();
  if (base !== '') await rm(base, { recursive: true, force: true });
});

const clone = (path: string): Promise<string> => cloneRepo(repo, path);

/** `nx run taxonomy:finalize` in a clone, with only the variables given (no NX_, TAXONOMY_ or OPENAI_ of this shell). */
async function build(at: string, env: Record<string, string>): Promise<Build> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NX_|TAXONOMY_|OPENAI_)/u.test(k)));
  const child = spawn('npx', ['nx', 'run', 'taxonomy:finalize', '--output-style=static'], {
    cwd: at,
    env: {
      ...inherited,
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      NX_NO_CLOUD: 'true',
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      TAXONOMY_OVERRIDES_S0: 'sources_manifest=test/fixtures/declared-paths/sources.json',
      TAXONOMY_OVERRIDES_GLOBAL: 'log_level=warn',
      TAXONOMY_LLM_PROVIDER: 'offline',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  process.stderr.write(`TIMING ${at} ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  // Nx's static output keeps ANSI colours in pipes.
  output = output.replace(/\u001b\[[0-9;]*m/gu, '');
  const record = JSON.parse(await readFile(join(at, '.nx/cache/run.json'), 'utf8')) as { tasks: Array<{ taskId: string; hash: string; cacheStatus: string }> };
  return { code, output, tasks: Object.fromEntries(record.tasks.map((t) => [t.taskId, { hash: t.hash, cacheStatus: t.cacheStatus }])) };
}

/** sha256 of every file under `artifacts/` except `artifacts/.runs` (timings, history, run record, lock: never Nx outputs). */
async function artifactDigests(at: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(at, 'artifacts', '.runs')) await walk(path);
      } else out[relative(at, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
    }
  };
  await walk(join(at, 'artifacts'));
  return out;
}

const hashes = (b: Build) => Object.fromEntries(Object.entries(b.tasks).map(([id, t]) => [id, t.hash]));
const statuses = (b: Build) => [...new Set(Object.values(b.tasks).map((t) => t.cacheStatus))];

describe('a shared remote cache on Nx 23 (self-hosted protocol)', () => {
  let a: Build;
  let aDir = '';
  let aArtifacts: Record<string, string> = {};

  it('clone A builds every task and fills the cache server', async () => {
    aDir = await clone(join(base, 'a'));
    a = await build(aDir, { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ_WRITE, OPENAI_API_KEY: 'sk-agent-a-0001' });
    expect(a.code, a.output).toBe(0);
    expect(Object.keys(a.tasks)).toHaveLength(TASKS);
    expect(statuses(a)).toEqual(['cache-miss']);
    // Every read is a miss of one of this build's tasks (at most one per task: Nx does not always let its read
    // finish before it runs a task, so the server may log fewer), one PUT per task; and the preflight's GET of an
    // entry that never exists.
    const requests = server.requests();
    expect(requests.filter((r) => r.hash === PROBE_HASH).map((r) => r.status)).toEqual([404]);
    const taskRequests = requests.filter((r) => r.hash !== PROBE_HASH);
    const reads = taskRequests.filter((r) => r.method === 'GET');
    expect(reads.every((r) => r.status === 404)).toBe(true);
    expect(new Set(reads.map((r) => r.hash)).size).toBe(reads.length);
    expect(Object.values(hashes(a))).toEqual(expect.arrayContaining(reads.map((r) => r.hash)));
    expect(taskRequests.filter((r) => r.method === 'PUT' && r.status === 200).map((r) => r.hash).sort()).toEqual(Object.values(hashes(a)).sort());
    expect((await server.stats()).entries).toBe(TASKS);
    aArtifacts = await artifactDigests(aDir);
    expect(Object.keys(aArtifacts)).toEqual(expect.arrayContaining(['artifacts/taxonomy/manifest.json', 'artifacts/taxonomy/report/index.html', 'artifacts/s1/level-1/metrics.json']));
  }, 300_000);

  it('a fresh clone B with a read-only token takes all 25 tasks from the remote cache, byte-identical, and cannot write', async () => {
    const bDir = await clone(join(base, 'b'));
    const b = await build(bDir, { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ_ONLY, OPENAI_API_KEY: 'sk-agent-b-0002' });
    expect(b.code, b.output).toBe(0);
    expect(hashes(b)).toEqual(hashes(a));
    expect(statuses(b)).toEqual(['remote-cache-hit']);
    expect(b.output.match(/^> nx run \S+ {2}\[remote cache\]$/gmu)).toHaveLength(TASKS);
    expect(b.output).toContain(`Nx read the output from the cache instead of running the command for ${TASKS} out of ${TASKS} tasks.`);
    expect(await artifactDigests(bDir)).toEqual(aArtifacts);

    // A curation decision re-runs curation, assembly and finalize over restored folders: each checks the
    // checksums the restored metrics.json files record, and the lock plugin holds the build as usual.
    const l0 = (await readFile(join(bDir, 'artifacts/taxonomy/concepts.jsonl'), 'utf8')).split('\n').map((l) => JSON.parse(l || 'null') as { id: string; level: number } | null).find((c) => c?.level === 0)!;
    await writeFile(join(bDir, 'config/curation.json'), `${JSON.stringify({ decisions: [{ op: 'alias', concept: l0.id, alias: 'remote cache check' }] }, null, 2)}\n`);
    const before = await server.stats();
    const again = await build(bDir, { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ_ONLY, OPENAI_API_KEY: 'sk-agent-b-0002' });
    expect(again.code, again.output).toBe(0);
    const ran = Object.entries(again.tasks).filter(([, t]) => t.cacheStatus === 'cache-miss').map(([id]) => id).sort();
    expect(ran).toEqual(['curation:apply', 'hierarchy:assemble', 'taxonomy:finalize']);
    for (const status of statuses(again)) expect(['cache-miss', 'local-cache-hit', 'local-cache-kept-existing']).toContain(status);
    expect(await readFile(join(bDir, 'artifacts/taxonomy/concepts.jsonl'), 'utf8')).toContain('remote cache check');
    // Nx offered the three new entries; the read-only token was refused (403), nothing was stored.
    const after = await server.stats();
    expect((after.byOutcome['PUT 403'] ?? 0) - (before.byOutcome['PUT 403'] ?? 0)).toBe(3);
    expect(after.entries).toBe(TASKS);
  }, 300_000);

  it('clone C elsewhere (folder, HOME, TMPDIR, user, API key) with a wrong token builds locally, says the cache refused it, and gets the same hashes and bytes', async () => {
    const cDir = await clone(join(base, 'elsewhere', 'deeper', 'clone-c'));
    const home = join(base, 'home-c');
    const temp = join(base, 'tmp-c');
    await mkdir(home);
    await mkdir(temp);
    const c = await build(cDir, {
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'wrong-token-9876',
      OPENAI_API_KEY: 'sk-agent-c-0003',
      HOME: home,
      TMPDIR: temp,
      USER: 'builder-c',
      LOGNAME: 'builder-c',
    });
    expect(c.code, c.output).toBe(0);
    expect(c.output).toContain(`taxonomy: remote cache ${server.url} refused the token (401: invalid authentication token); this build runs with the local cache only`);
    expect(statuses(c)).toEqual(['cache-miss']);
    // The same task hashes, although folder, HOME, TMPDIR, user and API key differ …
    expect(hashes(c)).toEqual(hashes(a));
    // … and the same bytes, computed rather than restored.
    const cArtifacts = await artifactDigests(cDir);
    expect(cArtifacts).toEqual(aArtifacts);
    // No output names a folder, the home, the temp folder, the user or the host of either clone (a host name
    // as short as "vm" would match ordinary text, so only a distinctive one is looked for).
    const machine = [aDir, cDir, base, home, temp, 'builder-c', ...(hostname().length >= 8 ? [hostname()] : [])];
    for (const file of Object.keys(cArtifacts)) {
      const text = await readFile(join(cDir, file), 'utf8');
      for (const value of machine) expect(text.includes(value), `${file} holds ${value}`).toBe(false);
    }
    expect(existsSync(join(cDir, 'artifacts/.runs/run.json'))).toBe(true);
    expect((await server.stats()).entries).toBe(TASKS);
  }, 300_000);
});
