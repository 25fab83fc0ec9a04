import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { foldDiacritics } from '@taxonomy/core';
import { readWordListsSnapshot } from './lexicon-snapshot.ts';

/**
 * The two word lists names.ts reads, looked up by binary search (no set of 39k or 274k entries to build):
 * - people names (@cspell/dict-people-names, ~39k given names and surnames of many cultures), folded to lower-case
 *   ASCII, distinct and sorted: the word-lists snapshot stores them (folding the dictionary cost a task ≈ 30 ms);
 * - word-list (~274k lower-case English words without proper nouns), searched in the file's bytes without decoding
 *   its 2.8 MB into a string (≈ 25 ms a task). The file is ASCII, where byte order is the order of JavaScript's
 *   string comparison, and sorted but for a few words out of place ("manlihood" after "manlily"); the snapshot lists
 *   the words the search cannot reach, found by searching for every word of the file.
 */

/** The dictionary file the people names are folded from. */
export function peopleNamesFile(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cspell/dict-people-names/cspell-ext.json')), 'dict', 'people-names.txt');
}

/**
 * word-list's file: the package's default export is the path of `words.txt` beside its index.js, resolved here
 * rather than imported (loading the ES module cost a task ≈ 9 ms); a test checks both agree.
 */
export function wordListFile(): string {
  return join(dirname(createRequire(import.meta.url).resolve('word-list')), 'words.txt');
}

/** word-list's package.json: its version names the word file (an exact dependency), which is not hashed itself (2.8 MB). */
export function wordListPackageFile(): string {
  return join(dirname(wordListFile()), 'package.json');
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
const PEOPLE_WORD = /^[a-z][a-z'-]*$/;

/** The dictionary's entries folded to lower-case ASCII, distinct and sorted (what the snapshot stores). */
export function buildPeopleNames(): string[] {
  const set = new Set<string>();
  // Non-Unicode patterns and string ends instead of a replace: the same set, in under half the time.
  for (const line of readFileSync(peopleNamesFile(), 'utf8').split('\n')) {
    const entry = line.trim();
    if (entry.length === 0 || entry.startsWith('#')) continue;
    let word = (NOT_PRINTABLE_ASCII.test(entry) ? foldDiacritics(entry) : entry).toLowerCase();
    // A final "." goes, else a final "'s" (as the replace of /['’]s$|\.$/ did: one of the two, the dot first).
    if (word.endsWith('.')) word = word.slice(0, -1);
    else if (word.endsWith("'s") || word.endsWith('’s')) word = word.slice(0, -2);
    if (PEOPLE_WORD.test(word)) set.add(word);
  }
  return [...set].sort();
}

let people: readonly string[] | null = null;

/** True when the (normalized) word is a personal name of the dictionary. */
export function isPeopleName(word: string): boolean {
  people ??= readWordListsSnapshot()?.people ?? buildPeopleNames();
  let lo = 0;
  let hi = people.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const w = people[mid]!;
    if (w === word) return true;
    if (w < word) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

const NEWLINE = 0x0a;
let wordList: Buffer | null = null;

/** Binary search for one word's line in word-list's bytes. */
function searchWordList(text: Buffer, word: Buffer): boolean {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // The line holding `mid`; a Buffer's lastIndexOf counts a negative position from the end, so none is passed.
    const start = mid === 0 ? 0 : text.lastIndexOf(NEWLINE, mid - 1) + 1;
    const nl = text.indexOf(NEWLINE, start);
    const end = nl < 0 ? text.length : nl;
    const order = text.compare(word, 0, word.length, start, end);
    if (order === 0) return start < end;
    if (order < 0) lo = end + 1;
    else hi = start;
  }
  return false;
}

function wordListText(): Buffer {
  wordList ??= readFileSync(wordListFile());
  return wordList;
}

/** The words of word-list the binary search does not find (out of sorted order): what the snapshot stores. */
export function buildWordListUnsorted(): string[] {
  const text = wordListText();
  const missed: string[] = [];
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf(NEWLINE, start);
    const end = nl < 0 ? text.length : nl;
    if (end > start && !searchWordList(text, text.subarray(start, end))) missed.push(text.toString('utf8', start, end));
    start = end + 1;
  }
  return missed;
}

let unsorted: ReadonlySet<string> | null = null;
const inWordListCache = new Map<string, boolean>();

/** True when word-list holds the word: "intelligent", "federated" are English, "qatar", "nuffield" are not. */
export function inWordList(word: string): boolean {
  const hit = inWordListCache.get(word);
  if (hit !== undefined) return hit;
  unsorted ??= new Set(readWordListsSnapshot()?.wordListUnsorted ?? buildWordListUnsorted());
  const found = word.length > 0 && (searchWordList(wordListText(), Buffer.from(word, 'utf8')) || unsorted.has(word));
  if (inWordListCache.size > 100_000) inWordListCache.clear();
  inWordListCache.set(word, found);
  return found;
}
