import { describe, expect, it } from 'vitest';
import { floorProjects, floorTasks } from './floor.ts';

/** Nx's `--graph` JSON of a three-task build: the real one's shape in small. */
const GRAPH = {
  tasks: {
    tasks: { 's1:build': {}, 's1:level-0': {}, 'taxonomy:finalize': {} },
    dependencies: { 's1:build': [], 's1:level-0': ['s1:build'], 'taxonomy:finalize': ['s1:level-0', 's1:build'] },
  },
};

describe('the floor workspace', () => {
  it('keeps every task and dependency of the graph, each busy for its recorded duration_ms (0 without one)', () => {
    const tasks = floorTasks(GRAPH, new Map([['s1:level-0', 227], ['taxonomy:finalize', 552]]));
    expect(tasks).toEqual([
      { task: 's1:build', work_ms: 0, dependsOn: [] },
      { task: 's1:level-0', work_ms: 227, dependsOn: ['s1:build'] },
      { task: 'taxonomy:finalize', work_ms: 552, dependsOn: ['s1:build', 's1:level-0'] },
    ]);
  });

  it('writes cached run-commands targets: a bare node spin, one output folder, dependsOn as Nx reads it', () => {
    const projects = floorProjects(floorTasks(GRAPH, new Map([['s1:level-0', 227]])));
    expect([...projects.keys()]).toEqual(['s1', 'taxonomy']);
    expect(projects.get('s1')!.targets['level-0']).toEqual({
      executor: 'nx:run-commands',
      options: { command: 'TAXONOMY_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node spin.cjs 227 out/s1-level-0' },
      cache: true,
      inputs: ['{workspaceRoot}/spin.cjs'],
      outputs: ['{workspaceRoot}/out/s1-level-0'],
      dependsOn: ['build'],
    });
    expect((projects.get('taxonomy')!.targets['finalize'] as { dependsOn: unknown }).dependsOn).toEqual([
      { projects: ['s1'], target: 'build' },
      { projects: ['s1'], target: 'level-0' },
    ]);
  });

  it('with hashDependencyOutputs, each target also hashes the output files of the tasks it waits for, as a phase task does', () => {
    const tasks = floorTasks(GRAPH, new Map([['s1:level-0', 227]]));
    const plain = floorProjects(tasks);
    const hashed = floorProjects(tasks, { hashDependencyOutputs: true });
    for (const [name, project] of hashed) {
      for (const [target, config] of Object.entries(project.targets) as Array<[string, { inputs: unknown[] }]>) {
        const before = (plain.get(name)!.targets[target] as { inputs: unknown[] }).inputs;
        expect(config.inputs).toEqual([...before, { dependentTasksOutputFiles: '**/*' }]);
        expect({ ...config, inputs: before }).toEqual(plain.get(name)!.targets[target]);
      }
    }
  });
});
