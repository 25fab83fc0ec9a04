import { describe, expect, it } from 'vitest';
import { entailLabel, fieldFamilies, glossFor, inferParent } from './families.ts';
import { authoritativeTitles, isKnownField } from './field-lexicon.ts';
import { loadCip } from './cip.ts';

describe('CIP 2020 data', () => {
  it('holds 50 families, 473 series and 2,324 programs', () => {
    const cip = loadCip();
    const kinds = { family: 0, series: 0, program: 0 };
    for (const e of cip.entries) kinds[e.kind] += 1;
    expect(kinds).toEqual({ family: 50, series: 473, program: 2324 });
  });

  it('lists normalized series and program titles without the trailing period or ", General"', () => {
    const titles = authoritativeTitles();
    expect(titles).toContain('geology earth science');
    expect(titles).toContain('agriculture');
    expect(titles.every((t) => t === t.toLowerCase() && !t.endsWith('.'))).toBe(true);
  });
});

describe('isKnownField', () => {
  it.each([
    ['geology', true],
    ['Physics', true],
    ['computer engineering', true],
    ['genomics', true],
    ['humanities', true],
    ['haas', false],
    ['electrical', false],
    ['cell', false],
  ])('%s → %s', (label, known) => {
    expect(isKnownField(label)).toBe(known);
  });
});

describe('fieldFamilies', () => {
  it.each([
    ['medicine', '51'],
    ['molecular biology', '26'],
    ['computer engineering', '14'],
    ['law', '22'],
    ['machine learning', '11'],
    ['statistics', '27'],
  ])('%s belongs first to CIP family %s', (label, code) => {
    expect(fieldFamilies(label)[0]?.code).toBe(code);
  });

  it('scores best first and names the family', () => {
    const families = fieldFamilies('computer engineering');
    expect(families[0]).toEqual({ code: '14', title: 'ENGINEERING', score: 0.9 });
    expect(families.map((f) => f.score)).toEqual([...families.map((f) => f.score)].sort((a, b) => b - a));
  });
});

describe('inferParent', () => {
  const candidates = [
    { id: 'L0:biology', label: 'biology', institutions: ['YALE UNIVERSITY'] },
    { id: 'L0:medicine', label: 'medicine', institutions: ['YALE UNIVERSITY'] },
    { id: 'L0:law', label: 'law', institutions: ['HARVARD UNIVERSITY'] },
    { id: 'L0:engineering', label: 'engineering', institutions: ['DUKE UNIVERISTY'] },
  ];
  it.each([
    ['molecular biology', 'L0:biology'],
    ['surgery', 'L0:medicine'],
    ['pediatrics', 'L0:medicine'],
    ['electrical engineering', 'L0:engineering'],
    ['business law', 'L0:law'],
  ])('%s → %s', (label, id) => {
    expect(inferParent({ label, level: 1, institution: 'YALE UNIVERSITY', candidates })?.id).toBe(id);
  });

  it.each([
    ['neurosurgery', 'L0:medicine'],
    ['decision sciences', null],
    ['computational biology', 'L0:biology'],
  ])('prefers the broad, widely supported parent: %s → %s', (label, id) => {
    const wide = [
      { id: 'L0:medicine', label: 'medicine', institutions: ['HARVARD UNIVERSITY', 'YALE UNIVERSITY', 'STANFORD UNIVERSITY', 'DUKE UNIVERISTY'] },
      { id: 'L0:nursing', label: 'nursing', institutions: ['NEW YORK UNIVERSITY'] },
      { id: 'L0:science', label: 'science', institutions: ['NEW YORK UNIVERSITY'] },
      { id: 'L0:biology', label: 'biology', institutions: ['YALE UNIVERSITY', 'STANFORD UNIVERSITY'] },
      { id: 'L0:ecology', label: 'ecology', institutions: ['YALE UNIVERSITY'] },
    ];
    expect(inferParent({ label, level: 1, institution: 'NEW YORK UNIVERSITY', candidates: wide })?.id ?? null).toBe(id);
  });

  it.each([
    ['reinforcement learning', 'L2:machine learning'],
    ['statistical learning theory', 'L2:machine learning'],
    ['database security', 'L2:databases'],
    ['machine translation', 'L2:natural language processing'],
  ])('anchors a level-3 topic among level-2 areas: %s → %s', (label, id) => {
    const areas = [
      { id: 'L2:machine learning', label: 'machine learning', institutions: ['Cornell University'] },
      { id: 'L2:computer vision', label: 'computer vision', institutions: ['Cornell University'] },
      { id: 'L2:databases', label: 'databases', institutions: ['Columbia University'] },
      { id: 'L2:natural language processing', label: 'natural language processing', institutions: ['Columbia University'] },
    ];
    expect(inferParent({ label, level: 3, institution: null, candidates: areas })?.id).toBe(id);
  });

  it('returns null when no candidate is plausible, and at level 0', () => {
    expect(inferParent({ label: 'dance', level: 1, institution: null, candidates: candidates.slice(2, 3) })).toBeNull();
    expect(inferParent({ label: 'molecular biology', level: 0, institution: null, candidates })).toBeNull();
  });
});

