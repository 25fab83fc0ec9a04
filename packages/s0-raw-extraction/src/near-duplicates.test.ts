import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { findWorkspaceRoot } from '@taxonomy/core';
import { onePageItems } from '../../../tools/bench/one-page.ts';
import { readSeedStrings } from '../../../tools/bench/corpus.ts';
import { compileBoilerplate, compileHeaderPatterns, dedupeNearDuplicates, jaccard, wordShingles } from './filters.ts';
import { segmentText } from './segment.ts';

/**
 * Issue 11, item 9: near-duplicate removal within a page compared every pair (25k / 50k / 100k items of one
 * page took 18 / 67 / 292 s). The indexed version must keep exactly the same blocks. The reference below
 * is the pairwise rule as it was, used as the oracle on every page of the sample corpus.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);

function pairwiseReference(texts: ReadonlyArray<string>, threshold: number, shingleSize: number): number[] {
  const kept: number[] = [];
  const keptShingles: Array<Set<string>> = [];
  for (const [i, text] of texts.entries()) {
    const shingles = wordShingles(text, shingleSize);
    if (keptShingles.some((other) => jaccard(shingles, other) >= threshold)) continue;
    kept.push(i);
    keptShingles.push(shingles);
  }
  return kept;
}

const s0 = defaultConfig().s0;
const options = { segmentation: s0.segmentation, boilerplate: compileBoilerplate(s0.boilerplate_patterns), headerPatterns: compileHeaderPatterns(s0.segmentation.header_patterns) };
const pages = readFileSync(join(REPO, 'corpus/pages/pages.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { url: string; title?: string; text: string });
/** The blocks of every sample page, as processPage hands them to the filter. */
const blockTexts = pages.map((p) => segmentText(p.text, { ...options, title: p.title ?? null }).blocks.filter((b) => b.type !== 'header').map((b) => b.text));
/** All sample blocks as one long page, plus every block again in upper case and with a word dropped (near duplicates). */
const merged = blockTexts.flat();
const noisy = [...merged, ...merged.map((t) => t.toUpperCase()), ...merged.map((t) => t.split(' ').slice(1).join(' '))];

describe('indexed near-duplicate removal keeps exactly what the pairwise rule kept', () => {
  it.each([0.95, 0.9, 0.7, 0.5, 0.3, 0.1])('every sample page, threshold %d', (threshold) => {
    for (const texts of blockTexts) {
      for (const size of [1, 2, 3]) expect(dedupeNearDuplicates(texts, threshold, size)).toEqual(pairwiseReference(texts, threshold, size));
    }
  });

  it.each([0.95, 0.8, 0.6, 0.4])('all sample blocks as one page with near duplicates, threshold %d', (threshold) => {
    const expected = pairwiseReference(noisy, threshold, 3);
    expect(dedupeNearDuplicates(noisy, threshold, 3)).toEqual(expected);
    expect(expected.length).toBeLessThan(noisy.length);
  });

  it('1,500 bench items recombined from the sample strings, and the edge thresholds', () => {
    const items = onePageItems(readSeedStrings(REPO), 1500, 20250927);
    for (const threshold of [0.95, 0.5]) expect(dedupeNearDuplicates(items, threshold, 3)).toEqual(pairwiseReference(items, threshold, 3));
    expect(dedupeNearDuplicates(['', 'Databases', '', '!!'], 1, 3)).toEqual(pairwiseReference(['', 'Databases', '', '!!'], 1, 3));
    expect(dedupeNearDuplicates(['Databases', 'Networking'], 0, 3)).toEqual([0]);
  });
});
