import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '@taxonomy/core';
import type { CurationOutcome } from '@taxonomy/curation';
import type { FinalConcept } from '../finalize.ts';
import { INSTITUTION_BINS, LEVEL_COLORS, escapeXml, horizontalBarChart, stackedBarChart } from './plots.ts';
import type { ReportOp, ReportSources, SourceContribution } from './report-data.ts';

/** One concept as the page shows it. */
export interface ReportConcept {
  id: string;
  level: number;
  label: string;
  parent: string | null;
  path: string[];
  aliases: string[];
  gloss: string | null;
  institutions: string[];
  records: number;
  record_ids: string[];
  support: FinalConcept['support'];
  weight: number;
  gates: Record<string, boolean>;
  reasons: string[];
  anchor: FinalConcept['anchor'] | null;
  validation: FinalConcept['validation'];
  placement: FinalConcept['placement'] | null;
  children: string[];
  curated: boolean;
  ops: number[];
  curation: number[];
}

/** Everything the page needs, embedded as JSON. */
export interface ReportData {
  title: string;
  run: { id: string; environment: string; policy_version: string };
  counts: { total: number; edges: number; by_level: number[] };
  settings: { low_confidence_below: number; max_records_per_concept: number };
  concepts: ReportConcept[];
  records: ReportSources['records'];
  findings: ReportSources['findings'];
  ops: ReportOp[];
  orphans: ReportSources['orphans'];
  sources: SourceContribution[];
  curation: { file: string; present: boolean; counts: Record<string, number>; outcomes: CurationOutcome[] } | null;
  quality: { low_confidence: string[]; unplaced: string[]; validation_failed: string[]; sources_without_concepts: string[]; placement_known: boolean };
}

export interface BuildReportDataOptions {
  rows: ReadonlyArray<FinalConcept>;
  sources: ReportSources;
  /** `manifest.summary.sources` when the build reports it. */
  summarySources: SourceContribution[] | null;
  run: ReportData['run'];
  lowConfidenceBelow: number;
  maxRecordsPerConcept: number;
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Assembles the page data from the final concepts and what finalize read for the report. */
export function buildReportData(options: BuildReportDataOptions): ReportData {
  const { rows, sources } = options;
  const children = new Map<string, string[]>();
  const byLabel = (ids: string[]) => ids.sort((a, b) => labels.get(a)!.localeCompare(labels.get(b)!, 'en') || byId(a, b));
  const labels = new Map(rows.map((c) => [c.id, c.label]));
  for (const c of rows) if (c.parent !== null) children.set(c.parent, [...(children.get(c.parent) ?? []), c.id]);
  const opsOf = new Map<string, number[]>();
  sources.ops.forEach((op, i) => {
    for (const id of new Set([op.subject, ...op.members.map((m) => m.id), ...op.reparented])) opsOf.set(id, [...(opsOf.get(id) ?? []), i]);
  });
  const outcomes = sources.curation?.outcomes ?? [];
  const curationOf = new Map<string, number[]>();
  outcomes.forEach((o, i) => {
    for (const id of new Set([o.decision.concept, ...o.affected])) curationOf.set(id, [...(curationOf.get(id) ?? []), i]);
  });
  const concepts: ReportConcept[] = rows.map((c) => ({
    id: c.id,
    level: c.level,
    label: c.label,
    parent: c.parent,
    path: c.path,
    aliases: c.aliases,
    gloss: c.gloss,
    institutions: c.institutions,
    records: c.records,
    record_ids: [...c.record_ids].sort().slice(0, options.maxRecordsPerConcept).filter((id) => sources.records[id] !== undefined),
    support: c.support,
    weight: c.weight,
    gates: c.gates,
    reasons: c.reasons,
    anchor: c.anchor ?? null,
    validation: c.validation,
    placement: c.placement ?? null,
    children: byLabel([...(children.get(c.id) ?? [])]),
    curated: c.placement?.method === 'curated' || c.reasons.some((r) => r.startsWith('curation:')),
    ops: opsOf.get(c.id) ?? [],
    curation: (curationOf.get(c.id) ?? []).filter((i) => outcomes[i]!.status === 'applied' || outcomes[i]!.status === 'unchanged'),
  }));
  const sourceList = options.summarySources ?? [];
  const placementKnown = rows.some((c) => c.placement !== undefined);
  const byLevel = [0, 1, 2, 3].map((l) => rows.filter((c) => c.level === l).length);
  return {
    title: 'Taxonomy build report',
    run: options.run,
    counts: { total: rows.length, edges: rows.filter((c) => c.parent !== null).length, by_level: byLevel },
    settings: { low_confidence_below: options.lowConfidenceBelow, max_records_per_concept: options.maxRecordsPerConcept },
    concepts,
    records: Object.fromEntries(Object.keys(sources.records).sort().map((k) => [k, sources.records[k]!])),
    findings: sources.findings,
    ops: sources.ops,
    orphans: sources.orphans,
    sources: sourceList,
    curation: sources.curation === null ? null : { file: sources.curation.file, present: sources.curation.present, counts: sources.curation.counts, outcomes },
    quality: {
      low_confidence: rows.filter((c) => c.placement !== undefined && c.placement.method !== 'curated' && c.placement.confidence < options.lowConfidenceBelow).map((c) => c.id),
      unplaced: rows.filter((c) => c.placement?.method === 'unplaced').map((c) => c.id),
      validation_failed: rows.filter((c) => c.validation?.passed === false).map((c) => c.id),
      sources_without_concepts: sourceList.filter((s) => (s.concepts_kept ?? 0) === 0).map((s) => s.id),
      placement_known: placementKnown,
    },
  };
}

/** The plots of the overview: concepts per level, institutions per concept (by level), records and concepts per source. */
export function renderPlots(data: ReportData): string[] {
  const levelNames = ['L0 fields', 'L1 departments', 'L2 areas', 'L3 topics'];
  const perLevel = stackedBarChart({
    title: 'Concepts per level',
    categories: levelNames,
    series: [0, 1, 2, 3].map((l) => ({ name: `L${l}`, color: LEVEL_COLORS[l]!, values: levelNames.map((_, i) => (i === l ? data.counts.by_level[l]! : 0)) })),
    xLabel: 'level',
    yLabel: 'concepts',
    legend: false,
  });
  const institutions = stackedBarChart({
    title: 'Institutions per concept',
    categories: INSTITUTION_BINS.map((b) => b.label),
    series: [0, 1, 2, 3].map((l) => ({
      name: `L${l}`,
      color: LEVEL_COLORS[l]!,
      values: INSTITUTION_BINS.map((b) => data.concepts.filter((c) => c.level === l && c.support.institutions >= b.min && c.support.institutions <= b.max).length),
    })),
    xLabel: 'distinct institutions supporting the concept',
    yLabel: 'concepts',
  });
  const plots = [perLevel, institutions];
  if (data.sources.length > 0) {
    plots.push(
      horizontalBarChart({
        title: 'What each source contributed',
        rows: data.sources.map((s) => ({ label: s.id, values: [s.records_out ?? 0, s.records_used ?? 0, s.concepts_kept ?? 0] })),
        series: [
          { name: 'records out of S0', color: '#9db4cf' },
          { name: 'records behind a concept', color: '#1f5fa8' },
          { name: 'concepts kept', color: '#2e8b57' },
        ],
      }),
    );
  }
  return plots;
}

const require = createRequire(import.meta.url);
/** The report's static files live in the package's src/report, found through the package (`packageRoot`) from sources, dist/ or the phase bundle alike. */
const ASSET_DIR = join(packageRoot('@taxonomy/taxonomy'), 'src', 'report');
const asset = (name: string) => readFileSync(join(ASSET_DIR, name), 'utf8');

/** The search library inlined into the page: MiniSearch's UMD build from node_modules, source map reference removed. */
export function searchLibrarySource(): string {
  // The package exports only its ES/CJS entries; the UMD build sits beside them in dist/.
  const path = join(dirname(require.resolve('minisearch')), '..', 'umd', 'index.js');
  return readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/mu, '\n');
}

