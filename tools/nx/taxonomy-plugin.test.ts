import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@taxonomy/config';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BUILD_GRAPH_FILE, DIGESTS, KEY_STATE_VAR, apiKeyState, expandBuildGraph, phaseTarget, resolveDigests, resolveS1Shards, runtimeClosure } from './taxonomy-plugin.mjs';

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

/**
 * Whether OPENAI_API_KEY is set is part of every model task's hash, never its value. Before, a runtime input
 * (`node tools/nx/hash-llm-env.mjs`) gave it, spawned for each model task on every `nx run` (2.4 s of a 6.1 s
 * cached rerun); now the inferred target carries it in `options.env`, which Nx hashes with the project.
 */
describe('the API key state in model task targets', () => {
  const tasks = expandBuildGraph(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', BUILD_GRAPH_FILE), 'utf8')), { shards: 2 }) as Array<{ project: string; target: string; inputs: unknown[] }>;
  const models = tasks.filter((t) => t.inputs.includes('llmConfig')).map((t) => `${t.project}:${t.target}`);

  it('is recorded for exactly the tasks that hash llmConfig', () => {
    expect(models).toEqual(expect.arrayContaining(['s1:level-0', 's1:level-1-shard-1', 's3:level-3', 'postprocess:run', 'taxonomy:finalize']));
    for (const task of tasks) {
      const target = phaseTarget(task, `packages/${task.project}`, [], { OPENAI_API_KEY: 'sk-secret-0001' }) as { options: { env?: Record<string, string> } };
      const keyState = Object.fromEntries(Object.entries(target.options.env ?? {}).filter(([name]) => name === KEY_STATE_VAR));
      if (models.includes(`${task.project}:${task.target}`)) expect(keyState).toEqual({ [KEY_STATE_VAR]: 'set' });
      else expect(keyState).toEqual({});
      expect(JSON.stringify(target)).not.toContain('sk-secret');
    }
  });

  it.each([
    [{ OPENAI_API_KEY: 'sk-a' }, 'set'],
    [{ OPENAI_API_KEY: 'sk-b' }, 'set'],
    [{ OPENAI_API_KEY: '' }, 'unset'],
    [{}, 'unset'],
  ])('%j → %s (two keys give the same target)', (env, state) => {
    expect(apiKeyState(env)).toBe(state);
  });

  it('agrees with what the task checks (packages/config)', async () => {
    const root = await workspace(undefined);
    expect(() => loadConfig({ root, env: { OPENAI_API_KEY: 'sk-a', [KEY_STATE_VAR]: apiKeyState({ OPENAI_API_KEY: 'sk-a' }) } })).not.toThrow();
    expect(() => loadConfig({ root, env: { [KEY_STATE_VAR]: apiKeyState({ OPENAI_API_KEY: 'sk-a' }) } })).toThrow(/OPENAI_API_KEY set/u);
  });
});

/**
 * The sources manifest (with every path it lists) and the crawl's seeds and freshness are hashed through
 * digests the plugin computes while it infers the graph, put in the target's env. As `runtime` inputs they
 * spawned two Node processes on every `nx run`; the value must be the one the scripts print.
 */
describe('digest inputs', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const tasks = expandBuildGraph(JSON.parse(readFileSync(join(repo, BUILD_GRAPH_FILE), 'utf8'))) as Array<{ project: string; target: string; inputs: unknown[] }>;

  it.each([
    ['s0:sources', 'sources', 'TAXONOMY_SOURCES_DIGEST', 'hash-sources.mjs'],
    ['crawl:run', 'crawl', 'TAXONOMY_CRAWL_DIGEST', 'hash-crawl.mjs'],
  ])('%s hashes the %s digest: the value its script prints, in the env, no runtime input', (id, name, variable, script) => {
    const task = tasks.find((t) => `${t.project}:${t.target}` === id)!;
    expect(task.inputs).toContainEqual({ digest: name });
    const target = phaseTarget(task, `packages/${task.project}`, [], {}, repo) as { inputs: unknown[]; options: { env?: Record<string, string> } };
    const printed = execFileSync(process.execPath, [join(repo, 'tools', 'nx', script), repo], { env: {}, encoding: 'utf8' }).trim();
    expect(target.options.env?.[variable]).toBe(printed);
    expect(target.inputs).not.toContainEqual({ digest: name });
    expect(JSON.stringify(target.inputs)).not.toContain('runtime');
  });

  it('only those two tasks carry a digest', () => {
    const withDigest = tasks.filter((t) => t.inputs.some((i) => typeof i === 'object' && i !== null && 'digest' in i)).map((t) => `${t.project}:${t.target}`);
    expect(withDigest.sort()).toEqual(['crawl:run', 's0:sources']);
  });

  it('follows the manifest a TAXONOMY_OVERRIDES_S0 names', async () => {
    const root = await workspace(undefined);
    await writeFile(join(root, 'a.json'), '{"sources": []}');
    await writeFile(join(root, 'b.json'), '{"sources": [{"id": "x", "path": "x.txt"}]}');
    const digestOf = (manifest: string) => resolveDigests([{ digest: 'sources' }], root, { TAXONOMY_OVERRIDES_S0: `sources_manifest=${manifest}` }).digestEnv[DIGESTS.sources.variable];
    expect(digestOf('a.json')).toMatch(/^[0-9a-f]{64}$/u);
    expect(digestOf('a.json')).not.toBe(digestOf('b.json'));
  });

  it('stays a runtime input when the Nx daemon keeps the graph across commands', () => {
    expect(resolveDigests(['globalConfig', { digest: 'crawl' }], repo, { NX_DAEMON: 'true' })).toEqual({ nxInputs: ['globalConfig', { runtime: 'node tools/nx/hash-crawl.mjs' }], digestEnv: {} });
  });

  it('refuses an unknown digest, naming the file', () => {
    expect(() => resolveDigests([{ digest: 'seeds' }], repo, {})).toThrow(/build-graph\.json: unknown digest "seeds" \(known: sources, crawl\)/u);
  });
});

describe('runtimeClosure', () => {
  const depsOf = new Map([
    ['core', []],
    ['config', ['core']],
    ['llm', ['core', 'config']],
    ['s1', ['llm', 'lexicon']],
    ['lexicon', ['core']],
  ]);
  it.each([
    ['core', []],
    ['config', ['core']],
    ['s1', ['config', 'core', 'lexicon', 'llm']],
  ])('%s loads %j', (name, closure) => {
    expect(runtimeClosure(name, depsOf)).toEqual(closure);
  });
});
