import { describe, expect, it } from 'vitest';
import { planNxRun } from './run.ts';

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
