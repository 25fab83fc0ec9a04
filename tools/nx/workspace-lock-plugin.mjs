// Nx plugin (nx.json "plugins"): one build per checkout. Nx runs `preTasksExecution` once per `nx run` /
// `nx run-many` / `nx affected -t`, before it restores anything from its cache or starts any task, and
// `postTasksExecution` when they are done. The hook takes the workspace lock for the nx process itself and
// hands its token to every task through TAXONOMY_BUILD_TOKEN (Nx passes env changes of the hook on); a
// second build in the same checkout fails at once with one line naming the holder, or waits up to
// TAXONOMY_LOCK_WAIT seconds. A build killed with -9 leaves a lock whose holder is dead: the next one takes it.
// The lock logic is the TypeScript of packages/core (workspace-lock.ts, processes.ts), bundled by esbuild into
// one small ES module under node_modules/.cache/taxonomy-lock/ and rebuilt only when a source it was built from
// changes. Loading it through tsx (and full zod) cost ~1 s of every `nx run`, cached or not; the bundle
// (zod/mini, ~20 kB) loads in a few milliseconds.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE_SRC = join(ROOT, 'packages', 'core', 'src');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'taxonomy-lock');
const MANIFEST = join(CACHE_DIR, 'bundle.json');

/** One SHA-256 over the bundle's source files (workspace-relative path and bytes); null when one is gone. */
function sourcesKey(inputs) {
  const hash = createHash('sha256');
  try {
    for (const rel of inputs) hash.update(`${rel}\u0000`).update(readFileSync(join(ROOT, rel))).update('\u0000');
  } catch {
    return null;
  }
  return hash.digest('hex');
}

async function bundlePath() {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (Array.isArray(manifest.inputs) && manifest.key === sourcesKey(manifest.inputs)) return join(CACHE_DIR, manifest.file);
  } catch {
    // no bundle yet, or an unreadable manifest: build one
  }
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: "export * from './workspace-lock.ts';\nexport * from './processes.ts';\n", resolveDir: CORE_SRC, sourcefile: 'lock-entry.ts', loader: 'ts' },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('<') && !input.endsWith('lock-entry.ts'))
    // Relative to the workspace even when outside it (a clone whose node_modules entries link elsewhere).
    .map((input) => relative(ROOT, resolve(ROOT, input)))
    .sort();
  const key = sourcesKey(inputs);
  if (key === null) throw new Error(`taxonomy-workspace-lock: cannot read a source of the lock bundle (${inputs.join(', ')})`);
  const file = `lock-${key.slice(0, 16)}.mjs`;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Two builds may race here: each writes its own temp file and renames it; both contents are equal.
  const tmp = (name) => join(CACHE_DIR, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp(file), result.outputFiles[0].contents);
  renameSync(tmp(file), join(CACHE_DIR, file));
  writeFileSync(tmp('bundle.json'), `${JSON.stringify({ key, file, inputs }, null, 2)}\n`);
  renameSync(tmp('bundle.json'), MANIFEST);
  return join(CACHE_DIR, file);
}

let loaded = null;
const load = () => (loaded ??= bundlePath().then((path) => import(pathToFileURL(path).href)));

export const name = 'taxonomy-workspace-lock';

/** The nx CLI this hook runs for: an ancestor of the plugin worker (or the process itself without isolation). */
function nxProcess(core) {
  const nx = core.findNxCliAncestor(process.pid);
  return nx ?? { pid: process.ppid, startTime: null, command: '' };
}

export async function preTasksExecution(_options, context) {
  const core = await load();
  const root = context.workspaceRoot;
  const inherited = process.env.TAXONOMY_BUILD_TOKEN;
  if (inherited) {
    // `taxonomy run` (or an outer build) took the lock and runs this nx for itself.
    core.assertLockHeld(root, inherited);
    return;
  }
  const nx = nxProcess(core);
  const args = (context.argv ?? []).slice(2).join(' ');
  const wait = Number(process.env.TAXONOMY_LOCK_WAIT ?? '0');
  const lock = await core.acquireWorkspaceLock(root, {
    pid: nx.pid,
    command: `nx ${args}`.trim(),
    waitMs: Number.isFinite(wait) && wait > 0 ? wait * 1000 : 0,
    onWait: (message) => process.stderr.write(`taxonomy: ${message}\n`),
  });
  process.env.TAXONOMY_BUILD_TOKEN = lock.token;
}

export async function postTasksExecution(_options, context) {
  const core = await load();
  const root = context.workspaceRoot;
  const holder = core.readWorkspaceLock(root);
  const nx = nxProcess(core);
  // Only the lock this nx process took is released (never one `taxonomy run` holds around it).
  if (holder !== null && holder.pid === nx.pid && holder.command.startsWith('nx ')) core.releaseWorkspaceLock(root, holder.token);
}
