import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type * as z from 'zod';
import { TaxonomyError } from './errors.ts';
import { sha256File } from './artifact-check.ts';
import { sha256Hex, stableStringify, sortKeysDeep } from './hashing.ts';
import type { ArtifactRef } from './entities.ts';
import { verifiedChecksum } from './verified-checksums.ts';

/** A line that could not be used, with where it was and why. */
export interface BadLine {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

export interface ReadJsonlOptions<T> {
  /** Every line is parsed with this schema; a failure is a bad line, not an exception. */
  schema: z.ZodType<T>;
  /** Receives every bad line (malformed JSON, schema failure, invalid UTF-8, over-long line). */
  onBad: (bad: BadLine) => void;
  /** Lines longer than this many bytes are quarantined without being parsed (default 4 MiB). */
  maxLineBytes?: number;
}

const RAW_PREVIEW_CHARS = 500;
const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Formats zod issues as `path: message; path: message` so a bad line names the field. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Streams a JSONL file, validating each line with `schema`. Good lines are yielded with their line
 * number; bad lines go to `onBad` with file, line and reason. A BOM is tolerated, blank lines skipped.
 * LF, CRLF and a lone CR all end a line (a raw CR cannot occur inside a JSON string), so a file written
 * with old Mac line endings is many lines, not one over-long bad line. Never holds more than one line
 * besides the current read chunk. Throws only when the file itself cannot be read.
 */
export async function* readJsonl<T>(file: string, options: ReadJsonlOptions<T>): AsyncGenerator<{ value: T; line: number }> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  await assertReadableFile(file);
  // One generator does the splitting and the parsing: a second generator in between cost an extra
  // promise hop per line, a measurable share of reading a large file.
  const parse = (line: number, bytes: Buffer | null, length: number): { value: T; line: number } | null => {
    if (bytes === null) {
      options.onBad({ file, line, reason: `line is ${length} bytes, over the ${maxLineBytes}-byte limit`, raw: '' });
      return null;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      options.onBad({ file, line, reason: 'invalid UTF-8', raw: bytes.toString('latin1').slice(0, RAW_PREVIEW_CHARS) });
      return null;
    }
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim().length === 0) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      options.onBad({ file, line, reason: `malformed JSON: ${(err as Error).message}`, raw: text.slice(0, RAW_PREVIEW_CHARS) });
      return null;
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      options.onBad({ file, line, reason: `schema: ${formatZodIssues(parsed.error)}`, raw: text.slice(0, RAW_PREVIEW_CHARS) });
      return null;
    }
    return { value: parsed.data, line };
  };
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = false;
  let lineNo = 0;
  let skipLf = false;
  const lineBytes = (): Buffer | null => (overflow ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    if (skipLf && chunk.length > 0) {
      if (chunk[0] === 0x0a) start = 1;
      skipLf = false;
    }
    let nextLf = chunk.indexOf(0x0a, start);
    let nextCr = chunk.indexOf(0x0d, start);
    for (;;) {
      if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(0x0a, start);
      if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(0x0d, start);
      const nl = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!overflow) {
        if (size + piece.length > maxLineBytes) {
          overflow = true;
          parts = [];
        } else if (piece.length > 0) parts.push(piece);
      }
      size += piece.length;
      if (nl === -1) break;
      lineNo += 1;
      const item = parse(lineNo, lineBytes(), size);
      parts = [];
      size = 0;
      overflow = false;
      start = nl + 1;
      if (chunk[nl] === 0x0d) {
        if (nl + 1 < chunk.length) {
          if (chunk[nl + 1] === 0x0a) start = nl + 2;
        } else skipLf = true;
      }
      if (item !== null) yield item;
    }
  }
  if (size > 0 || parts.length > 0) {
    lineNo += 1;
    const item = parse(lineNo, lineBytes(), size);
    if (item !== null) yield item;
  }
}

/** Reads a whole JSONL file (or every `*.jsonl` shard of a folder, in name order) into memory. */
export async function readJsonlAll<T>(path: string, options: ReadJsonlOptions<T>): Promise<T[]> {
  const out: T[] = [];
  for (const file of await listJsonlFiles(path)) {
    for await (const { value } of readJsonl(file, options)) out.push(value);
  }
  return out;
}

