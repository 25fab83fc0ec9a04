/** Resolves after `ms` milliseconds (0 or less resolves on the next turn). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A counting semaphore: at most `limit` holders at once, granted in arrival order. */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Highest number of simultaneous holders seen. */
  get maxInFlight(): number {
    return this.peak;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    // The releasing holder handed its slot over; `active` did not drop.
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
      return;
    }
    this.active = Math.max(0, this.active - 1);
  }
}

/**
 * Requests-per-minute and tokens-per-minute limiter: two token buckets that start full and refill
 * continuously. Callers are served in arrival order; a request larger than the whole token budget waits
 * for a full bucket instead of forever.
 */
export class RateLimiter {
  private requests: number;
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly tokensPerMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.requests = requestsPerMinute;
    this.tokens = tokensPerMinute;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.requests = Math.min(this.requestsPerMinute, this.requests + (elapsed * this.requestsPerMinute) / 60_000);
    this.tokens = Math.min(this.tokensPerMinute, this.tokens + (elapsed * this.tokensPerMinute) / 60_000);
  }

  /** Milliseconds until one request of `tokens` fits, 0 when it fits now. */
  private waitFor(tokens: number): number {
    this.refill();
    const needTokens = Math.min(tokens, this.tokensPerMinute);
    const requestWait = this.requests >= 1 ? 0 : ((1 - this.requests) * 60_000) / this.requestsPerMinute;
    const tokenWait = this.tokens >= needTokens ? 0 : ((needTokens - this.tokens) * 60_000) / this.tokensPerMinute;
    return Math.ceil(Math.max(requestWait, tokenWait));
  }

  /** Waits until one request with an estimated `tokens` fits both budgets, then takes it. */
  acquire(tokens: number): Promise<void> {
    const turn = this.queue.then(async () => {
      for (let wait = this.waitFor(tokens); wait > 0; wait = this.waitFor(tokens)) await sleep(wait);
      this.requests -= 1;
      this.tokens -= Math.min(tokens, this.tokensPerMinute);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Books the difference between the actual tokens of a finished request and its estimate. */
  settle(estimated: number, actual: number): void {
    this.refill();
    this.tokens = Math.min(this.tokensPerMinute, this.tokens - (actual - Math.min(estimated, this.tokensPerMinute)));
  }
}

/** The endpoint limits one process may use. */
export interface EndpointLimits {
  concurrency: number;
  requests_per_minute: number;
  tokens_per_minute: number;
}

/**
 * One process's share of the endpoint's limits when `agents` processes call it at once (`TAXONOMY_LLM_AGENTS`):
 * each limit divided by `agents`, rounded down, at least 1 — so N agents together never exceed the account's
 * limits (with a limit below N the floor of 1 per agent wins, and the sum can exceed it).
 */
export function agentShare(limits: Readonly<EndpointLimits>, agents: number): EndpointLimits {
  if (!Number.isInteger(agents) || agents < 1) throw new RangeError(`agents must be a positive integer, got ${agents}`);
  const share = (limit: number) => Math.max(1, Math.floor(limit / agents));
  return { concurrency: share(limits.concurrency), requests_per_minute: share(limits.requests_per_minute), tokens_per_minute: share(limits.tokens_per_minute) };
}
