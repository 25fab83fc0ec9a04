import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sha256Hex, stableStringify } from '@taxonomy/core';
import { PROMPTS, PROMPT_KEYS, PROMPT_KEY_HEADER, answerOffline, readVariablesBlock, type PromptKey } from '@taxonomy/llm';

/**
 * What the server does with one request. `timeout` holds the request open until the client gives up;
 * `trickle` sends the headers, then the body one byte per `trickleIntervalMs`; `huge` answers 200 with a
 * `hugeBytes` body (streamed, so the server itself stays small).
 */
export const FAULT_KINDS = ['ok', '429', '500', '503', 'timeout', 'invalid_json', 'schema_invalid', 'array', 'trickle', 'huge'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FakeLlmServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay before every answer, in ms. */
  latencyMs?: number;
  /** Probability of each fault per request, drawn deterministically from the request and its attempt number. */
  faultRates?: Partial<Record<Exclude<FaultKind, 'ok'>, number>>;
  /** Outcome of attempt n (0-based) of every distinct request; attempts past the end answer normally. Wins over rates. */
  schedule?: FaultKind[];
  /** Retry-After value sent with 429 and 503: delta seconds ("1") or an HTTP date. */
  retryAfter?: string;
  /** Mixed into the fault draw, to get another deterministic fault pattern. */
  seed?: string;
  /** When set, requests without `Authorization: Bearer <key>` get 401 (the body echoes a masked key, as OpenAI does). */
  requireApiKey?: string;
  /** Answer 400 to bodies with `max_tokens`, as newer OpenAI models do (they want `max_completion_tokens`). */
  rejectMaxTokens?: boolean;
  /** Delay between two body bytes of a `trickle` answer (default 1000 ms: 1 byte/s). */
  trickleIntervalMs?: number;
  /** Body size of a `huge` answer (default 20 MB). */
  hugeBytes?: number;
}

export interface FakeStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  byOutcome: Record<string, number>;
  byKey: Record<string, number>;
  /** Requests by response format: json_schema_strict, json_schema, json_object or none. */
  byResponseFormat: Record<string, number>;
}

