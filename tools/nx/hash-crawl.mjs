#!/usr/bin/env node
// Nx runtime input of crawl:run: prints one SHA-256 over the seeds file (path and bytes) and the freshness
// of the crawl cache it last filled. With no seeds file configured it prints a constant, so the default
// build's crawl:run stays a cache hit; with one, Nx re-runs the crawl when the seeds change or when a page
// the last crawl relied on outlives its TTL (the crawl writes `<cache_dir>/state/<key>.json`).
// Plain Node, no dependencies: it runs on every `nx run`, cached or not.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sha = (text) => createHash('sha256').update(text).digest('hex');

/**
 * `seeds_file` and `cache_dir` as the config package resolves them: defaults, `config/crawl.json`, its
 * profile for TAXONOMY_ENV, then `key=value` items of TAXONOMY_OVERRIDES_CRAWL (`-o` never reaches Nx tasks).
 */
function settings() {
  const out = { seeds_file: null, cache_dir: '.cache/crawl' };
  const apply = (value) => {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(out)) if (key in value && (typeof value[key] === 'string' || value[key] === null)) out[key] = value[key];
  };
  const slice = join(root, 'config', 'crawl.json');
  if (existsSync(slice)) {
    try {
      const value = JSON.parse(readFileSync(slice, 'utf8'));
      apply(value);
      apply(value.profiles?.[process.env.TAXONOMY_ENV ?? 'development'] ?? null);
    } catch {
      // a malformed config/crawl.json is reported by the task itself
    }
  }
  for (const item of (process.env.TAXONOMY_OVERRIDES_CRAWL ?? '').split(/[\n;]/u)) {
    const m = /^\s*(seeds_file|cache_dir)\s*=(.*)$/u.exec(item);
    if (m) out[m[1]] = m[2].trim() === 'null' || m[2].trim() === '' ? (m[1] === 'cache_dir' ? out.cache_dir : null) : m[2].trim();
  }
  return out;
}

const { seeds_file: seedsFile, cache_dir: cacheDir } = settings();
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
