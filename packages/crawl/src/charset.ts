/** How a response body's character set was decided, in the order HTML's encoding sniffing uses. */
export type CharsetSource = 'bom' | 'header' | 'meta' | 'utf-8-valid' | 'fallback';

export interface DecodedBody {
  text: string;
  /** WHATWG encoding name actually used (`utf-8`, `windows-1252`, `shift_jis`, …). */
  charset: string;
  source: CharsetSource;
}

/** `charset=` of a Content-Type header, lower-cased, or null. */
export function charsetFromContentType(contentType: string | null): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/iu.exec(contentType ?? '');
  return m === null ? null : m[1]!.toLowerCase();
}

/** The charset a `<meta charset>` or `<meta http-equiv="Content-Type">` declares in the first 1024 bytes. */
export function sniffMetaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/iu.exec(head);
  return direct === null ? null : direct[1]!.toLowerCase();
}

/**
 * WHATWG windows-1252 code points for bytes 0x80–0x9F (0 = unmapped, kept as the C1 control). Node 20's
 * TextDecoder decodes this label as ISO-8859-1, turning "–" (0x96) and "…" (0x85) into control characters.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** Decodes windows-1252 (and the labels WHATWG maps to it: iso-8859-1, latin1, us-ascii) byte by byte. */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    const codes = new Array<number>(chunk.length);
    for (let j = 0; j < chunk.length; j += 1) {
      const b = chunk[j]!;
      codes[j] = b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80] || b : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

function decodeWith(encoding: string, bytes: Uint8Array): string {
  return encoding === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder(encoding).decode(bytes);
}

function decoderFor(label: string): { encoding: string } | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/**
 * Decodes a body: byte-order mark, then the Content-Type charset, then a `<meta>` declaration, then
 * UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers assume for legacy pages).
 * Unknown labels are skipped, never fatal.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedBody {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', source: 'bom' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), charset: 'utf-16be', source: 'bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), charset: 'utf-16le', source: 'bom' };
  for (const [label, source] of [
    [charsetFromContentType(contentType), 'header'],
    [sniffMetaCharset(bytes), 'meta'],
  ] as const) {
    if (label === null) continue;
    const decoder = decoderFor(label);
    // A page cannot declare UTF-16 in its own ASCII-compatible markup; HTML treats that as UTF-8.
    if (decoder !== null) {
      const encoding = decoder.encoding.startsWith('utf-16') && source === 'meta' ? 'utf-8' : decoder.encoding;
      return { text: decodeWith(encoding, bytes), charset: encoding, source };
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), charset: 'utf-8', source: 'utf-8-valid' };
  } catch {
    return { text: decodeWindows1252(bytes), charset: 'windows-1252', source: 'fallback' };
  }
}