export interface FakeLlmServer {
  /** Base URL for the SDK, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  stats(): FakeStats;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  messages?: Array<{ role: string; content: unknown }>;
  response_format?: { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } };
}

function keyFromRequest(req: IncomingMessage, body: ChatBody): PromptKey | null {
  const header = req.headers[PROMPT_KEY_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader && (PROMPT_KEYS as string[]).includes(fromHeader)) return fromHeader as PromptKey;
  const name = body.response_format?.json_schema?.name;
  return PROMPT_KEYS.find((k) => k.replace(/[^A-Za-z0-9_-]/gu, '_') === name) ?? null;
}

/** A schema strict mode accepts: every object closed and listing all its properties as required. */
function isStrictObjectSchema(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return true;
  if (Array.isArray(schema)) return schema.every(isStrictObjectSchema);
  const node = schema as Record<string, unknown>;
  if (node['type'] === 'object') {
    const props = Object.keys((node['properties'] as Record<string, unknown> | undefined) ?? {});
    const required = (node['required'] as string[] | undefined) ?? [];
    if (node['additionalProperties'] !== false || props.some((p) => !required.includes(p))) return false;
  }
  return Object.entries(node).every(([k, v]) =>
    k === 'properties' && v && typeof v === 'object' ? Object.values(v).every(isStrictObjectSchema) : isStrictObjectSchema(v),
  );
}

function draw(seed: string): number {
  return Number.parseInt(sha256Hex(seed).slice(0, 8), 16) / 0x1_0000_0000;
}

function chooseFault(options: FakeLlmServerOptions, requestId: string, attempt: number): FaultKind {
  if (options.schedule) return options.schedule[attempt] ?? 'ok';
  const rates = options.faultRates ?? {};
  let u = draw(`${options.seed ?? ''}:${requestId}:${attempt}`);
  for (const kind of FAULT_KINDS) {
    if (kind === 'ok') continue;
    const rate = rates[kind] ?? 0;
    if (u < rate) return kind;
    u -= rate;
  }
  return 'ok';
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Headers at once, then the body one byte per interval, for as long as the client listens. */
function sendTrickle(res: ServerResponse, text: string, intervalMs: number, timers: Set<NodeJS.Timeout>): void {
  const bytes = Buffer.from(text);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= bytes.length) {
      clearInterval(timer);
      timers.delete(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(bytes.subarray(sent, sent + 1));
    sent += 1;
  }, intervalMs);
  timers.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

/** A 200 chat completion whose content is `size` bytes of filler, written in chunks with backpressure. */
function sendHuge(res: ServerResponse, size: number, requestId: string): void {
  const head = `{"id":"chatcmpl-${requestId.slice(0, 24)}","object":"chat.completion","created":0,"model":"fake","choices":[{"index":0,"message":{"role":"assistant","content":"`;
  const tail = '"},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  let left = Math.max(0, size - head.length - tail.length);
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

/** The answer content a fault turns the correct answer into. */
function faultyContent(kind: FaultKind, answer: Record<string, unknown>): string {
  if (kind === 'invalid_json') return `Sure! Here is the JSON you asked for: ${JSON.stringify(answer).slice(0, 20)}`;
  if (kind === 'schema_invalid') return JSON.stringify({ answer: 'see above', items: 1 });
  if (kind === 'array') {
    const arrays = Object.values(answer).filter(Array.isArray);
    return JSON.stringify(arrays.length === 1 ? arrays[0] : [answer]);
  }
  return JSON.stringify(answer);
}

/** Loads the lexicon behind the offline answers before listening, so no request pays for it (a real server is warm). */
function warmUpOfflineAnswers(): void {
  answerOffline('taxonomy.extract', { institution: null, level: 1, source_text: 'Department of Physics', section: null, parent_anchor: null });
  answerOffline('taxonomy.verify_single_token', { label: 'physics', level: 1 });
  answerOffline('validation.entailment', { concept: { id: 'L1:physics', label: 'physics', level: 1, parent_label: null }, evidence: [] });
  answerOffline('taxonomy.disambiguate', { label: 'physics', level: 1, senses: [{ concept_id: 'L1:physics', parent_label: 'science', contexts: [] }] });
}

/**
 * A deterministic OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions` answers with
 * the offline provider's logic from the variables block of the prompt, so the online path builds the same
 * taxonomy as offline; latency and faults can be injected; `GET /stats` reports request counts.
 */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  warmUpOfflineAnswers();
  const counts: FakeStats = { requests: 0, inFlight: 0, maxInFlight: 0, byOutcome: {}, byKey: {}, byResponseFormat: {} };
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const count = (outcome: string) => {
    counts.byOutcome[outcome] = (counts.byOutcome[outcome] ?? 0) + 1;
  };

  const handleChat = (req: IncomingMessage, res: ServerResponse, raw: string, at: (send: () => void) => void) => {
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      count('bad_request');
      at(() => sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } }));
      return;
    }
    if (options.requireApiKey !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${options.requireApiKey}`) {
        count('401');
        const given = auth.replace(/^Bearer\s+/u, '');
        const masked = given.length > 8 ? `${given.slice(0, 6)}***${given.slice(-4)}` : '***';
        at(() => sendJson(res, 401, { error: { message: `Incorrect API key provided: ${masked}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
    }
    if (options.rejectMaxTokens && (body as { max_tokens?: unknown }).max_tokens !== undefined) {
      count('400');
      at(() => sendJson(res, 400, {
        error: {
          message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      }));
      return;
    }
    const key = keyFromRequest(req, body);
    const variables = readVariablesBlock(Array.isArray(body.messages) ? body.messages : []);
    if (!key || !variables) {
      count('bad_request');
      at(() => sendJson(res, 400, { error: { message: 'cannot tell the prompt key or find the <variables> block', type: 'invalid_request_error' } }));
      return;
    }
    counts.byKey[key] = (counts.byKey[key] ?? 0) + 1;
    const format = body.response_format;
    const formatName =
      format?.type === 'json_schema' ? (format.json_schema?.strict === true && isStrictObjectSchema(format.json_schema.schema) ? 'json_schema_strict' : 'json_schema') : (format?.type ?? 'none');
    counts.byResponseFormat[formatName] = (counts.byResponseFormat[formatName] ?? 0) + 1;
    const requestId = sha256Hex(stableStringify({ key, variables, model: body.model ?? null }));
    const attempt = attempts.get(requestId) ?? 0;
    attempts.set(requestId, attempt + 1);
    const fault = chooseFault(options, requestId, attempt);
    count(fault);
    if (fault === 'timeout') return; // Never answers; the client's timeout ends it.
    const retryAfter = options.retryAfter ?? '1';
    if (fault === '429') return at(() => sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }, { 'retry-after': retryAfter }));
    if (fault === '503') return at(() => sendJson(res, 503, { error: { message: 'Service unavailable', type: 'server_error' } }, { 'retry-after': retryAfter }));
    if (fault === '500') return at(() => sendJson(res, 500, { error: { message: 'Internal server error', type: 'server_error' } }));
    if (fault === 'huge') return at(() => sendHuge(res, options.hugeBytes ?? 20 * 1024 * 1024, requestId));
    const parsed = PROMPTS[key].variables.safeParse(variables);
    if (!parsed.success) {
      count('bad_variables');
      at(() => sendJson(res, 400, { error: { message: `variables do not fit ${key}`, type: 'invalid_request_error' } }));
      return;
    }
    const answer = answerOffline(key, parsed.data as never) as Record<string, unknown>;
    const content = faultyContent(fault, answer);
    const promptText = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const usage = { prompt_tokens: tokensOf(promptText), completion_tokens: tokensOf(content), total_tokens: tokensOf(promptText) + tokensOf(content) };
    if (fault === 'trickle') {
      const text = JSON.stringify({
        id: `chatcmpl-${requestId.slice(0, 24)}-${attempt}`,
        object: 'chat.completion',
        created: 0,
        model: typeof body.model === 'string' ? body.model : 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
      return at(() => sendTrickle(res, text, options.trickleIntervalMs ?? 1000, timers));
    }
    at(() => sendJson(res, 200, {
      id: `chatcmpl-${requestId.slice(0, 24)}-${attempt}`,
      object: 'chat.completion',
      created: 0,
      model: typeof body.model === 'string' ? body.model : 'fake',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage,
    }));
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/stats') return sendJson(res, 200, counts);
    if (req.method === 'GET' && (req.url === '/v1/models' || req.url === '/models')) {
      return sendJson(res, 200, { object: 'list', data: [{ id: 'fake', object: 'model', created: 0, owned_by: 'taxonomy' }] });
    }
    if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } });
    }
    counts.requests += 1;
    counts.inFlight += 1;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      counts.inFlight -= 1;
    };
    res.on('finish', finish);
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      // The answer is computed at once and sent `latencyMs` after the request arrived: the injected latency is
      // the endpoint's whole time to answer, not latency plus this process's own work (a real endpoint's
      // latency figure includes its compute too).
      const due = performance.now() + (options.latencyMs ?? 0);
      const at = (send: () => void) => {
        const left = due - performance.now();
        if (left <= 0) {
          if (!res.destroyed) send();
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send();
        }, left);
        timers.add(timer);
      };
      handleChat(req, res, raw, at);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    stats: () => structuredClone(counts),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
