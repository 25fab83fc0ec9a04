import { writeJsonl, type ArtifactRef, type BadLine, type QuarantineEntry } from '@taxonomy/core';

/** Longest excerpt of the offending input a quarantine entry keeps. */
export const RAW_EXCERPT_CHARS = 160;

/** Collects items set aside with a reason; written as `quarantine.jsonl` in the phase's own folder. */
export class Quarantine {
  readonly #entries: QuarantineEntry[] = [];
  readonly #phase: string;

  constructor(phase: string) {
    this.#phase = phase;
  }

  /**
   * Adds one entry; `raw` is cut to a short excerpt (160 characters), so a 5 MB line does not become a 5 MB
   * quarantine line and a file that should never have been read cannot be copied into an artifact.
   */
  add(entry: { reason: string; file?: string | null; line?: number | null; item_id?: string | null; raw?: string | null }): void {
    this.#entries.push({
      phase: this.#phase,
      reason: entry.reason,
      file: entry.file ?? null,
      line: entry.line ?? null,
      item_id: entry.item_id ?? null,
      raw: entry.raw === undefined || entry.raw === null ? null : entry.raw.slice(0, RAW_EXCERPT_CHARS),
    });
  }

  /** Adapter for the JSONL reader's `onBad`. */
  readonly addBadLine = (bad: BadLine): void => {
    this.add({ reason: bad.reason, file: bad.file, line: bad.line, raw: bad.raw });
  };

  get size(): number {
    return this.#entries.length;
  }

  get entries(): ReadonlyArray<QuarantineEntry> {
    return this.#entries;
  }

  /** Counts per reason (the reason text up to its first colon), for the metrics. */
  countsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.#entries) {
      const key = e.reason.split(':')[0]!.trim();
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** Writes `quarantine.jsonl` (always, empty when nothing was set aside) sorted by file, line, reason. */
  async write(dir: string, relativeTo?: string): Promise<ArtifactRef[]> {
    return writeJsonl({
      dir,
      name: 'quarantine',
      items: this.#entries,
      shardSize: 0,
      sortKey: (e) => `${e.file ?? ''}\u0000${String(e.line ?? 0).padStart(12, '0')}\u0000${e.item_id ?? ''}\u0000${e.reason}`,
      ...(relativeTo === undefined ? {} : { relativeTo }),
    });
  }
}
