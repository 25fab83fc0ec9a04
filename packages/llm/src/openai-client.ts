import { resolve } from 'node:path';
import { TaxonomyError, hasUrlCredentials, redactUrlCredentials, sha256Hex, stableStringify } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import type { Logger } from '@taxonomy/observability';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { checkAnswer } from './answer.ts';
import { createBoundedFetch, findResponseLimit } from './bounded-fetch.ts';
import { ResponseCache, cacheKeyFor } from './cache.ts';
import { failureKind, type FailureReason, type LlmCallResult, type LlmClient, type PromptKey, type PromptOutput, type PromptVariables } from './contract.ts';
import { RateLimiter, Semaphore, agentShare, sleep, type EndpointLimits } from './limiter.ts';
import { parseVariables } from './offline-client.ts';
import { PROMPT_KEY_HEADER, renderPrompt, selectVariant, type PromptRegistry } from './registry.ts';
import type { ChatMessage } from './render.ts';
import { backoffDelayMs, hasErrorCode, parseRetryAfterMs, rootMessage } from './retry.ts';
import { UsageMeter } from './usage.ts';

type LlmConfig = Config['llm'];

export interface OpenAiLlmClientOptions {
  config: LlmConfig;
  root: string;
  log: Logger;
  registry: PromptRegistry;
  /** Processes sharing the endpoint's limits (`TAXONOMY_LLM_AGENTS`); this client takes 1/agents of each (default 1). */
  agents?: number;
}

/** Shortest API key treated as a secret to redact from text. */
const MIN_SECRET_LENGTH = 8;

