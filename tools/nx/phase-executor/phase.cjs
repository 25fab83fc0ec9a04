// The executor of one phase task when Nx does not batch (`--batch=false`, NX_BATCH_MODE=false): Nx forks a
// process for the task and this runs the task's entry in it (run-entry.cjs), its output written through to the
// process's streams, which Nx reads.
'use strict';

const { runEntry } = require('./run-entry.cjs');

module.exports = async function runPhase(options, context) {
  const task = { id: context.taskId ?? `${context.projectName}:${context.targetName}`, target: { project: context.projectName, target: context.targetName, configuration: context.configurationName } };
  const result = await runEntry(context.root, task, options, { echo: true });
  return { success: result.success };
};
