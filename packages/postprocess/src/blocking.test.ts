import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { blockingKeys, candidatePairs } from './blocking.ts';

const options = defaultConfig().postprocess.deduplication;

describe('blockingKeys', () => {
  it.each([
    ['computer science and engineering', 'acronym:cse'],
    ['cse', 'acronym:cse'],
    ['electrical and computer engineering', 'acronym:ece'],
    ['ece', 'acronym:ece'],
    ['hpc', 'acronym:hpc'],
    ['high performance computing', 'acronym:hpc'],
    ['eecs', 'acronym:eecs'],
    ['data science', 'prefix:data s'],
    ['data-science', 'prefix:data s'],
  ])('%s has key %s', (label, key) => {
    expect(blockingKeys({ label, aliases: [] }, options)).toContain(key);
  });

  it('gives a plural and its singular the same phonetic keys', () => {
    const phonetic = (label: string) => blockingKeys({ label, aliases: [] }, options).filter((k) => k.startsWith('phonetic:'));
    expect(phonetic('neurosciences')).toEqual(phonetic('neuroscience'));
    expect(phonetic('neuroscience').length).toBeGreaterThan(0);
  });

  it('uses aliases for acronym keys', () => {
    expect(blockingKeys({ label: 'computer science', aliases: ['CS'] }, options)).toContain('acronym:cs');
  });
});

describe('candidatePairs', () => {
  it('pairs labels that share a key and not others', () => {
    const items = ['cse', 'computer science and engineering', 'molecular biology', 'high performance computing', 'hpc'].map((label) => ({ label, aliases: [] }));
    const { pairs } = candidatePairs(items, options);
    const has = (i: number, j: number) => pairs.some((p) => p.i === i && p.j === j);
    expect(has(0, 1)).toBe(true);
    expect(has(3, 4)).toBe(true);
    expect(has(0, 2)).toBe(false);
  });

  it.each([2, 4, 10])('caps blocks at max_block_size %i with half-overlapping windows', (max) => {
    const items = Array.from({ length: 40 }, (_, i) => ({ label: `quantum topic ${String(i).padStart(2, '0')}`, aliases: [] }));
    const { pairs, stats } = candidatePairs(items, { ...options, phonetic_enabled: false, acronym_blocking_enabled: false, max_block_size: max });
    // Every label-order neighbour is still compared, and far-apart items are not.
    for (let i = 0; i + 1 < items.length; i += 1) expect(pairs.some((p) => p.i === i && p.j === i + 1)).toBe(true);
    expect(pairs.some((p) => p.i === 0 && p.j === 39)).toBe(false);
    expect(stats.largest_block).toBe(40);
    expect(pairs.length).toBeLessThanOrEqual(Math.ceil((40 / Math.max(1, Math.floor(max / 2)))) * ((max * (max - 1)) / 2));
  });
});
