import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TaxonomyError } from '@taxonomy/core';

/**
 * A git clone of the repository that shares its installed npm packages but runs its own workspace packages:
 * every entry of node_modules is linked to the repository's, except @taxonomy/*, which link (relatively, as npm
 * does) to the clone's own packages/ — so a task of the clone loads the clone's compiled dist/, never the
 * repository's (which a fresh checkout has not built).
 */
export async function cloneRepo(repo: string, path: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  execFileSync('git', ['clone', '-q', repo, path]);
  const from = join(repo, 'node_modules');
  const to = join(path, 'node_modules');
  await mkdir(join(to, '@taxonomy'), { recursive: true });
  for (const entry of await readdir(from)) if (entry !== '@taxonomy') await symlink(join(from, entry), join(to, entry));
  for (const entry of await readdir(join(from, '@taxonomy'))) await symlink(await readlink(join(from, '@taxonomy', entry)), join(to, '@taxonomy', entry));
  return path;
}

/** Runs `npx nx <args>` in `cwd`; resolves to its wall seconds, or fails naming the command and its last lines. */
export function nx(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('npx', ['nx', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (c: Buffer) => (tail = (tail + c.toString('utf8')).slice(-3000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new TaxonomyError('PROVIDER_FAILED', `npx nx ${args.join(' ')} failed in ${cwd} (exit ${code}): ${tail.trim().split('\n').slice(-4).join(' | ')}`))));
  });
}
