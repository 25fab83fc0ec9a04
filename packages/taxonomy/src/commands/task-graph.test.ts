import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { phaseFoldersFor } from '../manifest.ts';
import { BUILD_TASKS, BuildGraphSchema, RESUME_PHASES, buildTasksFor, expandBuildGraph, parseResumePhase, planResume, taskId } from './task-graph.ts';

const L = [0, 1, 2, 3];

describe('planResume', () => {
  it.each([
    { phase: 'crawl', frontier: ['s2:settings'], firstRerun: 'crawl:run', rerunCount: 23 },
    { phase: 'S0', frontier: ['crawl:run', 's2:settings'], firstRerun: 's0:sources', rerunCount: 22 },
    { phase: 'S1', frontier: ['s2:settings', 's0:level-0', 's0:level-1', 's0:level-2', 's0:level-3'], firstRerun: 's1:level-0', rerunCount: 17 },
    { phase: 'S2', frontier: ['s1:level-0', 's0:level-1', 's0:level-2', 's0:level-3'], firstRerun: 's2:settings', rerunCount: 17 },
    { phase: 'S3', frontier: ['s2:level-0', 's0:level-1', 's0:level-2', 's0:level-3'], firstRerun: 's3:level-0', rerunCount: 15 },
    { phase: 'postprocess', frontier: ['s3:level-3'], firstRerun: 'postprocess:run', rerunCount: 5 },
    { phase: 'placement', frontier: ['postprocess:run'], firstRerun: 'placement:run', rerunCount: 4 },
    { phase: 'curation', frontier: ['placement:run'], firstRerun: 'curation:apply', rerunCount: 3 },
    { phase: 'hierarchy', frontier: ['curation:apply'], firstRerun: 'hierarchy:assemble', rerunCount: 2 },
    { phase: 'finalize', frontier: ['hierarchy:assemble'], firstRerun: 'taxonomy:finalize', rerunCount: 1 },
  ] as const)('$phase', ({ phase, frontier, firstRerun, rerunCount }) => {
    const plan = planResume(phase);
    expect(plan.upstreamFrontier).toEqual(frontier);
    expect(plan.rerun[0]).toBe(firstRerun);
    expect(plan.rerun).toHaveLength(rerunCount);
    expect(plan.rerun.at(-1)).toBe('taxonomy:finalize');
    expect([...plan.upstream, ...plan.rerun].sort()).toEqual(BUILD_TASKS.map(taskId).sort());
  });

  it('re-executes in topological order: every task after the tasks it depends on', () => {
    for (const phase of RESUME_PHASES) {
      const { rerun } = planResume(phase);
      for (const id of rerun) {
        const task = BUILD_TASKS.find((t) => taskId(t) === id)!;
        for (const dep of task.dependsOn) if (rerun.includes(dep)) expect(rerun.indexOf(dep)).toBeLessThan(rerun.indexOf(id));
      }
    }
  });

  it.each([
    ['s2', 'S2'],
    ['POSTPROCESS', 'postprocess'],
    ['Finalize', 'finalize'],
  ])('parses %s', (raw, phase) => expect(parseResumePhase(raw)).toBe(phase));

  it('suggests the nearest phase for a typo', () => {
    expect(() => parseResumePhase('postproces')).toThrow(/did you mean "postprocess"/u);
    expect(() => parseResumePhase('phase1_level0')).toThrow(/expected one of crawl\|S0\|S1\|S2\|S3\|postprocess\|placement\|curation\|hierarchy\|finalize/u);
  });
});

