// The local Nx plugin of the build: infers every phase target (command, inputs, outputs, dependsOn) from
// the one description of the task graph, packages/taxonomy/src/build-graph.json, so project.json files
// stay free of repeated per-level targets. Plain Node ESM (Node 20 cannot strip types, and Nx loads
// plugins before anything is compiled). The CLI expands the same file in task-graph.ts; a test checks
// that both expansions agree.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CORPUS_FOLDER, corpusSourceFiles, crawlSettings, overrideItems } from './source-inputs.mjs';

export const BUILD_GRAPH_FILE = 'packages/taxonomy/src/build-graph.json';

/**
 * s1.shards as the build resolves it for the graph: `config/s1.json`, then its `profiles.<TAXONOMY_ENV>`
 * (default development), then `shards=K` in TAXONOMY_OVERRIDES_S1 (items split on `;` or newlines), the
 * precedence of packages/config's loadConfig (a test checks both agree). A CLI `-o s1.shards=K` cannot
 * change the graph: Nx infers the targets before any task runs.
 */
export function resolveS1Shards(workspaceRoot, env = process.env) {
  const file = join(workspaceRoot, 'config', 's1.json');
  const check = (value, origin) => {
    if (!Number.isInteger(value) || value < 1) throw new Error(`CONFIG_INVALID: ${origin}: s1.shards must be an integer ≥ 1 (got ${JSON.stringify(value)})`);
    return value;
  };
  let shards = 1;
  if (existsSync(file)) {
    const slice = JSON.parse(readFileSync(file, 'utf8'));
    if (slice.shards !== undefined) shards = check(slice.shards, `${file}: shards`);
    const profile = slice.profiles?.[env.TAXONOMY_ENV ?? 'development'];
    if (profile?.shards !== undefined) shards = check(profile.shards, `${file}: profiles.${env.TAXONOMY_ENV ?? 'development'}.shards`);
  }
  for (const item of overrideItems(env.TAXONOMY_OVERRIDES_S1)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || item.slice(0, eq).trim() !== 'shards') continue;
    const raw = item.slice(eq + 1).trim();
    shards = check(/^-?\d+(\.\d+)?$/u.test(raw) ? Number(raw) : raw, 'TAXONOMY_OVERRIDES_S1: shards');
  }
  return shards;
}

/**
 * Reads the description and expands it to concrete tasks, in the same order as task-graph.ts. With
 * `shards` K > 1 an entry with `sharded` becomes, per level, its partition task, K shard tasks and the
 * entry's own task running the merge step.
 */
