import { createHash } from 'node:crypto';

/**
 * Serialises a value with object keys sorted at every depth, so equal data always gives equal bytes.
 * Byte-for-byte `JSON.stringify(sortKeysDeep(value))`, written out directly so that no sorted copy of
 * every record is allocated first (the writers' hot loop). The copy's quirks are kept: integer-like keys
 * come first in ascending order (the engine orders them so in the copy), `undefined`, function and symbol
 * values and a `__proto__` key are left out, and any object serialises as its own enumerable keys.
 */
export function stableStringify(value: unknown): string {
  return writeStable(value) as string;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/u;

function isArrayIndex(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

function writeStable(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += `${i === 0 ? '' : ','}${writeStable(value[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const indexes = keys.filter(isArrayIndex);
  const ordered = indexes.length === 0 ? keys : [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  let out = '{';
  let first = true;
  for (const key of ordered) {
    if (key === '__proto__') continue;
    const v = record[key];
    if (v === undefined) continue;
    const text = writeStable(v);
    if (text === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

/** Returns a copy of `value` whose objects have their keys in sorted order (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 hex of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 hex of the stable serialisation of any JSON value. */
export function stableHash(value: unknown): string {
  return sha256Hex(stableStringify(value));
}

/** A short, stable id: `prefix` + the first `length` hex chars of the SHA-256 of the parts joined by `\u001f`. */
export function stableId(prefix: string, parts: ReadonlyArray<string | number>, length = 16): string {
  return `${prefix}${sha256Hex(parts.map(String).join('\u001f')).slice(0, length)}`;
}

/** Checksum of page text as PageSnapshot defines it: whitespace runs collapsed, trimmed, SHA-256 hex. */
export function textChecksum(text: string): string {
  return sha256Hex(text.replace(/\s+/gu, ' ').trim());
}
