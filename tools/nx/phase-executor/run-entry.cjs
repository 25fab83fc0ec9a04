// Runs one phase task in this process: its compiled entry of the phase bundle (packages/taxonomy/bundle), imported
// with the task's arguments and environment in place, as `node <entry> --level N` would run it. CommonJS because
// Nx loads executors with require(); the entries are ES modules, loaded with import().
//
// An entry is an ES module that runs its task when evaluated (`await runMain(...)`), so each task imports it under
// a URL of its own (`?task=<id>&run=<n>`): the entry is evaluated once per task, while the chunks it imports, the code the
// entries share, are loaded once per process. That is the point of running tasks in one process: Node's start and
// the bundle's code are paid once for the whole batch instead of once per task.
'use strict';

const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

/**
 * What a task sees of its identity, as Nx gives it to a task process of its own: packages/config's
 * readRunEnvironment reads the task's name from these, for the failure record `taxonomy run` prints.
 */
function identityEnv(task) {
  return {
    NX_TASK_TARGET_PROJECT: task.target.project,
    NX_TASK_TARGET_TARGET: task.target.target,
    ...(task.target.configuration === undefined ? {} : { NX_TASK_TARGET_CONFIGURATION: task.target.configuration }),
  };
}

/** Sets `vars` in process.env; returns the function that puts back what was there before. */
function setEnv(vars) {
  const before = Object.keys(vars).map((name) => [name, Object.prototype.hasOwnProperty.call(process.env, name) ? process.env[name] : undefined]);
  for (const [name, value] of Object.entries(vars)) process.env[name] = value;
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Takes what is written to stdout and stderr until the returned function is called, which gives the text back:
 * the task's terminal output, which Nx prints under the task's name when it is done (as it prints a task of its own
 * process under --output-style=static) and stores with its cache entry. In a batch it is not written through
 * (`echo` false): Nx prints the batch process's own streams as they come, so the task's lines would show twice. A
 * task of its own process (`--batch=false`) writes through: there Nx takes the output from the process's streams.
 */
function captureOutput(echo) {
  const chunks = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = function write(chunk, encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      if (echo) return originals[i].call(stream, chunk, encoding, callback);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done);
      return true;
    };
  });
  return () => {
    streams.forEach((stream, i) => {
      stream.write = originals[i];
    });
    return chunks.join('');
  };
}

/** Tasks run in this process: part of each import's URL, so even the same task run twice is evaluated twice. */
let runs = 0;

/**
 * Runs `task` (an Nx task: id, target) with `options` (the target's: entry, args, env) in this process and returns
 * its result as Nx's batch mode takes it (success, status, terminalOutput, startTime, endTime). The task's
 * outcome is its exit code, as the entry's runMain sets it (process.exitCode); an entry that throws past runMain
 * (it cannot load, say) fails with its message. process.argv, the variables set for the task and process.exitCode
 * are put back afterwards, so the next task of a batch starts from the same state.
 */
async function runEntry(root, task, options, { echo = false } = {}) {
  const startTime = Date.now();
  const entry = join(root, options.entry);
  const argv = process.argv;
  const restoreEnv = setEnv({ ...identityEnv(task), ...(options.env ?? {}) });
  const stopCapture = captureOutput(echo);
  let code;
  process.exitCode = undefined;
  process.argv = [process.execPath, entry, ...(options.args ?? [])];
  try {
    runs += 1;
    await import(`${pathToFileURL(entry).href}?task=${encodeURIComponent(task.id)}&run=${runs}`);
    code = process.exitCode ?? 0;
  } catch (err) {
    process.stderr.write(`taxonomy: ${task.id}: ${options.entry} could not run: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  } finally {
    process.argv = argv;
    process.exitCode = undefined;
    restoreEnv();
  }
  const terminalOutput = stopCapture();
  return { success: code === 0, status: code === 0 ? 'success' : 'failure', terminalOutput, startTime, endTime: Date.now() };
}

/**
 * The batch's tasks in the order they run: dependencies first (within the batch; tasks outside it have completed
 * before Nx scheduled the batch), ties in the batch's own order, so the same graph always runs the same way.
 */
function runOrder(taskGraph) {
  const ids = Object.keys(taskGraph.tasks);
  const done = new Set();
  const order = [];
  while (order.length < ids.length) {
    const next = ids.find((id) => !done.has(id) && (taskGraph.dependencies[id] ?? []).every((dep) => done.has(dep) || taskGraph.tasks[dep] === undefined));
    if (next === undefined) throw new Error(`taxonomy phase executor: the batch's tasks wait for each other in a cycle (${ids.filter((id) => !done.has(id)).join(', ')})`);
    done.add(next);
    order.push(next);
  }
  return order;
}

module.exports = { runEntry, runOrder };
