import { execSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@taxonomy/config';
import { readFileSync, readdirSync } from 'node:fs';
import { crawlSettings, sourcesManifestPath } from './source-inputs.mjs';
import { BUILD_GRAPH_FILE, BUNDLED_NPM_PACKAGES, EXTRA_CA_HANDOVER, KEY_STATE_VAR, PHASE_EXECUTOR, apiKeyState, codeInputs, createNodes, expandBuildGraph, phaseTarget, resolveS1Shards, runtimeClosure, runtimeInputNeeded } from './taxonomy-plugin.mjs';

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

describe('the extra CA certificates in phase commands', () => {
  const tasks = expandBuildGraph(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', BUILD_GRAPH_FILE), 'utf8')), { shards: 2 }) as Array<{ project: string; target: string }>;

  it('every task of its own process starts Node with NODE_EXTRA_CA_CERTS empty and the file under TAXONOMY_EXTRA_CA_CERTS; the others run through the phase executor', () => {
    const own = tasks.filter((t) => (t as { ownProcess?: true }).ownProcess === true).map((t) => `${t.project}:${t.target}`);
    expect(own).toEqual(['crawl:run', 's0:sources', 's2:settings', 's1:level-0-shard-0', 's1:level-0-shard-1', 's1:level-1-shard-0', 's1:level-1-shard-1', 's1:level-2-shard-0', 's1:level-2-shard-1', 's1:level-3-shard-0', 's1:level-3-shard-1']);
    for (const task of tasks) {
      const { executor, options } = phaseTarget(task, `packages/${task.project}`, []) as { executor: string; options: { command?: string; entry?: string } };
      if (own.includes(`${task.project}:${task.target}`)) {
        expect(executor).toBe('nx:run-commands');
        expect(options.command!.startsWith(`${EXTRA_CA_HANDOVER} node --conditions=taxonomy-dist packages/taxonomy/bundle/${task.project}/`)).toBe(true);
      } else {
        expect(executor).toBe(PHASE_EXECUTOR);
        expect(options.entry!.startsWith(`packages/taxonomy/bundle/${task.project}/`)).toBe(true);
      }
    }
  });

  it.each([
    [{ NODE_EXTRA_CA_CERTS: '/etc/ssl/extra ca.pem' }, { extra: '/etc/ssl/extra ca.pem', node: '' }],
    [{}, { extra: '', node: '' }],
  ])('through the shell Nx runs it with: %j → %j', (env, expected) => {
    const base: Record<string, string | undefined> = { ...process.env, NODE_EXTRA_CA_CERTS: undefined, TAXONOMY_EXTRA_CA_CERTS: 'stale' };
    const out = execSync(`${EXTRA_CA_HANDOVER} node -e 'console.log(JSON.stringify({ extra: process.env.TAXONOMY_EXTRA_CA_CERTS, node: process.env.NODE_EXTRA_CA_CERTS }))'`, {
      env: { ...base, ...env },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(expected);
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
      if (models.includes(`${task.project}:${task.target}`)) expect(target.options.env).toEqual({ [KEY_STATE_VAR]: 'set' });
      else expect(target.options.env).toBeUndefined();
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

describe('codeInputs', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const glob = (patterns: string[]) =>
    (createRequire(import.meta.url)('nx/src/utils/workspace-context.js') as { globWithWorkspaceContextSync: (root: string, globs: string[]) => string[] })
      .globWithWorkspaceContextSync(repo, patterns.map((p) => p.replace('{workspaceRoot}/', '')))
      .sort();
  const roots = ['packages/s2-frequency', 'packages/config', 'packages/core', 'packages/observability'];

  it('is one brace pattern for the packages and one for their tests', () => {
    expect(codeInputs(roots)).toEqual([
      '{workspaceRoot}/packages/{s2-frequency,config,core,observability}/{src/**/*,prompts/**/*,data/**/*,package.json}',
      '!{workspaceRoot}/packages/{s2-frequency,config,core,observability}/src/**/*.test.ts',
    ]);
    expect(codeInputs(['packages/core'])).toEqual(['{workspaceRoot}/packages/core/{src/**/*,prompts/**/*,data/**/*,package.json}', '!{workspaceRoot}/packages/core/src/**/*.test.ts']);
    expect(() => codeInputs(['tools/nx'])).toThrow(/tools\/nx is not a packages\/<name> folder/u);
  });

  it('matches the files of five patterns a package: sources without tests, prompts, data, package.json', () => {
    const each = roots.flatMap((r) => [`${r}/src/**/*`, `${r}/prompts/**/*`, `${r}/data/**/*`, `${r}/package.json`]);
    const expected = glob(each).filter((f) => !f.endsWith('.test.ts'));
    const [files, tests] = codeInputs(roots) as [string, string];
    const matched = glob([files]);
    const excluded = new Set(glob([tests.slice(1)]));
    expect(matched.filter((f) => !excluded.has(f))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(40);
    expect(excluded.size).toBeGreaterThan(10);
    expect(expected.some((f) => f.startsWith('packages/llm/'))).toBe(false);
  });
});

/**
 * The plugin drops a runtime input from what it resolves of s0.sources_manifest and crawl.seeds_file: a value
 * that differed from what the tasks read through loadConfig would let a changed source outside corpus/ go unhashed.
 */
describe('sourcesManifestPath and crawlSettings (the graph) agree with loadConfig (the tasks)', () => {
  it.each([
    { name: 'the defaults', s0: undefined, crawl: undefined, env: {} },
    { name: 'the files', s0: { sources_manifest: 'data/sources.json' }, crawl: { seeds_file: 'config/seeds.txt', cache_dir: '.cache/c2' }, env: {} },
    {
      name: 'a profile of TAXONOMY_ENV',
      s0: { profiles: { production: { sources_manifest: 'data/prod.json' } } },
      crawl: { seeds_file: null, profiles: { production: { seeds_file: 'config/prod-seeds.txt' } } },
      env: { TAXONOMY_ENV: 'production' },
    },
    { name: 'another environment keeps the file', s0: { sources_manifest: 'data/a.json', profiles: { production: { sources_manifest: 'data/b.json' } } }, crawl: undefined, env: { TAXONOMY_ENV: 'testing' } },
    {
      name: 'TAXONOMY_OVERRIDES_* over the files',
      s0: { sources_manifest: 'data/a.json' },
      crawl: { seeds_file: 'config/seeds.txt' },
      env: { TAXONOMY_OVERRIDES_S0: 'sources_manifest=data/c.json', TAXONOMY_OVERRIDES_CRAWL: 'seeds_file=null; cache_dir=.cache/c3' },
    },
  ])('$name', async ({ s0, crawl, env }) => {
    const root = await workspace(undefined);
    if (s0 !== undefined) await writeFile(join(root, 'config', 's0.json'), JSON.stringify(s0));
    if (crawl !== undefined) await writeFile(join(root, 'config', 'crawl.json'), JSON.stringify(crawl));
    const { config } = loadConfig({ root, env });
    expect(sourcesManifestPath(root, env)).toBe(config.s0.sources_manifest);
    expect(crawlSettings(root, env)).toEqual({ seeds_file: config.crawl.seeds_file, cache_dir: config.crawl.cache_dir });
  });
});

/**
 * A runtime input starts a Node process on every `nx run`; the plugin drops it where the file and env inputs
 * already say all it would, and keeps it everywhere else (a source outside corpus/, a gitignored one, a link).
 */
describe('runtimeInputNeeded', () => {
  const SOURCES = 'node tools/nx/hash-sources.mjs';
  const CRAWL = 'node tools/nx/hash-crawl.mjs';

  async function corpusWorkspace(sources: Array<{ path: string }>, files: Record<string, string> = {}): Promise<string> {
    const root = await workspace(undefined);
    await mkdir(join(root, 'corpus', 'pages'), { recursive: true });
    await writeFile(join(root, 'corpus', 'sources.json'), JSON.stringify({ sources }));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }
  /** What Nx would hash: every file the walk lists, minus `ignored`. */
  const tracked = (root: string, ignored: string[] = []) => () => {
    const out: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) walk(join(dir, entry.name), path);
        else if (!ignored.includes(path)) out.push(path);
      }
    };
    walk('corpus', 'corpus');
    return out;
  };

  it('drops the sources input when the manifest and its sources are plain files Nx hashes under corpus/', async () => {
    const root = await corpusWorkspace([{ path: 'corpus/pages/pages.jsonl' }, { path: 'corpus/pages' }], { 'corpus/pages/pages.jsonl': '{}\n' });
    expect(runtimeInputNeeded(SOURCES, root, {}, tracked(root))).toBe(false);
  });

  it.each([
    { name: 'a source outside corpus/', sources: [{ path: 'data/big.jsonl' }], files: { 'data/big.jsonl': '{}\n' }, ignored: [] as string[] },
    { name: 'a gitignored source', sources: [{ path: 'corpus/pages/run.tmp' }], files: { 'corpus/pages/run.tmp': '{}\n' }, ignored: ['corpus/pages/run.tmp'] },
    { name: 'a missing source', sources: [{ path: 'corpus/pages/none.jsonl' }], files: {}, ignored: [] },
    { name: 'a source above the workspace', sources: [{ path: '../elsewhere.jsonl' }], files: {}, ignored: [] },
  ])('keeps it for $name', async ({ sources, files, ignored }) => {
    const root = await corpusWorkspace(sources, files);
    expect(runtimeInputNeeded(SOURCES, root, {}, tracked(root, ignored))).toBe(true);
  });

  it('keeps it for a linked source and for a manifest outside corpus/', async () => {
    const root = await corpusWorkspace([{ path: 'corpus/pages/linked.jsonl' }], { 'elsewhere/pages.jsonl': '{}\n' });
    await symlink(join(root, 'elsewhere/pages.jsonl'), join(root, 'corpus/pages/linked.jsonl'));
    expect(runtimeInputNeeded(SOURCES, root, {}, tracked(root))).toBe(true);
    const plain = await corpusWorkspace([], { 'data/sources.json': JSON.stringify({ sources: [] }) });
    expect(runtimeInputNeeded(SOURCES, plain, {}, tracked(plain))).toBe(false);
    expect(runtimeInputNeeded(SOURCES, plain, { TAXONOMY_OVERRIDES_S0: 'sources_manifest=data/sources.json' }, tracked(plain))).toBe(true);
    await writeFile(join(plain, 'config', 's0.json'), JSON.stringify({ profiles: { production: { sources_manifest: 'data/sources.json' } } }));
    expect(runtimeInputNeeded(SOURCES, plain, { TAXONOMY_ENV: 'production' }, tracked(plain))).toBe(true);
    expect(runtimeInputNeeded(SOURCES, plain, {}, tracked(plain))).toBe(false);
  });

  it('drops the crawl input while no seeds file is configured, in the file, its profile or TAXONOMY_OVERRIDES_CRAWL', async () => {
    const root = await workspace(undefined);
    expect(runtimeInputNeeded(CRAWL, root, {})).toBe(false);
    expect(runtimeInputNeeded(CRAWL, root, { TAXONOMY_OVERRIDES_CRAWL: 'seeds_file=config/seeds.txt' })).toBe(true);
    await writeFile(join(root, 'config', 'crawl.json'), JSON.stringify({ seeds_file: null, profiles: { production: { seeds_file: 'config/seeds.txt' } } }));
    expect(runtimeInputNeeded(CRAWL, root, {})).toBe(false);
    expect(runtimeInputNeeded(CRAWL, root, { TAXONOMY_ENV: 'production' })).toBe(true);
    expect(runtimeInputNeeded(CRAWL, root, { TAXONOMY_ENV: 'production', TAXONOMY_OVERRIDES_CRAWL: 'seeds_file=null' })).toBe(false);
  });

  it('keeps any other runtime input', async () => {
    expect(runtimeInputNeeded('node tools/nx/hash-something.mjs', await workspace(undefined), {})).toBe(true);
  });
});

/**
 * A phase entry is one bundle with the workspace packages it loads and zod: every other npm package stays an
 * import, and a module that finds its package's files (the lexicon's CIP snapshot, the model prompts) finds them
 * from inside a bundle of another package too (`import.meta.url` there is the bundle's).
 */
describe('the build of a phase entry', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const targetsOf = (project: string) => {
    const files = readdirSync(join(repo, 'packages')).map((p) => `packages/${p}/project.json`);
    const results = createNodes[1](files, {}, { workspaceRoot: repo });
    const found = results.find(([file]) => JSON.parse(readFileSync(join(repo, file), 'utf8')).name === project);
    return Object.values(found![1].projects)[0]!.targets as Record<string, { options: { command: string; cwd: string } }>;
  };
  const esbuildAt = (cwd: string, command: string) => execSync(command, { cwd: join(repo, cwd), stdio: 'pipe' });
  /** taxonomy:bundle's esbuild run with `points` (`name=path` entry points) instead of every phase entry, into `outdir`. */
  const bundleCommand = (points: string[], outdir: string): string => {
    const esbuild = targetsOf('taxonomy').bundle!.options.command.split(' && ')[1]!;
    const [bin, ...rest] = esbuild.split(' ').filter((arg) => !/^[\w./-]+=packages\/\S+\.ts$/u.test(arg));
    return [bin, ...points, ...rest].join(' ').replace('--outdir=packages/taxonomy/bundle', `--outdir=${outdir}`);
  };

  // zod, pino and the npm packages pino depends on, transitively (BUNDLED_NPM_PACKAGES).
  const bundledNpm = (): Set<string> => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const manifest = JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
    };
    for (const name of BUNDLED_NPM_PACKAGES) visit(name);
    return seen;
  };

  it('bundles the workspace packages, zod and pino, and no other npm package', async () => {
    const out = await mkdtemp(join(tmpdir(), 'taxonomy-bundle-'));
    expect(targetsOf('taxonomy').bundle!.options.command).toContain(' s3-verification/main=packages/s3-verification/src/main.ts ');
    esbuildAt('.', `${bundleCommand(['s3-verification/main=packages/s3-verification/src/main.ts'], out)} --metafile=${join(out, 'meta.json')}`);
    const inputs = Object.keys((JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs).map((i) => resolve(repo, i));
    const npm = inputs.filter((i) => i.includes('node_modules/'));
    expect(npm.length).toBeGreaterThan(10);
    const allowed = bundledNpm();
    expect([...allowed]).toEqual(expect.arrayContaining(['zod', 'pino', 'sonic-boom']));
    expect(allowed.has('pino-pretty')).toBe(false);
    expect(npm.filter((i) => !allowed.has(/node_modules\/((?:@[^/]+\/)?[^/]+)\//u.exec(i)![1]!))).toEqual([]);
    for (const name of ['zod', 'pino']) expect(npm.some((i) => i.includes(`/node_modules/${name}/`)), name).toBe(true);
    for (const pkg of ['s3-verification', 'core', 'config', 'lexicon', 'llm', 'observability']) expect(inputs.some((i) => i.includes(`/packages/${pkg}/src/`)), pkg).toBe(true);
    expect(inputs.some((i) => i.includes('/packages/s2-frequency/'))).toBe(false);
    // `import * as z from 'zod'`, never `import { z } from 'zod'` (a namespace object esbuild cannot shake): the
    // bundle holds zod's English messages only, not its 40-odd other locales (≈ 370 KB of every phase bundle).
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
    const written = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f));
    expect(written.filter((f) => f.includes('/zod/v4/locales/')).map((f) => f.split('/zod/v4/locales/')[1])).toEqual(['en.js']);
  });

  it('finds the lexicon snapshot and the prompts from inside a bundle of another package, and logs through the bundled pino with secrets redacted', async () => {
    // Bundled into a folder beside the real bundle, at its depth, so its npm imports resolve as the real bundle's do.
    const dir = join(repo, 'packages', 'taxonomy', `.bundle-test-${process.pid}`);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(
        join(dir, 'probe.ts'),
        [
          `import { readLexiconSnapshot } from '../../lexicon/src/lexicon-snapshot.ts';`,
          `import { DEFAULT_PROMPTS_DIR } from '../../llm/src/registry.ts';`,
          `import { createLogger } from '../../observability/src/logger.ts';`,
          `import { existsSync } from 'node:fs';`,
          `import { Writable } from 'node:stream';`,
          `const logged: string[] = [];`,
          `const destination = new Writable({ write(chunk, _encoding, done) { logged.push(String(chunk)); done(); } });`,
          `createLogger({ pretty: false, destination }).info({ api_key: 'sk-probe-secret' }, 'probe');`,
          `process.stdout.write(JSON.stringify({ snapshot: readLexiconSnapshot() !== null, prompts: existsSync(DEFAULT_PROMPTS_DIR), dir: DEFAULT_PROMPTS_DIR, logged: logged.join('') }));`,
        ].join('\n'),
      );
      esbuildAt('.', bundleCommand([`probe/probe=packages/taxonomy/.bundle-test-${process.pid}/probe.ts`], `packages/taxonomy/.bundle-test-${process.pid}/out`));
      const probe = JSON.parse(execSync(`node ${join(dir, 'out', 'probe', 'probe.js')}`, { encoding: 'utf8' })) as { snapshot: boolean; prompts: boolean; dir: string; logged: string };
      expect(probe).toMatchObject({ snapshot: true, prompts: true, dir: `${join(repo, 'packages', 'llm', 'prompts')}/` });
      expect(JSON.parse(probe.logged)).toMatchObject({ msg: 'probe', api_key: '[redacted]' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
