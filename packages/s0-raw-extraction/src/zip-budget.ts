import { readFile } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { TaxonomyError } from '@taxonomy/core';

/**
 * An XLSX workbook is a ZIP archive, and a small one can inflate to gigabytes (3 GB took 3.4 GB of memory in
 * the audit). Before the workbook is opened, its entries are inflated once through a counter that keeps
 * nothing: the declared sizes in the central directory may lie, the count cannot.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

function findEndOfCentralDirectory(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 65_557);
  for (let i = buf.length - 22; i >= stop; i -= 1) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

/** The central directory's entries; null when the file is not a ZIP archive (the workbook reader then says so). */
function readEntries(buf: Buffer): Entry[] | null {
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== CENTRAL) return null;
    const method = buf.readUInt16LE(offset + 10);
    let compressedSize = buf.readUInt32LE(offset + 20);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    let localOffset = buf.readUInt32LE(offset + 42);
    const name = buf.toString('utf8', offset + 46, offset + 46 + nameLength);
    // ZIP64: the real sizes and offset sit in extra field 0x0001, in this order, for each field set to 0xFFFFFFFF.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = buf.readUInt16LE(extra);
      const size = buf.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        if (buf.readUInt32LE(offset + 24) === 0xffffffff) p += 8;
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(buf.readBigUInt64LE(p));
          p += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(buf.readBigUInt64LE(p));
      }
      extra += 4 + size;
    }
    entries.push({ name, method, compressedSize, localOffset });
    offset = extraEnd + commentLength;
  }
  return entries;
}

/** Inflates `data` (raw deflate) and counts its bytes, stopping as soon as `budget` is passed; returns the count. */
function countInflated(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget) {
        inflate.destroy();
        resolve(total);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', (err) => reject(err));
    inflate.end(data);
  });
}

/**
 * Throws INPUT_INVALID naming the workbook when its entries inflate to more than `maxBytes` in total.
 * A file that is not a ZIP archive, or a damaged entry, is left to the workbook reader's own error.
 */
export async function checkUnzippedSize(path: string, maxBytes: number, displayPath: string): Promise<void> {
  if (!Number.isFinite(maxBytes)) return;
  const buf = await readFile(path);
  const entries = readEntries(buf);
  if (entries === null) return;
  let total = 0;
  for (const entry of entries) {
    const at = entry.localOffset;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) return;
    const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    const data = buf.subarray(start, start + entry.compressedSize);
    let size: number;
    if (entry.method === 0) size = data.length;
    else if (entry.method === 8) {
      try {
        size = await countInflated(data, maxBytes - total);
      } catch {
        return;
      }
    } else return;
    total += size;
    if (total > maxBytes) {
      throw new TaxonomyError('INPUT_INVALID', `${displayPath}: the workbook inflates to more than s0.max_unzipped_bytes=${maxBytes} bytes (at entry ${entry.name}); not read`);
    }
  }
}