describe('BUILD_TASKS', () => {
  it.each([1, 4])('agrees with the targets the Nx plugin infers from the same description (s1.shards = %i)', async (shards) => {
    const root = findWorkspaceRoot();
    vi.stubEnv('TAXONOMY_OVERRIDES_S1', `shards=${shards}`);
    const tasks = buildTasksFor(shards);
    const pluginFile: string = join(root, 'tools/nx/taxonomy-plugin.mjs');
    const plugin = (await import(pluginFile)) as { createNodes: [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Array<[string, { projects: Record<string, { targets: Record<string, NxTarget> }> }]>] };
    const files = readdirSync(join(root, 'packages')).map((d) => `packages/${d}/project.json`);
    const inferred = new Map<string, NxTarget>();
    const dirOf = new Map<string, string>();
    for (const [file, result] of plugin.createNodes[1](files, undefined, { workspaceRoot: root })) {
      const name = (JSON.parse(readFileSync(join(root, file), 'utf8')) as { name: string }).name;
      dirOf.set(name, file.replace(/\/project\.json$/u, ''));
      for (const [target, config] of Object.entries(Object.values(result.projects)[0]!.targets)) inferred.set(`${name}:${target}`, config);
    }
    const phaseTargets = [...inferred.keys()].filter((id) => !id.endsWith(':build') && id !== 'taxonomy:bundle');
    vi.unstubAllEnvs();
    expect(phaseTargets.sort()).toEqual(tasks.map(taskId).sort());
    const closureRoots = (project: string): string[] => {
      const seen = new Set<string>();
      const visit = (p: string) => {
        const manifest = JSON.parse(readFileSync(join(root, dirOf.get(p)!, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
        for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@taxonomy/'))) {
          const depProject = [...dirOf.entries()].find(([, dir]) => (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string }).name === dep)![0];
          if (!seen.has(depProject)) (seen.add(depProject), visit(depProject));
        }
      };
      visit(project);
      return [dirOf.get(project)!, ...[...seen].sort().map((p) => dirOf.get(p)!)];
    };
    // The code of the packages as two globs: their sources, prompts, data and package.json, then their tests left out.
    const codePatterns = (roots: string[]): string[] => {
      const names = roots.map((r) => r.replace(/^packages\//u, ''));
      const set = names.length === 1 ? names[0]! : `{${names.join(',')}}`;
      return [`{workspaceRoot}/packages/${set}/{src/**/*,prompts/**/*,data/**/*,package.json}`, `!{workspaceRoot}/packages/${set}/src/**/*.test.ts`];
    };
    for (const task of tasks) {
      const target = inferred.get(taskId(task))!;
      const deps = (target.dependsOn ?? []).flatMap((d) => (typeof d === 'string' ? [d] : (d.projects ?? [task.project]).map((p) => `${p}:${d.target}`)));
      // A first task (no upstream) waits for the phase bundle and hashes no upstream output; no task waits for a package build.
      expect(deps, taskId(task)).toEqual(task.dependsOn.length === 0 ? ['taxonomy:bundle'] : task.dependsOn);
      if (task.dependsOn.length === 0) expect(JSON.stringify(target.inputs), taskId(task)).not.toContain('dependentTasksOutputFiles');
      expect(target.outputs, taskId(task)).toEqual([`{workspaceRoot}/${task.dir}`]);
      // It hashes the code of its package and of every workspace package its package.json depends on, and theirs.
      const code = target.inputs.slice(0, target.inputs.length - task.inputs.filter((i) => typeof i !== 'object' || !('runtime' in i)).length);
      const roots = closureRoots(task.project);
      expect(code, taskId(task)).toEqual(codePatterns(roots));
      // The entry's inputs follow, without a runtime input the file inputs already stand for (the default sources and crawl).
      expect(target.inputs.slice(code.length), taskId(task)).toEqual(task.inputs.filter((i) => typeof i !== 'object' || !('runtime' in i)));
      // It runs its entry of the phase bundle with its level (and shard): in a process of its own (nx:run-commands)
      // for the tasks build-graph.json marks ownProcess, else through the phase executor (batched by Nx).
      const entry = `packages/taxonomy/bundle/${dirOf.get(task.project)!.replace(/^packages\//u, '')}/${task.main.replace(/\.ts$/u, '')}.js`;
      const args = [...(task.level === null ? [] : ['--level', String(task.level)]), ...(task.shard === undefined ? [] : ['--shard', String(task.shard)])];
      const ownProcess = task.ownProcess === true;
      expect(target.executor, taskId(task)).toBe(ownProcess ? 'nx:run-commands' : './tools/nx/phase-executor:phase');
      if (ownProcess) expect(target.options.command, taskId(task)).toMatch(new RegExp(` ${entry.replaceAll('.', '\\.')}${args.map((a) => ` ${a}`).join('')}$`, 'u'));
      else expect([target.options.entry, target.options.args], taskId(task)).toEqual([entry, args]);
    }
    // No build waits for another; a library build hashes its own sources. The bundle waits for nothing and hashes the
    // code of every package a phase task loads, and bundles every main of the build graph whatever s1.shards.
    for (const [name] of dirOf) {
      const build = inferred.get(`${name}:build`)!;
      expect(build.dependsOn, `${name}:build`).toBeUndefined();
      expect(build.inputs[0], `${name}:build`).toBe('buildSources');
    }
    // Every task reaches the bundle through the tasks it waits for, so its entry exists when it starts.
    const depsOf = (id: string) => (inferred.get(id)!.dependsOn ?? []).flatMap((d) => (typeof d === 'string' ? [] : (d.projects ?? [id.split(':')[0]!]).map((p) => `${p}:${d.target}`)));
    const reachesBundle = (id: string, seen = new Set<string>()): boolean => id === 'taxonomy:bundle' || (!seen.has(id) && (seen.add(id), depsOf(id).some((d) => reachesBundle(d, seen))));
    for (const task of tasks) expect(reachesBundle(taskId(task)), taskId(task)).toBe(true);
    const bundle = inferred.get('taxonomy:bundle')!;
    expect(bundle.dependsOn).toBeUndefined();
    const phaseRoots = [...new Set(tasks.flatMap((t) => closureRoots(t.project)))].sort();
    expect(bundle.inputs.slice(0, 2)).toEqual(codePatterns(phaseRoots));
    for (const main of ['s1-extraction/main', 's1-extraction/partition-main', 's1-extraction/shard-main', 's1-extraction/merge-main', 's0-raw-extraction/sources-main', 'taxonomy/finalize-main']) {
      expect(bundle.options.command).toContain(` ${main}=packages/${main.replace('/', '/src/')}.ts `);
    }
    // crawl, s0:sources, s2:settings, S0/S1/S2/S3 per level, postprocess, placement, curation, hierarchy, finalize;
    // with K shards, a partition task and K shard tasks more per level.
    expect(tasks).toHaveLength(3 + 4 * L.length + 5 + (shards === 1 ? 0 : (1 + shards) * L.length));
  });

  it.each([
    { levels: [0, 1], count: 3 + 4 * 2 + 5, s1: ['s0:level-1', 's3:level-0'], postprocess: ['s3:level-0', 's3:level-1', 's0:level-0', 's0:level-1'] },
    {
      levels: [0, 1, 2, 3, 4],
      count: 3 + 4 * 5 + 5,
      s1: ['s0:level-1', 's3:level-0'],
      postprocess: ['s3:level-0', 's3:level-1', 's3:level-2', 's3:level-3', 's3:level-4', 's0:level-0', 's0:level-1', 's0:level-2', 's0:level-3', 's0:level-4'],
    },
  ])('one entry of `levels` adds or removes a level: $levels', ({ levels, count, s1, postprocess }) => {
    const root = findWorkspaceRoot();
    const graph = BuildGraphSchema.parse({ ...(JSON.parse(readFileSync(join(root, 'packages/taxonomy/src/build-graph.json'), 'utf8')) as object), levels });
    const tasks = expandBuildGraph(graph);
    expect(tasks).toHaveLength(count);
    expect(tasks.find((t) => taskId(t) === 's1:level-1')!.dependsOn).toEqual(s1);
    expect(tasks.find((t) => taskId(t) === 'postprocess:run')!.dependsOn).toEqual(postprocess);
    expect(tasks.find((t) => taskId(t) === 's1:level-0')!.dependsOn).toEqual(['s0:level-0']);
  });
});

describe('what a task waits for is what it reads', () => {
  it.each([1, 3])('finalize waits for every folder the manifest describes, and only those (s1.shards = %i)', (shards) => {
    const tasks = buildTasksFor(shards);
    const finalize = tasks.find((t) => taskId(t) === 'taxonomy:finalize')!;
    expect(finalize.dependsOn).toEqual(phaseFoldersFor(shards).map((f) => f.task));
    expect(finalize.dependsOn).not.toContain('s0:sources');
    if (shards > 1) expect(finalize.dependsOn).toEqual(expect.arrayContaining(['s1:level-2-partition', 's1:level-2-shard-2']));
  });

  it('`*` expands to the phase tasks before the entry, helpers left out', () => {
    const graph = BuildGraphSchema.parse({
      levels: [0],
      tasks: [
        { task: 'a:run', phase: 'crawl', dir: 'artifacts/a' },
        { task: 'b:settings', phase: 'S2', helper: true, dir: 'artifacts/b' },
        { task: 'c:level-{level}', phase: 'S1', dir: 'artifacts/c/level-{level}', dependsOn: ['a:run'] },
        { task: 'd:run', phase: 'finalize', dir: 'artifacts/d', dependsOn: ['*'] },
      ],
    });
    expect(expandBuildGraph(graph).at(-1)!.dependsOn).toEqual(['a:run', 'c:level-0']);
  });
});

describe('s1.shards in the task graph', () => {
  it('K = 1 is the unsharded graph: one s1:level-N per level, no partition or shard task', () => {
    expect(buildTasksFor(1)).toBe(BUILD_TASKS);
    const graph = BuildGraphSchema.parse(JSON.parse(readFileSync(join(findWorkspaceRoot(), 'packages/taxonomy/src/build-graph.json'), 'utf8')));
    expect(expandBuildGraph(graph, { shards: 1 })).toEqual(BUILD_TASKS);
    expect(BUILD_TASKS.filter((t) => t.project === 's1').map(taskId)).toEqual(L.map((l) => `s1:level-${l}`));
  });

  it.each(L)('K = 4, level %i: a partition after S0, four shard tasks after it, and s1:level-N merging them before S2', (level) => {
    const tasks = buildTasksFor(4);
    const byId = new Map(tasks.map((t) => [taskId(t), t]));
    const shards = [0, 1, 2, 3].map((k) => `s1:level-${level}-shard-${k}`);
    expect(byId.get(`s1:level-${level}-partition`)).toMatchObject({ dependsOn: [`s0:level-${level}`], dir: `artifacts/s1/shards/level-${level}/partition`, main: 'partition-main.ts', phase: 'S1' });
    for (const [k, id] of shards.entries()) {
      expect(byId.get(id)).toMatchObject({ dependsOn: [`s1:level-${level}-partition`], dir: `artifacts/s1/shards/level-${level}/shard-${k}`, main: 'shard-main.ts', shard: k, level });
      // A shard hashes only its own partition's records: another institution's records cannot change its hash.
      expect(byId.get(id)!.inputs).toContainEqual({ dependentTasksOutputFiles: `**/partition/shard-${k}/records-*.jsonl` });
      expect(JSON.stringify(byId.get(id)!.inputs)).not.toMatch(/"\*\*\/records-\*\.jsonl"|transitive/u);
    }
    expect(byId.get(`s1:level-${level}`)).toMatchObject({
      dependsOn: [`s1:level-${level}-partition`, ...shards, ...(level === 0 ? [] : [`s3:level-${level - 1}`])],
      dir: `artifacts/s1/level-${level}`,
      main: 'merge-main.ts',
    });
    expect(byId.get(`s2:level-${level}`)!.dependsOn).toEqual([`s1:level-${level}`, 's2:settings']);
    const order = tasks.map(taskId);
    for (const id of shards) expect(order.indexOf(id)).toBeGreaterThan(order.indexOf(`s1:level-${level}-partition`));
    for (const id of shards) expect(order.indexOf(id)).toBeLessThan(order.indexOf(`s1:level-${level}`));
  });
});

interface NxTarget {
  executor: string;
  options: { command?: string; entry?: string; args?: string[] };
  inputs: unknown[];
  outputs: string[];
  dependsOn?: Array<string | { projects?: string[]; target: string }>;
}
