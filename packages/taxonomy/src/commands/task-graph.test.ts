import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { BUILD_TASKS, RESUME_PHASES, parseResumePhase, planResume, taskId } from './task-graph.ts';

const L = [0, 1, 2, 3];

describe('planResume', () => {
  it.each([
    { phase: 'crawl', frontier: ['s2:settings'], firstRerun: 'crawl:run', rerunCount: 19 },
    { phase: 'S0', frontier: ['crawl:run', 's2:settings'], firstRerun: 's0:extract', rerunCount: 18 },
    { phase: 'S1', frontier: ['s0:extract', 's2:settings'], firstRerun: 's1:level-0', rerunCount: 17 },
    { phase: 'S2', frontier: ['s1:level-0'], firstRerun: 's2:settings', rerunCount: 17 },
    { phase: 'S3', frontier: ['s2:level-0'], firstRerun: 's3:level-0', rerunCount: 15 },
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
  it('matches the dependsOn of every project.json', () => {
    const root = findWorkspaceRoot();
    const dirs: Record<string, string> = { crawl: 'crawl', s0: 's0-raw-extraction', s1: 's1-extraction', s2: 's2-frequency', s3: 's3-verification', postprocess: 'postprocess', placement: 'placement', curation: 'curation', hierarchy: 'hierarchy', taxonomy: 'taxonomy' };
    for (const task of BUILD_TASKS) {
      const project = JSON.parse(readFileSync(join(root, 'packages', dirs[task.project]!, 'project.json'), 'utf8')) as {
        targets: Record<string, { dependsOn?: Array<{ projects?: string[]; target: string }>; outputs?: string[] }>;
      };
      const target = project.targets[task.target];
      expect(target, taskId(task)).toBeDefined();
      const deps = (target!.dependsOn ?? []).flatMap((d) => (d.projects ?? [task.project]).map((p) => `${p}:${d.target}`));
      expect(deps.sort(), taskId(task)).toEqual([...task.dependsOn].sort());
      expect(target!.outputs, taskId(task)).toEqual([`{workspaceRoot}/${task.dir}`]);
    }
    // crawl, S0, s2:settings, S1/S2/S3 per level, postprocess, placement, curation, hierarchy, finalize.
    expect(BUILD_TASKS).toHaveLength(3 + 3 * L.length + 5);
  });
});
