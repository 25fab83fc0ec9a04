import { describe, expect, it } from 'vitest';
import { verifyLabel } from './verify.ts';

describe('verifyLabel', () => {
  it.each([
    [0, 'geology'],
    [0, 'pharmacy'],
    [0, 'theology'],
    [0, 'acoustics'],
    [0, 'arts and sciences'],
    [1, 'school psychology'],
    [1, 'area studies'],
    [1, 'history of art'],
    [1, 'family medicine'],
    [2, 'theory of computation'],
    [3, 'journalism'],
    [3, 'question answering'],
    [3, 'nlp'],
    [1, 'law'],
    [3, 'graph data management'],
    [3, 'program repair'],
    [3, 'interactive visual exploration of heterogeneous geospatial information'],
    [1, 'musculoskeletal sciences'],
    [0, 'health'],
  ] as const)('L%i "%s" passes', (level, label) => {
    expect(verifyLabel({ label, level })).toEqual({ pass: true, reasons: [] });
  });

  it.each([
    [0, 'office', 'organisational word: office'],
    [1, 'unit', 'organisational word: unit'],
    [1, 'track', 'organisational word: track'],
    [1, 'area', 'organisational head: area'],
    [1, 'computer science department', 'organisational word: department'],
    [1, 'center', 'organisational word: center'],
    [0, 'school of medicine', 'organisational word: school'],
    [0, 'haas', 'personal or place name: haas'],
    [0, 'wharton', 'brand name, not a field: wharton'],
    [0, 'perelman medicine', 'personal or place name: perelman'],
    [0, 'stanford', 'personal or place name: stanford'],
    [1, 'duke', 'personal or place name: duke'],
    [3, 'sigmod', 'venue name: sigmod'],
    [3, 'neurips', 'venue name: neurips'],
    [3, 'osdi 2026', 'venue name: osdi 2026'],
    [3, 'tacl 2024', 'acronym followed by a year: tacl 2024'],
    [3, 'workshop on machine learning', 'venue word: workshop'],
    [3, 'submission guidelines', 'call-for-papers furniture: submission guidelines'],
    [3, 'call for papers', 'call-for-papers furniture: call for papers'],
    [3, 'important dates', 'call-for-papers furniture: important dates'],
    [3, 'other topics', 'generic word: other topics'],
    [2, 'research areas', 'call-for-papers furniture: research areas'],
    [2, 'related topics', 'generic word: related topics'],
    [1, 'mgh', 'unexplained acronym: mgh'],
    [1, 'sir william', 'personal or place name: sir, william'],
    [1, 'ernest mario', 'personal or place name: ernest, mario'],
    [3, 'rebuttal period', 'call-for-papers furniture: rebuttal period'],
    [3, 'poster session chair', 'call-for-papers furniture: poster session chair'],
    [3, 'dear colleague', 'call-for-papers furniture: dear colleague'],
    [2, 'themes and concentrations', 'section heading, not a topic: themes and concentrations'],
    [2, 'the field', 'section heading, not a topic: the field'],
    [3, 'lessons learned', 'generic word: lessons learned'],
    [3, 'extended abstracts due', 'call-for-papers furniture: extended abstracts due'],
    [2, 'research highlights', 'section heading, not a topic: research highlights'],
  ] as const)('L%i "%s" fails: %s', (level, label, reason) => {
    const verdict = verifyLabel({ label, level });
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toContain(reason);
  });

  it('fails an over-long label with a reason that names the limit', () => {
    const verdict = verifyLabel({ label: 'weill cornell graduate school of medical sciences new york city', level: 0 });
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toContain('too many words: 10 (max 6 at level 0)');
  });
});

describe('verifyLabel — level 0/1 unit-label rules (fragments seen in the sample build)', () => {
  it.each([
    ['bsn to', 'degree name, not a field: bsn to'],
    ['md phd', 'degree name, not a field: md phd'],
    ['post masters', 'degree name, not a field: post masters'],
    ['scholarships', 'names people, awards or services, not a field: scholarships'],
    ['scholars', 'names people, awards or services, not a field: scholars'],
    ['scholar enrichment', 'names people, awards or services, not a field: scholar, enrichment'],
    ['leadership accelerator', 'names people, awards or services, not a field: accelerator'],
    ['new student academic', 'no head noun: ends in "academic"'],
    ['function', 'generic word without a field: function'],
    ['progress', 'generic word without a field: progress'],
    ['game', 'generic word without a field: game'],
    ['societies', 'generic word: societies'],
    ['free institutions', 'generic word without a field: free institutions'],
    ['willed body', 'generic word without a field: willed body'],
    ['17th studies', 'ordinal without its noun: 17th'],
    ['mildred e mathias botanical garden', 'personal name with an initial'],
    ['ceils', 'unknown word (a name or an unexplained acronym): ceils'],
    ['mimg', 'unknown word (a name or an unexplained acronym): mimg'],
  ])('L1 "%s" fails: %s', (label, reason) => {
    const verdict = verifyLabel({ label, level: 1 });
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toContain(reason);
  });

  it.each([
    'financial institutions', 'hypertension', 'obesity', 'accountancy', 'piano', 'strings', 'voice', 'ensembles', 'composition',
    'fintech', 'markets', 'justice', 'rights', 'democracy', 'negotiation', 'operations', 'recorded music', '17th century studies',
    'neuropsychology', 'cosmology', 'foot', 'laryngology', 'math', 'latino studies', 'community engagement',
  ])('L1 "%s" passes', (label) => {
    expect(verifyLabel({ label, level: 1 })).toEqual({ pass: true, reasons: [] });
  });
});
