import { DataFactory, Writer, type Quad } from 'n3';
import { cipMatches } from '@taxonomy/lexicon';
import type { FinalConcept } from '../finalize.ts';

const { namedNode, literal, quad } = DataFactory;

export const SKOS = 'http://www.w3.org/2004/02/skos/core#';
export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const DCT = 'http://purl.org/dc/terms/';

export interface SkosOptions {
  /** Namespace of the concept IRIs (`<base>concept/<id>`) and of the scheme (`<base>scheme`). */
  baseIri: string;
  /** Prefix of CIP 2020 codes for skos:exactMatch / closeMatch. */
  cipNamespace: string;
  schemeLabel: string;
}

/** A concept id as an IRI path segment: characters outside the IRI-safe set percent-encoded. */
export function conceptIri(baseIri: string, id: string): string {
  return `${baseIri}concept/${id.replace(/[^\p{L}\p{N}\-._~:&+]/gu, (c) => encodeURIComponent(c))}`;
}

/**
 * The SKOS quads of the taxonomy: one skos:ConceptScheme, one skos:Concept per concept with prefLabel,
 * altLabels (aliases that differ from the label by more than case), notation = id, definition = gloss,
 * broader/narrower, topConceptOf at L0, and exactMatch/closeMatch to the CIP 2020 codes the lexicon knows.
 */
export function buildSkosQuads(rows: ReadonlyArray<FinalConcept>, options: SkosOptions): Quad[] {
  const scheme = namedNode(`${options.baseIri}scheme`);
  const skos = (name: string) => namedNode(`${SKOS}${name}`);
  const en = (text: string) => literal(text, 'en');
  const quads: Quad[] = [
    quad(scheme, namedNode(RDF_TYPE), skos('ConceptScheme')),
    quad(scheme, skos('prefLabel'), en(options.schemeLabel)),
    quad(scheme, namedNode(`${DCT}description`), en('Four-level academic taxonomy (L0 fields, L1 departments, L2 research areas, L3 topics) built by taxonomy-build')),
  ];
  const children = new Map<string, string[]>();
  for (const c of rows) if (c.parent !== null) children.set(c.parent, [...(children.get(c.parent) ?? []), c.id]);
  for (const c of rows) if (c.level === 0) quads.push(quad(scheme, skos('hasTopConcept'), namedNode(conceptIri(options.baseIri, c.id))));
  for (const c of rows) {
    const s = namedNode(conceptIri(options.baseIri, c.id));
    quads.push(quad(s, namedNode(RDF_TYPE), skos('Concept')), quad(s, skos('inScheme'), scheme), quad(s, skos('prefLabel'), en(c.label)));
    const seen = new Set([c.label.toLowerCase()]);
    for (const alias of [...c.aliases].sort()) {
      if (seen.has(alias.toLowerCase())) continue;
      seen.add(alias.toLowerCase());
      quads.push(quad(s, skos('altLabel'), en(alias)));
    }
    quads.push(quad(s, skos('notation'), literal(c.id)));
    if (c.gloss !== null && c.gloss.trim() !== '') quads.push(quad(s, skos('definition'), en(c.gloss)));
    if (c.parent === null) quads.push(quad(s, skos('topConceptOf'), scheme));
    else quads.push(quad(s, skos('broader'), namedNode(conceptIri(options.baseIri, c.parent))));
    for (const child of [...(children.get(c.id) ?? [])].sort()) quads.push(quad(s, skos('narrower'), namedNode(conceptIri(options.baseIri, child))));
    const cip = cipMatches(c.label);
    for (const m of cip.exact) quads.push(quad(s, skos('exactMatch'), namedNode(`${options.cipNamespace}${m.code}`)));
    for (const m of cip.close) quads.push(quad(s, skos('closeMatch'), namedNode(`${options.cipNamespace}${m.code}`)));
  }
  return quads;
}

/** Serializes the quads as Turtle through N3.js (prefixes skos, dct). */
export function writeTurtle(quads: ReadonlyArray<Quad>): Promise<string> {
  const writer = new Writer({ prefixes: { skos: SKOS, dct: DCT } });
  writer.addQuads([...quads]);
  return new Promise((resolve, reject) => {
    writer.end((err: Error | null, result: string) => (err ? reject(err) : resolve(result)));
  });
}
