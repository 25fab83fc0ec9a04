import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceRecordSchema } from './entities.ts';
import { stableStringify } from './hashing.ts';
import { canonicalJson, readJsonl, readJsonlAll, writeJsonl, writeLinesAtomic, writeTextAtomic, type BadLine } from './jsonl.ts';
import { sha256Hex } from './hashing.ts';

const GOOD = {
  text: 'UNIVERSITY OF PENNSYLVANIA - the Wharton School',
  provenance: { institution: 'UNIVERSITY OF PENNSYLVANIA', url: 'file:data/Faculty Extraction Report.xlsx', section: '<default>' },
  meta: { language: 'en', charset: 'utf-8', hints: { source: 'excel', level: 'S0' } },
};

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'core-jsonl-'));
}

describe('readJsonl', () => {
  it('keeps every good line and quarantines every bad line with file, line and reason', async () => {
    const dir = await tempDir();
    const file = join(dir, 'records.jsonl');
    const good2 = { ...GOOD, text: 'YALE UNIVERSITY - Physics, Department of', provenance: { institution: 'YALE UNIVERSITY' } };
    const lines: Buffer[] = [
      Buffer.from(`\uFEFF${JSON.stringify(GOOD)}\r\n`), // 1: BOM + CRLF, good
      Buffer.from('{"text": "broken\r\n'), // 2: malformed JSON
      Buffer.from(`${JSON.stringify({ ...GOOD, text: 42 })}\r\n`), // 3: wrong type
      Buffer.from(`${JSON.stringify({ ...GOOD, text: '   ' })}\n`), // 4: empty text
      Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('", "provenance": {"institution": "X"}}\n')]), // 5: invalid UTF-8
      Buffer.from(`${JSON.stringify({ ...GOOD, text: 'x'.repeat(5 * 1024 * 1024) })}\n`), // 6: 5 MB line
      Buffer.from('\n'), // 7: blank, skipped
      Buffer.from(`${JSON.stringify(good2)}`), // 8: good, no trailing newline
    ];
    await writeFile(file, Buffer.concat(lines));
    const bad: BadLine[] = [];
    const got: Array<{ line: number; text: string }> = [];
    for await (const { value, line } of readJsonl(file, { schema: SourceRecordSchema, onBad: (b) => bad.push(b), maxLineBytes: 1024 * 1024 })) {
      got.push({ line, text: value.text });
    }
    expect(got).toEqual([
      { line: 1, text: GOOD.text },
      { line: 8, text: good2.text },
    ]);
    expect(bad.map((b) => [b.line, b.reason.split(':')[0]!.replace(/\d+ bytes/u, 'N bytes')])).toEqual([
      [2, 'malformed JSON'],
      [3, 'schema'],
      [4, 'schema'],
      [5, 'invalid UTF-8'],
      [6, 'line is N bytes, over the 1048576-byte limit'],
    ]);
    expect(bad.every((b) => b.file === file)).toBe(true);
    expect(bad[1]!.reason).toContain('text');
  });

  it('fails with INPUT_NOT_FOUND naming a missing path', async () => {
    const missing = join(await tempDir(), 'nope.jsonl');
    const run = async () => {
      for await (const _ of readJsonl(missing, { schema: SourceRecordSchema, onBad: () => undefined })) void _;
    };
    await expect(run()).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: `input not found: ${missing}` });
  });
});

