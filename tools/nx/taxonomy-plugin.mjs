// The local Nx plugin of the build: infers every phase target (command, inputs, outputs, dependsOn) from
// the one description of the task graph, packages/taxonomy/src/build-graph.json, so project.json files
// stay free of repeated per-level targets. Plain Node ESM (Node 20 cannot strip types, and Nx loads
// plugins before anything is compiled). The CLI expands the same file in task-graph.ts; a test checks
// that both expansions agree.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  for (const item of (env.TAXONOMY_OVERRIDES_S1 ?? '').split(/[\n;]/u)) {
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
      out.push(at(graph.tasks[i], null));
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

/**
 * The `build` targets a phase task's compiled code needs: those of the workspace packages its package.json
 * lists under `dependencies`, and theirs in turn (Node loads the whole closure from dist). Not `^build`:
 * Nx's project graph also holds the imports of test files (observability's parent-watch test runs S0), which
 * would make the builds a cycle and would build packages the code never loads.
 */
export function buildDependencies(runtimeDeps) {
  return runtimeDeps.length === 0 ? [] : [{ projects: [...runtimeDeps].sort(), target: 'build' }];
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
 * The Nx target of one expanded task: the compiled entry under plain Node, after the package and its
 * dependencies are built. A task that may call a model (its inputs hold `llmConfig`) carries the key's state
 * in its options (`env`), which Nx hashes with the project configuration: a key set or unset re-runs it, at
 * no cost per run (a `runtime` input spawned a process per task and hash, 2.4 of the 6.1 s of a cached
 * rerun). The task checks the variable against its own environment (packages/config), so a project graph
 * inferred under another environment can never run with a wrong hash. Only a value that changes with the
 * environment, never with the data, may go there: Nx hashes a project's whole configuration into the tasks of
 * every project that depends on it (s0's into s1, s2 and more), so a digest of the sources in `s0:sources`'s
 * options re-ran every task after one appended page. The sources and the crawl state stay `runtime` inputs.
 */
export function phaseTarget(task, projectRoot, runtimeDeps = [], env = process.env) {
  const main = task.main.replace(/\.ts$/u, '');
  const args = `${task.level === null ? '' : ` --level ${task.level}`}${task.shard === undefined ? '' : ` --shard ${task.shard}`}`;
  const command = `node --conditions=taxonomy-dist ${projectRoot}/dist/${main}.js${args}`;
  return {
    executor: 'nx:run-commands',
    options: task.inputs.includes('llmConfig') ? { command, env: { [KEY_STATE_VAR]: apiKeyState(env) } } : { command },
    cache: true,
    inputs: ['code', '^code', ...task.inputs],
    outputs: [`{workspaceRoot}/${task.dir}`],
    dependsOn: [
      ...task.dependsOn.map((dep) => {
        const [project, target] = dep.split(':');
        return project === task.project ? { target } : { projects: [project], target };
      }),
      'build',
      ...buildDependencies(runtimeDeps),
    ],
    metadata: { description: `${task.phase}${task.level === null ? '' : ` level ${task.level}`}${task.shard === undefined ? '' : ` shard ${task.shard}`}: writes ${task.dir}` },
  };
}

/**
 * How every package is compiled (esbuild, the transpiler tsx itself runs, so dist behaves as the sources did
 * under tsx): each entry is bundled with its package's own modules, code shared by several entries goes to
 * chunks, and every import of another package (`@taxonomy/*`, npm dependencies) stays an import, resolved by
 * Node at run time (`node --conditions=taxonomy-dist` picks the dependency's dist, see the packages'
 * `exports`). Type checking is `npm run typecheck`'s job, not the build's.
 */
const ESBUILD_FLAGS = ['--bundle', '--splitting', '--packages=external', '--format=esm', '--platform=node', '--target=node20.19', '--sourcemap=linked', '--log-level=warning'];

/**
 * The `build` target of every package: its index and the entries its phase targets run, compiled to
 * `dist/`, cached like any task. It runs esbuild's command line, a native binary that builds a package in
 * ~0.04 s; a Node script calling esbuild's API took ~0.35 CPU-s per package (15 of them ≈ 3 s of a cold
 * sample build on 2 cores). It hashes only its own sources and waits for no other build: imports of other
 * packages stay imports, so a change in a dependency leaves the bundle as it is, every package builds at
 * once, and a commit to one package's code selects only that package's build in `nx affected`; every phase
 * task that runs the changed code re-runs because it hashes `^code`.
 */
export function buildTarget(projectRoot, mains) {
  const entries = ['src/index.ts', ...[...new Set(mains)].sort().map((m) => `src/${m}`)];
  // Run in the package's folder, so the bundles name their sources relative to it (src/…), wherever the workspace is.
  const esbuild = [`${'../'.repeat(projectRoot.split('/').length)}node_modules/.bin/esbuild`, ...entries, '--outdir=dist', '--outbase=src', ...ESBUILD_FLAGS];
  return {
    executor: 'nx:run-commands',
    options: { command: `rm -rf dist && ${esbuild.join(' ')}`, cwd: projectRoot },
    cache: true,
    inputs: ['buildSources', { externalDependencies: ['esbuild'] }],
    outputs: ['{projectRoot}/dist'],
    metadata: { description: `compiles ${entries.join(', ')} to dist/ (esbuild)` },
  };
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `createNodes` (the Nx 21+ name of the v2 API): one result per `packages/<pkg>/project.json`. */
export const createNodes = [
  'packages/*/project.json',
  (projectFiles, _options, context) => {
    const tasks = expandBuildGraph(readJson(join(context.workspaceRoot, BUILD_GRAPH_FILE)), { shards: resolveS1Shards(context.workspaceRoot) });
    const packages = projectFiles.map((file) => {
      const root = dirname(file);
      const manifest = readJson(join(context.workspaceRoot, root, 'package.json'));
      return { file, root, name: readJson(join(context.workspaceRoot, file)).name, npmName: manifest.name, deps: Object.keys(manifest.dependencies ?? {}) };
    });
    const projectOf = new Map(packages.map((p) => [p.npmName, p.name]));
    const depsOf = new Map(packages.map((p) => [p.name, p.deps.filter((dep) => projectOf.has(dep)).map((dep) => projectOf.get(dep))]));
    return packages.map(({ file, root, name }) => {
      const runtimeDeps = runtimeClosure(name, depsOf);
      const own = tasks.filter((task) => task.project === name);
      const targets = { build: buildTarget(root, own.map((task) => task.main)) };
      for (const task of own) targets[task.target] = phaseTarget(task, root, runtimeDeps);
      return [file, { projects: { [root]: { targets } } }];
    });
  },
];

/** The same function under the name the Nx 20 API used. */
export const createNodesV2 = createNodes;
