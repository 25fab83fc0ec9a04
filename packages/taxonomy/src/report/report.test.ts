import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConceptSchema, conceptId, sha256Hex } from '@taxonomy/core';
import type { FinalConcept } from '../finalize.ts';
import { INSTITUTION_BINS, niceMax, stackedBarChart } from './plots.ts';
import { buildReportData, renderReportHtml, scriptJson } from './render.ts';
import type { ReportSources } from './report-data.ts';
import { writeReport } from './write-report.ts';

function row(level: number, label: string, parent: FinalConcept | null, extra: Partial<FinalConcept> = {}): FinalConcept {
  const c = ConceptSchema.parse({
    id: conceptId(level, label, parent?.id ?? null),
    level,
    label,
    parent: parent?.id ?? null,
    institutions: ['Carnegie Mellon University', 'Stanford University'],
    record_ids: ['r-01a580015f0ead89'],
    records: 1,
    support: { records: 1, institutions: 2, count: 1 },
    weight: 2.2,
    reasons: ['frequency: institutions=2 (min 2), records=1 (min 1), weight=2.21'],
    ...extra,
  });
  return { ...c, path: [...(parent?.path ?? []), label] };
}

const cs0 = row(0, 'computer science', null);
const cs1 = row(1, 'computer science', cs0);
const ml = row(2, 'machine learning', cs1, {
  placement: { method: 'institution', confidence: 0.55, votes: 2.2, institutions: ['Stanford University'], alternatives: [{ parent: 'L1:statistics~bd875c', label: 'statistics', votes: 1.8, institutions: ['Carnegie Mellon University'], methods: ['backbone'] }], reasons: [] },
});
const robotics = row(2, 'robotics </script><script>alert(1)</script>', cs1, { reasons: ['curation: parent pinned to L1:computer-science~3e913a (decision #1)'] });
const ROWS = [cs0, cs1, ml, robotics];

const SOURCES: ReportSources = {
  records: {
    'r-01a580015f0ead89': { text: 'Knowledge representation and qualitative reasoning', institution: 'University of California, Los Angeles', url: 'https://www.seasoasa.ucla.edu/curric-19-20/42-comsci-flds19.html', section: 'Artificial Intelligence', source: 'research-area-pages', level: 2 },
  },
  findings: {},
  ops: [],
  orphans: [{ id: 'L1:altruism~8d8cc1', level: 1, label: 'altruism', disposition: 'quarantined', reason: 'unresolved-parent', detail: 'parent anchor "unresolved:L0:unknown" resolved to no concept', institutions: 1 }],
  recordSources: new Map([['r-01a580015f0ead89', 'research-area-pages']]),
  curation: null,
  inputs: [],
};

/** The per-source figures finalize puts in the manifest summary. */
const SUMMARY_SOURCES = [
  { id: 'research-area-pages', level: 2, loader: 'page-snapshots-jsonl', trust: 'default', records_in: 121, records_out: 121, labels: 268, concepts_kept: 2, records_used: 1, dropped: { frequency: 219 }, dropped_example: null },
  { id: 'unit-pages', level: 1, loader: 'page-snapshots-jsonl', trust: 'default', records_in: 28, records_out: 28, labels: 38, concepts_kept: 0, records_used: 0, dropped: {}, dropped_example: null },
];

const data = () =>
  buildReportData({ rows: ROWS, sources: SOURCES, summarySources: SUMMARY_SOURCES, run: { id: 'run-d15c3b3650280f5e', environment: 'development', policy_version: '2026.11.0' }, lowConfidenceBelow: 0.6, maxRecordsPerConcept: 25 });

