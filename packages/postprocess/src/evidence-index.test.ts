import { describe, expect, it } from 'vitest';
import { EvidenceIndex, authorityOf, type EvidenceDocument } from './evidence-index.ts';

const record = (text: string, extra: Partial<EvidenceDocument> = {}): EvidenceDocument => ({
  text,
  url: 'https://www.cs.cornell.edu/research',
  institution: 'Cornell University',
  level: 2,
  record_id: `r-${text.length}`,
  source: 'record',
  ...extra,
});

const options = { snippetChars: 40, includeAuthoritative: true, ownRecordIds: new Set<string>() };

describe('EvidenceIndex', () => {
  const index = new EvidenceIndex([
    record('Research areas include: machine learning, motion planning for robotics, computer vision, and automated theorem proving.'),
    record('Martial training club meets on Fridays.', { record_id: 'r-club' }),
    record('Department of Neurosciences', { record_id: 'r-neuro', level: 1, url: 'file:data/units.xlsx' }),
    record('Northwestern University - Department of Neuroscience', { record_id: 'r-nu', level: 1, url: 'file:data/units.xlsx' }),
    { text: 'neuroscience', url: null, institution: null, level: null, record_id: null, source: 'cip' },
  ]);

  it.each([
    ['computer vision', 1],
    ['robotics', 1],
    ['art', 0],
    ['neuroscience', 3],
    ['neurosciences', 3],
    ['quantum computing', 0],
  ])('finds %s in %i document(s), on word boundaries and plural-tolerant', (label, documents) => {
    expect(index.search(label, options).documents).toBe(documents);
  });

  it('leaves authoritative titles out when asked', () => {
    expect(index.search('neuroscience', { ...options, includeAuthoritative: false }).documents).toBe(2);
  });

  it('scores independent, authoritative, exact mentions higher', () => {
    const { snippets } = index.search('neuroscience', { ...options, ownRecordIds: new Set(['r-nu']) });
    expect(snippets[0]!.source).toBe('cip');
    expect(snippets[0]!.score).toBe(1.3);
    const own = snippets.find((s) => s.record_id === 'r-nu')!;
    const other = snippets.find((s) => s.record_id === 'r-neuro')!;
    expect(own.score).toBeCloseTo(1 + 0.3 * 0.3, 6);
    expect(other.score).toBeCloseTo(1 + 0.3 * 0.3 + 0.2, 6);
    expect(index.search('neural coding', options).snippets).toEqual([]);
  });

  it('does not repeat overlapping windows as separate snippets', () => {
    const dense = new EvidenceIndex([record('graph learning, graph learning and graph learning again; much later, far away from the rest of the text: graph learning')]);
    const { snippets } = dense.search('graph learning', { ...options, snippetChars: 20 });
    // Mentions at 0, 16, 35 and the end: the second falls inside the first window and is not repeated.
    expect(snippets).toHaveLength(3);
    for (const s of snippets) expect(s.text.length).toBeLessThanOrEqual(20 + 'graph learning'.length);
  });

  it('takes disambiguation contexts only from records that mention the label', () => {
    expect(index.contextsFor(['r-neuro', 'r-club', 'r-missing'], 'neuroscience', 40)).toEqual(['Department of Neurosciences']);
    expect(index.contextsFor(['r-club'], 'neuroscience', 40)).toEqual([]);
  });

  // Many mentions with tied scores: the kept best must be the first of the full sorted list, whatever the
  // order the documents were added in (a document that cannot enter the top is skipped without cutting text).
  const crowd = new EvidenceIndex([
    record('Department of Electrical Engineering', { record_id: 'r-a', url: 'file:data/units.xlsx' }),
    record('Electrical engineering and computer science', { record_id: 'r-c', url: 'https://www.eecs.mit.edu/' }),
    record('electrical engineering', { record_id: 'r-b', url: 'https://www.eecs.mit.edu/' }),
    record('School of Electrical Engineering; electrical engineering research', { record_id: 'r-d', url: 'file:data/units.xlsx' }),
    record('Electrical Engineering', { record_id: 'r-e', url: 'https://ece.example.org/' }),
    { text: 'Electrical Engineering', url: null, institution: null, level: null, record_id: null, source: 'cip' },
  ]);
  it.each([
    ['electrical engineering', 1, ['r-b']],
    ['electrical engineering', 2, []],
    ['electrical engineering', 3, ['r-c']],
    ['Electrical Engineering', 4, ['r-a', 'r-d']],
  ])('keeps for %s at limit %i the first snippets of the full sort (own records %j)', (label, limit, own) => {
    const search = { snippetChars: 30, includeAuthoritative: true, ownRecordIds: new Set(own) };
    const full = crowd.search(label, search);
    const kept = crowd.search(label, { ...search, limit });
    expect(kept.snippets).toEqual(full.snippets.slice(0, limit));
    expect([kept.total, kept.documents]).toEqual([full.total, full.documents]);
  });

  it.each([
    [1, true],
    [2, true],
    [3, false],
  ])('knows whether level %i has records: %s', (level, expected) => {
    expect(index.hasRecordsFor(level)).toBe(expected);
  });

  it.each([
    [{ source: 'cip' as const, url: null }, 1],
    [{ source: 'record' as const, url: 'https://www.eecs.mit.edu/research' }, 0.8],
    [{ source: 'record' as const, url: 'https://neurips.cc/Conferences/2026/CallForPapers' }, 0.3],
    [{ source: 'record' as const, url: 'file:data/Faculty Extraction Report.xlsx' }, 0.3],
  ])('authority of %j is %d', (doc, expected) => {
    expect(authorityOf(doc)).toBe(expected);
  });
});