describe('glossFor', () => {
  it('uses the CIP definition for a CIP title, within 20 words', () => {
    const gloss = glossFor({ label: 'geology', level: 0, parentLabel: null });
    expect(gloss.startsWith('geology: the scientific study of the earth')).toBe(true);
    expect(gloss.split(' ').length).toBeLessThanOrEqual(20);
  });

  it('places a label that is no CIP title under its parent', () => {
    expect(glossFor({ label: 'systems', level: 2, parentLabel: 'Computer Science' })).toBe('systems: research area within computer science');
  });
});

describe('entailLabel', () => {
  it.each([
    ['robotics', 1, 'engineering', ['UNIVERSITY OF MICHIGAN - Robotics'], true],
    ['public health', 0, null, ['JOHNS HOPKINS UNIVERSITY - Public Health', 'YALE UNIVERSITY - Public Health'], true],
    ['wharton', 0, null, ['UNIVERSITY OF PENNSYLVANIA - the Wharton School'], false],
    ['cosmetology', 0, null, ['UNIVERSITY OF CHICAGO - Physics, Department of'], false],
  ] as const)('%s at L%i under %s → %s', (label, level, parentLabel, evidence, pass) => {
    const verdict = entailLabel({ label, level, parentLabel, evidence });
    expect(verdict.pass).toBe(pass);
    expect(verdict.confidence).toBeGreaterThanOrEqual(0);
    expect(verdict.confidence).toBeLessThanOrEqual(1);
    expect(verdict.reason.length).toBeGreaterThan(0);
  });
});

