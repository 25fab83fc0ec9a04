import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';

const root = findWorkspaceRoot(import.meta.dirname);
const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };

function nxJson<T>(args: string[], extraEnv: Record<string, string> = {}): T {
  const out = execFileSync('npx', ['nx', ...args, '--json'], { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out) as T;
}

interface TargetInputs {
  files: string[];
  environment?: string[];
  depOutputs?: string[];
  runtime?: string[];
}

/** The phase bundle (one esbuild run makes every phase entry): the first tasks wait for it, every other task through them. */
const BUNDLE = { projects: ['taxonomy'], target: 'bundle' };
const S1_BUILDS: unknown[] = [];

// Each case asks Nx for a few projects' targets (seconds each on a loaded machine): a longer budget than the default.
describe('the Nx task graph', { timeout: 180_000 }, () => {
  it('makes level N of S1 wait for level N of S0 and for level N-1 of S3', () => {
    const s1 = nxJson<{ targets: Record<string, { dependsOn?: unknown[]; outputs?: string[] }> }>(['show', 'project', 's1']);
    expect(s1.targets['level-0']!.dependsOn).toEqual([{ projects: ['s0'], target: 'level-0' }, ...S1_BUILDS]);
    for (const n of [1, 2, 3]) {
      expect(s1.targets[`level-${n}`]!.dependsOn).toEqual([
        { projects: ['s0'], target: `level-${n}` },
        { projects: ['s3'], target: `level-${n - 1}` },
        ...S1_BUILDS,
      ]);
      expect(s1.targets[`level-${n}`]!.outputs).toEqual([`{workspaceRoot}/artifacts/s1/level-${n}`]);
    }
  });

  it('keeps the project graph to the packages\' declared dependencies (no edge from a test\'s import)', () => {
    // nx.json: pluginsConfig["@nx/js"].analyzeSourceFiles = false. Nx then reads no source file for imports (≈ 0.4 s
    // of a cold project graph here), and the graph is the package.json closure every task hashes (codeInputs).
    const out = execFileSync('npx', ['nx', 'graph', '--file=stdout'], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const graph = (JSON.parse(out) as { graph: { nodes: Record<string, { data: { root: string } }>; dependencies: Record<string, Array<{ target: string }>> } }).graph;
    const byPackage = new Map<string, string>();
    for (const [name, node] of Object.entries(graph.nodes)) byPackage.set((JSON.parse(readFileSync(join(root, node.data.root, 'package.json'), 'utf8')) as { name: string }).name, name);
    for (const [name, node] of Object.entries(graph.nodes)) {
      const manifest = JSON.parse(readFileSync(join(root, node.data.root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => byPackage.has(d)).map((d) => byPackage.get(d)!).sort();
      const edges = [...new Set((graph.dependencies[name] ?? []).map((d) => d.target).filter((t) => !t.startsWith('npm:')))].sort();
      expect(edges, name).toEqual(declared);
    }
  });

  it('hashes only the settings a phase reads', () => {
    const settings = nxJson<TargetInputs>(['show', 'target', 'inputs', 's2:settings']);
    expect(settings.files).toContain('config/s2.json');
    expect(settings.files).toContain('config/global.json');
    for (const other of ['config/s0.json', 'config/s1.json', 'config/s3.json', 'config/llm.json', 'config/postprocess.json']) {
      expect(settings.files).not.toContain(other);
    }
    expect(settings.files.some((f) => f.endsWith('.test.ts'))).toBe(false);
  });

  it('hashes, per S2 level, only that level\'s view of the s2 slice', () => {
    const level2 = nxJson<TargetInputs>(['show', 'target', 'inputs', 's2:level-2']);
    expect(level2.files).toContain('config/global.json');
    expect(level2.files).not.toContain('config/s2.json');
    const project = nxJson<{ targets: Record<string, { inputs: unknown[]; dependsOn: unknown[] }> }>(['show', 'project', 's2']);
    for (const n of [0, 1, 2, 3]) {
      const target = project.targets[`level-${n}`]!;
      expect(target.inputs).toContainEqual({ dependentTasksOutputFiles: `**/{s2/settings/level-${n}.json,candidates-*.jsonl}` });
      expect(target.dependsOn).toContainEqual({ target: 'settings' });
    }
  });

  it('hashes config/curation.json in curation:apply only, and assembles the curated concepts', () => {
    const curation = nxJson<TargetInputs>(['show', 'target', 'inputs', 'curation:apply']);
    expect(curation.files).toContain('config/curation.json');
    for (const other of ['config/s2.json', 'config/postprocess.json', 'config/hierarchy.json']) expect(curation.files).not.toContain(other);
    for (const upstream of ['postprocess:run', 's2:level-2']) expect(nxJson<TargetInputs>(['show', 'target', 'inputs', upstream]).files).not.toContain('config/curation.json');
    const hierarchy = nxJson<{ targets: Record<string, { dependsOn?: unknown[] }> }>(['show', 'project', 'hierarchy']);
    expect(hierarchy.targets['assemble']!.dependsOn).toEqual([{ projects: ['curation'], target: 'apply' }]);
  });

  it('puts the crawl first: s0:sources waits for crawl:run and hashes its snapshots; crawl:run hashes only the crawl settings and the seeds', () => {
    const s0 = nxJson<{ targets: Record<string, { dependsOn?: unknown[]; inputs: unknown[] }> }>(['show', 'project', 's0']);
    expect(s0.targets['sources']!.dependsOn).toEqual([{ projects: ['crawl'], target: 'run' }]);
    expect(s0.targets['sources']!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/snapshots.jsonl' });
    const crawl = nxJson<TargetInputs & { runtime?: string[] }>(['show', 'target', 'inputs', 'crawl:run']);
    expect(crawl.files).toContain('config/crawl.json');
    for (const other of ['config/s0.json', 'config/s1.json', 'config/llm.json']) expect(crawl.files).not.toContain(other);
    // No seeds file configured (the default): the seeds' runtime input would print a constant, so there is none.
    expect(crawl.runtime ?? []).toEqual([]);
    const project = nxJson<{ targets: Record<string, { inputs: unknown[]; outputs: string[] }> }>(['show', 'project', 'crawl'], { TAXONOMY_OVERRIDES_CRAWL: 'seeds_file=config/seeds.txt' });
    expect(project.targets['run']!.inputs).toContainEqual({ runtime: 'node tools/nx/hash-crawl.mjs' });
    expect(project.targets['run']!.outputs).toEqual(['{workspaceRoot}/artifacts/crawl']);
  });

  it('hashes the raw sources in s0:sources only; each level task hashes its own view of them', () => {
    const sources = nxJson<TargetInputs>(['show', 'target', 'inputs', 's0:sources']);
    expect(sources.files).toEqual(expect.arrayContaining(['config/s0.json', 'corpus/units/source_records.jsonl', 'corpus/departments/institutions_departments.txt', 'corpus/pages/pages.jsonl']));
    // The sample's sources are plain files Nx hashes under corpus/: no runtime input; a manifest elsewhere brings it back.
    expect(sources.runtime ?? []).toEqual([]);
    const elsewhere = nxJson<{ targets: Record<string, { inputs: unknown[] }> }>(['show', 'project', 's0'], { TAXONOMY_OVERRIDES_S0: 'sources_manifest=test/fixtures/none.json' });
    expect(elsewhere.targets['sources']!.inputs).toContainEqual({ runtime: 'node tools/nx/hash-sources.mjs' });
    expect(sources.files).not.toContain('config/s2.json');
    const level3 = nxJson<TargetInputs>(['show', 'target', 'inputs', 's0:level-3']);
    expect(level3.files).toContain('config/s0.json');
    expect(level3.files.some((f) => f.startsWith('corpus/'))).toBe(false);
    const project = nxJson<{ targets: Record<string, { inputs: unknown[]; dependsOn: unknown[] }> }>(['show', 'project', 's0']);
    expect(project.targets['level-3']!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/s0/sources/level-3.json' });
    expect(project.targets['level-3']!.dependsOn).toContainEqual({ target: 'sources' });
  });

  it('hashes, per level, only the direct upstream data a level task reads (no transitive inputs)', () => {
    // One `nx show project` per project (each costs seconds on a loaded machine).
    const shown = new Map<string, Record<string, { inputs: unknown[] }>>();
    const show = (p: string) => {
      if (!shown.has(p)) shown.set(p, nxJson<{ targets: Record<string, { inputs: unknown[] }> }>(['show', 'project', p]).targets);
      return shown.get(p)!;
    };
    expect(show('s1')['level-2']!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/{records,concepts}-*.jsonl' });
    expect(show('s2')['level-2']!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/{s2/settings/level-2.json,candidates-*.jsonl}' });
    expect(show('s3')['level-2']!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/kept-*.jsonl' });
    for (const p of ['s1', 's2', 's3']) for (const n of [0, 1, 2, 3]) expect(JSON.stringify(show(p)[`level-${n}`]!.inputs)).not.toMatch(/transitive|upstream/u);
  });

  it('makes each whole-taxonomy phase wait for the folders it reads and hash those, never further upstream', () => {
    const targets = (p: string) => nxJson<{ targets: Record<string, { inputs: unknown[]; dependsOn: unknown[] }> }>(['show', 'project', p]).targets;
    const levels = (project: string, target = '') => [0, 1, 2, 3].map((n) => ({ projects: [project], target: `level-${n}${target}` }));
    const postprocess = targets('postprocess')['run']!;
    expect(postprocess.dependsOn).toEqual([...levels('s3'), ...levels('s0')]);
    const placement = targets('placement')['run']!;
    expect(placement.dependsOn).toEqual([{ projects: ['postprocess'], target: 'run' }, ...levels('s0'), ...levels('s2')]);
    for (const target of [postprocess, placement, targets('curation')['apply']!, targets('taxonomy')['finalize']!]) expect(JSON.stringify(target.inputs)).not.toMatch(/transitive/u);
    // finalize reads every phase folder the manifest describes (helpers such as s0:sources left out).
    const finalize = targets('taxonomy')['finalize']!;
    expect(finalize.dependsOn).toHaveLength(1 + 16 + 4);
    expect(finalize.dependsOn).not.toContainEqual({ projects: ['s0'], target: 'sources' });
    expect(finalize.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*.{jsonl,json}' });
  });

  it('runs compiled entries: one cached bundle of every phase entry, every phase target runs its entry with plain node after it; every package has a cached library build into dist/', () => {
    const projects = nxJson<string[]>(['show', 'projects']);
    expect(projects).toHaveLength(15);
    type Shown = { root: string; targets: Record<string, { options: { command: string; cwd?: string }; inputs: unknown[]; outputs: string[]; dependsOn?: unknown[]; cache?: boolean }> };
    const s1 = nxJson<Shown>(['show', 'project', 's1']);
    const taxonomy = nxJson<Shown>(['show', 'project', 'taxonomy']);
    // The bundle is made from sources and waits for nothing. The first tasks (crawl:run, s2:settings) wait for it and
    // hash no upstream output, so a code change makes the bundle affected without making every phase task so; every
    // other task reaches it through the tasks whose data it reads (a test of task-graph.ts checks each does).
    const bundle = taxonomy.targets['bundle']!;
    expect(bundle).toMatchObject({ cache: true, outputs: ['{workspaceRoot}/packages/taxonomy/bundle'] });
    expect(bundle.dependsOn).toBeUndefined();
    const crawl = nxJson<Shown>(['show', 'project', 'crawl']);
    const s2 = nxJson<Shown>(['show', 'project', 's2']);
    for (const root of [crawl.targets['run']!, s2.targets['settings']!]) {
      expect(root.dependsOn).toEqual([BUNDLE]);
      expect(JSON.stringify(root.inputs)).not.toContain('dependentTasksOutputFiles');
    }
    expect(s1.targets['level-2']!.dependsOn).not.toContainEqual(BUNDLE);
    expect(s1.targets['level-2']!.dependsOn).not.toContain('build');
    // esbuild's native command line at the workspace root, every entry at once (sharded S1's too): the workspace
    // packages, zod and pino bundled, no other npm package.
    const [clean, entries] = bundle.options.command.split(' && ');
    expect(clean).toBe('rm -rf packages/taxonomy/bundle');
    expect(entries).toMatch(/^node_modules\/\.bin\/esbuild crawl\/main=packages\/crawl\/src\/main\.ts /u);
    for (const entry of ['s1-extraction/main=packages/s1-extraction/src/main.ts', 's1-extraction/shard-main=packages/s1-extraction/src/shard-main.ts', 'taxonomy/finalize-main=packages/taxonomy/src/finalize-main.ts']) expect(entries).toContain(` ${entry} `);
    expect(entries).toContain('--outdir=packages/taxonomy/bundle --bundle ');
    expect(entries).toContain('--external:pino-pretty ');
    expect(entries).toContain('--external:word-list');
    expect(entries).not.toContain('--external:zod');
    expect(entries).not.toContain('--external:pino ');
    expect(entries).not.toContain('--packages=external');
    // A phase task runs its bundle entry through the phase executor (batched by Nx); a task of its own process
    // (ownProcess in build-graph.json) runs it with plain node.
    expect(s1.targets['level-2']).toMatchObject({ executor: './tools/nx/phase-executor:phase', options: { entry: 'packages/taxonomy/bundle/s1-extraction/main.js', args: ['--level', '2'] } });
    // A library build in the package's folder keeps every import of another package and hashes its own sources.
    expect(s1.targets['build']).toMatchObject({ cache: true, outputs: ['{projectRoot}/dist'], options: { cwd: 'packages/s1-extraction' } });
    const [cleanDist, index, more] = s1.targets['build']!.options.command.split(' && ');
    expect(cleanDist).toBe('rm -rf dist');
    expect(index).toMatch(/^\.\.\/\.\.\/node_modules\/\.bin\/esbuild src\/index\.ts --outdir=dist --outbase=src --bundle .* --packages=external$/u);
    expect(more).toBeUndefined();
    const core = nxJson<TargetInputs>(['show', 'target', 'inputs', 'core:build']);
    expect(core.files.filter((f) => f.startsWith('packages/')).every((f) => f.startsWith('packages/core/'))).toBe(true);
    // The bundle hashes the sources of every package a phase loads (tests left out); a phase task its own closure's.
    const bundled = nxJson<TargetInputs>(['show', 'target', 'inputs', 'taxonomy:bundle']);
    expect(bundled.files).toEqual(expect.arrayContaining(['packages/s1-extraction/src/task.ts', 'packages/s2-frequency/src/task.ts', 'packages/core/src/jsonl.ts', 'packages/taxonomy/src/finalize.ts']));
    expect(bundled.files.some((f) => f.endsWith('.test.ts') || f.includes('/dist/') || f.startsWith('packages/taxonomy/bundle/'))).toBe(false);
    const task = nxJson<TargetInputs>(['show', 'target', 'inputs', 's1:level-2']);
    expect(task.files).toEqual(expect.arrayContaining(['packages/s1-extraction/src/task.ts', 'packages/core/src/jsonl.ts', 'packages/lexicon/src/extract.ts']));
    expect(task.files.some((f) => f.includes('/dist/') || f.includes('/bundle/') || f.startsWith('packages/s2-frequency/'))).toBe(false);
  });
});
