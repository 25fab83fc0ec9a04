import { stableHash } from '@taxonomy/core';

/** Hands out the position of each op in the run's history; merge and split ops share one counter. */
export class OpSequence {
  #next = 0;

  next(): number {
    this.#next += 1;
    return this.#next;
  }

  get count(): number {
    return this.#next;
  }
}

/** An op id derived from the op's content (no uuid, no clock): equal runs give equal ids. */
export function opContentId(prefix: string, body: unknown): string {
  return `${prefix}${stableHash(body).slice(0, 16)}`;
}
