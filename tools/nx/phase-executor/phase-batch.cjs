// The executor of a batch of phase tasks (Nx's batch mode, preferred by this executor): Nx hands it every phase
// task that is ready to run together, and this runs them one after another in this one process, dependencies
// first (run-entry.cjs), reporting each task's outcome as soon as it is known so Nx can print it. A task whose
// dependency in the batch failed does not run: it is reported `skipped`, as Nx reports the dependents of a failed
// task it runs itself.
'use strict';

const { runEntry, runOrder } = require('./run-entry.cjs');

module.exports = async function* runPhaseBatch(taskGraph, inputs, _overrides, context) {
  const failed = new Set();
  for (const id of runOrder(taskGraph)) {
    const task = taskGraph.tasks[id];
    if ((taskGraph.dependencies[id] ?? []).some((dep) => failed.has(dep))) {
      failed.add(id);
      const now = Date.now();
      yield { task: id, result: { success: false, status: 'skipped', terminalOutput: '', startTime: now, endTime: now } };
      continue;
    }
    const result = await runEntry(context.root, task, inputs[id]);
    if (!result.success) failed.add(id);
    yield { task: id, result };
  }
};