export function expandBuildGraph(graph, { shards = 1 } = {}) {
  const levels = graph.levels;
  const perLevel = (t) => t.task.includes('{level}');
  const dependsOnAt = (deps, level, shard) =>
    deps.flatMap((dep) => {
      if (dep.endsWith('level-*')) return levels.map((l) => dep.replace('level-*', `level-${l}`));
      if (dep.includes('{level-1}')) {
        const i = levels.indexOf(level);
        return i <= 0 ? [] : [dep.replace('{level-1}', String(levels[i - 1]))];
      }
      const filled = dep.replaceAll('{level}', String(level)).replaceAll('{shard}', String(shard));
      if (filled.endsWith('shard-*')) return Array.from({ length: shards }, (_, k) => filled.replace(/shard-\*$/u, `shard-${k}`));
      return [filled];
    });
  const at = (t, level, shard = null, phase = t.phase) => {
    const fill = (s) => (level === null ? s : s.replaceAll('{level}', String(level))).replaceAll('{shard}', String(shard));
    const [project, target] = fill(t.task).split(':');
    return {
      project,
      target,
      phase,
      level,
      dir: fill(t.dir),
      main: t.main ?? 'main.ts',
      dependsOn: dependsOnAt(t.dependsOn ?? [], level, shard),
      inputs: (t.inputs ?? []).map((input) => (typeof input === 'string' ? fill(input) : JSON.parse(fill(JSON.stringify(input))))),
      ...(t.helper === true ? { helper: true } : {}),
      ...(t.ownProcess === true ? { ownProcess: true } : {}),
      ...(shard === null ? {} : { shard }),
    };
  };
  const expand = (t, level) => {
    if (t.sharded === undefined || shards === 1) return [at(t, level)];
    const { partition, shard, merge } = t.sharded;
    return [
      at(partition, level, null, t.phase),
      ...Array.from({ length: shards }, (_, k) => at(shard, level, k, t.phase)),
      at({ ...t, ...merge }, level),
    ];
  };
  const out = [];
  for (let i = 0; i < graph.tasks.length; ) {
    if (!perLevel(graph.tasks[i])) {
      const task = at(graph.tasks[i], null);
      // `*`: every phase task before this one (helpers left out), shard and partition tasks included.
      task.dependsOn = task.dependsOn.flatMap((dep) => (dep === '*' ? out.filter((t) => t.helper !== true).map((t) => `${t.project}:${t.target}`) : [dep]));
      out.push(task);
      i += 1;
      continue;
    }
    let end = i;
    while (end < graph.tasks.length && perLevel(graph.tasks[end])) end += 1;
    for (const level of levels) for (const t of graph.tasks.slice(i, end)) out.push(...expand(t, level));
    i = end;
  }
  return out;
}

