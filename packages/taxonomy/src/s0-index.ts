import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { ARTIFACT_DIRS, readJsonFile } from '@taxonomy/core';
import { BUILD_LEVELS } from './commands/task-graph.ts';

const LevelIndexSchema = z
  .object({
    sources: z.array(z.record(z.string(), z.unknown())),
    levels: z.record(z.string(), z.object({ files: z.array(z.string()) }).loose()),
  })
  .loose();

/** S0's index of a build, one object for every level: sources in level order, record files relative to `artifacts/s0`. */
export interface S0Index {
  sources: Array<Record<string, unknown>>;
  levels: Record<string, { files: string[] } & Record<string, unknown>>;
}

/**
 * Reads the index each `s0:level-N` task wrote (`artifacts/s0/level-N/index.json`) and merges them; `files`
 * are the index files read (for input checksums). Null when no level has an index yet.
 */
export async function readS0Index(root: string): Promise<{ index: S0Index; files: string[] } | null> {
  const index: S0Index = { sources: [], levels: {} };
  const files: string[] = [];
  for (const level of BUILD_LEVELS) {
    const path = join(root, ARTIFACT_DIRS.s0Level(level), 'index.json');
    if (!existsSync(path)) continue;
    const one = await readJsonFile(path, LevelIndexSchema);
    files.push(path);
    index.sources.push(...one.sources);
    for (const [key, entry] of Object.entries(one.levels)) index.levels[key] = { ...entry, files: entry.files.map((f) => `level-${level}/${f}`) };
  }
  return files.length === 0 ? null : { index, files };
}
