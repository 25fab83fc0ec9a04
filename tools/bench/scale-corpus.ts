import { createRandom, levelFiles, type BenchCorpus, type SeedStrings } from './corpus.ts';

/**
 * A corpus of N generated institutions for the scale simulation (`npm run bench -- --institutions N`).
 * Unlike `generateBenchCorpus` (a number of records spread over the ~50 institutions of the sample), the
 * unit of growth here is the institution: each one gets its own schools (L0), departments (L1) and
 * research-area pages (L2), drawn from the real strings of `corpus/`, and one venue (a call for papers,
 * L3) is added per VENUE_EVERY institutions. Institution i is drawn from its own seeded stream, so the
 * corpus of N + 1 institutions is the corpus of N plus one institution's records (what a sharded build,
 * partitioned by institution, relies on).
 *
 * Sizes per institution are smaller than the sample's 20 US research universities (23 schools, 108
 * departments each): a national or worldwide list is mostly smaller colleges.
 */
export const PER_INSTITUTION = {
  units: [4, 16],
  departments: [15, 75],
  areaPages: [0, 3],
  areasPerPage: [6, 14],
  topicsPerVenue: [15, 35],
} as const;
export const VENUE_EVERY = 10;

const SYLLABLES = [
  'al', 'bar', 'bel', 'bro', 'cal', 'car', 'dun', 'el', 'fen', 'gar', 'glen', 'ham', 'har', 'kel', 'kin', 'lan', 'ler', 'mar', 'mont',
  'mor', 'nor', 'ock', 'pen', 'ran', 'ridge', 'ros', 'sal', 'shaw', 'ster', 'ton', 'val', 'ver', 'wick', 'win', 'wood', 'yar',
];
const NAME_PATTERNS = ['University of {n}', '{n} University', '{n} State University', '{n} College', '{n} Institute of Technology', 'Universidad de {n}', '{n} Polytechnic'];
const VENUE_WORDS = ['Conference', 'Symposium', 'Workshop', 'Congress', 'Forum'];
const UNIT_PREFIXES = ['Department of ', 'School of ', 'Division of ', 'College of '];
const AREA_PREFIXES = ['Center for ', 'Laboratory for ', 'Institute for '];

