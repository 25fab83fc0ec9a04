import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '@taxonomy/config';
import { ARTIFACT_DIRS, sortKeysDeep } from '@taxonomy/core';

/**
 * What S2 at one level reads of the `s2` slice: that level's thresholds and the level-independent
 * settings. `runS2Task` takes its settings from this view only, and `s2:settings` writes the view of
 * each level to `artifacts/s2/settings/level-N.json`, which is what `s2:level-N` hashes instead of the
 * whole slice: raising the level-2 threshold re-runs `s2:level-2` and its dependents, not levels 0, 1, 3.
 */
export interface S2LevelSettings {
  level: number;
  threshold: Config['s2']['level_thresholds']['level_0'];
  weight: Config['s2']['weight'];
  institution_policy: Config['s2']['institution_policy'];
}

export function s2SettingsForLevel(slice: Config['s2'], level: number): S2LevelSettings {
  return {
    level,
    threshold: slice.level_thresholds[`level_${level}` as 'level_0'],
    weight: slice.weight,
    institution_policy: slice.institution_policy,
  };
}

/** Writes the four level views (sorted keys, one file each, temp file then rename); returns the paths written. */
export async function writeS2Settings(slice: Config['s2'], root: string): Promise<string[]> {
  const dir = join(root, ARTIFACT_DIRS.s2Settings);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const level of [0, 1, 2, 3]) {
    const file = join(dir, `level-${level}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(sortKeysDeep(s2SettingsForLevel(slice, level)), null, 2)}\n`);
    await rename(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}
