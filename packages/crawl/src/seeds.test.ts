import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { loadSeeds, parseSeeds } from './seeds.ts';

const defaults = defaultConfig().crawl.defaults;
const duke = {
  institution: 'Duke University',
  kind: 'research_areas',
  parent_anchor: 'computer science',
  seed_urls: ['https://www.cs.duke.edu/research/'],
  allowed_domains: ['cs.duke.edu'],
};
const neurips = { institution: 'NeurIPS', kind: 'cfp_topics', seed_urls: ['https://neurips.cc/Conferences/2026/CallForPapers'], allowed_domains: ['neurips.cc'] };

describe('parseSeeds', () => {
  it('fills ids, levels and budgets from the kind and the config defaults', () => {
    const seeds = parseSeeds({ entries: [duke, { ...neurips, max_pages: 5, include_patterns: ['CallForPapers'] }] }, 'seeds.json', defaults);
    expect(seeds.entries.map((e) => [e.id, e.level, e.budgets.max_pages, e.budgets.max_depth, e.include.length])).toEqual([
      ['duke-university-research-areas', 2, 100, 3, 0],
      ['neurips-cfp-topics', 3, 5, 3, 1],
    ]);
    expect(seeds.entries[0]!.seed_urls).toEqual(['https://www.cs.duke.edu/research/']);
  });

  it.each([
    ['a seed that is no URL', { entries: [{ ...duke, seed_urls: ['htp//www.cs.duke.edu'] }] }, 'seeds.json: entries[0] (Duke University): seed_urls[0]: must be an absolute http:// or https:// URL (got "htp//www.cs.duke.edu")'],
    ['no allowed domain', { entries: [neurips, { ...duke, allowed_domains: [] }] }, 'seeds.json: entries[1] (Duke University): allowed_domains: needs at least one domain'],
    ['a domain with a scheme', { entries: [{ ...duke, allowed_domains: ['https://cs.duke.edu'] }] }, 'entries[0] (Duke University): allowed_domains[0]: must be a host name such as cs.duke.edu (no scheme, no path) (got "https://cs.duke.edu")'],
    ['an unknown kind', { entries: [{ ...duke, kind: 'departments' }] }, 'entries[0] (Duke University): kind: expected one of "units"|"research_areas"|"cfp_topics" (got "departments")'],
    ['a misspelt key', { entries: [{ ...duke, max_page: 10 }] }, 'entries[0] (Duke University): Unrecognized key: "max_page"'],
    ['a bad regular expression', { entries: [{ ...duke, include_patterns: ['/research/(areas'] }] }, 'entries[0] (Duke University): include_patterns[0]: invalid regular expression'],
    ['a missing institution', { entries: [{ ...duke, institution: '  ' }] }, 'seeds.json: entries[0]: institution: must not be empty'],
    ['no entries', { entries: [] }, 'seeds.json: entries: needs at least one entry'],
    ['a seed outside its domains', { entries: [{ ...duke, seed_urls: ['https://www.duke.edu/academics'] }] }, 'entries[0] (Duke University): seed_urls[0]: host www.duke.edu is not in allowed_domains (cs.duke.edu)'],
    ['two entries with one id', { entries: [duke, { ...duke, seed_urls: ['https://www.cs.duke.edu/research/systems'] }] }, 'entries[1] (Duke University): id: "duke-university-research-areas" is already used by entries[0] (Duke University)'],
    [
      'two parents for one institution and kind',
      { entries: [duke, { ...duke, id: 'duke-ece', parent_anchor: 'electrical engineering' }] },
      'entries[1] (duke-ece): parent_anchor: "electrical engineering" differs from entries[0] (Duke University) ("computer science")',
    ],
    ['one kind at two levels', { entries: [duke, { ...neurips, kind: 'research_areas', level: 3 }] }, 'entries[1] (NeurIPS): level: 3 differs from entries[0] (Duke University) (level 2) for kind "research_areas"'],
  ])('names the entry and the field for %s', (_name, json, message) => {
    expect(() => parseSeeds(json, 'seeds.json', defaults)).toThrow(message);
  });

  it('reports every problem of a file on one line', () => {
    let message = '';
    try {
      parseSeeds({ entries: [{ ...duke, seed_urls: [] }, { ...neurips, max_depth: -1 }] }, 'seeds.json', defaults);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('seeds.json: entries[0] (Duke University): seed_urls: needs at least one URL; entries[1] (NeurIPS): max_depth: Too small: expected number to be >=0 (got -1)');
    expect(message).not.toContain('\n');
  });
});

describe('loadSeeds', () => {
  it('names the line and column of malformed JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seeds-'));
    const file = join(dir, 'seeds.json');
    await writeFile(file, '{\n  "entries": [\n    { "institution": "Duke University", }\n  ]\n}\n');
    await expect(loadSeeds(file, 'config/seeds.json', defaults)).rejects.toThrow(/^config\/seeds\.json:3:41: malformed JSON/u);
  });

  it('says which file is missing', async () => {
    await expect(loadSeeds('/nonexistent/seeds.json', 'config/seeds.json', defaults)).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: 'seeds file not found: config/seeds.json' });
  });
});
