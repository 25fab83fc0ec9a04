import type { PlacementRecord } from './types.ts';

/** Strings numbered in first-seen order, one copy each. */
class StringPool {
  readonly #index = new Map<string, number>();
  readonly values: string[] = [];

  add(value: string): number {
    let at = this.#index.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.#index.set(value, at);
      this.values.push(value);
    }
    return at;
  }
}

/**
 * The S0 records placement needs, held compactly: one slot per record id a concept cites (`cite`), filled
 * when S0's record is read (`set`); records no concept cites are never kept. A slot is a few numbers in
 * typed columns: the record's level, its canonical institution, its declared parent and heading (most
 * records have neither) and, for level-0 records only, its text (placement reads the text of top-level
 * units alone: is it a school, a department?) — institutions and anchors numbered in pools, one copy of
 * each string, and the ids shared with the concepts' `record_ids`.
 */
export class RecordTable {
  readonly #slot = new Map<string, number>();
  readonly #ids: string[] = [];
  /** The record's level, or -1 while S0 has not given the cited record. */
  #level = new Int8Array(1024);
  #institution = new Int32Array(1024);
  /** Anchor numbers (`#anchors`), -1 for none. */
  #declared = new Int32Array(1024);
  #section = new Int32Array(1024);
  /** Level-0 text numbers (`#texts`), -1 for none. */
  #text = new Int32Array(1024);
  readonly #names = new StringPool();
  readonly #anchors = new StringPool();
  readonly #texts: string[] = [];
  #read = 0;

  /** A table of the given records, every one cited (for tests and small inputs). */
  static of(records: Iterable<PlacementRecord>): RecordTable {
    const table = new RecordTable();
    for (const r of records) {
      table.cite(r.id);
      table.set(r);
    }
    return table;
  }

  /** Registers a record id a concept cites and returns the one shared copy of that id. */
  cite(id: string): string {
    const known = this.#slot.get(id);
    if (known !== undefined) return this.#ids[known]!;
    const at = this.#ids.length;
    if (at === this.#level.length) this.#grow();
    this.#slot.set(id, at);
    this.#ids.push(id);
    this.#level[at] = -1;
    return id;
  }

  #grow(): void {
    const size = this.#level.length * 2;
    const grown = <T extends Int8Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.#level = grown(this.#level, (n) => new Int8Array(n));
    this.#institution = grown(this.#institution, (n) => new Int32Array(n));
    this.#declared = grown(this.#declared, (n) => new Int32Array(n));
    this.#section = grown(this.#section, (n) => new Int32Array(n));
    this.#text = grown(this.#text, (n) => new Int32Array(n));
  }

  /** The shared copy of an institution name, so equal names are one string. */
  intern(value: string): string {
    return this.#names.values[this.#names.add(value)]!;
  }

  isCited(id: string): boolean {
    return this.#slot.has(id);
  }

  /** Fills the slot of a cited record (the last read wins, as a map would); false when no concept cites it. */
  set(record: PlacementRecord): boolean {
    const at = this.#slot.get(record.id);
    if (at === undefined) return false;
    if (this.#level[at] === -1) this.#read += 1;
    this.#level[at] = record.level;
    this.#institution[at] = this.#names.add(record.institution);
    this.#declared[at] = record.declared === null ? -1 : this.#anchors.add(record.declared);
    this.#section[at] = record.section === null ? -1 : this.#anchors.add(record.section);
    if (record.level !== 0) this.#text[at] = -1;
    else {
      this.#text[at] = this.#texts.length;
      this.#texts.push(record.text);
    }
    return true;
  }

  /** The slot of a record S0 gave, or -1 (not cited, or cited but never read). */
  find(id: string): number {
    const at = this.#slot.get(id);
    return at === undefined || this.#level[at] === -1 ? -1 : at;
  }

  /** Cited record ids. */
  get cited(): number {
    return this.#ids.length;
  }

  /** Cited records S0 gave. */
  get read(): number {
    return this.#read;
  }

  id(at: number): string {
    return this.#ids[at]!;
  }

  level(at: number): number {
    return this.#level[at]!;
  }

  institution(at: number): string {
    return this.#names.values[this.#institution[at]!]!;
  }

  declared(at: number): string | null {
    const n = this.#declared[at]!;
    return n === -1 ? null : this.#anchors.values[n]!;
  }

  section(at: number): string | null {
    const n = this.#section[at]!;
    return n === -1 ? null : this.#anchors.values[n]!;
  }

  /** The text of a level-0 record (placement reads no other record's text); null for the others. */
  text(at: number): string | null {
    const n = this.#text[at]!;
    return n === -1 ? null : this.#texts[n]!;
  }
}
