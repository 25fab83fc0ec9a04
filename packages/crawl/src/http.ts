import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { extraCaOptions, lazyRequire } from '@taxonomy/core';
import type { Dispatcher } from 'undici';
import type { HostScheduler } from './host-scheduler.ts';
import { originOf } from './url.ts';

/** undici, loaded when the first client is made: `crawl:run` without a seeds file (the default) sends nothing and paid ≈ 0.12 s to load it. */
const undici = lazyRequire<typeof import('undici')>(import.meta.url, 'undici');

/** What one GET gave, before any crawl policy: a body, a redirect, a refusal or a failure. */
export type HttpOutcome =
  | { kind: 'body'; status: number; url: string; headers: ResponseHeaders; body: Uint8Array; wireBytes: number }
  | { kind: 'redirect'; status: number; url: string; location: string | null; headers: ResponseHeaders; wireBytes: number }
  | { kind: 'not_modified'; status: 304; url: string; headers: ResponseHeaders; wireBytes: number }
  | { kind: 'http_error'; status: number; url: string; headers: ResponseHeaders; retryAfterMs: number | null; wireBytes: number }
  | { kind: 'unwanted_type'; status: number; url: string; headers: ResponseHeaders; wireBytes: number }
  | { kind: 'too_large'; status: number; url: string; headers: ResponseHeaders; declared: number | null; wireBytes: number }
  | { kind: 'failure'; url: string; error: FailureKind; message: string; wireBytes: number }
  /** The caller's deadline passed before the host had a slot: nothing was sent. */
  | { kind: 'expired'; url: string; wireBytes: 0 };

