import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { cloneRepo } from '../tools/bench/clone.ts';

/**
 * The CI recipe of docs/operators-guide.md: with task-level affected, a commit that changes only S2's
 * settings selects the S2 tasks and their dependents, and nothing upstream. Checked on a clone of the
 * committed repository, so the repository's own working tree and Nx cache are never touched.
 */
const repo = findWorkspaceRoot(import.meta.dirname);
const TARGETS = ['build', 'bundle', 'sources', 'settings', 'level-0', 'level-1', 'level-2', 'level-3', 'run', 'apply', 'assemble', 'finalize'];
let clone = '';

afterAll(async () => {
  if (clone !== '') await rm(join(clone, '..'), { recursive: true, force: true });
});

function git(args: string[]): void {
  execFileSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], { cwd: clone, stdio: 'ignore' });
}

function affected(): string[] {
  const out = execFileSync('npx', ['nx', 'affected', '-t', ...TARGETS, '--base=HEAD~1', '--explain=stdout'], {
    cwd: clone,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', NX_LEGACY_AFFECTED: 'false' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Object.keys((JSON.parse(out) as { affected: Record<string, unknown> }).affected).sort();
}

describe('nx affected (task level) follows phase settings and code', () => {
  it('a commit to config/s2.json selects S2 and its dependents only', async () => {
    clone = await cloneRepo(repo, join(await mkdtemp(join(tmpdir(), 'taxonomy-affected-')), 'clone'));
    await writeFile(join(clone, 'config/s2.json'), `${JSON.stringify({ level_thresholds: { level_2: { min_institutions: 3 } } }, null, 2)}\n`);
    git(['commit', '-qam', 'raise the level-2 threshold']);
    const tasks = affected();
    expect(tasks).toEqual(expect.arrayContaining(['s2:settings', 's2:level-0', 's2:level-1', 's2:level-2', 's2:level-3', 's3:level-2', 's1:level-3', 'postprocess:run', 'placement:run', 'curation:apply', 'hierarchy:assemble', 'taxonomy:finalize']));
    expect(tasks).not.toContain('s0:level-0');
    expect(tasks).not.toContain('s1:level-0');
  }, 120_000);

  it('a commit to S2 code does the same, and a commit to S0 settings selects everything', async () => {
    await writeFile(join(clone, 'packages/s2-frequency/src/frequency.ts'), '// a code change\n', { flag: 'a' });
    git(['commit', '-qam', 'touch S2 code']);
    const afterCode = affected();
    expect(afterCode).toEqual(expect.arrayContaining(['s2:build', 'taxonomy:bundle', 's2:level-1', 'taxonomy:finalize']));
    // The phase bundle (it holds every phase's code) and S2's own library build; no other package's build.
    expect(afterCode.filter((t) => t.endsWith(':build')).sort()).toEqual(['s2:build']);
    expect(afterCode).not.toContain('s0:level-0');
    expect(afterCode).not.toContain('s1:level-0');
    await writeFile(join(clone, 'config/s0.json'), `${JSON.stringify({ min_chars: 4 }, null, 2)}\n`);
    git(['commit', '-qam', 'touch S0 settings']);
    expect(affected()).toEqual(expect.arrayContaining(['s0:sources', 's0:level-0', 's0:level-3', 's1:level-0', 's3:level-3', 'taxonomy:finalize']));
  }, 120_000);
});
