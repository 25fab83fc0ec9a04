import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { relativePath, removeStaleShards, sha256Hex, stableStringify, writeFileAtomic, type ArtifactRef } from '@taxonomy/core';

/** One serialized line with what it sorts by: its key, then the order it was added in (ties keep input order). */
interface Entry {
  key: string;
  seq: number;
  line: string;
}

function compare(a: Entry, b: Entry): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq;
}

export interface SortedJsonlWriterOptions {
  /** Output folder (created if missing). */
  dir: string;
  /** Shard base name: `<name>-00001.jsonl`, … as core's `writeJsonl` names them. */
  name: string;
  /** Lines per output shard (default 50,000, as `writeJsonl`). */
  shardSize?: number;
  /** Characters of serialized lines held before a sorted run goes to disk (default 16 Mi). */
  runChars?: number;
  /** Paths in the returned refs are made relative to this folder. */
  relativeTo?: string;
}

/**
 * The bytes core's `writeJsonl` writes (lines sorted by key, ties in input order, keys sorted inside each
 * object, shards of `shardSize` lines, each written atomically, stale shards of the name removed), built
 * without holding every item: items are serialized as they are added, held up to `runChars` characters,
 * then sorted and spilled to a temporary run file; `finish()` merges the runs into the shards. Memory is
 * bounded by one run plus one output shard, whatever the number of lines.
 */
export class SortedJsonlWriter<T> {
  readonly #options: Required<Omit<SortedJsonlWriterOptions, 'relativeTo'>> & { relativeTo: string | undefined };
  #buffer: Entry[] = [];
  #bufferChars = 0;
  #seq = 0;
  #runs: string[] = [];
  #tmp: string | null = null;

  /** `serialize` must give what core's `stableStringify` gives for the item (its default): the bytes of `writeJsonl`. */
  constructor(
    options: SortedJsonlWriterOptions,
    private readonly sortKey: (item: T) => string,
    private readonly serialize: (item: T) => string = stableStringify,
  ) {
    this.#options = { shardSize: 50_000, runChars: 16 * 1024 * 1024, ...options, relativeTo: options.relativeTo };
  }

  /** Lines added so far. */
  get size(): number {
    return this.#seq;
  }

  /** Adds one item; `order` (default: the order of the calls) breaks ties between equal keys. */
  async add(item: T, order?: number): Promise<void> {
    const line = this.serialize(item);
    this.#buffer.push({ key: this.sortKey(item), seq: order ?? this.#seq, line });
    this.#seq += 1;
    this.#bufferChars += line.length;
    if (this.#bufferChars >= this.#options.runChars) await this.#spill();
  }

  async #spill(): Promise<void> {
    if (this.#buffer.length === 0) return;
    this.#buffer.sort(compare);
    this.#tmp ??= await mkdtemp(join(tmpdir(), 's1-runs-'));
    const path = join(this.#tmp, `run-${this.#runs.length}.txt`);
    // key and seq as JSON, then the line: a JSON string holds no raw tab or newline, so both split safely.
    await writeFile(path, this.#buffer.map((e) => `${JSON.stringify(e.key)}\t${e.seq}\t${e.line}\n`).join(''));
    this.#runs.push(path);
    this.#buffer = [];
    this.#bufferChars = 0;
  }

  /** Writes the shards and returns their refs (one empty shard when nothing was added, as `writeJsonl`). */
  async finish(): Promise<ArtifactRef[]> {
    try {
      return await this.#write();
    } finally {
      if (this.#tmp !== null) await rm(this.#tmp, { recursive: true, force: true });
    }
  }

  async #write(): Promise<ArtifactRef[]> {
    const { dir, name, shardSize } = this.#options;
    let source: AsyncIterable<string> | Iterable<string>;
    if (this.#runs.length === 0) {
      this.#buffer.sort(compare);
      const buffer = this.#buffer;
      this.#buffer = [];
      source = buffer.map((e) => e.line);
    } else {
      await this.#spill();
      source = mergeRuns(this.#runs);
    }
    const refs: ArtifactRef[] = [];
    const written = new Set<string>();
    let lines: string[] = [];
    const flush = async () => {
      const fileName = shardSize <= 0 ? `${name}.jsonl` : `${name}-${String(refs.length + 1).padStart(5, '0')}.jsonl`;
      const body = Buffer.from(lines.join('\n') + (lines.length > 0 ? '\n' : ''));
      const path = join(dir, fileName);
      await writeFileAtomic(path, body);
      written.add(fileName);
      refs.push({ path: relativePath(path, this.#options.relativeTo), sha256: sha256Hex(body), records: lines.length });
      lines = [];
    };
    for await (const line of source) {
      lines.push(line);
      if (shardSize > 0 && lines.length === shardSize) await flush();
    }
    if (lines.length > 0 || refs.length === 0) await flush();
    await removeStaleShards(dir, name, written);
    return refs;
  }
}

/** A k-way merge of sorted run files (a binary heap of their heads), yielding the lines in (key, seq) order. */
async function* mergeRuns(paths: ReadonlyArray<string>): AsyncGenerator<string> {
  const readers = paths.map((p) => createInterface({ input: createReadStream(p, { encoding: 'utf8' }), crlfDelay: Infinity })[Symbol.asyncIterator]());
  const heap: Array<Entry & { reader: number }> = [];
  const next = async (reader: number): Promise<(Entry & { reader: number }) | null> => {
    const r = await readers[reader]!.next();
    if (r.done === true) return null;
    const text = r.value;
    const a = text.indexOf('\t');
    const b = text.indexOf('\t', a + 1);
    return { key: JSON.parse(text.slice(0, a)) as string, seq: Number(text.slice(a + 1, b)), line: text.slice(b + 1), reader };
  };
  const push = (e: Entry & { reader: number }) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[parent]!, heap[i]!) <= 0) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): Entry & { reader: number } => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && compare(heap[l]!, heap[m]!) < 0) m = l;
        if (r < heap.length && compare(heap[r]!, heap[m]!) < 0) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  for (let i = 0; i < readers.length; i += 1) {
    const e = await next(i);
    if (e !== null) push(e);
  }
  while (heap.length > 0) {
    const top = pop();
    yield top.line;
    const e = await next(top.reader);
    if (e !== null) push(e);
  }
}

