import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@taxonomy/config';
import { resolveS1Shards } from './taxonomy-plugin.mjs';

async function workspace(s1: unknown): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'taxonomy-plugin-'));
  await writeFile(join(root, 'nx.json'), '{}\n');
  await mkdir(join(root, 'config'));
  if (s1 !== undefined) await writeFile(join(root, 'config', 's1.json'), JSON.stringify(s1));
  return root;
}

/**
 * Nx infers the graph before any task runs, so the plugin resolves s1.shards itself; it must read the
 * value every task then reads through loadConfig (file < profile < TAXONOMY_OVERRIDES_S1).
 */
describe('resolveS1Shards (the graph) agrees with loadConfig (the tasks)', () => {
  it.each([
    { name: 'no config/s1.json', s1: undefined, env: {}, shards: 1 },
    { name: 'the default', s1: { min_label_length: 2 }, env: {}, shards: 1 },
    { name: 'config/s1.json', s1: { shards: 4 }, env: {}, shards: 4 },
    { name: 'a profile of TAXONOMY_ENV', s1: { shards: 2, profiles: { testing: { shards: 8 } } }, env: { TAXONOMY_ENV: 'testing' }, shards: 8 },
    { name: 'another environment keeps the file', s1: { shards: 2, profiles: { testing: { shards: 8 } } }, env: { TAXONOMY_ENV: 'production' }, shards: 2 },
    { name: 'TAXONOMY_OVERRIDES_S1 over the file', s1: { shards: 4 }, env: { TAXONOMY_OVERRIDES_S1: 'shards=3' }, shards: 3 },
    { name: 'one override among others', s1: undefined, env: { TAXONOMY_OVERRIDES_S1: 'min_label_length=3; shards = 6' }, shards: 6 },
  ])('$name → $shards', async ({ s1, env, shards }) => {
    const root = await workspace(s1);
    expect(resolveS1Shards(root, env)).toBe(shards);
    expect(loadConfig({ root, env }).config.s1.shards).toBe(shards);
  });

  it.each([
    { s1: { shards: 0 }, env: {}, where: 'shards' },
    { s1: { shards: 2.5 }, env: {}, where: 'shards' },
    { s1: { shards: '4' }, env: {}, where: 'shards' },
    { s1: undefined, env: { TAXONOMY_OVERRIDES_S1: 'shards=many' }, where: 'TAXONOMY_OVERRIDES_S1' },
    { s1: undefined, env: { TAXONOMY_OVERRIDES_S1: 'shards=-1' }, where: 'TAXONOMY_OVERRIDES_S1' },
  ])('refuses $s1 $env in both, naming the field', async ({ s1, env, where }) => {
    const root = await workspace(s1);
    expect(() => resolveS1Shards(root, env)).toThrow(new RegExp(`CONFIG_INVALID: .*${where}.*s1\\.shards must be an integer ≥ 1`, 'u'));
    expect(() => loadConfig({ root, env })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('s1.shards') }));
  });
});