/** `host:port` of the endpoint, for one-line errors (never the key, never the path's query). */
export function endpointLabel(baseUrl: string | null): string {
  const url = new URL(baseUrl ?? 'https://api.openai.com/v1');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

type TransportReason = Extract<FailureReason, 'provider_error' | 'timeout' | 'rate_limited' | 'response_too_large'>;

type Attempt =
  | { ok: true; content: string | null; tokensIn: number; tokensOut: number }
  | { ok: false; reason: TransportReason; error: string; attempts: number };

interface AttemptFailure {
  reason: TransportReason;
  message: string;
  retryable: boolean;
  refused: boolean;
  /** Failed before any HTTP answer (refused, reset, DNS), not a timeout. */
  connection: boolean;
  /** Every call will fail the same way (bad key, wrong endpoint): stop the phase. */
  fatal: boolean;
  retryAfterMs: number | null;
}

/** Rough token count of text (4 characters a token), for the tokens-per-minute budget before the real count is known. */
function estimateTokens(messages: ReadonlyArray<ChatMessage>): number {
  let chars = 0;
  for (const m of messages) chars += m.content.length + 8;
  return Math.ceil(chars / 4);
}

/** The OpenAI-compatible provider: renders on-disk prompts, calls the SDK, retries, repairs, caches, accounts. */
export class OpenAiLlmClient implements LlmClient {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly config: LlmConfig;
  private readonly log: Logger;
  private readonly registry: PromptRegistry;
  private readonly sdk: OpenAI;
  private readonly cache: ResponseCache | null;
  private readonly semaphore: Semaphore;
  /**
   * Calls being prepared or answered at once: four times the concurrency. A caller that starts thousands of calls
   * together (S1's windows, the bench) had every prompt rendered and hashed before the first request left
   * (≈ 0.2 s for 2,000 calls with nothing in flight); admitted a few at a time, the next calls are prepared
   * while the first ones wait for their answers.
   */
  private readonly admission: Semaphore;
  private readonly limiter: RateLimiter;
  /** This process's share of the endpoint's limits. */
  readonly limits: EndpointLimits;
  private readonly meter: UsageMeter;
  private readonly endpoint: string;
  private readonly secret: string | null;
  private consecutiveFailedCalls = 0;
  private consecutiveRefused = 0;
  private everAnswered = false;
  private tripped: TaxonomyError | null = null;
  /** `max_tokens` suits most OpenAI-compatible servers; newer OpenAI models want `max_completion_tokens`. */
  private outputLimitField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';
  private readonly pending = new Map<string, Promise<LlmCallResult<unknown>>>();
  /** `stableStringify` of the request params per prompt variant (they hold its JSON schema; fixed per client). */
  private readonly paramsJson = new Map<string, string>();

  constructor(options: OpenAiLlmClientOptions) {
    this.config = options.config;
    this.log = options.log;
    this.registry = options.registry;
    this.model = options.config.model;
    // Placeholder keys of local servers ("EMPTY", "ollama") are no secret, and redacting a short string would mangle text.
    this.secret = options.config.api_key && options.config.api_key.length >= MIN_SECRET_LENGTH ? options.config.api_key : null;
    this.endpoint = endpointLabel(options.config.base_url);
    if (options.config.base_url !== null && hasUrlCredentials(options.config.base_url)) {
      // fetch refuses URLs with credentials, and the SDK sends the key as a bearer token: say so once instead of failing every call.
      throw new TaxonomyError(
        'CONFIG_INVALID',
        `llm.base_url ${redactUrlCredentials(options.config.base_url)} carries credentials, which requests cannot send; put the key in OPENAI_API_KEY`,
      );
    }
    this.sdk = new OpenAI({
      // Local OpenAI-compatible servers need no key, but the SDK insists on one.
      apiKey: options.config.api_key || 'no-key',
      baseURL: options.config.base_url ?? 'https://api.openai.com/v1',
      organization: options.config.organization,
      project: null,
      maxRetries: 0,
      timeout: options.config.request_timeout_ms,
      fetch: createBoundedFetch({ totalMs: options.config.request_timeout_ms, maxBytes: options.config.max_response_bytes }),
    });
    this.cache = options.config.cache_enabled ? new ResponseCache(resolve(options.root, options.config.cache_dir)) : null;
    this.limits = agentShare(options.config, options.agents ?? 1);
    this.semaphore = new Semaphore(this.limits.concurrency);
    this.admission = new Semaphore(4 * this.limits.concurrency);
    this.limiter = new RateLimiter(this.limits.requests_per_minute, this.limits.tokens_per_minute);
    this.meter = new UsageMeter('openai', this.model, options.config.prices[this.model] ?? null);
  }

  /** Highest number of requests this client had in flight at once. */
  get maxInFlight(): number {
    return this.semaphore.maxInFlight;
  }

  /** Removes the API key from any text that leaves this client (errors, logs). */
  private redact(text: string): string {
    const plain = redactUrlCredentials(this.secret ? text.split(this.secret).join('[redacted]') : text);
    // Providers echo (partly masked) keys in auth errors: drop anything shaped like one.
    return plain.replace(/\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/gu, '[redacted]');
  }

  async run<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    if (this.tripped) throw this.tripped;
    await this.admission.acquire();
    try {
      return await this.runAdmitted(key, variables);
    } finally {
      this.admission.release();
    }
  }

  private async runAdmitted<K extends PromptKey>(key: K, variables: PromptVariables<K>): Promise<LlmCallResult<PromptOutput<K>>> {
    if (this.tripped) throw this.tripped;
    const parsed = parseVariables(key, variables);
    if (!parsed.ok) {
      this.meter.calls += 1;
      return this.fail(key, 'invalid_variables', parsed.error);
    }
    const vars = parsed.value;
    const variant = selectVariant(this.registry, key, this.config.prompt_variants);
    this.meter.recordPrompt(key, { variant: variant.variant, version: variant.version, hash: variant.hash });
    const messages = renderPrompt(variant, vars as Record<string, unknown>);
    const params = this.requestParams(key, variant.wireSchema);
    const paramsId = `${key}\u0000${variant.variant}\u0000${variant.version}`;
    let paramsJson = this.paramsJson.get(paramsId);
    if (paramsJson === undefined) this.paramsJson.set(paramsId, (paramsJson = stableStringify(params)));
    const hash = cacheKeyFor({ provider: 'openai', model: this.model, key, variant: variant.variant, version: variant.version, messages, params }, paramsJson);
    this.meter.calls += 1;

    // An identical call already on its way: share its answer instead of paying twice.
    const pending = this.pending.get(hash);
    if (pending) {
      const shared = await pending;
      if (shared.ok) {
        this.meter.cacheHits += 1;
        return { ...shared, value: structuredClone(shared.value), cached: true } as LlmCallResult<PromptOutput<K>>;
      }
      this.meter.recordFailure(failureKind(shared.reason));
      return shared as LlmCallResult<PromptOutput<K>>;
    }
    const call = this.answer(key, hash, messages, params, variant.variant, variant.version);
    this.pending.set(hash, call as Promise<LlmCallResult<unknown>>);
    try {
      return await call;
    } finally {
      this.pending.delete(hash);
    }
  }

  private async answer<K extends PromptKey>(
    key: K,
    hash: string,
    messages: ChatMessage[],
    params: Record<string, unknown>,
    variantName: string,
    version: string,
  ): Promise<LlmCallResult<PromptOutput<K>>> {
    if (this.cache) {
      const hit = await this.cache.get(hash);
      if (hit) {
        const checked = checkAnswer(key, JSON.stringify(hit.value));
        if (checked.ok && !checked.unwrapped) {
          this.meter.cacheHits += 1;
          return { ok: true, value: checked.value, cached: true, repaired: hit.repaired };
        }
      }
    }

    const first = await this.request(key, messages, params, hash);
    if (!first.ok) return this.fail(key, first.reason, first.error);
    let tokensIn = first.tokensIn;
    let tokensOut = first.tokensOut;
    let checked = checkAnswer(key, first.content);
    let repaired = false;
    if (!checked.ok) {
      this.meter.repairs += 1;
      repaired = true;
      this.log.debug({ key, reason: checked.reason, error: checked.error }, 'llm answer invalid, asking once more');
      const repairMessages: ChatMessage[] = [
        ...messages,
        { role: 'assistant', content: first.content ?? '' },
        {
          role: 'user',
          content: `Your previous answer was rejected: ${checked.error}. Reply again with only one JSON object that conforms to the JSON Schema given above, with no prose and no code fence.`,
        },
      ];
      const second = await this.request(key, repairMessages, params, `${hash}:repair`);
      if (!second.ok) return this.fail(key, second.reason, second.error);
      tokensIn += second.tokensIn;
      tokensOut += second.tokensOut;
      checked = checkAnswer(key, second.content);
      if (!checked.ok) return this.fail(key, checked.reason, `${checked.error} (after one repair re-ask)`);
    }
    if (checked.unwrapped) {
      this.meter.repairs += 1;
      repaired = true;
    }
    if (this.cache) {
      try {
        await this.cache.put(hash, {
          key,
          variant: variantName,
          version,
          provider: 'openai',
          model: this.model,
          value: checked.value,
          repaired,
          tokens_in: tokensIn,
          tokens_out: tokensOut,
        });
      } catch (err) {
        this.log.warn({ err: { message: this.redact(rootMessage(err)) }, key }, 'llm cache entry not written');
      }
    }
    return { ok: true, value: checked.value, cached: false, repaired };
  }

  usage() {
    return this.meter.snapshot();
  }

  /** Waits for calls still in flight (their cache entries are written before they resolve); nothing else is buffered. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
  }

  private fail<T>(key: PromptKey, reason: FailureReason, error: string): LlmCallResult<T> {
    this.meter.recordFailure(failureKind(reason));
    const message = this.redact(error);
    this.log.warn({ key, reason, error: message }, 'llm call gave no usable answer');
    return { ok: false, reason, error: message };
  }

  /** The body fields of `params` as this endpoint wants them (the output limit's name differs between models). */
  private wireParams(params: Record<string, unknown>): Record<string, unknown> {
    const { max_output_tokens: limit, ...rest } = params;
    return { ...rest, [this.outputLimitField]: limit };
  }

  private requestParams(key: PromptKey, jsonSchema: Record<string, unknown>): Record<string, unknown> {
    const responseFormat =
      this.config.response_format === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: key.replace(/[^A-Za-z0-9_-]/gu, '_'), schema: jsonSchema, strict: true } }
        : { type: 'json_object' };
    return {
      temperature: this.config.temperature,
      max_output_tokens: this.config.max_output_tokens,
      response_format: responseFormat,
      ...(this.config.seed === null ? {} : { seed: this.config.seed }),
    };
  }

  private classify(err: unknown): AttemptFailure {
    const limit = findResponseLimit(err);
    if (limit !== null) {
      const reason = limit.limit === 'size' ? 'response_too_large' : 'timeout';
      return { reason, message: limit.message, retryable: true, refused: false, connection: false, fatal: false, retryAfterMs: null };
    }
    if (err instanceof APIConnectionTimeoutError) {
      return { reason: 'timeout', message: `no answer within ${this.config.request_timeout_ms} ms`, retryable: true, refused: false, connection: false, fatal: false, retryAfterMs: null };
    }
    if (err instanceof APIConnectionError) {
      const refused = hasErrorCode(err, 'ECONNREFUSED') || hasErrorCode(err, 'ENOTFOUND') || hasErrorCode(err, 'EAI_AGAIN');
      return { reason: 'provider_error', message: rootMessage(err), retryable: true, refused, connection: true, fatal: false, retryAfterMs: null };
    }
    if (err instanceof APIError) {
      const status = err.status ?? 0;
      const retryAfterMs = parseRetryAfterMs(err.headers as { get(name: string): string | null } | undefined);
      const message = `HTTP ${status}: ${err.message}`;
      if (status === 429) return { reason: 'rate_limited', message, retryable: true, refused: false, connection: false, fatal: false, retryAfterMs };
      if (status === 408 || status === 409 || status >= 500) {
        return { reason: status === 408 ? 'timeout' : 'provider_error', message, retryable: true, refused: false, connection: false, fatal: false, retryAfterMs };
      }
      const fatal = status === 401 || status === 403 || status === 404;
      return { reason: 'provider_error', message, retryable: false, refused: false, connection: false, fatal, retryAfterMs: null };
    }
    return { reason: 'provider_error', message: rootMessage(err), retryable: true, refused: false, connection: false, fatal: false, retryAfterMs: null };
  }

  /** Switches the output-limit field once when the endpoint rejects the one sent; true when it did. */
  private adaptToRejectedParameter(err: unknown, sent: 'max_tokens' | 'max_completion_tokens'): boolean {
    if (!(err instanceof APIError) || err.status !== 400 || sent !== 'max_tokens') return false;
    if (!/max_tokens/u.test(err.message) || !/max_completion_tokens/u.test(err.message)) return false;
    if (this.outputLimitField === 'max_tokens') {
      this.outputLimitField = 'max_completion_tokens';
      this.log.info({ model: this.model }, 'endpoint wants max_completion_tokens instead of max_tokens; switched');
    }
    return true;
  }

  /** Stops the phase: the provider says it cannot serve for longer than the build may wait. */
  private unavailable(message: string): TaxonomyError {
    if (!this.tripped) {
      this.tripped = new TaxonomyError('PROVIDER_UNAVAILABLE', this.redact(`LLM endpoint ${this.endpoint} unavailable: ${message}`));
      this.log.error({ endpoint: this.endpoint }, this.tripped.message);
    }
    return this.tripped;
  }

  private trip(reason: string, attempts: number): TaxonomyError {
    if (!this.tripped) {
      this.tripped = new TaxonomyError(
        'PROVIDER_UNAVAILABLE',
        this.redact(`LLM endpoint ${this.endpoint} unreachable: ${reason} after ${attempts} attempts`),
      );
      this.log.error({ endpoint: this.endpoint, attempts }, this.tripped.message);
    }
    return this.tripped;
  }

  /** One request with bounded retries; each attempt holds a concurrency slot and a rate budget, none during backoff. */
  private async request(key: PromptKey, messages: ChatMessage[], params: Record<string, unknown>, seed: string): Promise<Attempt> {
    const estimate = estimateTokens(messages) + 1;
    let last: AttemptFailure | null = null;
    let connectionFailures = 0;
    const attempts = this.config.max_retries + 1;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (this.tripped) throw this.tripped;
      await this.semaphore.acquire();
      let failure: AttemptFailure;
      try {
        if (this.tripped) throw this.tripped;
        await this.limiter.acquire(estimate);
        const started = performance.now();
        const sentLimitField = this.outputLimitField;
        try {
          const completion = await this.sdk.chat.completions.create(
            { model: this.model, messages, ...this.wireParams(params) } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
            { headers: { [PROMPT_KEY_HEADER]: key } },
          );
          // A proxy's error page or a non-chat endpoint: a provider fault, not a model answer to repair.
          if (!Array.isArray((completion as { choices?: unknown }).choices)) throw new Error('endpoint answered without "choices"');
          this.meter.recordLatency(performance.now() - started);
          const tokensIn = completion.usage?.prompt_tokens ?? 0;
          const tokensOut = completion.usage?.completion_tokens ?? 0;
          this.meter.recordTokens(tokensIn, tokensOut);
          this.limiter.settle(estimate, tokensIn + tokensOut > 0 ? tokensIn + tokensOut : estimate);
          this.consecutiveFailedCalls = 0;
          this.consecutiveRefused = 0;
          this.everAnswered = true;
          return { ok: true, content: completion.choices[0]?.message?.content ?? null, tokensIn, tokensOut };
        } catch (err) {
          if (this.adaptToRejectedParameter(err, sentLimitField)) {
            attempt -= 1; // The request was malformed for this endpoint, not failed: send it again in the right form.
            continue;
          }
          failure = this.classify(err);
          if (!(err instanceof APIConnectionError)) {
            this.consecutiveRefused = 0;
            this.everAnswered = true;
          }
        }
      } finally {
        this.semaphore.release();
      }
      last = failure;
      if (failure.connection) connectionFailures += 1;
      if (failure.refused) {
        this.consecutiveRefused += 1;
        if (this.consecutiveRefused >= this.config.circuit_breaker_failures) throw this.trip(this.redact(failure.message), this.consecutiveRefused);
      }
      if (failure.fatal) throw this.trip(this.redact(failure.message), attempt + 1);
      if (failure.retryAfterMs !== null && failure.retryAfterMs > this.config.max_retry_after_ms) {
        throw this.unavailable(
          `it asks to retry after ${Math.round(failure.retryAfterMs / 1000)} s (${failure.message}), longer than llm.max_retry_after_ms=${this.config.max_retry_after_ms}`,
        );
      }
      if (!failure.retryable || attempt === attempts - 1) break;
      this.meter.retries += 1;
      // Before any answer, a refused connection means nothing listens: retry quickly instead of backing off exponentially.
      const quick = failure.refused && !this.everAnswered;
      const delay =
        failure.retryAfterMs !== null
          ? failure.retryAfterMs
          : backoffDelayMs({
              attempt: quick ? 0 : attempt,
              baseMs: this.config.backoff_base_ms,
              maxMs: this.config.backoff_max_ms,
              seed: sha256Hex(seed),
            });
      this.log.debug({ key, attempt: attempt + 1, reason: failure.reason, delay_ms: delay, error: this.redact(failure.message) }, 'llm request failed, retrying');
      await sleep(delay);
    }
    const final = last!;
    // Every attempt failed to connect and the last was refused: nothing listens there any more.
    if (connectionFailures === attempts && final.refused) throw this.trip(this.redact(final.message), attempts);
    this.consecutiveFailedCalls += 1;
    if (this.consecutiveFailedCalls >= this.config.circuit_breaker_failures) {
      throw this.trip(`${this.consecutiveFailedCalls} calls in a row failed, last: ${this.redact(final.message)}`, attempts);
    }
    return { ok: false, reason: final.reason, error: this.redact(`${final.message} after ${attempts} attempt(s)`), attempts };
  }
}
