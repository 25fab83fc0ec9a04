import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '@taxonomy/core';
import { buildCipIndex, type CipEntry, type CipIndex } from './cip.ts';
import type { EvidenceIndex, Posting } from './evidence-index.ts';
import type { FieldLexicon } from './field-lexicon.ts';
import { peopleNamesFile, wordListPackageFile } from './word-lists.ts';

/**
 * What the lexicon derives from CIP and the people-names dictionary, precomputed, in files read on first use:
 * - `lexicon-snapshot.json`: the CIP index and the field lexicon (parsing the CSV and building the lexicon cost
 *   every task that consults it ~0.7 CPU-s before its first record), without the CIP definitions;
 * - `definitions-snapshot.json`: the definitions (45% of the text), read when an entry's `definition` is first read
 *   (only glosses read one at run time: the lexicon and the word index were built from them);
 * - `evidence-snapshot.json`: the CIP word index of `familyEvidence` (~0.15 s to build from every definition);
 * - `word-lists-snapshot.json`: the people-names dictionary folded, distinct and sorted (~30 ms to build), and the
 *   words of word-list its binary search cannot reach (a search for each of its 274k words).
 * Each names the SHA-256 of every file the three derive from; when one of them changed (or cannot be read) the file
 * is ignored and its content built as before, so a stale snapshot costs time, never a different answer. Regenerate
 * with `node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts` (a test fails while one is stale).
 */
const ROOT = packageRoot('@taxonomy/lexicon');

export const SNAPSHOT_PATH = join(ROOT, 'data', 'cip', 'lexicon-snapshot.json');
export const DEFINITIONS_SNAPSHOT_PATH = join(ROOT, 'data', 'cip', 'definitions-snapshot.json');
export const EVIDENCE_SNAPSHOT_PATH = join(ROOT, 'data', 'cip', 'evidence-snapshot.json');
export const WORD_LISTS_SNAPSHOT_PATH = join(ROOT, 'data', 'cip', 'word-lists-snapshot.json');

/** What the snapshots' content is computed from: the CSV, the code that builds it, and the normalization it uses. */
const SOURCE_FILES = [
  'data/cip/CIPCode2020.csv',
  'src/cip.ts',
  'src/evidence-index.ts',
  'src/field-lexicon.ts',
  'src/lexicon-snapshot.ts',
  'src/normalize.ts',
  'src/word-lists.ts',
  'src/spelling.ts',
  'src/tables.ts',
  '../core/src/text.ts',
].map((rel) => ({ label: `packages/${rel.startsWith('../') ? rel.slice(3) : `lexicon/${rel}`}`, path: resolve(ROOT, rel) }));

let sourcesHash: string | null | undefined;

/**
 * SHA-256 over the source files, the people-names dictionary and word-list's package.json (path-independent), or null
 * when one is missing (e.g. a compiled copy without sources); computed once per process.
 */
export function lexiconSourcesHash(): string | null {
  if (sourcesHash !== undefined) return sourcesHash;
  sourcesHash = null;
  const hash = createHash('sha256');
  let dependencies: Array<{ label: string; path: string }>;
  try {
    dependencies = [
      { label: '@cspell/dict-people-names/dict/people-names.txt', path: peopleNamesFile() },
      { label: 'word-list/package.json', path: wordListPackageFile() },
    ];
  } catch {
    return sourcesHash;
  }
  for (const { label, path } of [...SOURCE_FILES, ...dependencies]) {
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return sourcesHash;
    }
    hash.update(`${label}\u0000${body.length}\u0000`);
    hash.update(body);
  }
  sourcesHash = hash.digest('hex');
  return sourcesHash;
}

type EntryRow = [code: string, family: string, kind: CipEntry['kind'], title: string, normalized: string];

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

/** The word index: its distinct postings as [family, series, weight], which `postings` refers to by position. */
export interface EvidenceSnapshotFile {
  sources: string;
  postingTable: Array<[string, string, number]>;
  postings: Array<[string, number[]]>;
  titleTokens: string[];
  seriesTitles: Array<[string, string]>;
  familyTitles: Array<[string, string]>;
}

/** The CIP entries' definitions, by the entries' positions. */
export interface DefinitionsSnapshotFile {
  sources: string;
  definitions: string[];
}

