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

function strictDecoder(encoding: string): InstanceType<typeof TextDecoder> | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
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
    return whole.ok ? { text: whole.text.replace(/\r\n|\r/gu, '\n'), bad: [], encoding: whole.encoding } : null;
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
