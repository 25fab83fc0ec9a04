#!/usr/bin/env node
// Nx runtime input of s0:sources: prints one SHA-256 over the sources manifest and every file or folder it
// lists, so a corpus outside `corpus/` (which the file inputs do not cover) still invalidates the cache.
// Plain Node, no dependencies: it runs on every `nx run`, cached or not.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

function addFile(path) {
  hash.update(`file\u0000${relative(root, path)}\u0000`);
  hash.update(readFileSync(path));
  hash.update('\u0000');
}

function addPath(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info === undefined) {
    hash.update(`missing\u0000${relative(root, path)}\u0000`);
    return;
  }
  if (info.isDirectory()) {
    for (const name of readdirSync(path).sort()) addPath(join(path, name));
    return;
  }
  if (info.isFile()) addFile(path);
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
