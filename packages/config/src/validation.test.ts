import { chmod, cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@taxonomy/core';
import { defaultConfig, loadConfig, redactConfig } from './load.ts';
import { regexProblem } from './regex-safety.ts';
import { DEFAULT_PATTERNS } from './schema.ts';
import { checkConfigPaths } from './path-checks.ts';

/**
 * Issue 11, item 10: config that validates what it will do. Before, `config validate` accepted min_chars=500
 * with max_chars=10 (the build then quarantined 466/466 and exited 0), a regex `(` (the build: "unexpected
 * error"), `^(a+)+$` (91 s on one line), an unwritable cache_dir, a base_url that is no URL, min > max
 * lengths and backoffs; config/s2.json being a folder was EISDIR. Each is now CONFIG_INVALID naming the key.
 */
const REPO = findWorkspaceRoot(import.meta.dirname);

async function workspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'config-validate-'));
  await writeFile(join(root, 'nx.json'), '{}');
  await cp(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  await cp(join(REPO, 'corpus'), join(root, 'corpus'), { recursive: true });
  return root;
}

describe('config validation catches what the build would trip on', () => {
  it.each([
    [['s0.min_chars=500', 's0.max_chars=10'], /s0\.min_chars: must not exceed max_chars \(10\) \(got 500\)/u],
    [['s1.min_label_length=70'], /s1\.min_label_length: must not exceed max_label_length \(64\)/u],
    [['s3.min_length=65'], /s3\.min_length: must not exceed max_length \(64\)/u],
    [['llm.backoff_base_ms=30000', 'llm.backoff_max_ms=1000'], /llm\.backoff_base_ms: must not exceed backoff_max_ms \(1000\)/u],
    [['s0.boilerplate_patterns=('], /s0\.boilerplate_patterns\.0: invalid regular expression: \/\(\/iu: Unterminated group \(got "\("\)/u],
    [['s0.boilerplate_patterns=^(a+)+$'], /s0\.boilerplate_patterns\.0: regular expression backtracks catastrophically \(exponential time/u],
    [['s0.segmentation.header_patterns=\\s*\\s*$'], /s0\.segmentation\.header_patterns\.0: regular expression backtracks catastrophically \(polynomial time/u],
    [['postprocess.validation.forbidden_patterns=(x+x+)+y'], /postprocess\.validation\.forbidden_patterns\.0: regular expression backtracks catastrophically/u],
    [['llm.base_url=localhost:8000'], /llm\.base_url: not an http\(s\) URL \(got "localhost:8000"\)/u],
  ])('%j', async (overrides, message) => {
    const root = await workspace();
    let error: unknown = null;
    try {
      loadConfig({ root, env: {}, overrides });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
  });

  it('keeps the defaults valid: every default pattern compiles and passes the screen', async () => {
    const root = await workspace();
    expect(() => loadConfig({ root, env: {} })).not.toThrow();
    expect(checkConfigPaths(loadConfig({ root, env: {} }))).toEqual([]);
  });

  it('a slice file that is a folder is a config error, not EISDIR', async () => {
    const root = await workspace();
    await mkdir(join(root, 'config', 's2.json.d'));
    const { rm, rename } = await import('node:fs/promises');
    await rm(join(root, 'config', 's2.json'), { force: true });
    await rename(join(root, 'config', 's2.json.d'), join(root, 'config', 's2.json'));
    expect(() => loadConfig({ root, env: {} })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/config\/s2\.json: not a file \(a directory\)/u) }));
  });

  it('checks the paths: an unwritable cache folder (with an endpoint) and a missing sources manifest', async () => {
    const root = await workspace();
    await mkdir(join(root, 'readonly'));
    await chmod(join(root, 'readonly'), 0o555);
    const resolved = loadConfig({ root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:19101/v1' }, overrides: ['llm.cache_dir=readonly/llm', 's0.sources_manifest=corpus/missing.json'] });
    const problems = checkConfigPaths(resolved);
    expect(problems[0]).toBe('s0.sources_manifest: corpus/missing.json does not exist');
    // root ignores file modes: only a real user sees the read-only folder
    if (process.getuid?.() !== 0) expect(problems[1]).toMatch(/^llm\.cache_dir: .*readonly\/llm cannot be created: .*readonly is not writable/u);
    await writeFile(join(root, 'cache-file'), 'not a folder');
    const onFile = loadConfig({ root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:19101/v1' }, overrides: ['llm.cache_dir=cache-file/llm'] });
    expect(checkConfigPaths(onFile)).toEqual([expect.stringMatching(/^llm\.cache_dir: .*cache-file is not a folder/u)]);
  });

  it('redacts credentials of an endpoint URL wherever the config is recorded', async () => {
    const root = await workspace();
    const { config } = loadConfig({ root, env: { OPENAI_BASE_URL: 'http://user:SECRET@127.0.0.1:19101/v1', TAXONOMY_LLM_PROVIDER: 'offline' } });
    expect(config.llm.base_url).toBe('http://user:SECRET@127.0.0.1:19101/v1');
    expect(JSON.stringify(redactConfig(config))).not.toContain('SECRET');
    expect((redactConfig(config)['llm'] as { base_url: string }).base_url).toBe('http://[redacted]@127.0.0.1:19101/v1');
  });
});

/**
 * A load only compiles the built-in patterns (so a default task never loads the backtracking screen); this
 * runs the screen on each of them, and checks that an edited default is screened again.
 */
describe('built-in patterns', () => {
  const all = Object.values(DEFAULT_PATTERNS).flatMap(({ flags, patterns }) => patterns.map((pattern) => [pattern, flags] as const));

  it.each(all)('%s (flags %s) passes the full screen', (pattern, flags) => {
    expect(regexProblem(pattern, flags)).toBeNull();
  });

  it('are what the schema defaults to', () => {
    const config = defaultConfig();
    expect(config.s0.segmentation.header_patterns).toEqual(DEFAULT_PATTERNS.header.patterns);
    expect(config.s0.boilerplate_patterns).toEqual(DEFAULT_PATTERNS.boilerplate.patterns);
    expect(config.postprocess.validation.forbidden_patterns).toEqual(DEFAULT_PATTERNS.forbidden.patterns);
  });

  it('lose the exemption once changed: a nested repetition next to the defaults is refused', async () => {
    const root = await mkdtemp(join(tmpdir(), 'patterns-'));
    await writeFile(join(root, 'nx.json'), '{}\n');
    expect(() => loadConfig({ root, env: {}, overrides: [`s0.boilerplate_patterns=${JSON.stringify([...DEFAULT_PATTERNS.boilerplate.patterns, '^(a+)+$'])}`] })).toThrow(/backtracks catastrophically/u);
  });
});