export interface WordListsSnapshotFile {
  sources: string;
  /** The people names, folded, distinct and sorted. */
  people: string[];
  /** The words of word-list a binary search in the file does not find, in file order. */
  wordListUnsorted: string[];
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
    entries: cip.entries.map((e) => [e.code, e.family, e.kind, e.title, e.normalized]),
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

/** Serializes a built word index (same iteration orders; equal postings written once). */
export function toEvidenceSnapshotFile(sources: string, evidence: EvidenceIndex): EvidenceSnapshotFile {
  const ids = new Map<string, number>();
  const postingTable: Array<[string, string, number]> = [];
  const id = (p: Posting): number => {
    const key = `${p.family}\u0000${p.series}\u0000${p.weight}`;
    let at = ids.get(key);
    if (at === undefined) {
      at = postingTable.length;
      postingTable.push([p.family, p.series, p.weight]);
      ids.set(key, at);
    }
    return at;
  };
  const postings = [...evidence.postings].map(([tok, list]): [string, number[]] => [tok, list.map(id)]);
  return { sources, postingTable, postings, titleTokens: [...evidence.titleTokens], seriesTitles: [...evidence.seriesTitles], familyTitles: [...evidence.familyTitles] };
}

function fromSnapshotFile(file: LexiconSnapshotFile): { cip: CipIndex; lexicon: FieldLexicon } {
  const entries: CipEntry[] = file.entries.map(([code, family, kind, title, normalized], at) => {
    const entry = { code, family, kind, title, normalized } as CipEntry;
    // An own enumerable property in the place the built entry has it (spread and JSON.stringify see it), read on first use.
    Object.defineProperty(entry, 'definition', { enumerable: true, get: () => definitionAt(at) });
    return entry;
  });
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

function fromEvidenceSnapshotFile(file: EvidenceSnapshotFile): EvidenceIndex {
  // Postings are read, never changed: one object per distinct (family, series, weight), shared.
  const table: Posting[] = file.postingTable.map(([family, series, weight]) => ({ family, series, weight }));
  return {
    postings: new Map(file.postings.map(([tok, ids]) => [tok, ids.map((i) => table[i]!)])),
    titleTokens: file.titleTokens,
    seriesTitles: new Map(file.seriesTitles),
    familyTitles: new Map(file.familyTitles),
  };
}

/** A snapshot file's content when it exists and matches the current sources, else null. */
function readCurrent<T extends { sources: string }>(path: string): T | null {
  const sources = lexiconSourcesHash();
  if (sources === null) return null;
  let file: T;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
  return file.sources === sources ? file : null;
}

let loaded: { cip: CipIndex; lexicon: FieldLexicon } | null | undefined;
let definitions: readonly string[] | undefined;
let loadedEvidence: EvidenceIndex | null | undefined;
let loadedWordLists: WordListsSnapshotFile | null | undefined;

/** The CIP index and field lexicon of the snapshot when it is current, else null (read once per process). */
export function readLexiconSnapshot(): { cip: CipIndex; lexicon: FieldLexicon } | null {
  if (loaded === undefined) {
    const file = readCurrent<LexiconSnapshotFile>(SNAPSHOT_PATH);
    loaded = file === null ? null : fromSnapshotFile(file);
  }
  return loaded;
}

/** The definition of the snapshot's entry at a position: from the definitions snapshot, or the CSV when it is not current. */
function definitionAt(at: number): string {
  definitions ??= readCurrent<DefinitionsSnapshotFile>(DEFINITIONS_SNAPSHOT_PATH)?.definitions ?? buildCipIndex().entries.map((e) => e.definition);
  return definitions[at] ?? '';
}

/** The word index of the snapshot when it is current, else null (read once per process). */
export function readEvidenceSnapshot(): EvidenceIndex | null {
  if (loadedEvidence === undefined) {
    const file = readCurrent<EvidenceSnapshotFile>(EVIDENCE_SNAPSHOT_PATH);
    loadedEvidence = file === null ? null : fromEvidenceSnapshotFile(file);
  }
  return loadedEvidence;
}

/** The word lists' snapshot when it is current, else null (read once per process). */
export function readWordListsSnapshot(): Readonly<WordListsSnapshotFile> | null {
  if (loadedWordLists === undefined) loadedWordLists = readCurrent<WordListsSnapshotFile>(WORD_LISTS_SNAPSHOT_PATH);
  return loadedWordLists;
}
