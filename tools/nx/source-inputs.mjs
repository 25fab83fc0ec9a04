// What the build's two external inputs are, resolved one way for all who need them: the runtime inputs
// (hash-sources.mjs, hash-crawl.mjs) hash them on every `nx run`, and the Nx plugin decides from them, when it
// infers the graph, whether a target needs its runtime input at all. Plain Node, no dependencies.
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** Folders never walked in a source folder: tool state, not data. */
const SKIPPED_FOLDERS = ['node_modules', '.git', '.nx', 'artifacts', '.cache'];

/**
 * Larger files are hashed by size and modification time: S0 refuses them anyway (s0.max_source_bytes), and
 * reading gigabytes on every `nx run` would stall it before the task could say so in one line.
 */
export const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/** `key=value` items of a TAXONOMY_OVERRIDES_* variable (split on `;` or newlines), as packages/config reads them. */
export function overrideItems(value) {
  return (value ?? '').split(/[\n;]/u);
}

function readSlice(root, name) {
  const file = join(root, 'config', `${name}.json`);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null; // a malformed slice is reported by the task itself; resolve the defaults meanwhile
  }
}

/**
 * The sources manifest as the config package resolves it: `config/s0.json`, then its profile for
 * TAXONOMY_ENV, then `sources_manifest=` in TAXONOMY_OVERRIDES_S0 (`-o` overrides never reach Nx tasks).
 * Relative to the workspace root, or absolute.
 */
export function sourcesManifestPath(root, env = process.env) {
  let manifest = 'corpus/sources.json';
  const value = readSlice(root, 's0');
  if (value !== null) {
    if (typeof value.sources_manifest === 'string' && value.sources_manifest.trim() !== '') manifest = value.sources_manifest;
    const profile = value.profiles?.[env.TAXONOMY_ENV ?? 'development'];
    if (typeof profile?.sources_manifest === 'string' && profile.sources_manifest.trim() !== '') manifest = profile.sources_manifest;
  }
  for (const item of overrideItems(env.TAXONOMY_OVERRIDES_S0)) {
    const m = /^\s*sources_manifest\s*=(.*)$/u.exec(item);
    if (m && m[1].trim() !== '') manifest = m[1].trim();
  }
  return manifest;
}

/**
 * Walks the sources manifest and every file or folder it lists, in a fixed order, calling `visit` once per
 * entry: `{ kind: 'file', path, size, mtimeMs, link }`, `{ kind: 'missing', path }` or `{ kind: 'special', path }`
 * (a device, FIFO or socket, never read: a FIFO would block). `link` is true when the path or a folder above it
 * inside the walk is a symbolic link. A folder linked into itself is walked once.
 */
export function walkSources(root, env, visit) {
  const visited = new Set();
  const walk = (path, viaLink) => {
    let info;
    let link = viaLink;
    try {
      link = link || lstatSync(path).isSymbolicLink();
      info = statSync(path, { throwIfNoEntry: false });
    } catch {
      info = undefined; // a dangling or looping link
    }
    if (info === undefined) return visit({ kind: 'missing', path });
    if (info.isDirectory()) {
      const real = realpathSync(path);
      if (visited.has(real)) return undefined;
      visited.add(real);
      for (const name of readdirSync(path).sort()) if (!SKIPPED_FOLDERS.includes(name)) walk(join(path, name), link);
      return undefined;
    }
    if (info.isFile()) return visit({ kind: 'file', path, size: info.size, mtimeMs: info.mtimeMs, link });
    return visit({ kind: 'special', path });
  };
  const manifest = resolve(root, sourcesManifestPath(root, env));
  walk(manifest, false);
  if (!existsSync(manifest)) return;
  let sources = [];
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    if (Array.isArray(parsed.sources)) sources = parsed.sources;
  } catch {
    // the manifest bytes are already visited; the task reports the parse error
  }
  const paths = [...new Set(sources.map((s) => (s && typeof s.path === 'string' ? s.path : null)).filter(Boolean))].sort();
  for (const p of paths) walk(resolve(root, p), false);
}

/** The folder whose files s0:sources hashes as plain Nx file inputs (`{workspaceRoot}/corpus/**\/*`). */
export const CORPUS_FOLDER = 'corpus';

/**
 * The files the sources walk reaches, relative to the root, when Nx's file inputs can stand for the runtime
 * input: each is a regular file under `corpus/`, no link, no larger than MAX_HASHED_BYTES, nothing missing or
 * special. Otherwise null: a manifest or a source outside `corpus/` (Nx's file inputs would not see a change
 * there), a link, a large file, a missing path.
 */
export function corpusSourceFiles(root, env = process.env) {
  const corpus = join(resolve(root), CORPUS_FOLDER) + sep;
  const files = [];
  let plain = true;
  walkSources(root, env, (entry) => {
    if (entry.kind !== 'file' || entry.link || entry.size > MAX_HASHED_BYTES || !entry.path.startsWith(corpus)) plain = false;
    else files.push(relative(root, entry.path).split(sep).join('/'));
  });
  return plain ? files : null;
}

/**
 * `seeds_file` and `cache_dir` as the config package resolves them: defaults, `config/crawl.json`, its
 * profile for TAXONOMY_ENV, then `key=value` items of TAXONOMY_OVERRIDES_CRAWL (`-o` never reaches Nx tasks).
 */
export function crawlSettings(root, env = process.env) {
  const out = { seeds_file: null, cache_dir: '.cache/crawl' };
  const apply = (value) => {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(out)) if (key in value && (typeof value[key] === 'string' || value[key] === null)) out[key] = value[key];
  };
  const value = readSlice(root, 'crawl');
  if (value !== null) {
    apply(value);
    apply(value.profiles?.[env.TAXONOMY_ENV ?? 'development'] ?? null);
  }
  for (const item of overrideItems(env.TAXONOMY_OVERRIDES_CRAWL)) {
    const m = /^\s*(seeds_file|cache_dir)\s*=(.*)$/u.exec(item);
    if (m) out[m[1]] = m[2].trim() === 'null' || m[2].trim() === '' ? (m[1] === 'cache_dir' ? out.cache_dir : null) : m[2].trim();
  }
  return out;
}