/** The workspace packages `name` loads at run time: its `dependencies`, transitively (`depsOf`: name → names). */
export function runtimeClosure(name, depsOf) {
  const seen = new Set();
  const visit = (n) => {
    for (const dep of depsOf.get(n) ?? []) {
      if (seen.has(dep) || dep === name) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(name);
  return [...seen].sort();
}

/** The variable through which a model task's target records whether OPENAI_API_KEY is set (never its value). */
export const KEY_STATE_VAR = 'TAXONOMY_OPENAI_API_KEY_STATE';

/**
 * `set` or `unset`: all a task hash may know of OPENAI_API_KEY. The key decides nothing but `provider: "auto"`
 * (an endpoint or a key selects the OpenAI-compatible provider); hashing its value would give every agent
 * with a key of their own other hashes, so nobody could reuse a shared remote cache entry.
 */
export function apiKeyState(env = process.env) {
  const key = env.OPENAI_API_KEY;
  return key !== undefined && key.trim() !== '' ? 'set' : 'unset';
}

/**
 * The files of a package's code a task hashes, as workspace file sets: its sources (tests left out), prompts,
 * data and package.json, for the package itself and every package its compiled code loads (`roots`). Not the
 * named inputs `code` and `^code`: `^code` follows Nx's project graph, which also holds the imports of test
 * files (observability's tests run S0, so every phase hashed S0's code), and a project file set brings the
 * project's npm packages as separate hash nodes (330 of them per task) that Nx converts again on every
 * hash of a task that waits for other tasks' outputs; a workspace file set brings one node for all of them.
 * One brace pattern for all the packages, and one for their tests, instead of five patterns a package: the same
 * files (a test checks), and Nx matches two globs against the workspace's files instead of up to 75 each time it
 * hashes a task, once per wave of a cached rerun (its native hashing 103–113 → 86–90 ms a rerun here).
 */
export function codeInputs(roots) {
  const names = roots.map((r) => {
    const m = /^packages\/([^/{},]+)$/u.exec(r);
    if (m === null) throw new Error(`codeInputs: ${r} is not a packages/<name> folder`);
    return m[1];
  });
  const set = names.length === 1 ? names[0] : `{${names.join(',')}}`;
  return [`{workspaceRoot}/packages/${set}/{src/**/*,prompts/**/*,data/**/*,package.json}`, `!{workspaceRoot}/packages/${set}/src/**/*.test.ts`];
}

/**
 * The executor of the phase tasks (tools/nx/phase-executor, found by its path from the workspace root): it runs a
 * task's entry of the phase bundle in the process Nx gives it and prefers Nx's batch mode, in which Nx hands it
 * every phase task ready to run together and one Node process runs them one after another. A cold sample build
 * started 22 Node processes of ≈ 0.25 s each beyond their own work, on a critical path of 21 tasks; a batch
 * starts one. A task with `ownProcess` (build-graph.json says which and why) keeps `nx:run-commands`, a process
 * of its own. `--batch=false` (or NX_BATCH_MODE=false) gives every phase task its own process again.
 */
export const PHASE_EXECUTOR = './tools/nx/phase-executor:phase';

/**
 * What a phase command starts with (a constant, so Nx hashes the same command everywhere): the shell hands the
 * build's NODE_EXTRA_CA_CERTS to the task as TAXONOMY_EXTRA_CA_CERTS and starts Node with NODE_EXTRA_CA_CERTS
 * empty. Node parses that file when every process starts (the system bundle on the build machines: `node -e 0`
 * 0.09 s instead of 0.05 s, ≈ 40 ms of CPU for each task process, most of which never open a connection; a
 * batch of phase tasks parses it once); the two TLS clients of a task (the LLM client's transport, the crawler's) trust it on their first
 * use (`extraCaOptions` in core).
 */
export const EXTRA_CA_HANDOVER = 'TAXONOMY_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS=';

/**
 * The Nx target of one expanded task: its compiled entry in the phase bundle (`taxonomy:bundle`) under plain
 * Node. A task with no upstream waits for the bundle; every other task reaches it through the tasks it reads, so
 * a code change makes the bundle affected (`nx affected`) without making every task that waits for it so: Nx
 * selects a task whose inputs changed or that hashes the outputs of a selected task it waits for, and the first
 * tasks hash no upstream output. It hashes the code of the package and of every package it loads
 * (`codeRoots`, see codeInputs), then the task's inputs. A task that may call a model (its inputs hold
 * `llmConfig`) carries the key's state in its options (`env`), which Nx hashes with the project
 * configuration: a key set or unset re-runs it, at no cost per run (a `runtime` input spawned a process per
 * task and hash, 2.4 of the 6.1 s of a cached rerun). The task checks the variable against its own
 * environment (packages/config), so a project graph inferred under another environment can never run with a
 * wrong hash. Only a value that changes with the environment, never with the data, may go there: Nx hashes a
 * project's configuration into the tasks of the projects that depend on it, so a digest of the sources in
 * `s0:sources`'s options re-ran every task after one appended page. The sources and the crawl state stay
 * `runtime` inputs where the file inputs cannot stand for them (see runtimeInputNeeded).
 */
export function phaseTarget(task, projectRoot, codeRoots = [projectRoot], env = process.env) {
  const entry = `${BUNDLE_DIR}/${bundleEntryName(projectRoot, task.main)}.js`;
  const argList = [...(task.level === null ? [] : ['--level', String(task.level)]), ...(task.shard === undefined ? [] : ['--shard', String(task.shard)])];
  const command = [EXTRA_CA_HANDOVER, 'node --conditions=taxonomy-dist', entry, ...argList].join(' ');
  const taskEnv = task.inputs.includes('llmConfig') ? { env: { [KEY_STATE_VAR]: apiKeyState(env) } } : {};
  return {
    executor: task.ownProcess === true ? 'nx:run-commands' : PHASE_EXECUTOR,
    options: task.ownProcess === true ? { command, ...taskEnv } : { entry, args: argList, ...taskEnv },
    cache: true,
    inputs: [...codeInputs(codeRoots), ...task.inputs],
    outputs: [`{workspaceRoot}/${task.dir}`],
    dependsOn: [
      ...task.dependsOn.map((dep) => {
        const [project, target] = dep.split(':');
        return project === task.project ? { target } : { projects: [project], target };
      }),
      ...(task.dependsOn.length === 0 ? [BUNDLE_DEPENDENCY] : []),
    ],
    metadata: { description: `${task.phase}${task.level === null ? '' : ` level ${task.level}`}${task.shard === undefined ? '' : ` shard ${task.shard}`}: writes ${task.dir}` },
  };
}

const require = createRequire(import.meta.url);

/**
 * Whether a task's `runtime` input says something its other inputs do not, decided when Nx infers the graph
 * (every `nx` command, from the same config and environment the runtime input reads). A runtime input starts
 * a Node process on every `nx run`, cached or not (≈0.15–0.2 s each here):
 * - `hash-crawl.mjs` prints a constant while no seeds file is configured; config/crawl.json and
 *   TAXONOMY_OVERRIDES_CRAWL are file and env inputs already.
 * - `hash-sources.mjs` adds nothing while the manifest and every source it lists are plain files under
 *   `corpus/` that Nx itself hashes (`{workspaceRoot}/corpus/**\/*`): none gitignored, linked, larger than
 *   256 MiB or missing. A source elsewhere, or one of those, keeps the runtime input.
 * Any other runtime input is kept.
 */
export function runtimeInputNeeded(command, workspaceRoot, env = process.env, trackedFiles = (globs) => workspaceFiles(workspaceRoot, globs)) {
  if (command === 'node tools/nx/hash-crawl.mjs') return crawlSettings(workspaceRoot, env).seeds_file !== null;
  if (command === 'node tools/nx/hash-sources.mjs') {
    const files = corpusSourceFiles(workspaceRoot, env);
    if (files === null) return true;
    const tracked = new Set(trackedFiles([`${CORPUS_FOLDER}/**/*`]));
    return !files.every((f) => tracked.has(f));
  }
  return true;
}

/** The workspace files Nx hashes that match `globs` (its own index, so gitignored files are left out as Nx leaves them). */
function workspaceFiles(workspaceRoot, globs) {
  return require('nx/src/utils/workspace-context.js').globWithWorkspaceContextSync(workspaceRoot, globs);
}

/**
 * How every package is compiled (esbuild, the transpiler tsx itself runs, so dist behaves as the sources did
 * under tsx). Type checking is `npm run typecheck`'s job, not the build's.
 */
const ESBUILD_FLAGS = ['--bundle', '--splitting', '--format=esm', '--platform=node', '--target=node20.19', '--sourcemap=linked', '--sources-content=false', '--log-level=warning'];

/**
 * The npm packages a phase entry's bundle takes in (with the packages they depend on): zod and pino, which every
 * task loads. zod as ~90 ES modules Node resolved and compiled one by one cost ≈ 0.07 s of each task's start, as
 * part of one file ≈ 0.02 s; pino and its ten CommonJS dependencies ≈ 33 ms, bundled ≈ 9 ms. pino's transports
 * run worker files found next to its code, so the pretty logger of a terminal loads the installed pino instead
 * (packages/observability/src/logger.ts). Every other npm package stays an import: some read files next to their
 * own code (word-list, the people-names dictionary), and the large ones load only on first use (exceljs, the
 * OpenAI SDK).
 * The code imports zod as `import * as z from 'zod'`: esbuild drops what a namespace import never touches, zod's
 * 40-odd message locales among them, where `import { z } from 'zod'` (a namespace object re-exported) kept all of
 * zod, 0.37 of a bundle's 0.86 MB (a test checks the bundle holds the English locale alone).
 */
export const BUNDLED_NPM_PACKAGES = ['zod', 'pino'];

/**
 * The first line of every file of a phase bundle: a `require` for the CommonJS code bundled in (pino's
 * `require('node:os')` …), which an ES module does not have. A module's own top-level `require` (render.ts has
 * one) cannot collide with it: esbuild keeps that name for its CommonJS shim and renames the module's.
 */
export const BUNDLE_BANNER = 'import { createRequire as __taxonomyCreateRequire } from "node:module"; const require = __taxonomyCreateRequire(import.meta.url);';

/** Where `taxonomy:bundle` writes the phase entries (`<package folder>/<main>.js`) and their shared code (`chunks/`). */
export const BUNDLE_DIR = 'packages/taxonomy/bundle';

/** The project and target of the phase bundle: the tasks with no upstream wait for it, every other one through them. */
export const BUNDLE_PROJECT = 'taxonomy';
const BUNDLE_DEPENDENCY = { projects: [BUNDLE_PROJECT], target: 'bundle' };

/** A phase entry's name in the bundle: `packages/s1-extraction` + `main.ts` → `s1-extraction/main`. */
export function bundleEntryName(projectRoot, main) {
  return `${projectRoot.split('/').pop()}/${main.replace(/\.ts$/u, '')}`;
}

/**
 * The `build` target of every package, cached like any task, run as esbuild's command line (a native binary:
 * ~0.04 s a build; a Node script calling esbuild's API took ~0.35 CPU-s per package) in the package's folder:
 * `src/index.ts` → `dist/index.js`, every import of another package left an import (resolved by Node under
 * `--conditions=taxonomy-dist` to that package's `dist/index.js`), for whoever imports the compiled package (the
 * bench, scripts). No build waits for another, and none is part of `nx run taxonomy:finalize` (`nx run-many -t
 * build` makes them): the phase tasks run the phase bundle (`bundleTarget`).
 */
export function buildTarget(projectRoot) {
  const esbuild = `${'../'.repeat(projectRoot.split('/').length)}node_modules/.bin/esbuild`;
  return {
    executor: 'nx:run-commands',
    options: { command: ['rm -rf dist', [esbuild, 'src/index.ts', '--outdir=dist', '--outbase=src', ...ESBUILD_FLAGS, '--packages=external'].join(' ')].join(' && '), cwd: projectRoot },
    cache: true,
    inputs: ['buildSources', { externalDependencies: ['esbuild'] }],
    outputs: ['{projectRoot}/dist'],
    metadata: { description: 'compiles src/index.ts to dist/ (esbuild)' },
  };
}

/**
 * `taxonomy:bundle`, the one build of `nx run taxonomy:finalize`: every phase entry (`entries`: project root and
 * main of each, `src/main.ts` …) in one esbuild run → `packages/taxonomy/bundle/<package folder>/<main>.js`,
 * bundled with the sources of every workspace package it loads and zod and pino (BUNDLED_NPM_PACKAGES; the other
 * npm packages, `npmPackages`, stay imports), the code entries share in `bundle/chunks/`. A phase task loads a
 * handful of files instead of ≈ 150 ES modules (its start went from ≈ 0.47 to ≈ 0.36 s here). One run instead of
 * one build per phase package: the ten builds took the first ≈ 2.9 s of a cold build on two cores (each bundled
 * the same shared packages again, 0.44–0.77 s under Nx); all entries at once take ≈ 0.33 s, and the first phase
 * task can start after it. It hashes the code of every package a phase loads (`codeRoots`); a phase task hashes
 * only its own package's closure, so a change to one package re-makes the bundle (cheap) but re-runs only the
 * phases whose code it is. Every main the build graph names is bundled, sharded S1's included, so the bundle does
 * not depend on s1.shards.
 */
export function bundleTarget(entries, codeRoots, npmPackages = []) {
  const external = [...new Set(npmPackages)].filter((p) => !BUNDLED_NPM_PACKAGES.includes(p)).sort().map((p) => `--external:${p}`);
  const points = [...new Set(entries.map(({ root, main }) => `${bundleEntryName(root, main)}=${root}/src/${main}`))].sort();
  const command = [
    `rm -rf ${BUNDLE_DIR}`,
    ['node_modules/.bin/esbuild', ...points, `--outdir=${BUNDLE_DIR}`, ...ESBUILD_FLAGS, "'--chunk-names=chunks/[name]-[hash]'", `'--banner:js=${BUNDLE_BANNER}'`, ...external].join(' '),
  ].join(' && ');
  return {
    executor: 'nx:run-commands',
    options: { command },
    cache: true,
    inputs: [...codeInputs(codeRoots), { externalDependencies: ['esbuild', ...BUNDLED_NPM_PACKAGES] }],
    outputs: [`{workspaceRoot}/${BUNDLE_DIR}`],
    metadata: { description: `bundles every phase entry (${points.length}) with the workspace packages it loads into ${BUNDLE_DIR}/ (esbuild)` },
  };
}

/**
 * The npm packages the workspace's code may import (the `dependencies` of the root and of every package,
 * `@taxonomy/*` left out; package code imports no dev dependency): what a phase bundle leaves an import.
 */
function npmPackagesOf(workspaceRoot, manifests) {
  const root = readJson(join(workspaceRoot, 'package.json'));
  const names = [root.dependencies, ...manifests.map((m) => m.dependencies)].flatMap((deps) => Object.keys(deps ?? {}));
  return [...new Set(names.filter((n) => !n.startsWith('@taxonomy/')))].sort();
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `createNodes` (the Nx 21+ name of the v2 API): one result per `packages/<pkg>/project.json`. */
export const createNodes = [
  'packages/*/project.json',
  (projectFiles, _options, context) => {
    const graph = readJson(join(context.workspaceRoot, BUILD_GRAPH_FILE));
    const tasks = expandBuildGraph(graph, { shards: resolveS1Shards(context.workspaceRoot) });
    const packages = projectFiles.map((file) => {
      const root = dirname(file);
      const manifest = readJson(join(context.workspaceRoot, root, 'package.json'));
      return { file, root, name: readJson(join(context.workspaceRoot, file)).name, npmName: manifest.name, deps: Object.keys(manifest.dependencies ?? {}), manifest };
    });
    const npmPackages = npmPackagesOf(context.workspaceRoot, packages.map((p) => p.manifest));
    const projectOf = new Map(packages.map((p) => [p.npmName, p.name]));
    const depsOf = new Map(packages.map((p) => [p.name, p.deps.filter((dep) => projectOf.has(dep)).map((dep) => projectOf.get(dep))]));
    const rootOf = new Map(packages.map((p) => [p.name, p.root]));
    const needed = new Map();
    const keep = (input) => {
      if (typeof input !== 'object' || typeof input.runtime !== 'string') return true;
      if (!needed.has(input.runtime)) needed.set(input.runtime, runtimeInputNeeded(input.runtime, context.workspaceRoot));
      return needed.get(input.runtime);
    };
    // Every entry of the build graph, whatever s1.shards: the sharded S1 steps' mains too.
    const entries = [...expandBuildGraph(graph, { shards: 1 }), ...expandBuildGraph(graph, { shards: 2 })].map((task) => ({ root: rootOf.get(task.project), main: task.main }));
    const phaseProjects = [...new Set(tasks.map((task) => task.project))];
    const bundleRoots = [...new Set(phaseProjects.flatMap((p) => [p, ...runtimeClosure(p, depsOf)]).map((p) => rootOf.get(p)))].sort();
    return packages.map(({ file, root, name }) => {
      const codeRoots = [root, ...runtimeClosure(name, depsOf).map((dep) => rootOf.get(dep))];
      const own = tasks.filter((task) => task.project === name);
      const targets = { build: buildTarget(root) };
      if (name === BUNDLE_PROJECT) targets.bundle = bundleTarget(entries, bundleRoots, npmPackages);
      for (const task of own) targets[task.target] = phaseTarget({ ...task, inputs: task.inputs.filter(keep) }, root, codeRoots);
      return [file, { projects: { [root]: { targets } } }];
    });
  },
];

/** The same function under the name the Nx 20 API used. */
export const createNodesV2 = createNodes;
