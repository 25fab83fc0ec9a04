import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@taxonomy/config';
import { canonicalForm, isAcronymOf, normalizeCandidate, stripInstitutionPrefix, supportForModelForm } from './normalize.ts';

const config = defaultConfig().s1;
const PENN = 'UNIVERSITY OF PENNSYLVANIA';
const CHICAGO = 'UNIVERSITY OF CHICAGO';
const YALE = 'YALE UNIVERSITY';
const DUKE = 'DUKE UNIVERISTY';
const UIUC = 'UNIVERSITY OF ILLINOIS URBANA-CHAMPAIGN';
const CORNELL = 'CORNELL UNIVERSITY';
const BERKELEY = 'UNIVERSITY OF CALIFORNIA, BERKELEY';

/**
 * Real strings of the sample corpus (units at L0, departments at L1, research-area and CFP items at
 * L2/L3) with what a model plausibly answers as `normalized` (often an echo of the label).
 * Columns: label, model normalized, institution, level → canonical form.
 */
const CASES: Array<[string, string, string | null, number, string]> = [
  // Level 0: unit names with the institution prefix, brands, inverted forms.
  [`${PENN} - the Wharton School`, 'business', PENN, 0, 'business'],
  [`${PENN} - Annenberg School for Communication`, 'annenberg school for communication', PENN, 0, 'annenberg school for communication'],
  [`${PENN} - Annenberg School of Communication`, `${PENN.toLowerCase()} - annenberg school of communication`, PENN, 0, 'annenberg school of communication'],
  ['Annenberg School of Communication', 'communication', PENN, 0, 'communication'],
  [`${PENN} - School of Social Policy & Practice`, 'school of social policy & practice', PENN, 0, 'school of social policy and practice'],
  [`${CHICAGO} - Physics, Department of`, 'physics', CHICAGO, 0, 'physics'],
  [`${CHICAGO} - Radiology, Department of`, 'radiology, department of', CHICAGO, 0, 'radiology'],
  [`${CHICAGO} - Neurobiology, Committee on`, 'neurobiology, committee on', CHICAGO, 0, 'neurobiology'],
  [`${CORNELL} - School of Industrial and Labor Relations (ilr)`, 'industrial and labor relations', CORNELL, 0, 'industrial and labor relations'],
  [`${CORNELL} - Master of Public Administration (mpa)`, 'public administration', CORNELL, 0, 'public administration'],
  [`${DUKE} - Duke-nus Medical School`, 'duke nus medical school', DUKE, 0, 'duke nus medical school'],
  [`${DUKE} - Duke University School of Medicine`, 'medicine', DUKE, 0, 'medicine'],
  [`${YALE} - Women's, Gender, & Sexuality Studies`, "women's, gender, & sexuality studies", YALE, 0, 'womens gender and sexuality studies'],
  [`${YALE} - Neuroscience, Interdepartmental Program`, 'neuroscience', YALE, 0, 'neuroscience'],
  [`${UIUC} - the Grainger College of Engineering`, 'engineering', UIUC, 0, 'engineering'],
  [`${UIUC} - Gies College of Business`, 'business', UIUC, 0, 'business'],
  [`${BERKELEY} - College of Letters & Science`, 'letters and science', BERKELEY, 0, 'letters and science'],
  ['UNIVERSITY OF MICHIGAN - Integrative Systems + Design', 'integrative systems design', 'UNIVERSITY OF MICHIGAN', 0, 'integrative systems design'],
  ['CALIFORNIA INSTITUTE OF TECHNOLOGY - Division of Geological and Planetary Sciences', 'geological and planetary sciences', 'CALIFORNIA INSTITUTE OF TECHNOLOGY', 0, 'geological and planetary sciences'],
  ['Harvard University: Harvard Medical School', 'harvard medical school', 'Harvard University', 0, 'harvard medical school'],
  ['Harvard University-Law', 'harvard university-law', 'Harvard University', 0, 'harvard university law'],
  ['YALE UNIVERSITY - Cognitive Science', 'cognitive science', YALE, 0, 'cognitive science'],
  // Level 1: department strings of the corpus.
  ['english language and literature, department of', 'english language and literature', 'university of chicago', 1, 'english language and literature'],
  ['genetics, genomics, and systems biology, committee on', 'genetics, genomics, and systems biology', 'university of chicago', 1, 'genetics genomics and systems biology'],
  ['quantum science & engineering', 'quantum science & engineering', 'harvard university', 1, 'quantum science and engineering'],
  ['department of cell & developmental biology', 'cell and developmental biology', 'northwestern university', 1, 'cell and developmental biology'],
  ['school of aquatic and fishery sciences (safs)', 'school of aquatic and fishery sciences (safs)', 'university of washington', 1, 'aquatic and fishery sciences'],
  ['laboratory for particle physics and cosmology (lppc)', 'particle physics and cosmology', 'harvard university', 1, 'particle physics and cosmology'],
  ['department of radiology', 'department of radiology', 'new york university', 1, 'radiology'],
  ['Dept. of Electrical Engineering', 'electrical engineering', null, 1, 'electrical engineering'],
  ['dept of Physics', 'dept of physics', null, 1, 'physics'],
  ['Program in Applied Mathematics', 'program in applied mathematics', null, 1, 'applied mathematics'],
  ['Programs in Comparative Literature', 'comparative literature', null, 1, 'comparative literature'],
  ['Electrical Engineering and Computer Science (EECS)', 'electrical engineering and computer science', 'MASSACHUSETTS INSTITUTE OF TECHNOLOGY', 1, 'electrical engineering and computer science'],
  ['EECS', 'eecs', 'MASSACHUSETTS INSTITUTE OF TECHNOLOGY', 1, 'electrical engineering and computer science'],
  ['ECE', 'electrical and computer engineering', 'duke univeristy', 1, 'electrical and computer engineering'],
  ['AI', 'ai', null, 1, 'ai'],
  ['Physics', 'physics and astronomy', 'yale university', 1, 'physics'],
  ['sociology', 'sociology', 'university of california, berkeley', 1, 'sociology'],
  // Levels 2–3: research-area and CFP items.
  ['Center for Quantum Computing', 'quantum computing', null, 2, 'quantum computing'],
  ['Research Area: Robotics', 'robotics', null, 2, 'robotics'],
  ['Machine-Learning', 'machine-learning', null, 2, 'machine learning'],
  ['Human–Computer Interaction', 'human-computer interaction', 'Carnegie Mellon University', 2, 'human computer interaction'],
  ['Natural Language Processing (NLP)', 'natural language processing', 'Stanford University', 2, 'natural language processing'],
  ['  Computer   Vision.  ', 'computer vision', null, 2, 'computer vision'],
  ['Álgebra Lineal', 'álgebra lineal', null, 2, 'algebra lineal'],
  ['Ørsted Studies', 'ørsted studies', null, 2, 'orsted studies'],
  ['こんにちは研究', 'こんにちは研究', null, 2, 'こんにちは研究'],
  ['Workshop on Graph Learning', 'graph learning', null, 3, 'graph learning'],
  ['Track: Computer Vision', 'computer vision', null, 3, 'computer vision'],
  ['Symposium on Theory of Computing', 'theory of computing', 'STOC', 3, 'theory of computing'],
  ['AI/ML for health and biotechnology', 'ai/ml for health and biotechnology', 'NeurIPS', 3, 'ai ml for health and biotechnology'],
  ['Decision-making, reinforcement learning, and control', 'decision making, reinforcement learning, and control', 'NeurIPS', 3, 'decision making reinforcement learning and control'],
  // Level prefixes of another level are not stripped: "workshop on" is an L3 prefix only.
  ['Center for Quantum Computing', 'center for quantum computing', null, 1, 'center for quantum computing'],
];