describe('writeJsonl', () => {
  const items = [
    { id: 'b', z: 1, a: { y: 2, x: 1 } },
    { id: 'a', z: 2, a: { x: 3 } },
    { id: 'c', z: 3, a: {} },
  ];

  it('sorts by key, sorts object keys, shards, and is byte-stable', async () => {
    const dir = await tempDir();
    const refs1 = await writeJsonl({ dir, name: 'items', items, sortKey: (i) => i.id, shardSize: 2, relativeTo: dir });
    const first = await readFile(join(dir, 'items-00001.jsonl'), 'utf8');
    expect(first).toBe('{"a":{"x":3},"id":"a","z":2}\n{"a":{"x":1,"y":2},"id":"b","z":1}\n');
    expect(refs1.map((r) => [r.path, r.records])).toEqual([
      ['items-00001.jsonl', 2],
      ['items-00002.jsonl', 1],
    ]);
    const refs2 = await writeJsonl({ dir, name: 'items', items: [...items].reverse(), sortKey: (i) => i.id, shardSize: 2, relativeTo: dir });
    expect(refs2).toEqual(refs1);
  });

  it('removes stale shards of an earlier larger run and leaves no temp files', async () => {
    const dir = await tempDir();
    await writeJsonl({ dir, name: 'items', items, sortKey: (i) => i.id, shardSize: 1 });
    await writeJsonl({ dir, name: 'items', items: items.slice(0, 1), sortKey: (i) => i.id, shardSize: 1 });
    expect((await readdir(dir)).sort()).toEqual(['items-00001.jsonl']);
  });

  it('round-trips through readJsonlAll over a folder of shards', async () => {
    const dir = await tempDir();
    const records = [GOOD, { ...GOOD, text: 'CORNELL UNIVERSITY - College of Engineering' }].map((r) => SourceRecordSchema.parse(r));
    await writeJsonl({ dir, name: 'records', items: records, sortKey: (r) => r.text, shardSize: 1 });
    const back = await readJsonlAll(dir, { schema: SourceRecordSchema, onBad: () => undefined });
    expect(back.map((r) => r.text)).toEqual(['CORNELL UNIVERSITY - College of Engineering', GOOD.text]);
  });
});

describe('writeLinesAtomic', () => {
  it('writes each line and a newline, lines longer than its 1 MiB buffer included, and returns their SHA-256', async () => {
    const dir = await tempDir();
    // Short lines around two long ones (one of them non-ASCII, 3 MiB of UTF-8), as the report's data line is.
    const lines = ['<!doctype html>', 'x'.repeat(1_500_000), 'é', '€'.repeat(1_048_576), '</html>'];
    const sha = await writeLinesAtomic(join(dir, 'index.html'), lines.length, (k) => lines[k]);
    const expected = `${lines.join('\n')}\n`;
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe(expected);
    expect(sha).toBe(sha256Hex(expected));
    expect(await readdir(dir)).toEqual(['index.html']);
  });

  it('writeTextAtomic writes the pieces as one text, never joined, with its SHA-256', async () => {
    const dir = await tempDir();
    const pieces = ['<script>', '{"a":', 'y'.repeat(2_000_000), ',"b":"€"}', '', '</script>\n'];
    const sha = await writeTextAtomic(join(dir, 'report.html'), (function* () { yield* pieces; })());
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toBe(pieces.join(''));
    expect(sha).toBe(sha256Hex(pieces.join('')));
    expect(await readdir(dir)).toEqual(['report.html']);
  });
});

describe('canonicalJson', () => {
  const sortedRecord = JSON.parse(
    '{"id":"r-1","level":2,"meta":{"charset":"utf-8","hints":{"kind":"research_areas","line":"1"},"language":"en"},"parent_anchor":null,"provenance":{"fetched_at":null,"institution":"Duke University","section":"Research Areas","url":"https://example.edu/research"},"text":"Machine Learning"}',
  ) as unknown;
  it.each([
    ['a record whose keys are sorted', sortedRecord],
    ['the same record with keys out of order', { text: 'Machine Learning', id: 'r-1', meta: { hints: { line: '1', kind: 'research_areas' }, language: 'en', charset: 'utf-8' } }],
    ['integer-like keys', { b: 1, 10: 'x', 2: 'y', a: [{ z: 1, y: 2 }] }],
    ['undefined values and holes', { a: undefined, b: [undefined, 1], c: null }],
    ['a Date and a function', { when: new Date(0), f: () => 1, g: 'Café — 機械学習' }],
    ['an own __proto__ key', JSON.parse('{"__proto__":{"b":1,"a":2},"x":1}') as unknown],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { b: 1, a: 2 })],
    ['a string', 'Research Areas'],
  ])('%s gives the bytes of stableStringify', (_name, value) => {
    expect(canonicalJson(value)).toBe(stableStringify(value));
  });
});
