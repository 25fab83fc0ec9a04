import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '@taxonomy/core';
import type { CipEntry, CipIndex } from './cip.ts';
import type { FieldLexicon } from './field-lexicon.ts';

/**
 * The CIP index and the field lexicon, precomputed: parsing the CIP CSV and building the lexicon cost every
 * task that consults it ~0.7 CPU-s before its first record. The snapshot names the SHA-256 of every file its
 * content derives from; when one of them changed (or cannot be read) it is ignored and both are built as
 * before, so a stale snapshot costs time, never a different answer. Regenerate with
 * `node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts` (a test fails while it is stale).
 */
const ROOT = packageRoot('@taxonomy/lexicon');

export const SNAPSHOT_PATH = join(ROOT, 'data', 'cip', 'lexicon-snapshot.json');

/** What the snapshot's content is computed from: the CSV, the code that builds it, and the normalization it uses. */
const SOURCE_FILES = [
  'data/cip/CIPCode2020.csv',
  'src/cip.ts',
  'src/field-lexicon.ts',
  'src/lexicon-snapshot.ts',
  'src/normalize.ts',
  'src/spelling.ts',
  'src/tables.ts',
  '../core/src/text.ts',
].map((rel) => resolve(ROOT, rel));

/** SHA-256 over the source files (path-independent), or null when one is missing (e.g. a compiled copy without sources). */
export function lexiconSourcesHash(): string | null {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) {
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return null;
    }
    hash.update(`${file.slice(file.lastIndexOf('/packages/') + 1)}\u0000${body.length}\u0000`);
    hash.update(body);
  }
  return hash.digest('hex');
}

type EntryRow = [code: string, family: string, kind: CipEntry['kind'], title: string, normalized: string, definition: string];

/** The JSON form: Maps and Sets as arrays in their iteration order, entries referenced by index. */
export interface LexiconSnapshotFile {
  sources: string;
  entries: EntryRow[];
  families: Array<[string, number]>;
  byTitle: Array<[string, number[]]>;
  known: string[];
  vocabulary: string[];
  wideVocabulary: string[];
  titles: string[];
  tokenFamilies: Array<[string, Array<[string, number]>]>;
  entriesByKey: Array<[string, number[]]>;
}

/** Serializes a built index and lexicon (same iteration orders, same shared entry objects). */
export function toSnapshotFile(sources: string, cip: CipIndex, lexicon: FieldLexicon): LexiconSnapshotFile {
  const index = new Map<CipEntry, number>(cip.entries.map((e, i) => [e, i]));
  const at = (e: CipEntry): number => {
    const i = index.get(e);
    if (i === undefined) throw new Error(`lexicon snapshot: entry ${e.code} is not in the CIP index`);
    return i;
  };
  return {
    sources,
    entries: cip.entries.map((e) => [e.code, e.family, e.kind, e.title, e.normalized, e.definition]),
    families: [...cip.families].map(([k, e]) => [k, at(e)]),
    byTitle: [...cip.byTitle].map(([k, list]) => [k, list.map(at)]),
    known: [...lexicon.known],
    vocabulary: [...lexicon.vocabulary],
    wideVocabulary: [...lexicon.wideVocabulary],
    titles: [...lexicon.titles],
    tokenFamilies: [...lexicon.tokenFamilies].map(([tok, m]) => [tok, [...m]]),
    entriesByKey: [...lexicon.entriesByKey].map(([k, list]) => [k, list.map(at)]),
  };
}

function fromSnapshotFile(file: LexiconSnapshotFile): { cip: CipIndex; lexicon: FieldLexicon } {
  const entries: CipEntry[] = file.entries.map(([code, family, kind, title, normalized, definition]) => ({ code, family, kind, title, normalized, definition }));
  const pick = (ids: number[]) => ids.map((i) => entries[i]!);
  return {
    cip: {
      entries,
      families: new Map(file.families.map(([k, i]) => [k, entries[i]!])),
      byTitle: new Map(file.byTitle.map(([k, ids]) => [k, pick(ids)])),
    },
    lexicon: {
      known: new Set(file.known),
      vocabulary: new Set(file.vocabulary),
      wideVocabulary: new Set(file.wideVocabulary),
      titles: file.titles,
      tokenFamilies: new Map(file.tokenFamilies.map(([tok, list]) => [tok, new Map(list)])),
      entriesByKey: new Map(file.entriesByKey.map(([k, ids]) => [k, pick(ids)])),
    },
  };
}

let loaded: { cip: CipIndex; lexicon: FieldLexicon } | null | undefined;

/** The snapshot when it exists and matches the current sources, else null (read once per process). */
export function readLexiconSnapshot(): { cip: CipIndex; lexicon: FieldLexicon } | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const sources = lexiconSourcesHash();
  if (sources === null) return loaded;
  let file: LexiconSnapshotFile;
  try {
    file = JSON.parse(readFileSync(SNAPSHOT_PATH, 'utf8')) as LexiconSnapshotFile;
  } catch {
    return loaded;
  }
  if (file.sources !== sources) return loaded;
  loaded = fromSnapshotFile(file);
  return loaded;
}
