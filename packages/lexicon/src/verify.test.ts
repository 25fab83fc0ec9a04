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
    [0, 'haas', 'donor or brand name: haas'],
    [0, 'wharton', 'donor or brand name: wharton'],
    [0, 'perelman medicine', 'donor or brand name: perelman'],
    [0, 'stanford', 'institution or campus name: stanford'],
    [1, 'duke', 'institution or campus name: duke'],
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