const SCRIPT_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '\u2028': '\\u2028', '\u2029': '\\u2029' };
const escapeScript = (json: string) => json.replace(/[<\u2028\u2029]/gu, (c) => SCRIPT_ESCAPES[c]!);

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return [...scriptJsonPieces(value)].join('');
}

/** A plain object or array, which JSON.stringify writes key by key (no toJSON, no other prototype). */
function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `scriptJson(value)` in pieces, the same text: the report's data is the largest string a build makes (44 MB at
 * 1,000,000 records, more while JSON.stringify grows it and the escapes copy it), so plain objects and arrays are
 * written member by member down to `depth` levels, each member stringified and escaped on its own.
 */
export function* scriptJsonPieces(value: unknown, depth = 3): Generator<string> {
  if (depth === 0 || !isPlainContainer(value)) {
    yield escapeScript(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      // JSON.stringify writes undefined, functions and symbols in an array as null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* scriptJsonPieces(item, depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const key of Object.keys(value)) {
    const member = value[key];
    // …and leaves such a member of an object out.
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    yield `${first ? '' : ','}${escapeScript(JSON.stringify(key))}:`;
    first = false;
    yield* scriptJsonPieces(member, depth - 1);
  }
  yield '}';
}

const scriptText = (code: string) => code.replace(/<\/script/giu, '<\\/script');

/** The whole report: one self-contained HTML document (styles, search library, data, plots, app inline). */
export function renderReportHtml(data: ReportData): string {
  return [...renderReportPieces(data)].join('');
}

/** The report's text in pieces (the data member by member), for writing without ever joining it (writeTextAtomic). */
export function* renderReportPieces(data: ReportData): Generator<string> {
  const plots = renderPlots(data);
  yield [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeXml(`${data.title} · ${data.run.id}`)}</title>`,
    `<style>${asset('./report.css')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report needs JavaScript to browse the tree; the plots below still show.</noscript>',
    `<template id="plots">${plots.join('')}</template>`,
    '<script type="application/json" id="report-data">',
  ].join('\n');
  yield* scriptJsonPieces(data);
  yield [
    '</script>',
    `<script>${scriptText(searchLibrarySource())}</script>`,
    `<script>${scriptText(asset('./client.js'))}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