describe('inferParent — level-1 fallback by CIP family (departments whose words name no L0 concept)', () => {
  const inst = (n: number) => Array.from({ length: n }, (_, i) => `University ${i + 1}`);
  // A slice of the sample build's 305 L0 concepts, with their institution counts.
  const l0 = [
    { id: 'L0:business', label: 'business', institutions: inst(14) },
    { id: 'L0:medicine', label: 'medicine', institutions: inst(13) },
    { id: 'L0:engineering', label: 'engineering', institutions: inst(17) },
    { id: 'L0:law', label: 'law', institutions: inst(14) },
    { id: 'L0:humanities', label: 'humanities', institutions: inst(6) },
    { id: 'L0:arts-and-sciences', label: 'arts and sciences', institutions: inst(7) },
    { id: 'L0:social-sciences', label: 'social sciences', institutions: inst(4) },
    { id: 'L0:music', label: 'music', institutions: inst(7) },
    { id: 'L0:visual-arts', label: 'visual arts', institutions: inst(1) },
    { id: 'L0:astronomy', label: 'astronomy', institutions: inst(3) },
    { id: 'L0:physics', label: 'physics', institutions: inst(4) },
    { id: 'L0:geological-sciences', label: 'geological sciences', institutions: inst(1) },
    { id: 'L0:aerospace-engineering', label: 'aerospace engineering', institutions: inst(2) },
    { id: 'L0:mathematics', label: 'mathematics', institutions: inst(4) },
    { id: 'L0:statistics', label: 'statistics', institutions: inst(3) },
    { id: 'L0:psychology', label: 'psychology', institutions: inst(3) },
    { id: 'L0:classics', label: 'classics', institutions: inst(3) },
    { id: 'L0:linguistics', label: 'linguistics', institutions: inst(3) },
    { id: 'L0:political-science', label: 'political science', institutions: inst(3) },
    { id: 'L0:computer-science', label: 'computer science', institutions: inst(4) },
    { id: 'L0:history', label: 'history', institutions: inst(3) },
    { id: 'L0:biological-sciences', label: 'biological sciences', institutions: inst(2) },
    { id: 'L0:agricultural-sciences', label: 'agricultural sciences', institutions: inst(1) },
  ];
  it.each([
    ['accountancy', 'L0:business', /^CIP 52 Business.* → "business" \(14 institutions\)/u],
    ['accounting research', 'L0:business', /accounting/u],
    ['fintech', 'L0:business', /CIP 52/u],
    ['securities markets', 'L0:business', /CIP 52/u],
    ['financial institutions', 'L0:business', /financial ~ finance/u],
    ['oceanography', 'L0:geological-sciences', /CIP 40\.06/u],
    ['cosmology', 'L0:astronomy', /CIP 40\.02 Astronomy/u],
    ['exoplanets', 'L0:astronomy', /exoplanet → planet/u],
    ['aeronautics', 'L0:aerospace-engineering', /aeronautics ~ aeronautical/u],
    ['laryngology', 'L0:medicine', /CIP 51/u],
    ['hematopathology', 'L0:medicine', /hematopathology → pathology/u],
    ['hypertension', 'L0:medicine', /CIP 51/u],
    ['sociomedical sciences', 'L0:medicine', /sociomedical → medical/u],
    ['piano', 'L0:music', /CIP 50\.09 Music/u],
    ['strings', 'L0:music', /CIP 50\.09/u],
    ['latino studies', 'L0:humanities', /CIP 05 .*umbrella "humanities"/u],
    ['queer studies', 'L0:humanities', /umbrella/u],
    ['hellenic studies', 'L0:classics', /CIP 16\.12/u],
    ['math', 'L0:mathematics', /CIP 27\.01/u],
    ['statistical science', 'L0:statistics', /statistical ~ statistics/u],
    ['neuropsychology', 'L0:psychology', /neuropsychology → psychology/u],
    ['democracy', 'L0:political-science', /CIP 45\.10/u],
    ['historic preservation', 'L0:history', /historic ~ history/u],
    ['museum studies', 'L0:arts-and-sciences', /CIP 30 .*umbrella "arts and sciences"/u],
    ['software research', 'L0:computer-science', /CIP 11/u],
    ['comparative biosciences', 'L0:biological-sciences', /CIP 26/u],
  ])('%s → %s', (label, id, reason) => {
    const parent = inferParent({ label, level: 1, institution: 'University 99', candidates: l0 });
    expect(parent?.id).toBe(id);
    expect(parent?.reason).toMatch(reason);
  });

  it.each([
    ['latino studies', ['L0:business', 'L0:medicine']],
    ['piano', ['L0:law', 'L0:business']],
    ['dance', ['L0:law', 'L0:medicine']],
    // "domestic" only modifies: "Domestic Animal Services" is no evidence for agriculture.
    ['domestic security', ['L0:agricultural-sciences', 'L0:medicine']],
  ])('returns null when the family has no parent among the candidates: %s', (label, ids) => {
    expect(inferParent({ label, level: 1, institution: null, candidates: l0.filter((c) => ids.includes(c.id)) })).toBeNull();
  });

  it('prefers the most widely supported family member, the record institution breaking ties', () => {
    const tie = [
      { id: 'L0:medicine', label: 'medicine', institutions: ['Yale University', 'Duke University'] },
      { id: 'L0:nursing', label: 'nursing', institutions: ['Yale University'] },
      { id: 'L0:dentistry', label: 'dentistry', institutions: ['Harvard University', 'New York University'] },
    ];
    expect(inferParent({ label: 'rhinology', level: 1, institution: 'Harvard University', candidates: tie })?.id).toBe('L0:dentistry');
    expect(inferParent({ label: 'rhinology', level: 1, institution: 'Yale University', candidates: tie })?.id).toBe('L0:medicine');
  });
});
