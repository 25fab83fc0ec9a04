import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { BUILD_TASKS, BuildGraphSchema, RESUME_PHASES, expandBuildGraph, parseResumePhase, planResume, taskId } from './task-graph.ts';

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
  it('agrees with the targets the Nx plugin infers from the same description', async () => {
    const root = findWorkspaceRoot();
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
    const phaseTargets = [...inferred.keys()].filter((id) => !id.endsWith(':build'));
    expect(phaseTargets.sort()).toEqual(BUILD_TASKS.map(taskId).sort());
    for (const task of BUILD_TASKS) {
      const target = inferred.get(taskId(task))!;
      const deps = (target.dependsOn ?? []).flatMap((d) => (typeof d === 'string' || d.target === 'build' ? [] : (d.projects ?? [task.project]).map((p) => `${p}:${d.target}`)));
      // The compiled entry of the package and of every workspace package its package.json depends on is built first.
      expect(target.dependsOn?.filter((d) => typeof d === 'string'), taskId(task)).toEqual(['build']);
      const runtime = Object.keys((JSON.parse(readFileSync(join(root, dirOf.get(task.project)!, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}).filter((d) => d.startsWith('@taxonomy/'));
      const builds = (target.dependsOn ?? []).filter((d) => typeof d !== 'string' && d.target === 'build');
      expect(builds.flatMap((d) => (typeof d === 'string' ? [] : d.projects ?? [])).length, taskId(task)).toBe(runtime.length);
      expect(deps, taskId(task)).toEqual(task.dependsOn);
      expect(target.outputs, taskId(task)).toEqual([`{workspaceRoot}/${task.dir}`]);
      expect(target.inputs, taskId(task)).toEqual(['code', '^code', ...task.inputs]);
      expect(target.options.command, taskId(task)).toContain(`/${task.main.replace(/\.ts$/u, '')}.`);
      if (task.level !== null) expect(target.options.command, taskId(task)).toMatch(new RegExp(` --level ${task.level}$`, 'u'));
    }
    // crawl, s0:sources, s2:settings, S0/S1/S2/S3 per level, postprocess, placement, curation, hierarchy, finalize.
    expect(BUILD_TASKS).toHaveLength(3 + 4 * L.length + 5);
  });

  it.each([
    { levels: [0, 1], count: 3 + 4 * 2 + 5, s1: ['s0:level-1', 's3:level-0'], postprocess: ['s3:level-0', 's3:level-1'] },
    { levels: [0, 1, 2, 3, 4], count: 3 + 4 * 5 + 5, s1: ['s0:level-1', 's3:level-0'], postprocess: ['s3:level-0', 's3:level-1', 's3:level-2', 's3:level-3', 's3:level-4'] },
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

interface NxTarget {
  options: { command: string };
  inputs: unknown[];
  outputs: string[];
  dependsOn?: Array<string | { projects?: string[]; target: string }>;
}