/** Transport failures by cause; `refused` and `dns` mean the host cannot be reached at all. */
export const FAILURE_KINDS = ['timeout', 'refused', 'dns', 'reset', 'tls', 'protocol'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface ResponseHeaders {
  contentType: string | null;
  contentLength: number | null;
  contentLanguage: string | null;
  etag: string | null;
  lastModified: string | null;
}

export interface GetOptions {
  /** Media types (`text/html`, …) the caller reads; anything else is `unwanted_type`, its body never read. */
  accept: (mediaType: string | null) => boolean;
  maxBytes: number;
  /** Give up, sending nothing, if the host has no slot before this time (scheduler clock, ms). */
  deadline?: number;
  /** Revalidation of a cached copy. */
  etag?: string | null;
  lastModified?: string | null;
}

export interface HttpClientOptions {
  userAgent: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  scheduler: HostScheduler;
  /** Called once per request sent (retries included), for run accounting. */
  onRequest?: (url: string) => void;
  onRetry?: (url: string, reason: string, delayMs: number) => void;
  /** Test hook: the undici dispatcher to use (default: one keep-alive Agent). */
  dispatcher?: Dispatcher;
  sleep?: (ms: number) => Promise<void>;
}

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,application/xml;q=0.5,*/*;q=0.1';

/** The media type of a Content-Type header (`text/html; charset=utf-8` → `text/html`), or null. */
export function mediaTypeOf(contentType: string | null): string | null {
  const m = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return m === '' ? null : m;
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Backoff before retry `attempt` (0-based): `min(base·2^attempt, max)`, or what Retry-After asks (capped at max). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, maxMs);
  return Math.min(baseMs * 2 ** attempt, maxMs);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function readHeaders(headers: Record<string, string | string[] | undefined>): ResponseHeaders {
  const length = Number(header(headers, 'content-length') ?? Number.NaN);
  return {
    contentType: header(headers, 'content-type')?.trim().toLowerCase() ?? null,
    contentLength: Number.isFinite(length) && length >= 0 ? length : null,
    contentLanguage: header(headers, 'content-language'),
    etag: header(headers, 'etag'),
    lastModified: header(headers, 'last-modified'),
  };
}

function classifyError(err: unknown): { error: FailureKind; message: string } {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = (e.cause?.message ?? e.message ?? String(err)).split('\n')[0]!;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code.includes('TIMEOUT')) return { error: 'timeout', message: 'timed out' };
  if (code === 'ECONNREFUSED') return { error: 'refused', message: `connection refused (${message})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return { error: 'dns', message: `host not found (${message})` };
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') return { error: 'tls', message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ECONNABORTED') return { error: 'reset', message: `connection dropped (${message})` };
  return { error: 'protocol', message: message || code || 'request failed' };
}

/** Whether an outcome is worth another attempt: 429, 5xx, timeouts and dropped connections. */
export function isRetryable(outcome: HttpOutcome): boolean {
  if (outcome.kind === 'http_error') return outcome.status === 429 || outcome.status >= 500;
  if (outcome.kind === 'failure') return outcome.error === 'timeout' || outcome.error === 'reset';
  return false;
}

/**
 * One polite HTTP client: every request waits for its host's turn (concurrency, rate, crawl-delay), names
 * the project and a contact in its User-Agent, reads at most `maxBytes` (a larger Content-Length is
 * refused before the body is read, a longer stream is cut), never follows redirects itself (the crawler
 * checks every hop), and retries 429/5xx/timeouts with backoff or the server's Retry-After.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#ownDispatcher = options.dispatcher === undefined;
    // The build's NODE_EXTRA_CA_CERTS reaches a phase task under another name (core's extraCaOptions).
    this.#dispatcher = options.dispatcher ?? new (undici().Agent)({ keepAliveTimeout: 4_000, connections: 16, connect: { timeout: options.timeoutMs, ...extraCaOptions() } });
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** GET with retries; returns the last outcome and how many attempts it took. */
  async get(url: string, options: GetOptions): Promise<{ outcome: HttpOutcome; attempts: number }> {
    const origin = originOf(url);
    for (let attempt = 0; ; attempt += 1) {
      const release = await this.#options.scheduler.acquire(origin, options.deadline);
      if (release === null) return { outcome: { kind: 'expired', url, wireBytes: 0 }, attempts: attempt };
      let outcome: HttpOutcome;
      try {
        this.#options.onRequest?.(url);
        outcome = await this.#getOnce(url, options);
      } finally {
        release();
      }
      if (!isRetryable(outcome) || attempt >= this.#options.retries) return { outcome, attempts: attempt + 1 };
      const retryAfter = outcome.kind === 'http_error' ? outcome.retryAfterMs : null;
      const delay = backoffMs(attempt, this.#options.retryBaseMs, this.#options.retryMaxMs, retryAfter);
      // A host that says "slow down" (429/503 with Retry-After) gets the pause on every request, not only this one.
      if (retryAfter !== null) this.#options.scheduler.pause(origin, delay);
      this.#options.onRetry?.(url, outcome.kind === 'http_error' ? `http ${outcome.status}` : outcome.kind === 'failure' ? outcome.error : outcome.kind, delay);
      await this.#sleep(delay);
    }
  }

  async #getOnce(url: string, options: GetOptions): Promise<HttpOutcome> {
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, accept: ACCEPT, 'accept-encoding': 'gzip, deflate, br' };
    if (options.etag) headers['if-none-match'] = options.etag;
    if (options.lastModified) headers['if-modified-since'] = options.lastModified;
    let wireBytes = 0;
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, {
        method: 'GET',
        headers,
        dispatcher: this.#dispatcher,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (err) {
      return { kind: 'failure', url, ...classifyError(err), wireBytes };
    }
    const h = readHeaders(res.headers);
    const status = res.statusCode;
    // Destroying a body we will not read emits an abort error; it is expected, not a failure.
    res.body.on('error', () => undefined);
    const discard = () => res.body.destroy();
    if (status === 304) {
      discard();
      return { kind: 'not_modified', status: 304, url, headers: h, wireBytes };
    }
    if (status >= 300 && status < 400) {
      discard();
      return { kind: 'redirect', status, url, location: header(res.headers, 'location'), headers: h, wireBytes };
    }
    if (status >= 400 || status < 200) {
      discard();
      return { kind: 'http_error', status, url, headers: h, retryAfterMs: parseRetryAfter(header(res.headers, 'retry-after')), wireBytes };
    }
    if (!options.accept(mediaTypeOf(h.contentType))) {
      discard();
      return { kind: 'unwanted_type', status, url, headers: h, wireBytes };
    }
    if (h.contentLength !== null && h.contentLength > options.maxBytes) {
      discard();
      return { kind: 'too_large', status, url, headers: h, declared: h.contentLength, wireBytes };
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        wireBytes += chunk.length;
        if (wireBytes > options.maxBytes) {
          discard();
          return { kind: 'too_large', status, url, headers: h, declared: h.contentLength, wireBytes };
        }
        chunks.push(chunk);
      }
    } catch (err) {
      return { kind: 'failure', url, ...classifyError(err), wireBytes };
    }
    const raw = Buffer.concat(chunks);
    const encoding = header(res.headers, 'content-encoding')?.trim().toLowerCase() ?? 'identity';
    let body: Buffer;
    try {
      const limit = { maxOutputLength: options.maxBytes + 1 };
      body =
        encoding === 'gzip' || encoding === 'x-gzip'
          ? gunzipSync(raw, limit)
          : encoding === 'deflate'
            ? inflateSync(raw, limit)
            : encoding === 'br'
              ? brotliDecompressSync(raw, limit)
              : raw;
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        return { kind: 'too_large', status, url, headers: h, declared: h.contentLength, wireBytes };
      }
      return { kind: 'failure', url, error: 'protocol', message: `cannot decode ${encoding} body: ${(err as Error).message}`, wireBytes };
    }
    if (body.length > options.maxBytes) return { kind: 'too_large', status, url, headers: h, declared: h.contentLength, wireBytes };
    return { kind: 'body', status, url, headers: h, body, wireBytes };
  }

  /** Closes idle connections (the crawl ends). */
  async close(): Promise<void> {
    if (this.#ownDispatcher) await this.#dispatcher.close();
  }
}
