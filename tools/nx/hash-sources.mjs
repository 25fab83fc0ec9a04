#!/usr/bin/env node
// Nx runtime input of s0:sources: prints one SHA-256 over the sources manifest and every file or folder it
// lists, so a corpus outside `corpus/` (which the file inputs do not cover) still invalidates the cache.
// Plain Node, no dependencies: it runs on every `nx run`, cached or not, so the plugin leaves it out of the
// graph while the manifest and its sources are plain files Nx hashes under `corpus/` (runtimeInputNeeded).
// The walk and the manifest's path are source-inputs.mjs's, the plugin's too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_HASHED_BYTES, walkSources } from './source-inputs.mjs';

// The workspace root: this file's grand-parent, or the first argument (tests hash a temporary workspace).
const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hash = createHash('sha256');

walkSources(root, process.env, (entry) => {
  const rel = relative(root, entry.path);
  if (entry.kind === 'missing') hash.update(`missing\u0000${rel}\u0000`);
  else if (entry.kind === 'special') hash.update(`special\u0000${rel}\u0000`);
  else {
    hash.update(`file\u0000${rel}\u0000`);
    if (entry.size > MAX_HASHED_BYTES) hash.update(`large\u0000${entry.size}\u0000${entry.mtimeMs}`);
    else hash.update(readFileSync(entry.path));
    hash.update('\u0000');
  }
});
process.stdout.write(`${hash.digest('hex')}\n`);
