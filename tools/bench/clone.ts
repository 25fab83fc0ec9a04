import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';

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
