import type { PlacementRecord } from './types.ts';

/** One copy of each equal string (record ids, institution names, headings): a million records name a few thousand. */
export class Interner {
  readonly #strings = new Map<string, string>();

  get(value: string): string {
    const hit = this.#strings.get(value);
    if (hit !== undefined) return hit;
    this.#strings.set(value, value);
    return value;
  }
}

/**
 * The S0 records placement needs, held compactly: one slot per record id a concept cites (`cite`), filled
 * when S0's record is read (`set`); records no concept cites are never kept. A slot holds the record's
 * level, its canonical institution (one shared string per institution), its declared parent and heading
 * (sparse: most records have neither) and, for level-0 records only, its text (placement reads the text
 * of top-level units alone: is it a school, a department?). Ids, institutions and anchors are interned, so
 * a concept's `record_ids` and the table share one string per id.
 */
export class RecordTable {
  readonly #slot = new Map<string, number>();
  readonly #ids: string[] = [];
  /** The record's level, or -1 while S0 has not given the cited record. */
  readonly #level: number[] = [];
  readonly #institution: string[] = [];
  readonly #declared = new Map<number, string>();
  readonly #section = new Map<number, string>();
  readonly #text = new Map<number, string>();
  readonly #strings = new Interner();
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
    const at = this.#slot.get(id);
    if (at !== undefined) return this.#ids[at]!;
    this.#slot.set(id, this.#ids.length);
    this.#ids.push(id);
    this.#level.push(-1);
    this.#institution.push('');
    return id;
  }

  /** The shared copy of a string (institution names, so equal names are one string). */
  intern(value: string): string {
    return this.#strings.get(value);
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
    this.#institution[at] = this.#strings.get(record.institution);
    setOrDelete(this.#declared, at, record.declared === null ? null : this.#strings.get(record.declared));
    setOrDelete(this.#section, at, record.section === null ? null : this.#strings.get(record.section));
    setOrDelete(this.#text, at, record.level === 0 ? record.text : null);
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
    return this.#institution[at]!;
  }

  declared(at: number): string | null {
    return this.#declared.get(at) ?? null;
  }

  section(at: number): string | null {
    return this.#section.get(at) ?? null;
  }

  /** The text of a level-0 record (placement reads no other record's text); null for the others. */
  text(at: number): string | null {
    return this.#text.get(at) ?? null;
  }
}

function setOrDelete(map: Map<number, string>, at: number, value: string | null): void {
  if (value === null) map.delete(at);
  else map.set(at, value);
}
