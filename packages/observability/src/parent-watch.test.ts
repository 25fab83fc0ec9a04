import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, isProcessAlive } from '@taxonomy/core';
import { runS0Task } from '@taxonomy/s0-raw-extraction';
import { startFakeLlmServer, type FakeLlmServer } from '../../../tools/fake-llm/server.ts';
import { EXIT_CODES, exitCodeFor } from './main.ts';
import { readTaskFailures, recordTaskOutcome } from './task-failure.ts';

/**
 * Issue 11, item 12: Nx gives each task its own session, so killing the nx process group left the running
 * task alive, still writing its folder; and `taxonomy run` exited 1 with "(exit 130)" whatever the task's
 * error. Here a stand-in for the nx CLI (a script at node_modules/.bin/nx, which is how the task recognises
 * its nx ancestor) starts the real S1 entry in a session of its own, as Nx does, against a slow model.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);
let tmp = '';
let server: FakeLlmServer | null = null;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'parent-watch-'));
  // Every answer takes 60 s: the task is mid-flight when its nx dies.
  server = await startFakeLlmServer({ latencyMs: 60_000 });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tasks exit when the nx process that started them dies', () => {
  it('kill -9 of the nx process group stops the task within seconds, with no staging folder or output left', async () => {
    const root = join(tmp, 'ws');
    await mkdir(join(root, 'config'), { recursive: true });
    await writeFile(join(root, 'nx.json'), '{}\n');
    await writeFile(join(root, 'config', 'global.json'), JSON.stringify({ log_level: 'warn' }));
    await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
    await runS0Task({ root });
    // The stand-in nx: spawns the task detached (its own session), prints the task's pid, then waits.
    const fakeNx = join(tmp, 'node_modules/.bin/nx');
    await mkdir(join(tmp, 'node_modules/.bin'), { recursive: true });
    const task = `${process.execPath} --import ${join(REPO, 'node_modules/tsx/dist/loader.mjs')} ${join(REPO, 'packages/s1-extraction/src/main.ts')} --level 0 2> ${join(tmp, 'task.err')}`;
    await writeFile(
      fakeNx,
      `const { spawn } = require('node:child_process');
const child = spawn('/bin/sh', ['-c', ${JSON.stringify(task)}], { cwd: ${JSON.stringify(root)}, detached: true, stdio: 'ignore', env: { ...process.env, OPENAI_BASE_URL: ${JSON.stringify(server!.url)}, OPENAI_API_KEY: 'sk-test-parent-0000', NX_TASK_TARGET_PROJECT: 's1', NX_TASK_TARGET_TARGET: 'level-0', NX_WORKSPACE_ROOT: ${JSON.stringify(root)} } });
process.stdout.write(String(child.pid) + '\\n');
setInterval(() => {}, 1000);
`,
    );
    const nx = spawn(process.execPath, [fakeNx, 'run', 's1:level-0'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_PATH: join(REPO, 'node_modules') } });
    const shellPid = await new Promise<number>((resolve) => nx.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    // Wait until the task has started its model calls (its staging folder exists).
    const staging = async () => (await readdir(join(root, 'artifacts/s1')).catch(() => [] as string[])).filter((n) => n.includes('staging'));
    for (let i = 0; i < 150 && (await staging()).length === 0; i += 1) await wait(100);
    expect(await staging()).toHaveLength(1);
    process.kill(-nx.pid!, 'SIGKILL');
    const killedAt = performance.now();
    for (let i = 0; i < 100 && isProcessAlive(shellPid); i += 1) await wait(100);
    // The task (and the shell waiting for it) are gone a moment after nx died, not 60 s later.
    expect(isProcessAlive(shellPid)).toBe(false);
    expect(performance.now() - killedAt).toBeLessThan(8_000);
    expect(await readFile(join(tmp, 'task.err'), 'utf8')).toMatch(/taxonomy: ABORTED: the nx process \(pid \d+\) that started this task is gone; stopping without writing/u);
    expect(await staging()).toEqual([]);
    await expect(readdir(join(root, 'artifacts/s1/level-0'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);
});

describe('exit codes', () => {
  it.each([
    ['INPUT_INVALID', 3],
    ['ARTIFACT_CORRUPT', 3],
    ['PROVIDER_UNAVAILABLE', 4],
    ['PROVIDER_FAILED', 4],
    ['WORKSPACE_LOCKED', 5],
    ['ABORTED', 130],
    ['INVARIANT_VIOLATED', 1],
  ])('%s exits %i', (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
  });

  it('a failed task under Nx leaves its code for `taxonomy run`; its success clears it', async () => {
    const root = join(tmp, 'failures');
    recordTaskOutcome(root, 's0:extract', { code: 'INPUT_INVALID', exit_code: EXIT_CODES.INPUT_INVALID!, message: 'source "hostile" is a FIFO', build_token: 'b-1' });
    recordTaskOutcome(root, 's1:level-0', { code: 'PROVIDER_FAILED', exit_code: 4, message: 'x', build_token: 'b-other' });
    expect(readTaskFailures(root, 'b-1')).toEqual([expect.objectContaining({ task: 's0:extract', code: 'INPUT_INVALID', exit_code: 3 })]);
    recordTaskOutcome(root, 's0:extract', null);
    expect(readTaskFailures(root, 'b-1')).toEqual([]);
  });
});
