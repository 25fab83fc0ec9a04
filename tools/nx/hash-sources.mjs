#!/usr/bin/env node
// Nx runtime input of s0:sources: prints one SHA-256 over the sources manifest and every file or folder it
// lists, so a corpus outside `corpus/` (which the file inputs do not cover) still invalidates the cache.
// Plain Node, no dependencies: it runs on every `nx run`, cached or not.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The workspace root: this file's grand-parent, or the first argument (tests hash a temporary workspace).
const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hash = createHash('sha256');

/**
 * The manifest path as the config package resolves it: `config/s0.json`, then its profile for
 * TAXONOMY_ENV, then `sources_manifest=` in TAXONOMY_OVERRIDES_S0 (`-o` overrides never reach Nx tasks).
 */
function manifestPath() {
  let manifest = 'corpus/sources.json';
  const slice = join(root, 'config', 's0.json');
  if (existsSync(slice)) {
    try {
      const value = JSON.parse(readFileSync(slice, 'utf8'));
      if (typeof value.sources_manifest === 'string' && value.sources_manifest.trim() !== '') manifest = value.sources_manifest;
      const profile = value.profiles?.[process.env.TAXONOMY_ENV ?? 'development'];
      if (typeof profile?.sources_manifest === 'string' && profile.sources_manifest.trim() !== '') manifest = profile.sources_manifest;
    } catch {
      // a malformed config/s0.json is reported by the task itself; hash the default manifest meanwhile
    }
  }
  for (const item of (process.env.TAXONOMY_OVERRIDES_S0 ?? '').split(/[\n;]/u)) {
    const m = /^\s*sources_manifest\s*=(.*)$/u.exec(item);
    if (m && m[1].trim() !== '') manifest = m[1].trim();
  }
  return manifest;
}

// Larger files are hashed by size and modification time: S0 refuses them anyway (s0.max_source_bytes), and
// reading gigabytes here would stall every `nx run` before the task could say so in one line.
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

function addFile(path, info) {
  hash.update(`file\u0000${relative(root, path)}\u0000`);
  if (info.size > MAX_HASHED_BYTES) hash.update(`large\u0000${info.size}\u0000${info.mtimeMs}`);
  else hash.update(readFileSync(path));
  hash.update('\u0000');
}

const visited = new Set();

function addPath(path) {
  let info;
  try {
    info = statSync(path, { throwIfNoEntry: false });
  } catch {
    info = undefined; // a dangling or looping link
  }
  if (info === undefined) {
    hash.update(`missing\u0000${relative(root, path)}\u0000`);
    return;
  }
  if (info.isDirectory()) {
    // A folder linked into itself is walked once.
    const real = realpathSync(path);
    if (visited.has(real)) return;
    visited.add(real);
    for (const name of readdirSync(path).sort()) if (!['node_modules', '.git', '.nx', 'artifacts', '.cache'].includes(name)) addPath(join(path, name));
    return;
  }
  // Devices, FIFOs and sockets are never read (a FIFO would block here): S0 refuses them with one line.
  if (info.isFile()) addFile(path, info);
  else if (!info.isDirectory()) hash.update(`special\u0000${relative(root, path)}\u0000`);
}

const manifest = resolve(root, manifestPath());
addPath(manifest);
if (existsSync(manifest)) {
  let sources = [];
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    if (Array.isArray(parsed.sources)) sources = parsed.sources;
  } catch {
    // the manifest bytes are already hashed; the task reports the parse error
  }
  const paths = [...new Set(sources.map((s) => (s && typeof s.path === 'string' ? s.path : null)).filter(Boolean))].sort();
  for (const p of paths) addPath(resolve(root, p));
}
process.stdout.write(`${hash.digest('hex')}\n`);
