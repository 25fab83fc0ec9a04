import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino, { type Logger } from 'pino';
import { LlmSliceSchema } from '@taxonomy/config';
import type { LlmUsage } from '@taxonomy/core';
import { createLlmClient } from '@taxonomy/llm';
import { startFakeLlmServer, type FakeStats } from './server.ts';

export interface BenchLlmThroughputOptions {
  /** Number of `taxonomy.extract` calls. */
  records: number;
  /** Latency the fake server adds to every answer, in ms. */
  latencyMs: number;
  /** The client's concurrency limit. */
  concurrency: number;
  /**
   * Where the fake server runs: in its own process (default; like a real endpoint, it does not take CPU from
   * the client's event loop) or in this process.
   */
  server?: 'process' | 'in-process';
  log?: Logger;
}

export interface BenchLlmThroughputResult {
  records: number;
  latencyMs: number;
  concurrency: number;
  elapsedMs: number;
  /** records × latency / concurrency: the time a perfect client would take. */
  idealMs: number;
  /** elapsed / ideal; the target is ≤ 1.3. */
  ratio: number;
  ok: number;
  failed: number;
  requests: number;
  maxInFlight: number;
  usage: LlmUsage;
}

const UNITS = [
  'Computer Science', 'Electrical Engineering', 'Mechanical Engineering', 'Chemistry', 'Physics', 'Mathematics',
  'Economics', 'Sociology', 'History', 'Philosophy', 'Linguistics', 'Psychology', 'Biology', 'Anthropology',
  'Statistics', 'Civil Engineering', 'Music', 'Political Science', 'Public Health', 'Nursing',
];

interface RunningServer {
  url: string;
  stats(): Promise<FakeStats>;
  close(): Promise<void>;
}

/** Starts `main.ts` in a child process and reads the base URL it prints. */
async function startServerProcess(latencyMs: number): Promise<RunningServer> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), '--latency', String(latencyMs)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += String(c);
      const m = /OPENAI_BASE_URL=(\S+)/u.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`fake-llm exited with ${code}: ${stderr.trim()}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stats: async () => (await (await fetch(`${url.replace(/\/v1$/u, '')}/stats`)).json()) as FakeStats,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startServerInProcess(latencyMs: number): Promise<RunningServer> {
  const server = await startFakeLlmServer({ latencyMs });
  return { url: server.url, stats: async () => server.stats(), close: () => server.close() };
}

/**
 * Throughput of the OpenAI-compatible path: `records` extraction calls through the real SDK against the fake
 * server with `latencyMs` per answer, at `concurrency`, cache off, rate limits out of the way.
 */
export async function benchLlmThroughput(options: BenchLlmThroughputOptions): Promise<BenchLlmThroughputResult> {
  const server = options.server === 'in-process' ? await startServerInProcess(options.latencyMs) : await startServerProcess(options.latencyMs);
  try {
    const config = LlmSliceSchema.parse({
      provider: 'openai',
      base_url: server.url,
      api_key: 'bench-key',
      concurrency: options.concurrency,
      cache_enabled: false,
      requests_per_minute: 10_000_000,
      tokens_per_minute: 1_000_000_000,
    });
    const client = await createLlmClient({ config, root: process.cwd(), log: options.log ?? pino({ level: 'silent' }), phase: 'bench' });
    const inputs = Array.from({ length: options.records }, (_, i) => ({
      institution: `University ${Math.floor(i / UNITS.length)}`,
      level: 1,
      source_text: `Department of ${UNITS[i % UNITS.length]}`,
      section: null,
      parent_anchor: null,
    }));
    const started = performance.now();
    const results = await Promise.all(inputs.map((v) => client.run('taxonomy.extract', v)));
    const elapsedMs = performance.now() - started;
    await client.close();
    const idealMs = (options.records * options.latencyMs) / options.concurrency;
    const stats = await server.stats();
    const ok = results.filter((r) => r.ok).length;
    return {
      records: options.records,
      latencyMs: options.latencyMs,
      concurrency: options.concurrency,
      elapsedMs: Math.round(elapsedMs),
      idealMs: Math.round(idealMs),
      ratio: idealMs > 0 ? Math.round((elapsedMs / idealMs) * 1000) / 1000 : 0,
      ok,
      failed: results.length - ok,
      requests: stats.requests,
      maxInFlight: stats.maxInFlight,
      usage: client.usage(),
    };
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = await benchLlmThroughput({
    records: arg('records', 2000),
    latencyMs: arg('latency', 50),
    concurrency: arg('concurrency', 16),
    server: process.argv.includes('--in-process') ? 'in-process' : 'process',
  });
  process.stdout.write(`${JSON.stringify({ ...result, usage: { calls: result.usage.calls, latency_ms_p50: result.usage.latency_ms_p50, latency_ms_p95: result.usage.latency_ms_p95 } })}\n`);
}
