// Regenerates data/cip/lexicon-snapshot.json from the CSV and the current code:
// node --import tsx packages/lexicon/src/lexicon-snapshot-write.ts
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildCipIndex } from './cip.ts';
import { buildFieldLexicon } from './field-lexicon.ts';
import { SNAPSHOT_PATH, lexiconSourcesHash, toSnapshotFile } from './lexicon-snapshot.ts';

/** The snapshot's text as the current sources build it (one entry a line, so a diff stays readable). */
export function renderLexiconSnapshot(): string {
  const sources = lexiconSourcesHash();
  if (sources === null) throw new Error('lexicon snapshot: a source file is missing');
  const cip = buildCipIndex();
  const file = toSnapshotFile(sources, cip, buildFieldLexicon(cip));
  const lines = Object.entries(file).map(([key, value]) =>
    Array.isArray(value) ? `${JSON.stringify(key)}: [\n${value.map((v) => JSON.stringify(v)).join(',\n')}\n]` : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(SNAPSHOT_PATH, renderLexiconSnapshot());
  process.stdout.write(`wrote ${SNAPSHOT_PATH}\n`);
}
