import { join } from 'node:path';
import type { Config } from '@taxonomy/config';
import { ARTIFACT_DIRS, writeJsonFile } from '@taxonomy/core';

/**
 * What S2 at one level reads of the `s2` slice: that level's thresholds and the level-independent
 * settings. `runS2Task` takes its settings from this view only, and `s2:settings` writes the view of
 * each level to `artifacts/s2/settings/level-N.json`, which is what `s2:level-N` hashes instead of the
 * whole slice: raising the level-2 threshold re-runs `s2:level-2` and what depends on it, while S2
 * levels 0 and 1 stay cached.
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

/** Writes the four level views (sorted keys, atomically); returns the paths written. */
export async function writeS2Settings(slice: Config['s2'], root: string): Promise<string[]> {
  const written: string[] = [];
  for (const level of [0, 1, 2, 3]) {
    const file = join(root, ARTIFACT_DIRS.s2Settings, `level-${level}.json`);
    await writeJsonFile(file, s2SettingsForLevel(slice, level));
    written.push(file);
  }
  return written;
}
