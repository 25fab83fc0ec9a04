import { conceptId, type Concept } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { deduplicate } from './deduplicate.ts';
import { OpSequence } from './op-sequence.ts';

/** Real field and topic names the generated labels are built from. */
const BASES = [
  'computer science', 'data science', 'machine learning', 'computer vision', 'computer graphics', 'natural language processing',
  'high performance computing', 'human computer interaction', 'electrical engineering', 'mechanical engineering',
  'civil engineering', 'chemical engineering', 'biomedical engineering', 'biological engineering', 'materials science',
  'molecular biology', 'molecular biophysics', 'cell biology', 'neuroscience', 'cognitive science', 'cognitive neuroscience',
  'operations research', 'operations management', 'applied mathematics', 'applied physics', 'statistics', 'economics',
  'political science', 'public policy', 'social work', 'art history', 'comparative literature', 'east asian studies',
  'linguistics', 'philosophy', 'psychology', 'sociology', 'anthropology', 'organic chemistry', 'inorganic chemistry',
  'quantum computing', 'robotics', 'control systems', 'information systems', 'information science', 'genetics', 'genomics',
  'epidemiology', 'public health', 'environmental science', 'earth sciences', 'astronomy', 'astrophysics', 'ecology',
  'evolutionary biology', 'plant biology', 'marine biology', 'computational biology', 'bioinformatics', 'cybersecurity',
  'distributed systems', 'database systems', 'programming languages', 'software engineering', 'computer architecture',
  'signal processing', 'wireless communications', 'power systems', 'fluid mechanics', 'solid mechanics', 'thermodynamics',
  'game theory', 'labor economics', 'development economics', 'music theory', 'film studies', 'theatre', 'dance',
];
const MODIFIERS = ['applied', 'computational', 'theoretical', 'experimental', 'quantum', 'statistical', 'environmental', 'medical'];
const SUFFIXES = ['systems', 'theory', 'methods', 'engineering', 'policy', 'education'];

/** Mulberry32: a tiny seeded generator, so a seed always gives the same label set. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function variantOf(label: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.08) return label.endsWith('s') ? label : `${label}s`;
  if (r < 0.14) return label.replace(' ', '-');
  if (r < 0.2 && label.includes(' ')) return label.split(' ').map((w) => w[0]).join('');
  if (r < 0.26 && label.length > 6) {
    const i = 2 + Math.floor(rnd() * (label.length - 4));
    return `${label.slice(0, i)}${label[i + 1]}${label[i]}${label.slice(i + 2)}`;
  }
  return label;
}

/** Level shares of a real taxonomy: few fields, more departments, most concepts are areas and topics. */
function pickLevel(r: number): number {
  return r < 0.01 ? 0 : r < 0.1 ? 1 : r < 0.45 ? 2 : 3;
}

/**
 * Generates `count` concepts over four levels with realistic label variants (plurals, hyphens, acronyms,
 * typos, shared prefixes). Parents scale with the count (about 50 concepts per parent), as in a real
 * taxonomy where more concepts come with more departments and areas.
 */
export function generateBenchConcepts(count: number, seed: number): Concept[] {
  const rnd = seededRandom(seed);
  const parentsPerLevel = Math.max(1, Math.round(count / 200));
  const out = new Map<string, Concept>();
  let attempts = 0;
  while (out.size < count && attempts < count * 20) {
    attempts += 1;
    const level = pickLevel(rnd());
    let label = BASES[Math.floor(rnd() * BASES.length)]!;
    if (rnd() < 0.4) label = `${MODIFIERS[Math.floor(rnd() * MODIFIERS.length)]} ${label}`;
    if (rnd() < 0.3) label = `${label} ${SUFFIXES[Math.floor(rnd() * SUFFIXES.length)]}`;
    label = variantOf(label, rnd);
    const parent = level === 0 ? null : `L${level - 1}:p${Math.floor(rnd() * parentsPerLevel)}`;
    const id = conceptId(level, label, parent);
    if (out.has(id)) continue;
    const institutions = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => `inst-${Math.floor(rnd() * 40)}`);
    const unique = [...new Set(institutions)].sort();
    out.set(id, {
      id,
      level,
      label,
      parent,
      aliases: [],
      institutions: unique,
      record_ids: [],
      records: unique.length,
      support: { records: unique.length, institutions: unique.length, count: institutions.length },
      weight: unique.length,
      gates: {},
      reasons: [],
      gloss: null,
      validation: null,
    });
  }
  return [...out.values()];
}

/** Times deduplication of `count` generated concepts (generation excluded). */
export function benchDeduplicate(count: number, seed: number): { count: number; ms: number; merges: number } {
  const concepts = generateBenchConcepts(count, seed);
  const config = defaultConfig().postprocess.deduplication;
  const t0 = performance.now();
  const result = deduplicate(concepts, { config, knownWords: new Set(), sequence: new OpSequence(), iteration: 1 });
  const ms = Math.round(performance.now() - t0);
  return { count: concepts.length, ms, merges: result.stats.losers };
}
