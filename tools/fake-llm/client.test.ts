import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { LlmSliceSchema } from '@taxonomy/config';
import { PROMPTS, answerOffline, createLlmClient, type LlmClient, type PromptKey } from '@taxonomy/llm';
import { startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions } from './server.ts';

const API_KEY = 'sk-test-DO-NOT-LEAK-4f1c9e';

const EXTRACT = {
  institution: 'Massachusetts Institute of Technology',
  level: 1,
  source_text: 'Department of Electrical Engineering and Computer Science (EECS)',
  section: null,
  parent_anchor: 'engineering',
} as const;

const VARIABLES: { [K in PromptKey]: unknown } = {
  'taxonomy.extract': EXTRACT,
  'taxonomy.verify_single_token': { label: 'stanford', level: 1 },
  'validation.entailment': {
    concept: { id: 'L2:quantum-computing~abc123', label: 'quantum computing', level: 2, parent_label: 'physics' },
    evidence: [{ text: 'The group studies quantum computing and quantum information.', url: 'https://example.edu/q', institution: 'X University' }],
  },
  'taxonomy.disambiguate': {
    label: 'networks',
    level: 2,
    senses: [
      { concept_id: 'L2:networks~aaaaaa', parent_label: 'computer science', contexts: ['routing and congestion control'] },
      { concept_id: 'L2:networks~bbbbbb', parent_label: 'sociology', contexts: ['social ties and communities'] },
    ],
  },
};

function captureLog(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino({ level }, stream), text: () => lines.join('') };
}

let server: FakeLlmServer | null = null;
let root = '';
const clients: LlmClient[] = [];

beforeAll(() => {
  // The in-process server answers with the lexicon; load it once so no test's first request pays for it.
  for (const key of Object.keys(VARIABLES) as PromptKey[]) answerOffline(key, PROMPTS[key].variables.parse(VARIABLES[key]) as never);
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'llm-client-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.close();
  server = null;
  await rm(root, { recursive: true, force: true });
});

async function setup(serverOptions: FakeLlmServerOptions, config: Record<string, unknown> = {}, log = pino({ level: 'silent' }), agents?: number) {
  server = await startFakeLlmServer(serverOptions);
  const llm = LlmSliceSchema.parse({
    base_url: server.url,
    api_key: API_KEY,
    backoff_base_ms: 5,
    backoff_max_ms: 40,
    request_timeout_ms: 2_000,
    max_retries: 2,
    cache_enabled: false,
    ...config,
  });
  const client = await createLlmClient({ config: llm, root, log, phase: 'test', ...(agents === undefined ? {} : { agents }) });
  clients.push(client);
  return { client, server };
}

