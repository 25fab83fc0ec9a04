import { stableStringify } from '@taxonomy/core';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseCache, cacheKeyFor, type CacheEntry } from './cache.ts';

const PARTS = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  key: 'taxonomy.verify_single_token',
  variant: 'v2',
  version: '2',
  messages: [{ role: 'user', content: 'Label: "physics"' }],
  params: { temperature: 0, seed: 12345 },
};

const ENTRY: CacheEntry = {
  key: 'taxonomy.verify_single_token',
  variant: 'v2',
  version: '2',
  provider: 'openai',
  model: 'gpt-4o-mini',
  value: { pass: true, reason: 'a field' },
  repaired: false,
  tokens_in: 10,
  tokens_out: 5,
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cacheKeyFor', () => {
  it.each([
    ['model', { model: 'gpt-4o' }],
    ['variant', { variant: 'v1' }],
    ['version', { version: '3' }],
    ['messages', { messages: [{ role: 'user', content: 'Label: "chemistry"' }] }],
    ['params', { params: { temperature: 0.5, seed: 12345 } }],
  ])('changes with the %s', (_name, change) => {
    expect(cacheKeyFor({ ...PARTS, ...change })).not.toBe(cacheKeyFor(PARTS));
  });

  it('ignores key order in parameters', () => {
    expect(cacheKeyFor({ ...PARTS, params: { seed: 12345, temperature: 0 } })).toBe(cacheKeyFor(PARTS));
  });

  // The client serialises the params (with the prompt's JSON schema) once per variant; the key must stay the
  // one every existing response cache was written under.
  it.each([
    ['the default parts', {}],
    ['a JSON schema in the params', { params: { response_format: { type: 'json_schema', json_schema: { strict: true, name: 'taxonomy_extract', schema: { type: 'object', required: ['labels'], properties: { labels: { type: 'array', items: { type: 'string' } } } } } }, temperature: 0 } }],
    ['quotes and non-ASCII in the messages', { messages: [{ role: 'system', content: 'Réponds en JSON: "labels"' }, { role: 'user', content: 'Département de physique\n<variables>{}</variables>' }] }],
  ])('with the params serialised once gives the same key (%s)', (_name, change) => {
    const parts = { ...PARTS, ...change };
    expect(cacheKeyFor(parts, stableStringify(parts.params))).toBe(cacheKeyFor(parts));
  });
});

describe('ResponseCache', () => {
  it('stores one file per entry in a two-level fan-out and reads it back', async () => {
    const cache = new ResponseCache(dir);
    const hash = cacheKeyFor(PARTS);
    expect(await cache.get(hash)).toBeNull();
    await cache.put(hash, ENTRY);
    expect(await cache.get(hash)).toEqual(ENTRY);
    expect(relative(dir, cache.pathFor(hash))).toBe(join(hash.slice(0, 2), hash.slice(2, 4), `${hash}.json`));
    expect(await readdir(dirname(cache.pathFor(hash)))).toEqual([`${hash}.json`]); // no temp file left behind
  });

  it.each([
    ['torn JSON', '{"key": "taxonomy.verify'],
    ['a wrong shape', '{"value": 1}'],
  ])('treats %s as a miss', async (_name, text) => {
    const cache = new ResponseCache(dir);
    const hash = cacheKeyFor(PARTS);
    await mkdir(dirname(cache.pathFor(hash)), { recursive: true });
    await writeFile(cache.pathFor(hash), text);
    expect(await cache.get(hash)).toBeNull();
  });
});
