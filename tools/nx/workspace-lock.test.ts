import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireWorkspaceLock, findWorkspaceRoot, lockFilePath, readWorkspaceLock, sha256Hex } from '@taxonomy/core';
import { runS0Task } from '@taxonomy/s0-raw-extraction';
import { postTasksExecution, preTasksExecution } from './workspace-lock-plugin.mjs';

/**
 * Issue 11, item 1: one build per checkout. Before, two `nx run taxonomy:finalize` started 13 s apart both
 * exited 0 with 116 concepts missing, and the next run served that from the cache. The Nx hook takes the
 * workspace lock before Nx restores or runs anything; every task checks it holds its build's token.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);
let tmp = '';
const savedToken = process.env['TAXONOMY_BUILD_TOKEN'];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'workspace-lock-'));
});
afterEach(() => {
  if (savedToken === undefined) delete process.env['TAXONOMY_BUILD_TOKEN'];
  else process.env['TAXONOMY_BUILD_TOKEN'] = savedToken;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function workspace(name: string): Promise<string> {
  const root = join(tmp, name);
  await mkdir(join(root, 'config'), { recursive: true });
  await writeFile(join(root, 'nx.json'), '{}\n');
  await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'silent' }));
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  return root;
}

/** The pid of a process that has exited (a dead holder, as after kill -9). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the workspace lock', () => {
  it('a second build fails at once naming the holder; a dead holder is taken over; waiting works', async () => {
    const root = await workspace('lock');
    const first = await acquireWorkspaceLock(root, { pid: process.pid, command: 'nx run taxonomy:finalize' });
    const started = performance.now();
    await expect(acquireWorkspaceLock(root, { command: 'nx run taxonomy:finalize' })).rejects.toMatchObject({
      code: 'WORKSPACE_LOCKED',
      message: expect.stringMatching(new RegExp(`is being built by pid ${process.pid} \\(nx run taxonomy:finalize\\) since \\d{4}-.*Z; one build per checkout`, 'u')),
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    // The same build (its token) joins instead of failing.
    expect((await acquireWorkspaceLock(root, { command: 'task', token: first.token })).owner).toBe(false);
    setTimeout(() => first.release(), 300);
    const waited = await acquireWorkspaceLock(root, { command: 'second build', waitMs: 5_000, pollMs: 50 });
    expect(waited.owner).toBe(true);
    waited.release();
    // kill -9 leaves the lock behind with a dead holder: the next build takes it over.
    const stale = await acquireWorkspaceLock(root, { pid: await deadPid(), command: 'nx run taxonomy:finalize' });
    expect(readWorkspaceLock(root)?.token).toBe(stale.token);
    const next = await acquireWorkspaceLock(root, { command: 'next build' });
    expect(readWorkspaceLock(root)?.token).toBe(next.token);
    next.release();
    expect(readWorkspaceLock(root)).toBeNull();
  });

  it('interleaved builds: the second one fails before anything runs, and a task of another build refuses to write', async () => {
    const root = await workspace('interleaved');
    await runS0Task({ root });
    const good = sha256Hex(await readFile(join(root, 'artifacts/s0/level-1/records-00001.jsonl')));
    // Build A: its hook takes the lock and hands the token to its tasks.
    delete process.env['TAXONOMY_BUILD_TOKEN'];
    await preTasksExecution({}, { workspaceRoot: root, argv: ['node', 'nx', 'run', 'taxonomy:finalize'] });
    const tokenA = process.env['TAXONOMY_BUILD_TOKEN']!;
    expect(readWorkspaceLock(root)).toMatchObject({ token: tokenA, command: 'nx run taxonomy:finalize' });
    // Build B, started while A runs: its hook fails in one line naming A.
    delete process.env['TAXONOMY_BUILD_TOKEN'];
    await expect(preTasksExecution({}, { workspaceRoot: root, argv: ['node', 'nx', 'run', 'taxonomy:finalize'] })).rejects.toMatchObject({
      code: 'WORKSPACE_LOCKED',
      message: expect.stringContaining('(nx run taxonomy:finalize)'),
    });
    // A task that belongs to no build holding the lock (B's, or one run by hand) writes nothing.
    process.env['TAXONOMY_BUILD_TOKEN'] = 'b-not-the-holder';
    await expect(runS0Task({ root, overrides: ['s0.min_chars=4'] })).rejects.toMatchObject({ code: 'WORKSPACE_LOCKED' });
    delete process.env['TAXONOMY_BUILD_TOKEN'];
    await expect(runS0Task({ root, overrides: ['s0.min_chars=4'] })).rejects.toMatchObject({ code: 'WORKSPACE_LOCKED' });
    expect(sha256Hex(await readFile(join(root, 'artifacts/s0/level-1/records-00001.jsonl')))).toBe(good);
    // A's own tasks run; A's post hook gives the lock back.
    process.env['TAXONOMY_BUILD_TOKEN'] = tokenA;
    await runS0Task({ root });
    await postTasksExecution({}, { workspaceRoot: root });
    expect(readWorkspaceLock(root)).toBeNull();
    expect(lockFilePath(root)).toMatch(/artifacts\/\.runs\/build\.lock$/u);
  }, 30_000);
});
