import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { conceptId } from '@taxonomy/core';
import { diffSnapshots, flattenSettings, formatDiff, resolveRunRef } from './diff.ts';
import { listHistory, readSnapshot, recordSnapshot, type RunSnapshot, type SnapshotConcept } from './snapshot.ts';

const L0 = 'L0:computer-science';
const CS = conceptId(1, 'computer science', L0);
const EE = conceptId(1, 'electrical engineering', 'L0:engineering');
const ML = conceptId(2, 'machine learning', CS);
const CRYPTO = conceptId(2, 'cryptography', CS);
const ROBOTICS_NLP = conceptId(3, 'robotics', conceptId(2, 'natural language processing', CS));
const ROBOTICS_AI = conceptId(3, 'robotics', conceptId(2, 'artificial intelligence', CS));

function snapshot(runId: string, concepts: SnapshotConcept[], settings: Record<string, unknown> = {}): RunSnapshot {
  return {
    version: 1,
    run_id: runId,
    generated_at: '2026-12-01T10:00:00.000Z',
    recorded_at: '2026-12-01T10:00:01.000Z',
    origin: 'finalize',
    environment: 'development',
    policy_version: '2026.11.0',
    config: { s2: { level_thresholds: { level_2: { min_institutions: 2, min_records: 1 } } }, ...settings },
    counters: { 's2:level-2': { kept: concepts.filter((c) => c[1] === 2).length } },
    counts: { total: concepts.length, by_level: [0, 1, 2, 3].map((l) => concepts.filter((c) => c[1] === l).length) },
    concepts,
    curation: [],
  };
}

const BASE: SnapshotConcept[] = [
  [L0, 0, 'computer science', null, []],
  ['L0:engineering', 0, 'engineering', null, []],
  [CS, 1, 'computer science', L0, []],
  [EE, 1, 'electrical engineering', 'L0:engineering', []],
  [ML, 2, 'machine learning', CS, []],
  [CRYPTO, 2, 'cryptography', CS, []],
  [ROBOTICS_NLP, 3, 'robotics', conceptId(2, 'natural language processing', CS), []],
];

describe('diffSnapshots', () => {
  it.each([
    {
      name: 'a raised threshold removes a research area',
      to: BASE.filter((c) => c[0] !== CRYPTO),
      settings: { s2: { level_thresholds: { level_2: { min_institutions: 3, min_records: 1 } } } },
      expect: { added: 0, removed: [CRYPTO], moved: 0, relabelled: 0, settings: ['s2.level_thresholds.level_2.min_institutions'] },
    },
    {
      name: 'a pinned parent keeps the id and moves',
      to: BASE.map((c): SnapshotConcept => (c[0] === ML ? [ML, 2, 'machine learning', EE, []] : c)),
      settings: {},
      expect: { added: 0, removed: [], moved: 1, relabelled: 0, settings: [] },
    },
    {
      name: 'a re-anchored topic comes back under a new id and counts as moved',
      to: BASE.map((c): SnapshotConcept => (c[0] === ROBOTICS_NLP ? [ROBOTICS_AI, 3, 'robotics', conceptId(2, 'artificial intelligence', CS), []] : c)),
      settings: {},
      expect: { added: 0, removed: [], moved: 1, relabelled: 0, settings: [] },
    },
    {
      name: 'a rename is a relabel, an alias an alias change',
      to: BASE.map((c): SnapshotConcept => (c[0] === CRYPTO ? [CRYPTO, 2, 'cryptology', CS, ['cryptography']] : c)),
      settings: {},
      expect: { added: 0, removed: [], moved: 0, relabelled: 1, settings: [] },
    },
  ])('$name', ({ to, settings, expect: want }) => {
    const from = snapshot('run-aaaaaaaaaaaaaaaa', BASE);
    const next = snapshot('run-bbbbbbbbbbbbbbbb', to, settings);
    const d = diffSnapshots(from, next, { from: 1, to: 2 });
    expect(d.added).toHaveLength(want.added);
    expect(d.removed.map((c) => c.id)).toEqual(want.removed);
    expect(d.moved).toHaveLength(want.moved);
    expect(d.relabelled).toHaveLength(want.relabelled);
    expect(d.settings.map((s) => s.path)).toEqual(want.settings);
    expect(d.to.total - d.from.total).toBe(d.added.length - d.removed.length);
  });

  it('prints the moved parent labels, the setting and the counter', () => {
    const to = BASE.map((c): SnapshotConcept => (c[0] === ML ? [ML, 2, 'machine learning', EE, []] : c)).filter((c) => c[0] !== CRYPTO);
    const text = formatDiff(diffSnapshots(snapshot('run-aaaaaaaaaaaaaaaa', BASE), snapshot('run-bbbbbbbbbbbbbbbb', to, { s2: { level_thresholds: { level_2: { min_institutions: 3, min_records: 1 } } } }), { from: 1, to: 2 }));
    expect(text).toContain('concepts: 0 added, 1 removed, 1 moved, 0 relabelled, 0 with alias changes (7 → 6: -1 = +0 − 1)');
    expect(text).toContain('  s2.level_thresholds.level_2.min_institutions  2 → 3');
    expect(text).toContain(`  L2 machine learning [${ML}]: computer science (${CS}) → electrical engineering (${EE})`);
    expect(text).toContain(`  L2 cryptography [${CRYPTO}] was under computer science (${CS})`);
    expect(text).toContain('  s2:level-2 kept: 2 → 1');
  });

  it('flattens settings to dotted paths', () => {
    expect([...flattenSettings({ s2: { weight: { record_weight: 0.3 }, mappings: ['a'] } }).entries()]).toEqual([
      ['s2.weight.record_weight', 0.3],
      ['s2.mappings', ['a']],
    ]);
  });
});

describe('run history', () => {
  it('records each new build once, resolves references and keeps at most max_runs', async () => {
    const root = await mkdtemp(`${tmpdir()}/history-`);
    const settings = { dir: 'artifacts/.runs/history', max_runs: 3, max_total_mb: 50 };
    const runs = ['run-1111111111111111', 'run-2222222222222222', 'run-3333333333333333', 'run-4444444444444444'];
    for (const id of runs) expect((await recordSnapshot(root, snapshot(id, BASE), settings)).recorded).toBe(true);
    expect((await recordSnapshot(root, snapshot(runs[3]!, BASE), settings)).recorded).toBe(false);
    const entries = await listHistory(root, settings);
    expect(entries.map((e) => [e.seq, e.run_id])).toEqual([
      [2, runs[1]],
      [3, runs[2]],
      [4, runs[3]],
    ]);
    expect(entries.every((e) => e.bytes < 2048)).toBe(true);
    expect((await readSnapshot(entries[2]!.file)).concepts).toEqual(BASE);
    expect.soft(resolveRunRef('latest', entries).seq).toBe(4);
    expect.soft(resolveRunRef('previous', entries).seq).toBe(3);
    expect.soft(resolveRunRef('-2', entries).seq).toBe(2);
    expect.soft(resolveRunRef('#3', entries).run_id).toBe(runs[2]);
    expect.soft(resolveRunRef('2222', entries).seq).toBe(2);
    expect(() => resolveRunRef('#1', entries)).toThrow('no history entry #1 (kept: #2…#4)');
    expect(() => resolveRunRef('run-9', entries)).toThrow('no such run in the history');
  });
});
