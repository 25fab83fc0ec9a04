import { createHash } from 'node:crypto';

/** Serialises a value with object keys sorted at every depth, so equal data always gives equal bytes. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
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
