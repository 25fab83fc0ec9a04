import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, recordTaskOutcome } from '@taxonomy/observability';
import { nxFailure, planNxRun } from './run.ts';

describe('planNxRun', () => {
  it.each([
    {
      name: 'plain run',
      options: { overrides: [], skipCache: false, baseEnv: {} },
      commands: [['nx', 'run', 'taxonomy:finalize', '--output-style=static']],
      env: { NX_DAEMON: 'false', NX_TUI: 'false' },
    },
    {
      name: 'environment, overrides and --skip-cache',
      options: { environment: 'testing', overrides: ['s2.level_thresholds.level_2.min_institutions=3'], skipCache: true, baseEnv: {} },
      commands: [['nx', 'run', 'taxonomy:finalize', '--output-style=static', '--skip-nx-cache']],
      env: { NX_DAEMON: 'false', NX_TUI: 'false', TAXONOMY_ENV: 'testing', TAXONOMY_OVERRIDES_S2: 'level_thresholds.level_2.min_institutions=3' },
    },
    {
      name: 'resume from hierarchy',
      options: { overrides: [], skipCache: false, baseEnv: {}, resumeFrom: 'hierarchy' },
      commands: [
        ['nx', 'run', 'curation:apply', '--output-style=static'],
        ['nx', 'run', 'hierarchy:assemble', '--output-style=static', '--skip-nx-cache', '--exclude-task-dependencies'],
        ['nx', 'run', 'taxonomy:finalize', '--output-style=static', '--skip-nx-cache', '--exclude-task-dependencies'],
      ],
      env: { NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  ])('$name', ({ options, commands, env }) => {
    const plan = planNxRun(options);
    expect(plan.map((p) => p.args)).toEqual(commands);
    for (const p of plan) expect(p.env).toEqual(env);
  });

  it('rejects an unknown resume phase before anything runs', () => {
    expect(() => planNxRun({ overrides: [], skipCache: false, baseEnv: {}, resumeFrom: 'S4' })).toThrow(/unknown phase "S4"/u);
  });
});

describe('nxFailure (issue 11, item 12)', () => {
  it('ends `taxonomy run` with the failing task\'s own code and line, not Nx\'s exit 1', async () => {
    const root = await mkdtemp(join(tmpdir(), 'taxonomy-run-'));
    recordTaskOutcome(root, 's0:extract', { code: 'INPUT_INVALID', exit_code: 3, message: 'source "hostile" (corpus/pipe) is a FIFO, not a regular file', build_token: 'b-run' });
    const error = nxFailure(root, 'b-run', 'taxonomy:finalize', 1);
    expect([error.code, exitCodeFor(error.code), error.message]).toEqual(['INPUT_INVALID', 3, 's0:extract: source "hostile" (corpus/pipe) is a FIFO, not a regular file']);
    recordTaskOutcome(root, 's1:level-0', { code: 'PROVIDER_FAILED', exit_code: 4, message: 's1:level-0: 9 calls failed transiently; rerun — finished calls are replayed from the response cache', build_token: 'b-llm' });
    expect(exitCodeFor(nxFailure(root, 'b-llm', 'taxonomy:finalize', 1).code)).toBe(4);
    expect(nxFailure(root, 'b-none', 'taxonomy:finalize', 130)).toMatchObject({ code: 'ABORTED', message: 'nx run taxonomy:finalize was interrupted (exit 130)' });
    expect(nxFailure(root, 'b-none', 'taxonomy:finalize', 1)).toMatchObject({ code: 'TASK_FAILED' });
  });
});