/** A stable 32-bit mix of the run seed and an index: the seed of one institution's (or venue's) stream. */
function streamSeed(seed: number, kind: number, index: number): number {
  let h = (seed ^ Math.imul(kind + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const between = (random: () => number, [lo, hi]: readonly [number, number]): number => lo + Math.floor(random() * (hi - lo + 1));

/** `count` distinct synthetic names, name i drawn from stream i (a clash takes the next draw of the same stream). */
function uniqueNames(count: number, seed: number, kind: number, make: (random: () => number) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const random = createRandom(streamSeed(seed, kind, i));
    let name = make(random);
    while (seen.has(name.toLowerCase())) name = make(random);
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

function institutionName(random: () => number): string {
  const parts = 2 + Math.floor(random() * 2);
  const word = Array.from({ length: parts }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]!).join('');
  const name = `${word[0]!.toUpperCase()}${word.slice(1)}`;
  return NAME_PATTERNS[Math.floor(random() * NAME_PATTERNS.length)]!.replaceAll('{n}', name);
}

function venueName(random: () => number): string {
  const letters = 3 + Math.floor(random() * 3);
  const acronym = Array.from({ length: letters }, () => String.fromCharCode(65 + Math.floor(random() * 26))).join('');
  return `${acronym} ${VENUE_WORDS[Math.floor(random() * VENUE_WORDS.length)]!}`;
}

/** A listing's variation of a real string: a unit prefix, a case change, now and then a typo. */
function vary(random: () => number, text: string, prefixes: ReadonlyArray<string>): string {
  let out = text;
  const r = random();
  if (r < 0.2) out = `${prefixes[Math.floor(random() * prefixes.length)]!}${out}`;
  const c = random();
  if (c < 0.06) out = out.toUpperCase();
  else if (c < 0.12) out = out.toLowerCase();
  if (random() < 0.02 && out.length >= 4) {
    const i = 1 + Math.floor(random() * (out.length - 3));
    out = `${out.slice(0, i)}${out[i + 1]}${out[i]}${out.slice(i + 2)}`;
  }
  return out;
}

/** Distinct picks from a list (an institution lists each department once). */
function sample(random: () => number, list: ReadonlyArray<string>, count: number): string[] {
  const picked = new Set<string>();
  const n = Math.min(count, list.length);
  while (picked.size < n) picked.add(list[Math.floor(random() * list.length)]!);
  return [...picked];
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '');

export interface ScaleCorpus extends BenchCorpus {
  institutions: string[];
  venues: string[];
}

/** The corpus of `institutions` generated institutions (deterministic for a seed), in the bench's four files. */
export function generateScaleCorpus(seedStrings: SeedStrings, institutions: number, seed: number): ScaleCorpus {
  if (!Number.isInteger(institutions) || institutions < 1) throw new RangeError(`institutions must be a positive integer, got ${institutions}`);
  const names = uniqueNames(institutions, seed, 0, institutionName);
  const venues = uniqueNames(Math.max(1, Math.ceil(institutions / VENUE_EVERY)), seed, 1, venueName);
  const l0: string[] = [];
  const l1: string[] = [];
  const l2: string[] = [];
  const l3: string[] = [];
  let areaItems = 0;
  let topicItems = 0;
  names.forEach((institution, i) => {
    const random = createRandom(streamSeed(seed, 2, i));
    for (const unit of sample(random, seedStrings.units, between(random, PER_INSTITUTION.units))) {
      l0.push(
        JSON.stringify({
          text: `${institution} - ${vary(random, unit, UNIT_PREFIXES)}`,
          provenance: { institution, url: `https://www.${slug(institution)}.example.edu/units.xlsx`, section: '<default>', fetched_at: null },
          meta: { language: 'en', charset: 'utf-8', hints: { source: 'scale', level: 'S0' } },
        }),
      );
    }
    for (const dept of sample(random, seedStrings.departments, between(random, PER_INSTITUTION.departments))) l1.push(`${institution.toLowerCase()}||${vary(random, dept, UNIT_PREFIXES)}`);
    const pages = between(random, PER_INSTITUTION.areaPages);
    for (let p = 0; p < pages; p += 1) {
      const items = sample(random, seedStrings.areas, between(random, PER_INSTITUTION.areasPerPage)).map((a) => vary(random, a, AREA_PREFIXES));
      areaItems += items.length;
      const title = `Research Areas — ${institution}`;
      l2.push(
        JSON.stringify({
          institution,
          url: `https://www.${slug(institution)}.example.edu/research/${p}`,
          fetched_at: null,
          content_type: 'text/plain',
          text: [title, ...items].join('\n'),
          lang: 'en',
          title,
          meta: { kind: 'research_areas', level_hint: 2 },
        }),
      );
    }
  });
  venues.forEach((venue, i) => {
    const random = createRandom(streamSeed(seed, 3, i));
    const items = sample(random, seedStrings.topics, between(random, PER_INSTITUTION.topicsPerVenue)).map((t) => vary(random, t, ['Workshop on ', 'Track: ']));
    topicItems += items.length;
    const title = `Call for Papers ${2016 + (i % 10)} — ${venue}`;
    l3.push(
      JSON.stringify({
        institution: venue,
        url: `https://${slug(venue)}.example.org/cfp`,
        fetched_at: null,
        content_type: 'text/plain',
        text: [title, ...items].join('\n'),
        lang: 'en',
        title,
        meta: { kind: 'cfp_topics', level_hint: 3 },
      }),
    );
  });
  const counts: [number, number, number, number] = [l0.length, l1.length, areaItems, topicItems];
  return {
    ...levelFiles([l0, l1, l2, l3], counts),
    institutions: names,
    venues,
  };
}
