import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { lexiconProvider, scoresSection } from './sections.ts';
import { loadFloors, loadLabelledSets } from './sets.ts';

const dir = join(findWorkspaceRoot(), 'packages', 'lexicon', 'eval');

describe('labelled sets', () => {
  it('every held-out line names the public page it was copied from', () => {
    const sets = loadLabelledSets(dir);
    expect(sets.heldOut.length).toBeGreaterThan(0);
    expect([...sets.heldOut, ...sets.verifyHeldOut].every((item) => /^https?:\/\//u.test(item.source ?? ''))).toBe(true);
  });
});

describe('recorded floors', () => {
  it('the lexicon rules score at or above every floor in eval/floors.json, in-sample and held-out', async () => {
    const result = await scoresSection.run({ provider: lexiconProvider(), sets: loadLabelledSets(dir), floors: loadFloors(dir), misses: 0 });
    expect(result.failures).toEqual([]);
  });
});