/** The JSONL files at `path`: the file itself, or the `*.jsonl` files of a folder sorted by name. */
export async function listJsonlFiles(path: string, prefix = ''): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${path}`);
  if (info.isFile()) return [path];
  const names = (await readdir(path)).filter((n) => n.endsWith('.jsonl') && n.startsWith(prefix)).sort();
  return names.map((n) => join(path, n));
}

async function assertReadableFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info === null) throw new TaxonomyError('INPUT_NOT_FOUND', `input not found: ${file}`);
  if (!info.isFile()) throw new TaxonomyError('INPUT_INVALID', `not a file: ${file}`);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

export interface WriteJsonlOptions<T> {
  /** Output folder (created if missing). */
  dir: string;
  /** Shard base name: shards are `<name>-00001.jsonl`, … (or `<name>.jsonl` when `shardSize` is 0). */
  name: string;
  items: ReadonlyArray<T>;
  /** Stable sort key; ties keep their input order. */
  sortKey: (item: T) => string;
  /** Lines per shard; 0 writes one unsharded file (default 50,000). */
  shardSize?: number;
  /** Paths in returned refs are made relative to this folder (default: as given). */
  relativeTo?: string;
}

/**
 * Writes items as JSONL, sorted by `sortKey`, keys sorted inside every object, sharded, each shard to a
 * temporary file then renamed, so a crash never leaves a half artifact and equal data gives equal bytes.
 * Shards of the same name left from an earlier, larger run are removed.
 */
export async function writeJsonl<T>(options: WriteJsonlOptions<T>): Promise<ArtifactRef[]> {
  const shardSize = options.shardSize ?? 50_000;
  const items = options.items;
  // Positions sorted by key, ties by position: no wrapper object per item (100k records are kept alive anyway).
  const keys = items.map((item) => options.sortKey(item));
  const order = Array.from({ length: items.length }, (_, i) => i);
  order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  await mkdir(options.dir, { recursive: true });
  const refs: ArtifactRef[] = [];
  const shards: Array<[number, number]> = [];
  if (shardSize <= 0) shards.push([0, order.length]);
  else for (let i = 0; i < order.length || (i === 0 && shards.length === 0); i += shardSize) shards.push([i, Math.min(order.length, i + shardSize)]);
  const written = new Set<string>();
  for (const [i, [from, to]] of shards.entries()) {
    const fileName = shardSize <= 0 ? `${options.name}.jsonl` : `${options.name}-${String(i + 1).padStart(5, '0')}.jsonl`;
    const path = join(options.dir, fileName);
    const sha256 = await writeLinesAtomic(path, to - from, (k) => canonicalJson(items[order[from + k]!]));
    written.add(fileName);
    refs.push({ path: relativePath(path, options.relativeTo), sha256, records: to - from });
  }
  await removeStaleShards(options.dir, options.name, written);
  return refs;
}

/**
 * The canonical JSON of a value, equal to `stableStringify(value)`: when every object in it is a plain object
 * whose keys already come in sorted order (and holds no function), `JSON.stringify` gives those bytes
 * without the sorted deep copy; anything else takes the copy. A check walks the value without allocating.
 */
export function canonicalJson(value: unknown): string {
  return keysSortedDeep(value) ? JSON.stringify(value) : stableStringify(value);
}

function keysSortedDeep(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function';
  if (Array.isArray(value)) {
    for (const v of value) if (!keysSortedDeep(v)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | null = null;
  // for…in on a plain object visits its own enumerable string keys in the order JSON.stringify writes them
  // (integer-like keys first, ascending): any order `sort()` would change fails the check.
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    previous = key;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'function' || (typeof v === 'object' && v !== null && !keysSortedDeep(v))) return false;
  }
  return true;
}

const WRITE_CHUNK_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/**
 * Text encoded straight into one reusable 1 MiB buffer that is hashed and written as it fills. `add` is
 * synchronous while the text fits (most lines: no promise per line); when it does not, `addFlushing` writes the
 * buffer first, and a text longer than the buffer is encoded once, on its own.
 */
class HashedWriter {
  readonly hash = createHash('sha256');
  readonly #buffer = Buffer.allocUnsafe(WRITE_CHUNK_BYTES);
  #used = 0;
  constructor(private readonly handle: FileHandle) {}

  /** Adds `text` (and a newline) if it fits in the buffer; false when `addFlushing` must take it. */
  add(text: string, newline: boolean): boolean {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    if (this.#used + text.length * 3 + 1 > this.#buffer.length) return false;
    this.#used += this.#buffer.write(text, this.#used);
    if (newline) this.#buffer[this.#used++] = 0x0a;
    return true;
  }

  async addFlushing(text: string, newline: boolean): Promise<void> {
    await this.flush();
    if (this.add(text, newline)) return;
    await this.#write(Buffer.from(text));
    if (newline) await this.#write(NEWLINE);
  }

  async flush(): Promise<void> {
    if (this.#used > 0) await this.#write(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  async #write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    let offset = 0;
    while (offset < bytes.length) offset += (await this.handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
  }
}

/** Writes what `fill` adds to a temporary sibling, then renames it over `path`; the SHA-256 of its bytes. A failed write removes the temporary file. */
async function writeHashedAtomic(path: string, fill: (w: HashedWriter) => Promise<void>): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(tmp, 'w');
  let hash: string;
  try {
    const w = new HashedWriter(handle);
    await fill(w);
    await w.flush();
    hash = w.hash.digest('hex');
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, path);
  return hash;
}

/**
 * Writes `count` lines (each followed by `\n`) atomically through a 1 MiB buffer hashed as it fills; returns
 * the SHA-256 of the bytes written. Joining a 50k-line shard into one string and encoding that cost more than
 * serialising it.
 */
export function writeLinesAtomic(path: string, count: number, line: (index: number) => string | undefined): Promise<string> {
  return writeHashedAtomic(path, async (w) => {
    for (let k = 0; k < count; k += 1) {
      // JSON.stringify of undefined (or a function) is undefined, which the joined lines wrote as an empty line.
      const text = line(k) ?? '';
      if (!w.add(text, true)) await w.addFlushing(text, true);
    }
  });
}

/** Writes the concatenation of `pieces` atomically, never joining them, and returns its SHA-256 (the HTML report). */
export function writeTextAtomic(path: string, pieces: Iterable<string>): Promise<string> {
  return writeHashedAtomic(path, async (w) => {
    for (const piece of pieces) if (!w.add(piece, false)) await w.addFlushing(piece, false);
  });
}

/** Writes a JSON document (keys sorted, 2-space indent, trailing newline) atomically. */
export async function writeJsonFile(path: string, value: unknown, relativeTo?: string): Promise<ArtifactRef> {
  const body = `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, body);
  return { path: relativePath(path, relativeTo), sha256: sha256Hex(body), records: null };
}