describe('the HTML report', () => {
  it('is written line by line with the bytes and checksum of the rendered document', async () => {
    const root = await mkdtemp(join(tmpdir(), 'report-'));
    const ref = await writeReport({ root, dir: join(root, 'artifacts/taxonomy/report'), rows: ROWS, sources: SOURCES, summary: { sources: SUMMARY_SOURCES }, run: { id: 'run-d15c3b3650280f5e', environment: 'development', policy_version: '2026.11.0' }, lowConfidenceBelow: 0.6, maxRecordsPerConcept: 25 });
    const html = renderReportHtml(data());
    expect(await readFile(join(root, 'artifacts/taxonomy/report/index.html'), 'utf8')).toBe(html);
    expect(ref).toEqual({ path: 'artifacts/taxonomy/report/index.html', sha256: sha256Hex(html), records: 4 });
  });

  it('escapes what could end its data script, in one pass', () => {
    expect(scriptJson({ a: '<\u2028\u2029>' })).toBe('{"a":"\\u003c\\u2028\\u2029>"}');
  });

  it('writes its data in pieces that make JSON.stringify\'s text, escaped', () => {
    const values: unknown[] = [
      data(),
      { b: 1, a: [1, undefined, () => 0, { z: null, y: undefined, x: new Date(0), w: new Map([[1, 2]]) }], '2': 'two', 1: 'one', s: '</script>\u2028' },
      [[[[['deep', { k: '<' }]]]]],
      { toJSON: () => ({ replaced: true }) },
      'text <',
      null,
      [],
      {},
    ];
    for (const value of values) {
      const expected = JSON.stringify(value).replace(/</gu, '\\u003c').replace(/\u2028/gu, '\\u2028').replace(/\u2029/gu, '\\u2029');
      expect(scriptJson(value)).toBe(expected);
      expect(JSON.parse(scriptJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  it('is one self-contained, deterministic document with the search library and the data inline', () => {
    const html = renderReportHtml(data());
    expect(renderReportHtml(data())).toBe(html);
    expect(html).toContain('MiniSearch');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="(?!data:)|@import|https?:\/\/[^"']*\.(?:js|css)\b/u);
    // A label cannot close the data script.
    expect(html.match(/<\/script>/gu)).toHaveLength(3);
    expect(html).toContain('robotics \\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
  });

  it.each([
    { what: 'low-confidence placements', get: (d: ReturnType<typeof data>) => d.quality.low_confidence, want: [ml.id] },
    { what: 'sources without concepts', get: (d: ReturnType<typeof data>) => d.quality.sources_without_concepts, want: ['unit-pages'] },
    { what: 'curated concepts', get: (d: ReturnType<typeof data>) => d.concepts.filter((c) => c.curated).map((c) => c.id), want: [robotics.id] },
    { what: 'children by label', get: (d: ReturnType<typeof data>) => d.concepts.find((c) => c.id === cs1.id)!.children, want: [ml.id, robotics.id] },
    { what: 'records shown', get: (d: ReturnType<typeof data>) => d.concepts.find((c) => c.id === ml.id)!.record_ids, want: ['r-01a580015f0ead89'] },
  ])('lists $what', ({ get, want }) => {
    expect(get(data())).toEqual(want);
  });

  it('shows the per-source figures of the manifest summary', () => {
    expect(data().sources).toEqual(SUMMARY_SOURCES);
  });

  it('escapes JSON for a script element', () => {
    expect(scriptJson({ label: '</script><!--' })).toBe('{"label":"\\u003c/script>\\u003c!--"}');
  });
});

describe('plots', () => {
  it.each([
    [0, 1],
    [7, 10],
    [299, 500],
    [1063, 2000],
    [1478, 2000],
  ])('niceMax(%i) = %i', (max, want) => expect(niceMax(max)).toBe(want));

  it('draws one rect per non-zero stack layer, with the totals on top', () => {
    const svg = stackedBarChart({ title: 'Institutions per concept', categories: INSTITUTION_BINS.map((b) => b.label), series: [{ name: 'L0', color: '#1f5fa8', values: [186, 54, 0, 0, 0, 0, 0, 0] }, { name: 'L1', color: '#2e8b57', values: [687, 120, 0, 0, 0, 0, 0, 0] }], xLabel: 'institutions', yLabel: 'concepts' });
    expect(svg.match(/<rect [^>]+><title>/gu)).toHaveLength(4);
    expect(svg).toContain('>873</text>');
    expect(svg).toContain('<title>Institutions per concept</title>');
  });
});
