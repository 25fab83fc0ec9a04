import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser, type Quad } from 'n3';
import { parse as parseCsv } from 'csv-parse/sync';
import { fromDot } from 'ts-graphviz';
import { describe, expect, it } from 'vitest';
import { ConceptSchema, conceptId } from '@taxonomy/core';
import type { FinalConcept } from '../finalize.ts';
import { RDF_TYPE, SKOS, conceptIri } from './skos.ts';
import { CSV_COLUMNS, writeExports } from './write-exports.ts';

function row(level: number, label: string, parent: FinalConcept | null, extra: Partial<FinalConcept> = {}): FinalConcept {
  const c = ConceptSchema.parse({
    id: conceptId(level, label, parent?.id ?? null),
    level,
    label,
    parent: parent?.id ?? null,
    institutions: ['Stanford University', 'University of Michigan'],
    record_ids: ['r-0000000000000001'],
    records: 1,
    support: { records: 1, institutions: 2, count: 1 },
    weight: 2.2,
    ...extra,
  });
  return { ...c, path: [...(parent?.path ?? []), label] };
}

const engineering = row(0, 'engineering', null, { aliases: ['Engineering', 'College of Engineering'] });
const cs = row(1, 'computer science', engineering, { aliases: ['CS'] });
const ee = row(1, 'electrical engineering', engineering);
const ml = row(2, 'machine learning', cs, { gloss: 'machine learning: research area within computer science' });
const rl = row(3, 'reinforcement learning', ml);
const ROWS = [engineering, cs, ee, ml, rl];
const BASE = 'https://taxonomy.invalid/';

async function exportAll() {
  const root = await mkdtemp(join(tmpdir(), 'exports-'));
  const dir = join(root, 'artifacts/taxonomy/exports');
  const refs = await writeExports(ROWS, { dir, root, baseIri: BASE, cipNamespace: 'urn:cip:2020:', schemeLabel: 'Academic taxonomy', dotMaxLevel: 1 });
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  return { refs, ttl: await read('taxonomy.ttl'), csv: await read('concepts.csv'), dot: await read('tree.dot') };
}

const objects = (quads: Quad[], subject: string, predicate: string) => quads.filter((q) => q.subject.value === subject && q.predicate.value === `${SKOS}${predicate}`).map((q) => q.object.value);

describe('SKOS Turtle', () => {
  it('parses back with N3.js: one skos:Concept per concept, one broader below L0, topConceptOf at L0', async () => {
    const { ttl } = await exportAll();
    const quads = new Parser().parse(ttl);
    const concepts = quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === `${SKOS}Concept`).map((q) => q.subject.value);
    expect(concepts.sort()).toEqual(ROWS.map((c) => conceptIri(BASE, c.id)).sort());
    for (const c of ROWS) {
      const iri = conceptIri(BASE, c.id);
      expect(objects(quads, iri, 'broader')).toEqual(c.parent === null ? [] : [conceptIri(BASE, c.parent)]);
      expect(objects(quads, iri, 'topConceptOf')).toEqual(c.level === 0 ? [`${BASE}scheme`] : []);
      expect(objects(quads, iri, 'prefLabel')).toEqual([c.label]);
      expect(objects(quads, iri, 'notation')).toEqual([c.id]);
    }
    expect(objects(quads, conceptIri(BASE, engineering.id), 'narrower').sort()).toEqual([cs, ee].map((c) => conceptIri(BASE, c.id)).sort());
    expect(quads.filter((q) => q.predicate.value === `${SKOS}hasTopConcept`)).toHaveLength(1);
  });

  it.each([
    { concept: engineering, predicate: 'altLabel', expected: ['College of Engineering'], why: 'the case-only alias "Engineering" is left out' },
    { concept: cs, predicate: 'altLabel', expected: ['CS'], why: 'an acronym alias is kept' },
    { concept: ml, predicate: 'definition', expected: ['machine learning: research area within computer science'], why: 'the gloss is the definition' },
    { concept: cs, predicate: 'exactMatch', expected: ['urn:cip:2020:11.07', 'urn:cip:2020:11.0701'], why: 'CIP 2020 titles equal to the label' },
    { concept: engineering, predicate: 'exactMatch', expected: ['urn:cip:2020:14', 'urn:cip:2020:14.01', 'urn:cip:2020:14.0101'], why: 'the CIP family and its general series' },
    { concept: rl, predicate: 'exactMatch', expected: [], why: 'CIP knows no such program' },
  ])('$concept.label $predicate: $why', async ({ concept, predicate, expected }) => {
    const quads = new Parser().parse((await exportAll()).ttl);
    expect(objects(quads, conceptIri(BASE, concept.id), predicate).sort()).toEqual(expected);
  });
});

describe('CSV and DOT', () => {
  it('writes one CSV row per concept with parent label and path', async () => {
    const { csv, refs } = await exportAll();
    const records = parseCsv(csv, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(ROWS.length);
    expect(records[3]).toMatchObject({ id: ml.id, level: '2', label: 'machine learning', parent_id: cs.id, parent_label: 'computer science', path: 'engineering > computer science > machine learning', institutions: 'Stanford University; University of Michigan', records: '1' });
    expect(refs.map((r) => r.path)).toEqual(['artifacts/taxonomy/exports/taxonomy.ttl', 'artifacts/taxonomy/exports/concepts.csv', 'artifacts/taxonomy/exports/tree.dot']);
  });

  it('draws L0-L1 in a DOT digraph that Graphviz parsers read back', async () => {
    const { dot } = await exportAll();
    const graph = fromDot(dot);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([engineering, cs, ee].map((c) => c.id).sort());
    expect(graph.edges).toHaveLength(2);
  });

  it('is byte-identical across runs', async () => {
    const [a, b] = [await exportAll(), await exportAll()];
    expect(a.refs.map((r) => r.sha256)).toEqual(b.refs.map((r) => r.sha256));
  });
});
