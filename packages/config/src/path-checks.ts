import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ResolvedConfig } from './load.ts';
import type { SliceName } from './schema.ts';

/** True when the `llm` slice selects a model endpoint (and so the response cache) rather than the offline provider. */
export function usesLlmEndpoint(llm: ResolvedConfig['config']['llm']): boolean {
  if (llm.provider !== 'auto') return llm.provider === 'openai';
  return Boolean(llm.base_url || llm.api_key);
}

/** Why `path` (a folder the build will create or write into) cannot be written, or null. */
function unwritableFolder(path: string): string | null {
  let dir = path;
  for (;;) {
    let info;
    try {
      info = statSync(dir, { throwIfNoEntry: false });
    } catch {
      info = undefined; // ENOTDIR: a parent is a file; the walk up reports it
    }
    if (info !== undefined) {
      if (!info.isDirectory()) return `${dir} is not a folder`;
      try {
        accessSync(dir, constants.W_OK | constants.X_OK);
        return null;
      } catch {
        return dir === path ? `${dir} is not writable` : `${path} cannot be created: ${dir} is not writable`;
      }
    }
    const up = dirname(dir);
    if (up === dir) return `${path}: no existing parent folder`;
    dir = up;
  }
}

/**
 * The settings that name files and folders, checked against the file system (the schema cannot): the
 * sources manifest must be a file, the LLM response cache a writable folder when an endpoint is used.
 * Returns one message per problem, naming the key; empty when all is well.
 */
export function checkConfigPaths(resolved: ResolvedConfig, slices: ReadonlyArray<SliceName> = ['s0', 'llm']): string[] {
  const problems: string[] = [];
  const { root, config } = resolved;
  if (slices.includes('s0')) {
    const manifest = resolve(root, config.s0.sources_manifest);
    const info = statSync(manifest, { throwIfNoEntry: false });
    if (info === undefined) problems.push(`s0.sources_manifest: ${config.s0.sources_manifest} does not exist`);
    else if (!info.isFile()) problems.push(`s0.sources_manifest: ${config.s0.sources_manifest} is not a file`);
  }
  if (slices.includes('llm') && config.llm.cache_enabled && usesLlmEndpoint(config.llm)) {
    const problem = unwritableFolder(resolve(root, config.llm.cache_dir));
    if (problem !== null) problems.push(`llm.cache_dir: ${problem} (set llm.cache_enabled=false to run without a response cache)`);
  }
  return problems;
}
