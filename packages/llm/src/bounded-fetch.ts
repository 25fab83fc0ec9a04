/**
 * The `fetch` the openai SDK is given: every request gets one deadline for headers *and* body, and a limit
 * on the bytes of the body. The SDK's own timeout ends when the headers arrive, so a server that trickles
 * its answer one byte a second held a build for ever, and a 20 MB answer was read whole into memory.
 *
 * By default the request goes through `node:http`/`node:https` with keep-alive agents and the answer is read
 * whole (within the limits) before the `Response` is built: the SDK's chat calls are not streamed, and Node's
 * built-in fetch (undici) cost ~2.8 CPU-ms a call in the client — the request body cloned into web streams and
 * written as an iterable, one `writev` per chunk — which held the LLM bench at 16 calls in flight well above
 * its ideal time.
 */
import http from 'node:http';
import https from 'node:https';
import { extraCaOptions } from '@taxonomy/core';

/** A request that went over its total time or its size limit; the client retries it, then quarantines the item. */
export class ResponseLimitError extends Error {
  constructor(
    readonly limit: 'deadline' | 'size',
    message: string,
  ) {
    super(message);
    this.name = 'ResponseLimitError';
  }
}

export interface BoundedFetchOptions {
  /** Total time of one request, from sending it to the last byte of the body. */
  totalMs: number;
  /** Largest body read; past it the request is aborted. */
  maxBytes: number;
  /** A fetch to wrap instead of the `node:http` transport (tests, other runtimes). */
  fetch?: typeof fetch;
}

/** The first ResponseLimitError in an error's cause chain (the SDK wraps fetch failures), or null. */
export function findResponseLimit(err: unknown): ResponseLimitError | null {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current; depth += 1) {
    if (current instanceof ResponseLimitError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** A fetch that enforces `totalMs` over the whole exchange and `maxBytes` on the body it hands on. */
export function createBoundedFetch(options: BoundedFetchOptions): typeof fetch {
  if (options.fetch === undefined) return createHttpFetch(options);
  const inner = options.fetch;
  const { deadline, tooLarge } = limitErrors(options);
  return async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal ?? null;
    const forward = () => controller.abort(outer?.reason);
    if (outer !== null) {
      if (outer.aborted) forward();
      else outer.addEventListener('abort', forward, { once: true });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(deadline());
    }, options.totalMs);
    const finish = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    };
    let response: Response;
    try {
      response = await inner(input, { ...init, signal: controller.signal });
    } catch (err) {
      finish();
      throw timedOut ? deadline() : err;
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      finish();
      controller.abort();
      throw tooLarge(declared, false);
    }
    if (response.body === null || NO_BODY.has(response.status)) {
      finish();
      return response;
    }
    const reader = response.body.getReader();
    let received = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            stream.close();
            return;
          }
          received += value.byteLength;
          if (received > options.maxBytes) {
            finish();
            controller.abort();
            stream.error(tooLarge(received, true));
            return;
          }
          stream.enqueue(value);
        } catch (err) {
          finish();
          stream.error(timedOut ? deadline() : err);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Messages avoid the words "timeout"/"timed out": the SDK would turn them into a bare timeout error and drop the cause. */
function limitErrors(options: BoundedFetchOptions): { deadline: () => ResponseLimitError; tooLarge: (bytes: number, streamed: boolean) => ResponseLimitError } {
  return {
    deadline: () => new ResponseLimitError('deadline', `no complete answer within ${options.totalMs} ms (headers and body)`),
    tooLarge: (bytes, streamed) =>
      new ResponseLimitError('size', `answer over the ${options.maxBytes}-byte limit (${streamed ? `cut off after ${bytes} bytes` : `content-length ${bytes}`})`),
  };
}

/** An abort as spec-compliant fetch reports it (the SDK tells its own timeout and a user abort apart by the name). */
function abortError(reason: unknown): Error {
  const err = new Error(reason instanceof Error ? reason.message : 'This operation was aborted', { cause: reason });
  err.name = 'AbortError';
  return err;
}

/** The bounded fetch over `node:http`/`node:https`: string or byte bodies, the answer read whole before it resolves. */
function createHttpFetch(options: BoundedFetchOptions): typeof fetch {
  const { deadline, tooLarge } = limitErrors(options);
  // Keep-alive agents: idle sockets are reused and do not keep the process alive. The HTTPS one trusts the
  // build's NODE_EXTRA_CA_CERTS, which a phase task gets under another name (core's extraCaOptions).
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true, ...extraCaOptions() }) };
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`unsupported protocol ${url.protocol} in ${url.origin}`));
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const body = init?.body;
      let payload: Buffer | null = null;
      if (typeof body === 'string') payload = Buffer.from(body, 'utf8');
      else if (body instanceof Uint8Array) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      else if (body !== undefined && body !== null) {
        reject(new TypeError('bounded fetch: only string or byte request bodies are supported'));
        return;
      }
      if (payload !== null) headers['content-length'] = String(payload.length);
      const signal = init?.signal ?? null;
      let settled = false;
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method: init?.method ?? 'GET', headers, agent: agents[url.protocol] });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(err);
      };
      const onAbort = () => fail(abortError(signal?.reason));
      const timer = setTimeout(() => fail(deadline()), options.totalMs);
      if (signal !== null) {
        if (signal.aborted) {
          fail(abortError(signal.reason));
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
      }
      req.on('error', fail);
      req.on('response', (res) => {
        // As with a streamed fetch, the SDK's own timeout covers the headers only (it is cleared when fetch resolves);
        // the body is bounded by totalMs alone, so a trickle ends as this deadline, not as the SDK's bare timeout.
        signal?.removeEventListener('abort', onAbort);
        const declared = Number(res.headers['content-length'] ?? Number.NaN);
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          fail(tooLarge(declared, false));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > options.maxBytes) fail(tooLarge(received, true));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error(`connection to ${url.host} closed before the answer was complete`));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          try {
            resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
          } catch (err) {
            reject(err);
          }
        });
      });
      req.end(payload ?? undefined);
    });
}
