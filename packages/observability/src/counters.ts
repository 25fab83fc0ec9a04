/** Named counters of one phase; reads back sorted so the metrics file is byte-stable. */
export class Counters {
  readonly #values = new Map<string, number>();

  /** Adds `by` (default 1) to a counter, creating it at zero. */
  increment(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
  }

  /** Sets a counter to an absolute value. */
  set(name: string, value: number): void {
    this.#values.set(name, value);
  }

  /** Makes sure a counter shows in the output even when it stayed zero. */
  declare(...names: string[]): void {
    for (const name of names) if (!this.#values.has(name)) this.#values.set(name, 0);
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
