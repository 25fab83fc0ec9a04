import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig, redactConfig, sliceHash } from './load.ts';

async function workspace(files: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'config-'));
  await writeFile(join(root, 'nx.json'), '{}');
  await mkdir(join(root, 'config'));
  for (const [name, value] of Object.entries(files)) {
    await writeFile(join(root, 'config', name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return root;
}

describe('defaults', () => {
  it('carries the reference thresholds and dedup settings', () => {
    const c = defaultConfig();
    expect(c.s2.level_thresholds).toEqual({
      level_0: { min_institutions: 1, min_records: 1 },
      level_1: { min_institutions: 1, min_records: 1 },
      level_2: { min_institutions: 2, min_records: 1 },
      level_3: { min_institutions: 2, min_records: 3 },
    });
    expect([c.postprocess.deduplication.threshold_l0_l1, c.postprocess.deduplication.threshold_l2_l3]).toEqual([0.93, 0.9]);
    expect(c.llm.temperature).toBe(0);
  });
});

describe('precedence', () => {
  it('file < profile < environment variable < -o override', async () => {
    const root = await workspace({
      's2.json': { level_thresholds: { level_2: { min_institutions: 3 } }, profiles: { testing: { level_thresholds: { level_2: { min_institutions: 4 } } } } },
    });
    const at = (opts: Parameters<typeof loadConfig>[0]) => loadConfig({ root, env: {}, ...opts }).config.s2.level_thresholds.level_2;
    expect(at({})).toEqual({ min_institutions: 3, min_records: 1 });
    expect(at({ environment: 'testing' })).toEqual({ min_institutions: 4, min_records: 1 });
    expect(at({ environment: 'testing', env: { TAXONOMY_OVERRIDES_S2: 'level_thresholds.level_2.min_institutions=5' } })).toEqual({ min_institutions: 5, min_records: 1 });
    expect(
      at({ environment: 'testing', env: { TAXONOMY_OVERRIDES_S2: 'level_thresholds.level_2.min_institutions=5' }, overrides: ['s2.level_thresholds.level_2.min_institutions=6'] }),
    ).toEqual({ min_institutions: 6, min_records: 1 });
  });

  it('reads the LLM endpoint from the usual environment variables', async () => {
    const root = await workspace({});
    const { config } = loadConfig({ root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-secret', OPENAI_MODEL: 'm' } });
    expect([config.llm.base_url, config.llm.api_key, config.llm.model]).toEqual(['http://127.0.0.1:9/v1', 'sk-secret', 'm']);
    expect(JSON.stringify(redactConfig(config))).not.toContain('sk-secret');
  });

  it('returns a frozen config', async () => {
    const { config } = loadConfig({ root: await workspace({}), env: {} });
    expect(Object.isFrozen(config.s2.level_thresholds.level_2)).toBe(true);
  });
});

describe('typed coercion of overrides', () => {
  it.each([
    ['s2.level_thresholds.level_3.min_records=7', (c: ReturnType<typeof defaultConfig>) => c.s2.level_thresholds.level_3.min_records, 7],
    ['s0.intra_page_dedup.enabled=false', (c: ReturnType<typeof defaultConfig>) => c.s0.intra_page_dedup.enabled, false],
    ['s3.allowlist=robotics, data science', (c: ReturnType<typeof defaultConfig>) => c.s3.allowlist, ['robotics', 'data science']],
    ['llm.base_url=null', (c: ReturnType<typeof defaultConfig>) => c.llm.base_url, null],
    ['llm.model=123', (c: ReturnType<typeof defaultConfig>) => c.llm.model, '123'],
    ['s2.institution_policy.canonical_mappings.upenn=University of Pennsylvania', (c: ReturnType<typeof defaultConfig>) => c.s2.institution_policy.canonical_mappings, { upenn: 'University of Pennsylvania' }],
  ])('%s', async (override, pick, expected) => {
    const { config } = loadConfig({ root: await workspace({}), env: {}, overrides: [override] });
    expect(pick(config)).toEqual(expected);
  });
});

describe('errors name the key, the expected type and the nearest valid key', () => {
  it.each([
    ['s2.level_thresholds.level_2.min_institutions=abc', /s2\.level_thresholds\.level_2\.min_institutions: expected number, received string \(got "abc"\)/u],
    ['s2.level_thresholds.level_2.min_institution=3', /s2\.level_thresholds\.level_2\.min_institution: unknown key \(did you mean "min_institutions"\?\)/u],
    ['s2.levl_thresholds.level_2.min_institutions=3', /s2\.levl_thresholds: unknown key \(did you mean "level_thresholds"\?\)/u],
    ['s9.x=1', /unknown config section "s9"/u],
    ['llm.provider=fake', /llm\.provider: .*"auto"\|"offline"\|"openai"/u],
    ['s2.level_thresholds.level_2.min_institutions=0', /min_institutions: Too small/u],
    ['novalue', /expected key\.path=value/u],
  ])('%s', async (override, message) => {
    const root = await workspace({});
    expect(() => loadConfig({ root, env: {}, overrides: [override] })).toThrow(message);
  });

  it('rejects an unknown key inside a slice file with a suggestion', async () => {
    const root = await workspace({ 's3.json': { max_token_per_level: { level_0: 3 } } });
    expect(() => loadConfig({ root, env: {} })).toThrow(/s3\.max_token_per_level: unknown key \(did you mean "max_tokens_per_level"\?\)/u);
  });

  it('names the file of malformed JSON', async () => {
    const root = await workspace({ 's1.json': '{ "min_label_length": ' });
    expect(() => loadConfig({ root, env: {} })).toThrow(/config\/s1\.json: malformed JSON/u);
  });

  it('rejects an unknown environment with a suggestion', async () => {
    const root = await workspace({});
    expect(() => loadConfig({ root, env: {}, environment: 'prod' })).toThrow(/environment "prod"/u);
  });
});

describe('the API key state a model task was hashed with', () => {
  // Before, a runtime input spawned `node tools/nx/hash-llm-env.mjs` for every model task on every `nx run`
  // (2.4 of the 6.1 s of a cached sample rerun); now the plugin records the state in the target and the task checks it.
  it.each([
    ['set', { OPENAI_API_KEY: 'sk-live-0001' }],
    ['unset', {}],
    ['unset', { OPENAI_API_KEY: '  ' }],
  ])('accepts %s when the environment agrees (%j)', async (state, env) => {
    const root = await workspace({});
    expect(() => loadConfig({ root, env: { ...env, TAXONOMY_OPENAI_API_KEY_STATE: state } })).not.toThrow();
  });

  it.each([
    ['unset', { OPENAI_API_KEY: 'sk-live-0001' }, 'runs with it set'],
    ['set', {}, 'runs with it unset'],
  ])('refuses a task hashed with the key %s that runs otherwise', async (state, env, says) => {
    const root = await workspace({});
    expect(() => loadConfig({ root, env: { ...env, TAXONOMY_OPENAI_API_KEY_STATE: state } })).toThrow(says);
  });
});

describe('slice hashes', () => {
  it('change only for the slice that changed', async () => {
    const root = await workspace({});
    const base = loadConfig({ root, env: {} }).config;
    const changed = loadConfig({ root, env: {}, overrides: ['s2.level_thresholds.level_2.min_institutions=3'] }).config;
    expect(sliceHash(changed, 's2')).not.toBe(sliceHash(base, 's2'));
    for (const slice of ['s0', 's1', 's3', 'postprocess', 'hierarchy'] as const) expect(sliceHash(changed, slice)).toBe(sliceHash(base, slice));
  });

  it('ignore the API key', async () => {
    const root = await workspace({});
    const a = loadConfig({ root, env: { OPENAI_API_KEY: 'k1' } }).config;
    const b = loadConfig({ root, env: { OPENAI_API_KEY: 'k2' } }).config;
    expect(sliceHash(a, 'llm')).toBe(sliceHash(b, 'llm'));
  });
});
