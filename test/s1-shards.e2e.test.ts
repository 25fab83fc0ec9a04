import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepo } from '../tools/bench/clone.ts';
import { buildAll, removeScratchWorkspaces, scratchWorkspace } from './workspace.ts';
import { findWorkspaceRoot } from '@taxonomy/core';
import { shardOf } from '@taxonomy/s1-extraction';
import { startFakeLlmServer, type FakeLlmServer } from '../tools/fake-llm/server.ts';

/**
 * Issue 16, item 3, with Nx itself and the fake model server through the real client: one clone of the
 * committed repository builds the held-out declared-paths corpus (levels 0 and 1) with s1.shards = 4 (each
 * shard's model calls and tokens in the run record); the unsharded build of the same corpus (in process,
 * the task functions the targets run) gives the same S1 and taxonomy bytes; after one institution's rows
 * are added, `nx run s1:level-1` re-runs one shard task per level and takes every other shard from the
 * local cache. Kept to one whole Nx build: each Nx task costs a process start.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
const LEVELS = [0, 1, 2, 3];
const NEW_INSTITUTION = 'University of Waterloo';
let base = '';
let clone = '';
let server: FakeLlmServer;

interface Build {
  code: number;
  output: string;
  tasks: Record<string, string>;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'taxonomy-s1-shards-'));
  // The clone's tasks load the clone's own compiled packages (tools/bench/clone.ts), never the repository's dist/.
  clone = await cloneRepo(repo, join(base, 'clone'));
  server = await startFakeLlmServer();
});

afterAll(async () => {
  await server?.close();
  if (base !== '') await rm(base, { recursive: true, force: true });
});

const ENV = (url: string) => ({
  TAXONOMY_OVERRIDES_S0: 'sources_manifest=test/fixtures/declared-paths/sources.json',
  TAXONOMY_OVERRIDES_GLOBAL: 'log_level=warn',
  TAXONOMY_LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: 'sk-shards-0001',
});

async function build(shards: number, target = 'taxonomy:finalize'): Promise<Build> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NX_|TAXONOMY_|OPENAI_)/u.test(k)));
  const child = spawn('npx', ['nx', 'run', target, '--output-style=static'], {
    cwd: clone,
    env: {
      ...inherited,
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      NX_NO_CLOUD: 'true',
      ...ENV(server.url),
      TAXONOMY_OVERRIDES_S1: `shards=${shards}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  output = output.replace(/\u001b\[[0-9;]*m/gu, '');
  const record = JSON.parse(await readFile(join(clone, '.nx/cache/run.json'), 'utf8')) as { tasks: Array<{ taskId: string; cacheStatus: string }> };
  return { code, output, tasks: Object.fromEntries(record.tasks.map((t) => [t.taskId, t.cacheStatus])) };
}

/** sha256 of what S1 and finalize leave for everyone downstream: the level folders' data files and the taxonomy. */
async function digests(at: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const files = [
    ...(await Promise.all(LEVELS.map(async (l) => (await readdir(join(at, `artifacts/s1/level-${l}`))).filter((f) => f.endsWith('.jsonl')).map((f) => `artifacts/s1/level-${l}/${f}`)))).flat(),
    'artifacts/taxonomy/concepts.jsonl',
  ];
  for (const f of files) out[f] = createHash('sha256').update(await readFile(join(at, f))).digest('hex');
  return out;
}

const shardTasks = (level: number) => [0, 1, 2, 3].map((k) => `s1:level-${level}-shard-${k}`);

describe('s1.shards = 4 on Nx with the fake model server', () => {
  let sharded: Record<string, string> = {};

  it('runs 4 shard tasks per level and the merge; each shard\'s calls and tokens are in the run record', async () => {
    const b = await build(4);
    expect(b.code, b.output).toBe(0);
    for (const level of LEVELS) for (const id of [`s1:level-${level}-partition`, ...shardTasks(level), `s1:level-${level}`]) expect(b.tasks[id], id).toBe('cache-miss');
    expect(Object.keys(b.tasks)).toHaveLength(25 + 4 * 5);
    const run = JSON.parse(await readFile(join(clone, 'artifacts/.runs/run.json'), 'utf8')) as { llm: { by_task: Record<string, { calls: number; tokens_in: number; tokens_out: number }> } };
    const s1 = Object.entries(run.llm.by_task).filter(([task]) => task.startsWith('s1:'));
    expect(s1.map(([task]) => task).sort()).toEqual(LEVELS.flatMap(shardTasks).sort());
    // The declared rows feed levels 0 and 1: one request per record, each made by its shard, with its tokens.
    let all = 0;
    for (const level of LEVELS) {
      const partition = JSON.parse(await readFile(join(clone, `artifacts/s1/shards/level-${level}/partition/metrics.json`), 'utf8')) as { counters: Record<string, number> };
      for (const [k, id] of shardTasks(level).entries()) {
        expect(run.llm.by_task[id]!.calls, id).toBe(partition.counters[`shard_${k}_records`]);
        if (run.llm.by_task[id]!.calls > 0) expect(run.llm.by_task[id]!.tokens_in, id).toBeGreaterThan(0);
        all += run.llm.by_task[id]!.calls;
      }
      expect(partition.counters['records_in']! > 0, `level ${level}`).toBe(level <= 1);
    }
    expect(server.stats().byKey['taxonomy.extract']).toBe(all);
    sharded = await digests(clone);
  }, 600_000);

  it('gives the same S1 and taxonomy bytes as the unsharded build', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, ENV(server.url));
      const at = await scratchWorkspace();
      await buildAll(at);
      expect(await digests(at)).toEqual(sharded);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await removeScratchWorkspaces();
    }
  }, 600_000);

  it('re-runs the one shard of levels 0 and 1 an added institution falls in; the other shards come from the cache', async () => {
    const rows = ['Faculty of Mathematics -> David R. Cheriton School of Computer Science', 'Faculty of Engineering -> Department of Systems Design Engineering'];
    await appendFile(join(clone, 'test/fixtures/declared-paths/paths.csv'), rows.map((p) => `${NEW_INSTITUTION},${p},https://en.wikipedia.org/wiki/University_of_Waterloo\n`).join(''));
    const b = await build(4, 's1:level-1');
    expect(b.code, b.output).toBe(0);
    const touched = shardOf(NEW_INSTITUTION, 4);
    for (const level of [0, 1]) {
      const ran = shardTasks(level).filter((id) => b.tasks[id] === 'cache-miss');
      expect(ran, `level ${level}`).toEqual([`s1:level-${level}-shard-${touched}`]);
      for (const id of shardTasks(level)) if (!ran.includes(id)) expect(b.output).toContain(`> nx run ${id}  [local cache]`);
    }
  }, 600_000);
});
