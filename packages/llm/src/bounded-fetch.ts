/**
 * The `fetch` the openai SDK is given: every request gets one deadline for headers *and* body, and a limit
 * on the bytes of the body. The SDK's own timeout ends when the headers arrive, so a server that trickles
 * its answer one byte a second held a build for ever, and a 20 MB answer was read whole into memory.
 */

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
  /** The fetch to wrap (default the global one). */
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
  const inner = options.fetch ?? globalThis.fetch;
  // Messages avoid the words "timeout"/"timed out": the SDK would turn them into a bare timeout error and drop the cause.
  const deadline = () => new ResponseLimitError('deadline', `no complete answer within ${options.totalMs} ms (headers and body)`);
  const tooLarge = (bytes: number, streamed: boolean) =>
    new ResponseLimitError('size', `answer over the ${options.maxBytes}-byte limit (${streamed ? `cut off after ${bytes} bytes` : `content-length ${bytes}`})`);
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
