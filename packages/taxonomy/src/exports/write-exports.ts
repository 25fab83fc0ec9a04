import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { digraph, toDot } from 'ts-graphviz';
import { sha256Hex, writeFileAtomic, type ArtifactRef } from '@taxonomy/core';
import type { FinalConcept } from '../finalize.ts';
import { buildSkosQuads, writeTurtle, type SkosOptions } from './skos.ts';

/** Columns of `concepts.csv`, in order. */
export const CSV_COLUMNS = ['id', 'level', 'label', 'parent_id', 'parent_label', 'path', 'institutions', 'records', 'aliases'] as const;

/** `concepts.csv`: one row per concept (sorted as given), lists joined with "; ", the path with " > ". */
export function formatConceptsCsv(rows: ReadonlyArray<FinalConcept>): string {
  const labels = new Map(rows.map((c) => [c.id, c.label]));
  return stringify(
    rows.map((c) => ({
      id: c.id,
      level: c.level,
      label: c.label,
      parent_id: c.parent ?? '',
      parent_label: c.parent === null ? '' : (labels.get(c.parent) ?? ''),
      path: c.path.join(' > '),
      institutions: c.institutions.join('; '),
      records: c.records,
      aliases: c.aliases.join('; '),
    })),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'unix' },
  );
}

/** `tree.dot`: the levels up to `maxLevel` as a left-to-right Graphviz digraph (L0 boxed), through ts-graphviz. */
export function formatTreeDot(rows: ReadonlyArray<FinalConcept>, maxLevel: number): string {
  const shown = rows.filter((c) => c.level <= maxLevel);
  const graph = digraph('taxonomy', { rankdir: 'LR', label: `taxonomy levels 0-${maxLevel}` }, (g) => {
    g.set('ranksep', 2);
    for (const c of shown) g.node(c.id, { label: c.label, shape: c.level === 0 ? 'box' : 'ellipse' });
    for (const c of shown) if (c.parent !== null) g.edge([c.parent, c.id]);
  });
  return `${toDot(graph)}\n`;
}

export interface WriteExportsOptions extends SkosOptions {
  /** Folder the exports go to (absolute): `artifacts/taxonomy/exports`. */
  dir: string;
  /** Workspace root, for the artifact refs. */
  root: string;
  dotMaxLevel: number;
}

/** Writes `taxonomy.ttl`, `concepts.csv` and `tree.dot`; byte-identical for the same concepts and settings. */
export async function writeExports(rows: ReadonlyArray<FinalConcept>, options: WriteExportsOptions): Promise<ArtifactRef[]> {
  const files: Array<[string, string, number | null]> = [
    ['taxonomy.ttl', await writeTurtle(buildSkosQuads(rows, options)), null],
    ['concepts.csv', formatConceptsCsv(rows), rows.length],
    ['tree.dot', formatTreeDot(rows, options.dotMaxLevel), null],
  ];
  const refs: ArtifactRef[] = [];
  for (const [name, body, records] of files) {
    const path = join(options.dir, name);
    await writeFileAtomic(path, body);
    refs.push({ path: path.startsWith(`${options.root}/`) ? path.slice(options.root.length + 1) : path, sha256: sha256Hex(body), records });
  }
  return refs;
}