describe('OpenAI-compatible provider through the SDK against the fake server', () => {
  it.each(Object.keys(VARIABLES) as PromptKey[])('answers %s like the offline provider', async (key) => {
    const { client, server } = await setup({});
    const res = await client.run(key, VARIABLES[key] as never);
    expect(res).toEqual({ ok: true, value: answerOffline(key, PROMPTS[key].variables.parse(VARIABLES[key]) as never), cached: false, repaired: false });
    expect(server.stats().requests).toBe(1);
    const usage = client.usage();
    expect(usage).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', calls: 1, retries: 0, repairs: 0, quarantined: 0 });
    expect(usage.tokens_in).toBeGreaterThan(0);
    expect(usage.cost_usd).toBeGreaterThan(0);
    expect(usage.latency_ms_p50).not.toBeNull();
    expect(Object.keys(usage.prompts)).toEqual([key]);
  });

  it.each([
    ['json_schema', 'json_schema_strict'],
    ['json_object', 'json_object'],
  ] as const)('works with response_format %s', async (responseFormat, seen) => {
    const { client, server } = await setup({}, { response_format: responseFormat });
    for (const key of Object.keys(VARIABLES) as PromptKey[]) expect((await client.run(key, VARIABLES[key] as never)).ok).toBe(true);
    expect(server.stats().byResponseFormat).toEqual({ [seen]: 4 });
  });

  it.each([
    ['500 then ok', ['500', 'ok'], { retries: 1, repairs: 0 }, 2, false],
    ['503 twice then ok', ['503', '503', 'ok'], { retries: 2, repairs: 0 }, 3, false],
    ['timeout then ok', ['timeout', 'ok'], { retries: 1, repairs: 0 }, 2, false],
    ['invalid JSON then ok (repair re-ask)', ['invalid_json', 'ok'], { retries: 0, repairs: 1 }, 2, true],
    ['schema-invalid then ok (repair re-ask)', ['schema_invalid', 'ok'], { retries: 0, repairs: 1 }, 2, true],
    ['array-shaped answer (unwrapped, no re-ask)', ['array'], { retries: 0, repairs: 1 }, 1, true],
  ] as const)('recovers from %s', async (_name, schedule, counters, requests, repaired) => {
    const { client, server } = await setup({ schedule: [...schedule], retryAfter: '0' }, { request_timeout_ms: 300 });
    const res = await client.run('taxonomy.extract', EXTRACT);
    expect(res).toEqual({ ok: true, value: answerOffline('taxonomy.extract', EXTRACT), cached: false, repaired });
    expect(client.usage()).toMatchObject({ ...counters, quarantined: 0, calls: 1 });
    expect(server.stats().requests).toBe(requests);
  });

  it.each([
    ['Retry-After in seconds', '1'],
    ['Retry-After as HTTP date', 'DATE'],
  ])('honours %s on 429', async (_name, retryAfter) => {
    const value = retryAfter === 'DATE' ? new Date(Date.now() + 2_000).toUTCString() : retryAfter;
    const { client, server } = await setup({ schedule: ['429', 'ok'], retryAfter: value });
    const started = performance.now();
    const res = await client.run('taxonomy.verify_single_token', { label: 'physics', level: 1 });
    const elapsed = performance.now() - started;
    expect(res.ok).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(900); // the backoff alone would be ≤ 40 ms
    expect(client.usage().retries).toBe(1);
    expect(server.stats().byOutcome).toEqual({ '429': 1, ok: 1 });
  });

  it.each([
    ['500 on every attempt', ['500', '500', '500'], 'provider_error', 3],
    ['429 on every attempt', ['429', '429', '429'], 'rate_limited', 3],
    ['timeout on every attempt', ['timeout', 'timeout', 'timeout'], 'timeout', 3],
    ['invalid JSON twice', ['invalid_json', 'invalid_json'], 'invalid_json', 2],
    ['schema-invalid twice', ['schema_invalid', 'schema_invalid'], 'schema_invalid', 2],
  ] as const)('gives ok:false on %s', async (_name, schedule, reason, requests) => {
    const { client, server } = await setup({ schedule: [...schedule], retryAfter: '0' }, { request_timeout_ms: 300 });
    const res = await client.run('taxonomy.extract', EXTRACT);
    expect(res).toMatchObject({ ok: false, reason });
    if (!res.ok) expect(res.error.length).toBeGreaterThan(0);
    expect(client.usage().quarantined).toBe(1);
    expect(server.stats().requests).toBe(requests);
  });

  it('returns invalid_variables for a bad item without sending a request, and throws on a missing variable', async () => {
    const { client, server } = await setup({});
    expect(await client.run('taxonomy.verify_single_token', { label: '', level: 1 })).toMatchObject({ ok: false, reason: 'invalid_variables' });
    await expect(client.run('taxonomy.verify_single_token', { level: 1 } as never)).rejects.toMatchObject({ code: 'PROMPT_INVALID' });
    expect(server.stats().requests).toBe(0);
    expect(client.usage()).toMatchObject({ calls: 1, quarantined: 1 });
  });

  it('throws PROVIDER_UNAVAILABLE fast when nothing listens', async () => {
    const { client, server } = await setup({}, { max_retries: 4, backoff_base_ms: 50, backoff_max_ms: 20_000 });
    const port = server.port;
    await server.close();
    const started = performance.now();
    await expect(client.run('taxonomy.extract', EXTRACT)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^LLM endpoint 127\\.0\\.0\\.1:${port} unreachable: .*ECONNREFUSED.* after 5 attempts$`)),
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    // Once tripped, every later call stops at once.
    await expect(client.run('taxonomy.verify_single_token', { label: 'physics', level: 1 })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('throws PROVIDER_UNAVAILABLE when the server dies mid-run', async () => {
    const { client, server } = await setup({});
    expect((await client.run('taxonomy.extract', EXTRACT)).ok).toBe(true);
    await server.close();
    await expect(client.run('taxonomy.verify_single_token', { label: 'physics', level: 1 })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('opens the circuit after circuit_breaker_failures failed calls in a row', async () => {
    const { client } = await setup({ schedule: ['500', '500'] }, { max_retries: 1, circuit_breaker_failures: 3 });
    const labels = ['physics', 'chemistry', 'biology', 'history'];
    const first = await client.run('taxonomy.verify_single_token', { label: labels[0]!, level: 1 });
    const second = await client.run('taxonomy.verify_single_token', { label: labels[1]!, level: 1 });
    expect([first.ok, second.ok]).toEqual([false, false]);
    await expect(client.run('taxonomy.verify_single_token', { label: labels[2]!, level: 1 })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    await expect(client.run('taxonomy.verify_single_token', { label: labels[3]!, level: 1 })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('caches answers on disk: an identical call sends no request, another variant misses', async () => {
    const { client, server } = await setup({}, { cache_enabled: true, cache_dir: '.cache/llm' });
    const a = await client.run('taxonomy.extract', EXTRACT);
    const b = await client.run('taxonomy.extract', EXTRACT);
    expect(a).toMatchObject({ ok: true, cached: false });
    expect(b).toMatchObject({ ok: true, cached: true });
    if (a.ok && b.ok) expect(b.value).toEqual(a.value);
    expect(server.stats().requests).toBe(1);
    expect(client.usage()).toMatchObject({ calls: 2, cache_hits: 1 });

    // A second client (a later task) over the same cache folder also hits.
    const again = await createLlmClient({
      config: LlmSliceSchema.parse({ base_url: server.url, api_key: API_KEY, cache_dir: '.cache/llm' }),
      root,
      log: pino({ level: 'silent' }),
      phase: 'test',
    });
    clients.push(again);
    expect(await again.run('taxonomy.extract', EXTRACT)).toMatchObject({ ok: true, cached: true });
    expect(server.stats().requests).toBe(1);

    const v1 = await createLlmClient({
      config: LlmSliceSchema.parse({ base_url: server.url, api_key: API_KEY, cache_dir: '.cache/llm', prompt_variants: { 'taxonomy.extract': 'v1' } }),
      root,
      log: pino({ level: 'silent' }),
      phase: 'test',
    });
    clients.push(v1);
    expect(await v1.run('taxonomy.extract', EXTRACT)).toMatchObject({ ok: true, cached: false });
    expect(server.stats().requests).toBe(2);
    expect(v1.usage().prompts['taxonomy.extract']?.variant).toBe('v1');
    const level1 = await readdir(join(root, '.cache/llm'));
    expect(level1.every((d) => /^[0-9a-f]{2}$/u.test(d))).toBe(true);
  });

  it('does not cache failures', async () => {
    const { client, server } = await setup({ schedule: ['invalid_json', 'invalid_json'] }, { cache_enabled: true });
    expect((await client.run('taxonomy.extract', EXTRACT)).ok).toBe(false);
    expect((await client.run('taxonomy.extract', EXTRACT)).ok).toBe(true);
    expect(server.stats().requests).toBe(3);
  });

  it.each([1, 4])('never has more than concurrency=%i requests in flight', async (concurrency) => {
    const { client, server } = await setup({ latencyMs: 30 }, { concurrency });
    const labels = Array.from({ length: 24 }, (_, i) => `field number ${i}`);
    const results = await Promise.all(labels.map((label) => client.run('taxonomy.verify_single_token', { label, level: 2 })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.stats().requests).toBe(24);
    // Never above the limit; and the limit is used (several requests overlap) when it allows it.
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(concurrency);
    expect(server.stats().maxInFlight).toBeGreaterThanOrEqual(Math.min(concurrency, 2));
  });

  it('with 4 agents sharing the endpoint, one process keeps 1/4 of concurrency 8 and of the rate limits', async () => {
    const capture = captureLog('info');
    const { client, server } = await setup({ latencyMs: 30 }, { concurrency: 8, requests_per_minute: 2000, tokens_per_minute: 400_000 }, capture.log, 4);
    const labels = Array.from({ length: 16 }, (_, i) => `field number ${i}`);
    expect((await Promise.all(labels.map((label) => client.run('taxonomy.verify_single_token', { label, level: 2 })))).every((r) => r.ok)).toBe(true);
    expect(server.stats().maxInFlight).toBe(2);
    const selected = capture.text().split('\n').filter((l) => l.includes('llm provider selected')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(selected).toHaveLength(1);
    expect(selected[0]).toMatchObject({ agents: 4, concurrency: 2, requests_per_minute: 500, tokens_per_minute: 100_000 });
    expect(selected[0]!['msg']).toBe("llm provider selected; this process takes 1/4 of the endpoint's limits");
  });

  it('stops at once with PROVIDER_UNAVAILABLE on a rejected key, without echoing it', async () => {
    const { client, server } = await setup({ requireApiKey: 'sk-the-right-key-000' });
    const err = await client.run('taxonomy.verify_single_token', { label: 'physics', level: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringContaining('HTTP 401') });
    expect(String((err as Error).message)).not.toContain(API_KEY.slice(0, 6));
    expect(server.stats().requests).toBe(1);
  });

  it('switches to max_completion_tokens when the endpoint rejects max_tokens, once for all calls', async () => {
    const { client, server } = await setup({ rejectMaxTokens: true, latencyMs: 10 });
    const labels = ['physics', 'chemistry', 'biology', 'history'];
    const results = await Promise.all(labels.map((label) => client.run('taxonomy.verify_single_token', { label, level: 1 })));
    expect(results.every((r) => r.ok)).toBe(true);
    const stats = server.stats();
    expect(stats.byOutcome['ok']).toBe(4);
    expect(stats.byOutcome['400']).toBeLessThanOrEqual(4);
    expect(client.usage()).toMatchObject({ retries: 0, quarantined: 0 });
  });

  it('shares one request between identical calls in flight', async () => {
    const { client, server } = await setup({ latencyMs: 30 });
    const [a, b] = await Promise.all([client.run('taxonomy.extract', EXTRACT), client.run('taxonomy.extract', EXTRACT)]);
    expect(a).toMatchObject({ ok: true, cached: false });
    expect(b).toMatchObject({ ok: true, cached: true });
    if (a.ok && b.ok) expect(b.value).toEqual(a.value);
    expect(server.stats().requests).toBe(1);
    expect(client.usage()).toMatchObject({ calls: 2, cache_hits: 1 });
  });

  it('prepares a few calls ahead of the concurrency limit, not all of them before the first request', async () => {
    const { client, server } = await setup({ latencyMs: 100 }, { concurrency: 4 });
    const runs = Array.from({ length: 40 }, (_, i) => client.run('taxonomy.extract', { ...EXTRACT, source_text: `Department of Subject ${i}` }));
    while (server.stats().requests === 0) await new Promise((resolve) => setImmediate(resolve));
    // Calls counted when the first request reached the server: those admitted (4 x concurrency), not all 40.
    expect(client.usage().calls).toBeLessThanOrEqual(16);
    const results = await Promise.all(runs);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(client.usage().calls).toBe(40);
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(4);
  });

  it('never writes the API key to logs, errors, usage or cache files', async () => {
    const capture = captureLog('debug');
    const { client, server } = await setup(
      { faultRates: { '500': 0.2, invalid_json: 0.2, array: 0.2, timeout: 0.1 }, retryAfter: '0' },
      { cache_enabled: true, max_retries: 3, request_timeout_ms: 300 },
      capture.log,
    );
    const labels = ['physics', 'chemistry', 'biology', 'history', 'economics', 'law', 'music', 'nursing'];
    const results = await Promise.all(labels.map((label) => client.run('taxonomy.verify_single_token', { label, level: 1 })));
    expect(results.length).toBe(labels.length);
    await server.close();
    const failure = await client.run('taxonomy.verify_single_token', { label: 'geology', level: 1 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else files.push(await readFile(full, 'utf8'));
      }
    };
    await walk(join(root, '.cache/llm'));
    expect(files.length).toBeGreaterThan(0);
    const texts = [capture.text(), JSON.stringify(client.usage()), String((failure as Error).message), ...files];
    expect(capture.text()).toContain('llm provider selected');
    for (const text of texts) expect(text).not.toContain(API_KEY);
  });
});