describe('normalizeCandidate', () => {
  it.each(CASES)('%s (model %s, %s, L%i) → %s', (label, normalized, institution, level, expected) => {
    const result = normalizeCandidate({ label, normalized, aliases: [], parents: [] }, { level, institution, config });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.normalized).toBe(expected);
  });

  it('never removes a level prefix mid-string (SPEC §6.4-19)', () => {
    const result = normalizeCandidate(
      { label: 'Annenberg School of Communication', normalized: 'annenberg school of communication', aliases: [], parents: [] },
      { level: 1, institution: PENN, config },
    );
    expect(result.ok && result.value.normalized).toBe('annenberg school of communication');
  });

  it.each([
    ['Department of Computer Science (CS)', 'computer science', 'Example University', 1, ['CS', 'Department of Computer Science', 'Department of Computer Science (CS)']],
    [`${CORNELL} - School of Industrial and Labor Relations (ilr)`, 'industrial and labor relations', CORNELL, 0, ['ILR', 'School of Industrial and Labor Relations (ilr)']],
    ['Natural Language Processing (NLP)', 'natural language processing', null, 2, ['NLP', 'Natural Language Processing (NLP)']],
    ['EECS', 'eecs', 'MASSACHUSETTS INSTITUTE OF TECHNOLOGY', 1, ['EECS']],
    [`${PENN} - the Wharton School`, 'business', PENN, 0, ['the Wharton School']],
  ])('aliases of %s', (label, normalized, institution, level, aliases) => {
    const result = normalizeCandidate({ label, normalized, aliases: [], parents: [] }, { level, institution, config });
    expect(result.ok && result.value.aliases).toEqual(aliases);
  });

  it.each([
    [`${DUKE} - Duke-nus Medical School`, DUKE, ['DUKE']],
    [`${YALE} - Women's, Gender, & Sexuality Studies`, YALE, ['YALE']],
    [`${UIUC} - the Grainger College of Engineering`, UIUC, ['URBANA', 'CHAMPAIGN']],
    ['JOHNS HOPKINS UNIVERSITY - Applied Physics Laboratory', 'JOHNS HOPKINS UNIVERSITY', ['JOHNS', 'HOPKINS']],
  ])('all-caps institution words of %s never become aliases', (label, institution, forbidden) => {
    const result = normalizeCandidate(
      { label, normalized: label.toLowerCase(), aliases: [...forbidden, institution, 'WGSS'], parents: [] },
      { level: 0, institution, config },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const f of forbidden) expect(result.value.aliases).not.toContain(f);
    expect(result.value.aliases).not.toContain(institution);
    expect(result.value.aliases.some((a) => a.toUpperCase().includes(institution))).toBe(false);
    expect(result.value.aliases).toContain('WGSS');
  });

  it('the label drops the institution prefix but keeps the unit as named', () => {
    const result = normalizeCandidate({ label: `${PENN} - the Wharton School`, normalized: 'business', aliases: [], parents: [] }, { level: 0, institution: PENN, config });
    expect(result.ok && result.value.label).toBe('the Wharton School');
  });

  it.each([
    ['A', 'a', 'too_short'],
    ['Optimization for deep networks and large-scale learning with very long names of many words', 'x', 'too_long'],
    ['(  )', '', 'empty'],
  ])('%s is dropped as %s', (label, normalized, reason) => {
    const result = normalizeCandidate({ label, normalized, aliases: [], parents: [] }, { level: 3, institution: 'NeurIPS', config });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('respects configured length bounds', () => {
    const narrow = { ...config, max_label_length: 10 };
    const result = normalizeCandidate({ label: 'Computer Vision', normalized: 'computer vision', aliases: [], parents: [] }, { level: 2, institution: null, config: narrow });
    expect(result.ok ? result.value.normalized : result.reason).toBe('too_long');
  });

  it('keeps the model parents as anchors, trimmed and unique', () => {
    const result = normalizeCandidate(
      { label: 'Deep Learning', normalized: 'deep learning', aliases: [], parents: [' machine learning ', 'machine learning', ''] },
      { level: 3, institution: 'NeurIPS', config },
    );
    expect(result.ok && result.value.parents).toEqual(['machine learning']);
  });
});

describe('supportForModelForm', () => {
  it.each([
    ['computer science', 'computer science', true],
    ['physics', 'physics department of', true],
    ['electrical engineering and computer science', 'eecs', true],
    ['behavioral science', 'behavioural science', true],
    ['business', 'wharton school', true],
    ['physics and astronomy', 'physics', false],
    ['chemistry', 'physics', false],
  ])('model %s for label %s → %s', (model, label, supported) => {
    expect(supportForModelForm(model, label) !== null).toBe(supported);
  });
});

describe('stripInstitutionPrefix', () => {
  it.each([
    [`${PENN} - the Wharton School`, PENN, 'the Wharton School'],
    ['Harvard University: Harvard Medical School', 'Harvard University', 'Harvard Medical School'],
    ['Harvard University | Harvard Law School', 'harvard university', 'Harvard Law School'],
    ['Harvard University Harvard Law School', 'Harvard University', 'Harvard Law School'],
    ['Harvard University-Law', 'Harvard University', 'Harvard University-Law'],
    [`${BERKELEY} - College of Letters & Science`, BERKELEY, 'College of Letters & Science'],
    [`${UIUC} - Gies College of Business`, UIUC, 'Gies College of Business'],
    ['Duke-nus Medical School', DUKE, 'Duke-nus Medical School'],
    ['YALE UNIVERSITY', YALE, 'YALE UNIVERSITY'],
  ])('%s (%s) → %s', (text, institution, expected) => {
    expect(stripInstitutionPrefix(text, institution)).toBe(expected);
  });
});

describe('isAcronymOf', () => {
  it.each([
    ['CS', 'computer science', true],
    ['ECE', 'electrical and computer engineering', true],
    ['EECS', 'electrical engineering and computer science', true],
    ['HCI', 'human computer interaction', true],
    ['NLP', 'natural language processing', true],
    ['CV', 'machine learning', false],
    ['DUKE', 'duke nus medical school', false],
  ])('%s abbreviates %s → %s', (acronym, phrase, expected) => {
    expect(isAcronymOf(acronym, phrase)).toBe(expected);
  });
});

describe('canonicalForm', () => {
  it('records each step it applies', () => {
    const form = canonicalForm(`${CORNELL} - School of Industrial and Labor Relations (ilr)`, { level: 1, institution: CORNELL, config });
    expect(form.steps.map((s) => s.step)).toEqual(['institution prefix', 'trailing parenthetical', 'level 1 prefix "school of"', 'normalize']);
    expect(form.canonical).toBe('industrial and labor relations');
    expect(form.acronyms).toEqual(['ILR']);
  });
});
