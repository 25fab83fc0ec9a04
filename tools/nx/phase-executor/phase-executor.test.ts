import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Task = { id: string; target: { project: string; target: string } };
type Result = { success: boolean; status: string; terminalOutput: string };
const { runOrder } = require('./run-entry.cjs') as { runOrder: (g: { tasks: Record<string, Task>; dependencies: Record<string, string[]> }) => string[] };
const runPhaseBatch = require('./phase-batch.cjs') as (
  g: { tasks: Record<string, Task>; dependencies: Record<string, string[]> },
  inputs: Record<string, { entry: string; args?: string[]; env?: Record<string, string> }>,
  overrides: unknown,
  context: { root: string },
) => AsyncGenerator<{ task: string; result: Result }>;

// Entries as the phase bundle's are: ES modules (the bundle sits in a `"type": "module"` package) that run their
// task when evaluated and report it by the exit code. A CommonJS entry would run once per process whatever its URL.
const root = mkdtempSync(join(tmpdir(), 'phase-executor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(root, 'echo.js'),
  [
    "const level = process.argv[process.argv.indexOf('--level') + 1];",
    'process.stdout.write(`${process.env.NX_TASK_TARGET_PROJECT}:${process.env.NX_TASK_TARGET_TARGET} level ${level} key ${process.env.KEY_STATE ?? "-"}\\n`);',
    "process.stderr.write('to stderr\\n');",
    'await new Promise((r) => setTimeout(r, 5));',
    "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;",
  ].join('\n'),
);
writeFileSync(join(root, 'fails.js'), "process.stderr.write('taxonomy: INPUT_INVALID: bad record\\n');\nprocess.exitCode = 3;\n");
writeFileSync(join(root, 'throws.js'), "throw new Error('cannot load');\n");

const task = (id: string): Task => {
  const [project = '', target = ''] = id.split(':');
  return { id, target: { project, target } };
};
const graph = (deps: Record<string, string[]>) => ({ tasks: Object.fromEntries(Object.keys(deps).map((id) => [id, task(id)])), dependencies: deps });
async function run(deps: Record<string, string[]>, inputs: Record<string, { entry: string; args?: string[]; env?: Record<string, string> }>) {
  const out: Array<{ task: string; result: Result }> = [];
  for await (const r of runPhaseBatch(graph(deps), inputs, {}, { root })) out.push(r);
  return out;
}

const runPhase = require('./phase.cjs') as (options: { entry: string; args?: string[] }, context: { root: string; projectName: string; targetName: string }) => Promise<{ success: boolean }>;

describe('the executor of one task (no batch)', () => {
  it("writes the task's output through to the process's streams, which Nx reads, and reports its exit code", async () => {
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    let result: { success: boolean };
    try {
      result = await runPhase({ entry: 'echo.js', args: ['--level', '2'] }, { root, projectName: 's2', targetName: 'level-2' });
    } finally {
      process.stdout.write = original;
    }
    expect(result.success).toBe(true);
    expect(written).toEqual(['s2:level-2 level 2 key -\n']);
    expect((await runPhase({ entry: 'fails.js' }, { root, projectName: 's0', targetName: 'level-0' })).success).toBe(false);
  });
});

describe('runOrder', () => {
  it('puts every task after the tasks it waits for in the batch, ties in the batch order; tasks outside the batch are done', () => {
    expect(runOrder(graph({ 'c:x': ['b:x'], 'a:x': [], 'b:x': ['a:x', 'outside:x'] }))).toEqual(['a:x', 'b:x', 'c:x']);
  });
  it('refuses a cycle, naming its tasks', () => {
    expect(() => runOrder(graph({ 'a:x': ['b:x'], 'b:x': ['a:x'] }))).toThrow(/cycle \(a:x, b:x\)/u);
  });
});

describe('the batch executor', () => {
  it("runs each task's entry with its own arguments, identity and variables, and returns what it wrote as its output", async () => {
    const before = { argv: [...process.argv], key: process.env['KEY_STATE'], project: process.env['NX_TASK_TARGET_PROJECT'] };
    const results = await run(
      { 's1:level-0': [], 's1:level-1': ['s1:level-0'] },
      { 's1:level-0': { entry: 'echo.js', args: ['--level', '0'], env: { KEY_STATE: 'set' } }, 's1:level-1': { entry: 'echo.js', args: ['--level', '1'] } },
    );
    expect(results.map((r) => [r.task, r.result.status, r.result.terminalOutput])).toEqual([
      ['s1:level-0', 'success', 's1:level-0 level 0 key set\nto stderr\n'],
      ['s1:level-1', 'success', 's1:level-1 level 1 key -\nto stderr\n'],
    ]);
    // The entry ran once per task (a URL of its own), and the process is as it was.
    expect((globalThis as { evaluations?: number }).evaluations).toBe(3);
    expect([process.argv, process.env['KEY_STATE'], process.env['NX_TASK_TARGET_PROJECT'], process.exitCode]).toEqual([before.argv, before.key, before.project, undefined]);
  });

  it("fails a task by its exit code, skips what waits for it, and runs what does not", async () => {
    const results = await run(
      { 's0:level-0': [], 's1:level-0': ['s0:level-0'], 's2:level-0': ['s1:level-0'], 's0:level-1': [] },
      { 's0:level-0': { entry: 'fails.js' }, 's1:level-0': { entry: 'echo.js', args: ['--level', '0'] }, 's2:level-0': { entry: 'echo.js', args: ['--level', '0'] }, 's0:level-1': { entry: 'echo.js', args: ['--level', '1'] } },
    );
    expect(results.map((r) => [r.task, r.result.status, r.result.success])).toEqual([
      ['s0:level-0', 'failure', false],
      ['s1:level-0', 'skipped', false],
      ['s2:level-0', 'skipped', false],
      ['s0:level-1', 'success', true],
    ]);
    expect(results[0]!.result.terminalOutput).toBe('taxonomy: INPUT_INVALID: bad record\n');
    expect(process.exitCode).toBeUndefined();
  });

  it('fails a task whose entry cannot run, with the reason in its output', async () => {
    const [result] = await run({ 'a:run': [] }, { 'a:run': { entry: 'throws.js' } });
    expect(result!.result.status).toBe('failure');
    expect(result!.result.terminalOutput).toBe('taxonomy: a:run: throws.js could not run: cannot load\n');
  });
});
