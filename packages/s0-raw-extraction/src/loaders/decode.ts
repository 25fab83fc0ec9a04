/**
 * Turning source bytes into text the same way in every loader: a byte-order mark wins (UTF-8, UTF-16 LE/BE),
 * then a page's own `<meta charset>`, else UTF-8; decoding is strict. Bytes that do not decode are never
 * replaced by U+FFFD ("Caf� School"): the caller quarantines the line or the page, or counts it.
 */

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

/** The encoding a byte-order mark announces and the mark's length, or null. */
export function sniffBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/iu;

/** The charset an HTML page declares in its first 1024 bytes (`<meta charset>` or `http-equiv` content), or null. */
export function sniffHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = META_CHARSET.exec(head);
  return m === null ? null : m[1]!.toLowerCase();
}

/** Windows-1252 code points of bytes 0x80–0x9F (WHATWG's table; 0x81, 0x8D, 0x8F, 0x90, 0x9D stay C1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/**
 * Node 20's TextDecoder decodes "windows-1252" (and every label WHATWG maps to it: iso-8859-1, latin1,
 * ascii…) as Latin-1, so 0x96 came out as U+0096 instead of an en dash; this follows the WHATWG table.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    const part = bytes.subarray(i, i + 4096);
    out += String.fromCharCode(...Array.from(part, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b)));
  }
  return out;
}

function strictDecoder(encoding: string): { decode(bytes: Uint8Array): string } | null {
  try {
    const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    return decoder.encoding === 'windows-1252' ? { decode: decodeWindows1252 } : decoder;
  } catch {
    return null;
  }
}

/**
 * Decodes a whole document (a page, a UTF-16 file). `html` lets a `<meta charset>` choose the encoding when
 * no BOM does. A NUL byte outside UTF-16 marks a binary file.
 */
export function decodeDocument(bytes: Uint8Array, options: { html?: boolean } = {}): Decoded {
  const bom = sniffBom(bytes);
  const declared = bom === null && options.html === true ? sniffHtmlCharset(bytes) : null;
  const encoding = bom?.encoding ?? declared ?? 'utf-8';
  const body = bytes.subarray(bom?.length ?? 0);
  if (!encoding.startsWith('utf-16') && body.includes(0)) return { ok: false, reason: 'binary content (NUL bytes)' };
  const decoder = strictDecoder(encoding);
  if (decoder === null) return { ok: false, reason: `unknown charset "${encoding}"` };
  try {
    return { ok: true, text: decoder.decode(body), encoding };
  } catch {
    return { ok: false, reason: `invalid ${encoding}${declared !== null ? ' (the charset the page declares)' : ''}` };
  }
}

export interface DecodedLines {
  /** The text, with every line that did not decode replaced by an empty line (so line numbers stay right). */
  text: string;
  /** 1-based numbers of the lines that did not decode, with their bytes shown as Latin-1 for the quarantine. */
  bad: Array<{ line: number; raw: string }>;
  encoding: string;
}

/**
 * The lines of a byte buffer: LF, CRLF and a lone CR each end one (an old Mac file is many lines, not one).
 * A final terminator does not start an empty last line.
 */
export function splitByteLines(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: Buffer[] = [];
  let start = 0;
  let nextLf = buf.indexOf(0x0a);
  let nextCr = buf.indexOf(0x0d);
  while (start < buf.length) {
    if (nextLf !== -1 && nextLf < start) nextLf = buf.indexOf(0x0a, start);
    if (nextCr !== -1 && nextCr < start) nextCr = buf.indexOf(0x0d, start);
    const nl = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
    if (nl === -1) {
      lines.push(buf.subarray(start));
      break;
    }
    lines.push(buf.subarray(start, nl));
    start = buf[nl] === 0x0d && buf[nl + 1] === 0x0a ? nl + 2 : nl + 1;
  }
  return lines;
}

/**
 * Decodes a line-oriented file (CSV, lists) line by line, so one bad line is quarantined and the rest
 * read; lines come back joined by LF whatever the file used. UTF-16 files (by BOM) are decoded whole; a
 * failure there is a file-level problem (null).
 */
export function decodeLines(bytes: Uint8Array): DecodedLines | null {
  const bom = sniffBom(bytes);
  if (bom !== null && bom.encoding !== 'utf-8') {
    const whole = decodeDocument(bytes);
    // Same lines as the UTF-8 path: one final line break ends the last line, it does not open an empty one.
    return whole.ok ? { text: whole.text.replace(/\r\n|\r/gu, '\n').replace(/\n$/u, ''), bad: [], encoding: whole.encoding } : null;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const parts: string[] = [];
  const bad: DecodedLines['bad'] = [];
  for (const [i, chunk] of splitByteLines(bytes.subarray(bom?.length ?? 0)).entries()) {
    try {
      parts.push(decoder.decode(chunk));
    } catch {
      bad.push({ line: i + 1, raw: chunk.toString('latin1').slice(0, 160) });
      parts.push('');
    }
  }
  return { text: parts.join('\n'), bad, encoding: 'utf-8' };
}
