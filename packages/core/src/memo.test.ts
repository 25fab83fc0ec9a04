import { describe, expect, it } from 'vitest';
import { memoBounded } from './memo.ts';

describe('memoBounded', () => {
  it('computes a key once and starts over at the limit', () => {
    const cache = new Map<string, number>();
    const calls: string[] = [];
    const len = (label: string) => memoBounded(cache, label, 2, (k) => (calls.push(k), k.length));
    expect([len('computer science'), len('computer science'), len('law')]).toEqual([16, 16, 3]);
    expect(calls).toEqual(['computer science', 'law']);
    expect(len('public health')).toBe(13);
    expect([...cache.keys()]).toEqual(['public health']);
    expect(len('law')).toBe(3);
    expect(calls).toEqual(['computer science', 'law', 'public health', 'law']);
  });
});