/** Reads and validates a JSON document; a missing or invalid file is an error naming the file. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new TaxonomyError('ARTIFACT_MISSING', `cannot read ${path}`, { cause: err });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TaxonomyError('INPUT_INVALID', `${path}: malformed JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new TaxonomyError('INPUT_INVALID', `${path}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** Writes `body` to a temporary sibling then renames it over `path`. */
export async function writeFileAtomic(path: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, body);
  await rename(tmp, path);
}

/**
 * SHA-256 of an existing file, as an artifact reference. A file this process verified against its producer's
 * metrics and that is unchanged since is not read again (verified-checksums.ts).
 */
export async function describeFile(path: string, relativeTo?: string): Promise<ArtifactRef> {
  const known = isAbsolute(path) ? verifiedChecksum(path) : null;
  return { path: relativePath(path, relativeTo), sha256: known ?? (await sha256File(path)), records: null };
}

/** Removes the shards of `name` in `dir` (`name.jsonl`, `name-00001.jsonl`, …) that this write did not produce. */
export async function removeStaleShards(dir: string, name: string, written: ReadonlySet<string>): Promise<void> {
  const shardPattern = new RegExp(`^${escapeRegExp(name)}(-\\d{5})?\\.jsonl$`, 'u');
  for (const file of await readdir(dir)) {
    if (shardPattern.test(file) && !written.has(file)) await rm(join(dir, file));
  }
}

/** `path` relative to `base` when it lies under it (an artifact reference's path), else unchanged. */
export function relativePath(path: string, base: string | undefined): string {
  if (base === undefined) return path;
  const b = base.endsWith('/') ? base : `${base}/`;
  return path.startsWith(b) ? path.slice(b.length) : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
