import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@taxonomy/config';
import { s2SettingsForLevel, writeS2Settings } from './settings.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function slice(overrides: string[] = []) {
  return loadConfig({ root: process.cwd(), environment: 'development', overrides, env: {} }).config.s2;
}

describe('s2SettingsForLevel', () => {
  it('holds the level\'s own thresholds and the level-independent settings, nothing of other levels', () => {
    const view = s2SettingsForLevel(slice(), 3);
    expect(view).toEqual({
      level: 3,
      threshold: { min_institutions: 2, min_records: 3 },
      weight: { institution_weight: 1, record_weight: 0.3 },
      institution_policy: expect.objectContaining({ typo_max_edits: 2, unknown_placeholder: 'placeholder::unknown' }) as unknown,
    });
  });

  it('a level-2 threshold change changes the level-2 view only', () => {
    const before = slice();
    const after = slice(['s2.level_thresholds.level_2.min_institutions=3']);
    for (const level of [0, 1, 3]) expect(s2SettingsForLevel(after, level)).toEqual(s2SettingsForLevel(before, level));
    expect(s2SettingsForLevel(after, 2).threshold).toEqual({ min_institutions: 3, min_records: 1 });
  });

  it('a weight change changes every level view', () => {
    const after = slice(['s2.weight.record_weight=0.5']);
    for (const level of [0, 1, 2, 3]) expect(s2SettingsForLevel(after, level).weight.record_weight).toBe(0.5);
  });
});

describe('writeS2Settings', () => {
  it('writes one sorted-key JSON file per level, byte-identical on a rewrite', async () => {
    const root = await mkdtemp(join(tmpdir(), 's2-settings-'));
    dirs.push(root);
    const files = await writeS2Settings(slice(), root);
    expect(files.map((f) => f.slice(root.length + 1))).toEqual([0, 1, 2, 3].map((n) => `artifacts/s2/settings/level-${n}.json`));
    const first = await readFile(files[2]!, 'utf8');
    expect(Object.keys(JSON.parse(first) as object)).toEqual(['institution_policy', 'level', 'threshold', 'weight']);
    await writeS2Settings(slice(), root);
    expect(await readFile(files[2]!, 'utf8')).toBe(first);
    expect((await readdir(join(root, 'artifacts/s2/settings'))).sort()).toEqual(['level-0.json', 'level-1.json', 'level-2.json', 'level-3.json']);
  });
});
