/** Ends a request slot; `grantedAt` is when the slot was given (the scheduler's clock). */
export type Release = (() => void) & { readonly grantedAt: number };

/** Politeness limits: requests in flight overall and per host, and the least gap between request starts on one host. */
export interface HostSchedulerOptions {
  concurrency: number;
  perHostConcurrency: number;
  /** Least milliseconds between two request starts on one host (1000 / requests per second). */
  minGapMs: number;
  now?: () => number;
}

interface Waiter {
  /** Gives the slot; `grantedAt` is the clock reading the next start was computed from. */
  grant(grantedAt: number): void;
  /** Fires at the waiter's deadline. */
  timer: NodeJS.Timeout | null;
}

interface HostState {
  inFlight: number;
  /** Earliest time the next request may start. */
  nextStart: number;
  gapMs: number;
  /** A Crawl-delay is in force: one request at a time, the gap counted from the end of the previous one. */
  serial: boolean;
  /** When the last request to the host ended. */
  lastEnd: number;
  waiters: Waiter[];
  timer: NodeJS.Timeout | null;
}

/**
 * Hands out request slots so that no host sees more than `perHostConcurrency` requests at once or two
 * request starts closer than the rate limit allows, and no more than `concurrency` requests are in flight
 * in total. A host whose robots.txt sets a Crawl-delay gets one request at a time, each starting at least
 * the delay after the previous one ended: the server then sees the delay between any two of our requests,
 * however late either side's event loop runs. Waiters are served first come, first served per host.
 */
export class HostScheduler {
  readonly #options: HostSchedulerOptions;
  readonly #hosts = new Map<string, HostState>();
  readonly #now: () => number;
  #inFlight = 0;

  constructor(options: HostSchedulerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  #host(origin: string): HostState {
    let state = this.#hosts.get(origin);
    if (state === undefined) {
      state = { inFlight: 0, nextStart: 0, gapMs: this.#options.minGapMs, serial: false, lastEnd: Number.NEGATIVE_INFINITY, waiters: [], timer: null };
      this.#hosts.set(origin, state);
    }
    return state;
  }

  /** Applies robots.txt's Crawl-delay: one request at a time, `ms` between the end of one and the start of the next. */
  setCrawlDelay(origin: string, ms: number): void {
    const state = this.#host(origin);
    state.gapMs = Math.max(this.#options.minGapMs, ms);
    state.serial = true;
    if (Number.isFinite(state.lastEnd)) state.nextStart = Math.max(state.nextStart, state.lastEnd + state.gapMs);
  }

  /** The gap in force for a host, in milliseconds. */
  gapMs(origin: string): number {
    return this.#host(origin).gapMs;
  }

  /** Holds every request to a host for `ms` (the server asked to slow down). */
  pause(origin: string, ms: number): void {
    const state = this.#host(origin);
    state.nextStart = Math.max(state.nextStart, this.#now() + ms);
  }

  /**
   * Waits for a slot on `origin`; call the returned function when the request is done (`grantedAt`: when
   * the slot was given). With a `deadline` (scheduler clock), resolves null instead once the deadline
   * passes without a slot, so a budget-bound crawl never waits behind other crawls' requests.
   */
  acquire(origin: string): Promise<Release>;
  acquire(origin: string, deadline: number | undefined): Promise<Release | null>;
  acquire(origin: string, deadline?: number): Promise<Release | null> {
    const state = this.#host(origin);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        timer: null,
        grant: (grantedAt) => {
          if (waiter.timer !== null) clearTimeout(waiter.timer);
          let released = false;
          resolve(
            Object.assign(
              () => {
                if (released) return;
                released = true;
                state.inFlight -= 1;
                this.#inFlight -= 1;
                state.lastEnd = this.#now();
                if (state.serial) state.nextStart = Math.max(state.nextStart, state.lastEnd + state.gapMs);
                this.#pumpAll();
              },
              { grantedAt },
            ),
          );
        },
      };
      if (deadline !== undefined) {
        const left = deadline - this.#now();
        if (left <= 0) return resolve(null);
        waiter.timer = setTimeout(() => {
          const i = state.waiters.indexOf(waiter);
          if (i !== -1) state.waiters.splice(i, 1);
          resolve(null);
        }, Math.ceil(left));
      }
      state.waiters.push(waiter);
      this.#pump(state);
    });
  }

  #pumpAll(): void {
    for (const state of this.#hosts.values()) if (state.waiters.length > 0) this.#pump(state);
  }

  #pump(state: HostState): void {
    while (state.waiters.length > 0 && state.inFlight < (state.serial ? 1 : this.#options.perHostConcurrency) && this.#inFlight < this.#options.concurrency) {
      const wait = state.nextStart - this.#now();
      if (wait > 0) {
        if (state.timer === null) {
          state.timer = setTimeout(() => {
            state.timer = null;
            this.#pump(state);
          }, Math.ceil(wait));
        }
        return;
      }
      const next = state.waiters.shift()!;
      state.inFlight += 1;
      this.#inFlight += 1;
      // One clock reading for both: the next start is exactly the gap after this grant (a second reading here
      // made two grants 24.98 ms apart under a 25 ms gap).
      const now = this.#now();
      state.nextStart = now + state.gapMs;
      next.grant(now);
    }
  }
}
