import { existsSync, readFileSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A scaled, deterministic benchmark corpus: the real unit, department, research-area and topic strings of
 * the bundled sample corpus, recombined with institution names, prefixes, conjunctions, case changes and
 * typos (seeded), in the four source formats S0 loads (SourceRecord JSONL, `institution||unit` lists,
 * PageSnapshot JSONL).
 */

export interface SeedStrings {
  units: string[];
  departments: string[];
  areas: string[];
  topics: string[];
  institutions: string[];
  venues: string[];
}

/** Reads the seed strings from a workspace's `corpus/` folder. */
export function readSeedStrings(root: string): SeedStrings {
  const units: string[] = [];
  const institutions = new Set<string>();
  for (const line of readFileSync(join(root, 'corpus/units/source_records.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { text: string; provenance: { institution: string } };
    institutions.add(row.provenance.institution);
    const dash = row.text.indexOf(' - ');
    units.push(dash >= 0 ? row.text.slice(dash + 3) : row.text);
  }
  const departments: string[] = [];
  for (const line of readFileSync(join(root, 'corpus/departments/institutions_departments.txt'), 'utf8').split('\n')) {
    const [, dept] = line.split('||');
    if (dept !== undefined && dept.trim() !== '') departments.push(dept.trim());
  }
  const areas: string[] = [];
  const topics: string[] = [];
  const venues = new Set<string>();
  for (const line of readFileSync(join(root, 'corpus/pages/pages.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const page = JSON.parse(line) as { text: string; level_hint: number; institution: string };
    const items = page.text
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter((l) => l.length >= 3 && l.length <= 90 && !l.endsWith(':') && !l.includes('[stored excerpt'));
    if (page.level_hint === 2) areas.push(...items);
    if (page.level_hint === 3) {
      topics.push(...items);
      venues.add(page.institution);
    }
  }
  return { units, departments, areas, topics, institutions: [...institutions], venues: [...venues] };
}

/** mulberry32: small, fast, seeded; the same seed gives the same corpus on every machine. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = [
  'Arizona', 'Boston', 'Colorado', 'Delaware', 'Florida', 'Georgia', 'Houston', 'Iowa', 'Kansas', 'Kentucky', 'Maryland',
  'Minnesota', 'Missouri', 'Nebraska', 'Nevada', 'New Mexico', 'Ohio', 'Oregon', 'Rochester', 'Rutgers', 'Texas', 'Utah',
  'Vermont', 'Virginia', 'Wisconsin', 'Tennessee', 'Oklahoma', 'Alabama', 'Connecticut', 'Pittsburgh',
];
const INSTITUTION_PATTERNS = ['University of {p}', '{p} State University', '{p} Institute of Technology', 'University of {p}, {p} City'];
const UNIT_PREFIXES = ['Department of ', 'School of ', 'Division of ', 'Program in ', 'College of '];
const AREA_PREFIXES = ['Center for ', 'Laboratory for ', 'Institute for ', 'Research area: '];

export interface BenchCorpus {
  /** File name (relative to the corpus folder) → content. */
  files: Record<string, string>;
  /** Source entries: file, level and format. */
  sources: Array<{ path: string; level: number; format: 'source-records' | 'institution-list' | 'page-snapshots'; items: number }>;
  /** Items (records before S0's segmentation) per level. */
  itemsPerLevel: [number, number, number, number];
}

/** Share of the records per level: departments dominate, as in real listings. */
const LEVEL_SHARE = [0.15, 0.45, 0.2, 0.2] as const;

/** Generates `records` items (split over the four levels), deterministic for a seed. */
export function generateBenchCorpus(seedStrings: SeedStrings, records: number, seed: number): BenchCorpus {
  const random = createRandom(seed);
  const pick = <T>(list: ReadonlyArray<T>): T => list[Math.floor(random() * list.length)]!;
  const institutions = [
    ...seedStrings.institutions,
    ...PLACES.flatMap((p, i) => [INSTITUTION_PATTERNS[i % INSTITUTION_PATTERNS.length]!.replaceAll('{p}', p)]),
  ];
  const counts = LEVEL_SHARE.map((s) => Math.floor(records * s)) as [number, number, number, number];
  counts[1] += records - counts.reduce((a, b) => a + b, 0);

  const vary = (text: string, prefixes: ReadonlyArray<string>, pool: ReadonlyArray<string>): string => {
    let out = text;
    const r = random();
    if (r < 0.1) out = `${out} and ${stripPrefix(pick(pool), prefixes)}`;
    else if (r < 0.15) out = `${out} & ${stripPrefix(pick(pool), prefixes)}`;
    else if (r < 0.3) out = `${pick(prefixes)}${stripPrefix(out, prefixes)}`;
    else if (r < 0.35) out = `${stripPrefix(out, prefixes)}, ${pick(prefixes).trim().replace(/ of$|\W+$/u, '')} of`;
    const c = random();
    if (c < 0.08) out = out.toUpperCase();
    else if (c < 0.16) out = out.toLowerCase();
    if (random() < 0.03) out = typo(out, random);
    return out;
  };
  const institutionName = (): string => {
    const name = pick(institutions);
    const r = random();
    if (r < 0.1) return name.toUpperCase();
    if (r < 0.15) return typo(name, random);
    return name;
  };

  const l0: string[] = [];
  for (let i = 0; i < counts[0]; i += 1) {
    const institution = institutionName();
    l0.push(
      JSON.stringify({
        text: `${institution} - ${vary(pick(seedStrings.units), UNIT_PREFIXES, seedStrings.units)}`,
        provenance: { institution, url: `file:bench/units-${i % 97}.xlsx`, section: '<default>', fetched_at: null },
        meta: { language: 'en', charset: 'utf-8', hints: { source: 'bench', level: 'S0' } },
      }),
    );
  }
  const l1: string[] = [];
  for (let i = 0; i < counts[1]; i += 1) l1.push(`${institutionName().toLowerCase()}||${vary(pick(seedStrings.departments), UNIT_PREFIXES, seedStrings.departments)}`);

  const pages = (level: 2 | 3, total: number, items: ReadonlyArray<string>, owners: () => string, prefixes: ReadonlyArray<string>): string[] => {
    const out: string[] = [];
    let made = 0;
    let page = 0;
    while (made < total) {
      const n = Math.min(total - made, 8 + Math.floor(random() * 8));
      const owner = owners();
      const lines = Array.from({ length: n }, () => vary(pick(items), prefixes, items));
      const slug = owner.toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '');
      const title = level === 2 ? `Research Areas — ${owner}` : `Call for Papers ${2015 + (page % 11)} — ${owner}`;
      out.push(
        JSON.stringify({
          institution: owner,
          url: `https://www.${slug || 'site'}.example.org/${level === 2 ? 'research' : 'cfp'}/${page}`,
          fetched_at: null,
          content_type: 'text/plain',
          text: [title, ...lines].join('\n'),
          lang: 'en',
          title,
          meta: { kind: level === 2 ? 'research_areas' : 'cfp_topics', level_hint: level },
        }),
      );
      made += n;
      page += 1;
    }
    return out;
  };
  const l2 = pages(2, counts[2], seedStrings.areas, institutionName, AREA_PREFIXES);
  const l3 = pages(3, counts[3], seedStrings.topics, () => `${pick(seedStrings.venues)}`, ['Workshop on ', 'Track: ', 'Symposium on ']);

  return levelFiles([l0, l1, l2, l3], counts);
}

/** The four generated level files (lines per level) and their sources-manifest entries; `counts` = items per level. */
export function levelFiles(lines: readonly [string[], string[], string[], string[]], counts: [number, number, number, number]): BenchCorpus {
  const [l0, l1, l2, l3] = lines;
  return {
    files: {
      'level-0-units.jsonl': `${l0.join('\n')}\n`,
      'level-1-departments.txt': `${l1.join('\n')}\n`,
      'level-2-research-areas.jsonl': `${l2.join('\n')}\n`,
      'level-3-topics.jsonl': `${l3.join('\n')}\n`,
    },
    sources: [
      { path: 'level-0-units.jsonl', level: 0, format: 'source-records', items: counts[0] },
      { path: 'level-1-departments.txt', level: 1, format: 'institution-list', items: counts[1] },
      { path: 'level-2-research-areas.jsonl', level: 2, format: 'page-snapshots', items: counts[2] },
      { path: 'level-3-topics.jsonl', level: 3, format: 'page-snapshots', items: counts[3] },
    ],
    itemsPerLevel: counts,
  };
}

/** Copies config/ into a scratch workspace `root` and merges `values` into each named slice file. */
export async function patchedConfig(repo: string, root: string, slices: Record<string, Record<string, unknown>>): Promise<void> {
  await cp(join(repo, 'config'), join(root, 'config'), { recursive: true });
  for (const [slice, values] of Object.entries(slices)) {
    const file = join(root, 'config', `${slice}.json`);
    const current = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
    await writeFile(file, `${JSON.stringify({ ...current, ...values }, null, 2)}\n`);
  }
}

function stripPrefix(text: string, prefixes: ReadonlyArray<string>): string {
  const lower = text.toLowerCase();
  for (const p of prefixes) if (lower.startsWith(p.toLowerCase())) return text.slice(p.length);
  return text;
}

/** Swaps two adjacent letters at a seeded position (the kind of typo real listings carry). */
function typo(text: string, random: () => number): string {
  if (text.length < 4) return text;
  const i = 1 + Math.floor(random() * (text.length - 3));
  return `${text.slice(0, i)}${text[i + 1]}${text[i]}${text.slice(i + 2)}`;
}

/** The S0 loader of each generated format (names from the S0 sources manifest schema). */
export const LOADER_BY_FORMAT = { 'source-records': 'source-records-jsonl', 'institution-list': 'institution-unit-list', 'page-snapshots': 'page-snapshots-jsonl' } as const;

/** What `tools/bench/run-phase.ts` prints (its last stdout line) for one task it ran. */
export interface ChildReport {
  ms: number;
  /** CPU time (user + system) of the phase, in ms. */
  cpu_ms: number;
  peak_rss_mb: number;
  /** Peak RSS after loading the modules, before the phase ran: the part of the peak that is start-up. */
  rss_before_mb: number;
}

/**
 * The Node arguments that run one phase in a child (`run-phase.ts <task> <phase> <level|-> <root> [shard]`): the
 * phases' compiled `dist/` (`--conditions=taxonomy-dist`), the JavaScript the Nx tasks run, not their
 * TypeScript through tsx; tsx only loads run-phase.ts itself, so the bench measures the code the build runs.
 * (Five alternating runs each on one 100,000-record workspace showed no difference beyond the noise: CPU-ms of
 * `s2:level-0` 207–271 through tsx, 238–289 from dist; `s3:level-0` 328–436 and 271–419.)
 */
export function runPhaseArgs(repo: string): string[] {
  return ['--conditions=taxonomy-dist', '--import', 'tsx', join(repo, 'tools/bench/run-phase.ts')];
}

