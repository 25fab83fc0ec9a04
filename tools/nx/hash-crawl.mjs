#!/usr/bin/env node
// Nx runtime input of crawl:run: prints one SHA-256 over the seeds file (path and bytes) and the freshness
// of the crawl cache it last filled. With no seeds file configured it prints a constant, so the default
// build's crawl:run stays a cache hit; with one, Nx re-runs the crawl when the seeds change or when a page
// the last crawl relied on outlives its TTL (the crawl writes `<cache_dir>/state/<key>.json`).
// Plain Node, no dependencies: it runs on every `nx run`, cached or not, so the plugin leaves it out of the
// graph while no seeds file is configured (the constant adds nothing to the file and env inputs).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crawlSettings } from './source-inputs.mjs';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sha = (text) => createHash('sha256').update(text).digest('hex');

const { seeds_file: seedsFile, cache_dir: cacheDir } = crawlSettings(root);
if (seedsFile === null) {
  process.stdout.write(`${sha('crawl:no-seeds')}\n`);
} else {
  const abs = resolve(root, seedsFile);
  const rel = relative(root, abs);
  if (!existsSync(abs)) {
    // A missing seeds file must fail the task, never come from the cache.
    process.stdout.write(`${sha(`crawl:missing:${rel}:${Date.now()}`)}\n`);
  } else {
    const text = readFileSync(abs, 'utf8');
    const statePath = join(resolve(root, cacheDir), 'state', `${sha(`${rel}\u0000${text}`).slice(0, 24)}.json`);
    let freshUntil = null;
    try {
      const state = JSON.parse(readFileSync(statePath, 'utf8'));
      if (state.complete === true && typeof state.valid_until === 'string' && Date.now() < Date.parse(state.valid_until)) freshUntil = state.valid_until;
    } catch {
      // no crawl yet
    }
    // Without a fresh state (no crawl yet, cache deleted, a TTL passed, a time budget cut the crawl) the value
    // is new on every run, so Nx runs the crawl and never replays an old snapshot set.
    process.stdout.write(`${sha(`${rel}\u0000${text}\u0000${freshUntil ?? `stale:${Date.now()}`}`)}\n`);
  }
}
