import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { BUILD_TASKS, taskId } from '../packages/taxonomy/src/commands/task-graph.ts';
import { cloneRepo } from '../tools/bench/clone.ts';

/**
 * Issue 14, item 3, with Nx itself on a clone of the committed repository and the sample corpus: new data of
 * one level re-runs that level's tasks and what follows, never a level above it. One call-for-papers page
 * (level 3) appended to corpus/pages/pages.jsonl runs no level-0, 1 or 2 task; one department line (level 1)
 * runs no level-0 task. The page is ICLR 2026's call for papers (iclr.cc), a venue outside the corpus.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
let base = '';
let clone = '';

const CFP_PAGE = {
  url: 'https://iclr.cc/Conferences/2026/CallForPapers',
  institution: 'ICLR',
  kind: 'cfp_topics',
  level_hint: 3,
  title: 'ICLR 2026 Call for Papers',
  fetched_at: null,
  text: [
    'Call for Papers',
    'We invite submissions on topics including:',
    'unsupervised, semi-supervised, and supervised representation learning',
    'representation learning for planning and reinforcement learning',
    'metric learning and kernel learning',
    'sparse coding and dimensionality expansion',
    'hierarchical models',
    'optimization for representation learning',
    'optimal transport',
    'theoretical issues in deep learning',
    'societal considerations including fairness, safety, privacy',
    'visualization or interpretation of learned representations',
    'implementation issues, parallelization, software platforms, hardware',
  ].join('\n'),
};

/** Task id → Nx's cache status for one `nx run taxonomy:finalize` in the clone (Nx's own record, `.nx/cache/run.json`). */
async function build(): Promise<Record<string, string>> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NX_|TAXONOMY_|OPENAI_)/u.test(k)));
  const child = spawn('npx', ['nx', 'run', 'taxonomy:finalize', '--output-style=static'], {
    cwd: clone,
    env: { ...inherited, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', TAXONOMY_OVERRIDES_GLOBAL: 'log_level=warn', TAXONOMY_LLM_PROVIDER: 'offline' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  expect(code, output).toBe(0);
  const record = JSON.parse(await readFile(join(clone, '.nx/cache/run.json'), 'utf8')) as { tasks: Array<{ taskId: string; cacheStatus: string }> };
  return Object.fromEntries(record.tasks.map((t) => [t.taskId, t.cacheStatus]));
}

/** The counters of an S0 level task's last run in the clone. */
async function s0Counters(level: number): Promise<Record<string, number>> {
  return (JSON.parse(await readFile(join(clone, `artifacts/s0/level-${level}/metrics.json`), 'utf8')) as { counters: Record<string, number> }).counters;
}

const executed = (run: Record<string, string>) => Object.keys(run).filter((id) => run[id] === 'cache-miss').sort();
const levelOf = (id: string) => /:level-(\d+)(-|$)/u.exec(id)?.[1];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'taxonomy-incremental-'));
  clone = await cloneRepo(repo, join(base, 'clone'));
  await build();
}, 600_000);

afterAll(async () => {
  if (base !== '') await rm(base, { recursive: true, force: true });
});

/** What Nx hashes of one task in the clone (`nx show target inputs`). */
function hashedInputs(task: string): Promise<{ files: string[]; depOutputs?: string[] }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NX_|TAXONOMY_|OPENAI_)/u.test(k)));
  const child = spawn('npx', ['nx', 'show', 'target', 'inputs', task, '--json'], { cwd: clone, env: { ...inherited, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' }, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { files: string[]; depOutputs?: string[] }) : reject(new Error(`nx show target inputs ${task}: exit ${code}`)))));
}

describe('data-incremental rebuilds (Nx)', () => {
  // A task hashes only the outputs of the tasks it waits for (no transitive inputs): so everything it read
  // must be among them, or an upstream change could leave it a stale cache hit. The files each task read are
  // in its metrics.json. A file outside artifacts/ (config/curation.json) must be one of its file inputs; an S0
  // level task reads corpus files, which its level view (hashed) names with a digest.
  it('every file a task read is in its hash', async () => {
    const checked: string[] = [];
    const tasks = BUILD_TASKS.filter((t) => t.helper !== true);
    for (let i = 0; i < tasks.length; i += 2) {
      await Promise.all(
        tasks.slice(i, i + 2).map(async (task) => {
          const id = taskId(task);
          const metrics = JSON.parse(await readFile(join(clone, task.dir, 'metrics.json'), 'utf8')) as { inputs: Array<{ path: string; sha256: string }> };
          const inputs = await hashedInputs(id);
          const hashed = new Set(inputs.depOutputs ?? []);
          for (const input of metrics.inputs) {
            if (input.path.startsWith('artifacts/')) expect(hashed.has(input.path), `${id} reads ${input.path}`).toBe(true);
            else if (task.project !== 's0') expect(inputs.files, `${id} reads ${input.path}`).toContain(input.path);
            else {
              // (the view holds a digest of what the level's loader reads of each source: S0's own tests check it)
              const view = JSON.parse(await readFile(join(clone, `artifacts/s0/sources/level-${task.level}.json`), 'utf8')) as { manifest: string; sources: Array<{ source: { path: string } }> };
              expect(hashed.has(`artifacts/s0/sources/level-${task.level}.json`), id).toBe(true);
              expect([view.manifest, ...view.sources.map((s) => s.source.path)], `${id} reads ${input.path}`).toContain(input.path);
            }
            checked.push(`${id} ${input.path}`);
          }
        }),
      );
    }
    expect(checked.length).toBeGreaterThan(40);
  }, 600_000);

  it('one appended call-for-papers page re-runs level 3 and what follows, no task of levels 0–2', async () => {
    const before = await s0Counters(3);
    await appendFile(join(clone, 'corpus/pages/pages.jsonl'), `${JSON.stringify(CFP_PAGE)}\n`);
    const ran = executed(await build());
    // The page is read as one more page of records, none quarantined.
    const after = await s0Counters(3);
    expect(after['pages_emitted']).toBe(before['pages_emitted']! + 1);
    expect(after['records_out_level_3']).toBeGreaterThan(before['records_out_level_3']! + 5);
    expect(after['quarantined']).toBe(before['quarantined']);
    expect(ran).toEqual(expect.arrayContaining(['s0:sources', 's0:level-3', 's1:level-3', 's2:level-3', 's3:level-3', 'postprocess:run', 'taxonomy:finalize']));
    expect(ran.filter((id) => ['0', '1', '2'].includes(levelOf(id) ?? ''))).toEqual([]);
    expect(ran.filter((id) => id.endsWith(':build') || id === 'taxonomy:bundle')).toEqual([]);
  }, 600_000);

  it('one appended department line re-runs level 1 onwards, no level-0 task', async () => {
    const before = await s0Counters(1);
    // The sample's file ends with a newline, so an appended line is a line of its own (`echo … >>` works too).
    await appendFile(join(clone, 'corpus/departments/institutions_departments.txt'), 'massachusetts institute of technology||department of nuclear science and engineering\n');
    const ran = executed(await build());
    const after = await s0Counters(1);
    expect(after['records_out_level_1']).toBe(before['records_out_level_1']! + 1);
    expect(after['quarantined']).toBe(before['quarantined']);
    expect(ran).toEqual(expect.arrayContaining(['s0:sources', 's0:level-1', 's1:level-1']));
    expect(ran.filter((id) => levelOf(id) === '0')).toEqual([]);
    expect(ran.filter((id) => id.endsWith(':build') || id === 'taxonomy:bundle')).toEqual([]);
  }, 600_000);
});
