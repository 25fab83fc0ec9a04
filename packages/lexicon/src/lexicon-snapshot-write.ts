// Regenerates the lexicon's snapshots (data/cip/{lexicon,definitions,evidence,word-lists}-snapshot.json) from the CSV, the
// word lists and the current code: node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildCipIndex } from './cip.ts';
import { buildEvidenceIndex } from './evidence-index.ts';
import { buildFieldLexicon } from './field-lexicon.ts';
import { DEFINITIONS_SNAPSHOT_PATH, EVIDENCE_SNAPSHOT_PATH, SNAPSHOT_PATH, WORD_LISTS_SNAPSHOT_PATH, lexiconSourcesHash, toEvidenceSnapshotFile, toSnapshotFile } from './lexicon-snapshot.ts';
import { buildPeopleNames, buildWordListUnsorted } from './word-lists.ts';

/** One entry a line, so a diff stays readable. */
function render(file: object): string {
  const lines = Object.entries(file).map(([key, value]) =>
    Array.isArray(value) ? `${JSON.stringify(key)}: [\n${value.map((v) => JSON.stringify(v)).join(',\n')}\n]` : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Each snapshot's path and text as the current sources build it. */
export function renderLexiconSnapshots(): Array<{ path: string; text: string }> {
  const sources = lexiconSourcesHash();
  if (sources === null) throw new Error('lexicon snapshot: a source file is missing');
  const cip = buildCipIndex();
  return [
    { path: SNAPSHOT_PATH, text: render(toSnapshotFile(sources, cip, buildFieldLexicon(cip))) },
    { path: DEFINITIONS_SNAPSHOT_PATH, text: render({ sources, definitions: cip.entries.map((e) => e.definition) }) },
    { path: EVIDENCE_SNAPSHOT_PATH, text: render(toEvidenceSnapshotFile(sources, buildEvidenceIndex(cip))) },
    { path: WORD_LISTS_SNAPSHOT_PATH, text: render({ sources, people: buildPeopleNames(), wordListUnsorted: buildWordListUnsorted() }) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { path, text } of renderLexiconSnapshots()) {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
