import { extractLabels, verifyLabel, type Level } from '@taxonomy/lexicon';
import {
  checkFloors,
  formatExtractionTable,
  formatVerificationTable,
  scoreExtraction,
  scoreVerification,
  type ExtractionCase,
  type ExtractionMiss,
  type PrfScore,
  type VerificationCase,
  type VerificationScore,
} from './score.ts';
import type { ExtractionItem, Floors, LabelledSets, VerifyItem } from './sets.ts';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@taxonomy/core';
import { formatHeldOutPlacement, formatPlacement, scoreBuiltPlacement, scoreHeldOutPlacement, type HeldOutPlacementScore } from './placement.ts';
import { buildAll, removeScratchWorkspaces, scratchWorkspace } from '../pipeline/build.ts';

/** Report sections of `npm run eval`; each is a function of the provider, the labelled sets and the floors. */

/** The two prompt keys the harness needs, answered by whichever provider is active. */
export interface EvalProvider {
  name: string;
  extract(item: { level: Level; institution: string | null; text: string }): Promise<string[]>;
  verify(item: { level: Level; label: string }): Promise<{ pass: boolean; reason: string }>;
  close(): Promise<void>;
}

/** The lexicon rules asked directly (what the offline provider answers from). */
export function lexiconProvider(): EvalProvider {
  return {
    name: 'lexicon rules (direct)',
    extract: async (item) => extractLabels(item).labels.map((l) => l.normalized),
    verify: async (item) => {
      const v = verifyLabel(item);
      return { pass: v.pass, reason: v.reasons.join('; ') || 'pass' };
    },
    close: async () => undefined,
  };
}

/** What every section is given: the provider, the labelled sets and the recorded floors. */
export interface EvalContext {
  provider: EvalProvider;
  sets: LabelledSets;
  floors: Floors;
  misses: number;
}

/** One part of the report: printed lines, a JSON value, and the checks it failed (any failure fails the eval). */
export interface SectionResult {
  text: string[];
  json: unknown;
  failures: string[];
}

/** A report section; new sections (placement accuracy, …) are added to SECTIONS below. */
export interface EvalSection {
  name: string;
  run(ctx: EvalContext): Promise<SectionResult>;
}

async function extractCases(provider: EvalProvider, items: readonly ExtractionItem[]): Promise<ExtractionCase[]> {
  const cases: ExtractionCase[] = [];
  for (const item of items) cases.push({ level: item.level, text: item.text, expected: item.expected, predicted: await provider.extract(item) });
  return cases;
}

async function verifyCases(provider: EvalProvider, items: readonly VerifyItem[]): Promise<VerificationCase[]> {
  const cases: VerificationCase[] = [];
  for (const item of items) {
    const v = await provider.verify(item);
    cases.push({ level: item.level, label: item.label, expected: item.expected, predicted: v.pass, reason: v.reason });
  }
  return cases;
}

function missLines(set: string, misses: readonly ExtractionMiss[], limit: number): string[] {
  const out = [`extraction misses, ${set} (${misses.length}, showing ${Math.min(limit, misses.length)}):`];
  for (const m of misses.slice(0, limit)) {
    out.push(`  L${m.level} ${m.text.slice(0, 90)}${m.missing.length ? `\n      missing: ${m.missing.join(' | ')}` : ''}${m.extra.length ? `\n      extra:   ${m.extra.join(' | ')}` : ''}`);
  }
  return out;
}

/** Extraction and verification, in-sample and held-out side by side per level, checked against the floors. */
export const scoresSection: EvalSection = {
  name: 'scores',
  async run(ctx) {
    const inSample = scoreExtraction(await extractCases(ctx.provider, ctx.sets.inSample));
    const heldOut = scoreExtraction(await extractCases(ctx.provider, ctx.sets.heldOut));
    const lateDraw = scoreExtraction(await extractCases(ctx.provider, ctx.sets.lateDraw));
    // The newest held-out round: labelled after the rules were tuned on the rounds before it, so the unseen measure.
    const newest = Math.max(1, ...ctx.sets.heldOut.map((i) => i.round ?? 1));
    const fresh = scoreExtraction(await extractCases(ctx.provider, ctx.sets.heldOut.filter((i) => (i.round ?? 1) === newest)));
    const vIn = scoreVerification(await verifyCases(ctx.provider, ctx.sets.verifyInSample));
    const vOut = scoreVerification(await verifyCases(ctx.provider, ctx.sets.verifyHeldOut));
    const vFresh = scoreVerification(await verifyCases(ctx.provider, ctx.sets.verifyHeldOut.filter((i) => (i.round ?? 1) === newest)));
    const extraction: Array<{ name: string; perLevel: Record<string, PrfScore> }> = [
      { name: 'in-sample', perLevel: inSample.perLevel },
      { name: 'held-out', perLevel: heldOut.perLevel },
      { name: `held-out round ${newest} (newest)`, perLevel: fresh.perLevel },
      { name: 'late draw (sample inst.)', perLevel: lateDraw.perLevel },
    ];
    const verification: Array<{ name: string; score: VerificationScore }> = [
      { name: 'in-sample', score: vIn },
      { name: 'held-out', score: vOut },
      { name: `held-out round ${newest} (newest)`, score: vFresh },
    ];
    const failures = [
      ...checkFloors('in-sample', inSample.perLevel, vIn, ctx.floors['in-sample']),
      ...checkFloors('held-out', heldOut.perLevel, vOut, ctx.floors['held-out']),
    ];
    const text = [
      formatExtractionTable(extraction),
      '',
      formatVerificationTable(verification),
      '',
      ...missLines('held-out', heldOut.misses, ctx.misses),
      ...missLines('in-sample', [...inSample.misses, ...lateDraw.misses], ctx.misses),
      '',
      `verification misses (${vIn.misses.length} in-sample, ${vOut.misses.length} held-out):`,
      ...[...vIn.misses.map((m) => ({ ...m, set: 'in-sample' })), ...vOut.misses.map((m) => ({ ...m, set: 'held-out' }))]
        .slice(0, ctx.misses)
        .map((m) => `  ${m.set} L${m.level} "${m.label}" expected ${m.expected ? 'pass' : 'fail'} — ${m.reason}`),
    ];
    const json = {
      extraction: Object.fromEntries(extraction.map((c) => [c.name, c.perLevel])),
      verification: Object.fromEntries(verification.map((c) => [c.name, { ...c.score, misses: c.score.misses.slice(0, ctx.misses) }])),
      misses: { 'held-out': heldOut.misses.slice(0, ctx.misses), 'in-sample': [...inSample.misses, ...lateDraw.misses].slice(0, ctx.misses) },
    };
    return { text, json, failures };
  },
};

/** Placement accuracy of the sample build below this fails the eval. */
const PLACEMENT_FLOOR = 0.9;
/**
 * The held-out placement sets, each built on its own in a scratch workspace, with floors a little under the first
 * recorded score so a regression fails the eval (raise them only with a fresh held-out set):
 * - `heldout`: six universities outside the corpus; edge 0.579, own-institution vote 0.840, 80 of 87 lines in the
 *   build on 2026-12-01.
 * - `heldout-spelling`: six universities of British and Commonwealth spelling (22 of 43 lines carry one), labelled
 *   before the spelling fold was run on it; on 2026-12-02 before the fold: edge 0.700 (28/40), 33 of 43 lines in
 *   the build; with it: edge 0.732 (41/56), vote 0.878 (43/49), 41 of 43 lines.
 * With a Commonwealth "Faculty of Arts" read as the faculty of the humanities and social sciences (a rule written
 * after both sets had been looked at, so no fresh evidence for it): `heldout` edge 0.748 (80/107), vote 0.870
 * (87/100); `heldout-spelling` edge 0.839 (47/56), vote 0.911 (51/56). The floors stay where they were.
 * - `heldout-faculties`: seven universities whose units are faculties of arts, humanities, social sciences and fine
 *   arts, gathered after that rule was written and committed before code ran on it; on 2026-12-02 without the rule
 *   (12fb098): edge 0.573 (55/96), vote 0.771 (54/70); with it (50f99bd): edge 0.771 (74/96), vote 0.851 (80/94),
 *   78 of 80 lines in the build. Its misses then showed CIP 30's combined titles claiming discipline names
 *   ("History and Political Science"); with those ranked after a discipline's own family (8115e44 → next commit):
 *   faculties 0.802 (77/96), vote 0.884; heldout 0.757 (81/107), vote 0.880; heldout-spelling unchanged.
 */
const HELD_OUT_PLACEMENT: ReadonlyArray<{ name: string; dir: string; about: string; edge: number; vote: number; found: number }> = [
  { name: 'held-out', dir: 'packages/placement/eval/heldout', about: '6 universities outside the corpus', edge: 0.55, vote: 0.8, found: 0.9 },
  { name: 'held-out spelling', dir: 'packages/placement/eval/heldout-spelling', about: '6 universities of British spelling', edge: 0.7, vote: 0.85, found: 0.9 },
  { name: 'held-out faculties', dir: 'packages/placement/eval/heldout-faculties', about: '7 universities of arts, humanities and social-science faculties', edge: 0.74, vote: 0.82, found: 0.95 },
];

/** Builds one held-out set's units and departments in a scratch workspace (offline) and scores their placement. */
async function heldOutPlacement(root: string, dir: string): Promise<HeldOutPlacementScore> {
  try {
    const at = await scratchWorkspace([dir]);
    await buildAll(at, [`s0.sources_manifest=${dir}/sources.json`, 'llm.provider=offline', 'global.log_level=silent']);
    return scoreHeldOutPlacement(at, join(root, dir, 'truth.jsonl'));
  } finally {
    await removeScratchWorkspaces();
  }
}

/** Placement: the sample build's tree against packages/placement/eval, and a held-out build of each held-out set. */
export const placementSection: EvalSection = {
  name: 'placement',
  async run(ctx) {
    const root = findWorkspaceRoot();
    const placement = scoreBuiltPlacement(root);
    const failures: string[] = [];
    if (!('missing' in placement) && placement.accuracy < PLACEMENT_FLOOR) failures.push(`placement in-sample ${placement.accuracy.toFixed(3)} < ${PLACEMENT_FLOOR}`);
    const text = formatPlacement(placement, PLACEMENT_FLOOR, ctx.misses);
    const json: Record<string, unknown> = { 'in-sample': placement };
    for (const set of HELD_OUT_PLACEMENT) {
      const score = await heldOutPlacement(root, set.dir);
      const edge = score.judgements === 0 ? 0 : score.edgeCorrect / score.judgements;
      const vote = score.voted === 0 ? 0 : score.voteCorrect / score.voted;
      const found = score.lines === 0 ? 0 : (score.lines - score.notFound.length) / score.lines;
      if (edge < set.edge) failures.push(`placement ${set.name} edge ${edge.toFixed(3)} < ${set.edge}`);
      if (vote < set.vote) failures.push(`placement ${set.name} own-institution vote ${vote.toFixed(3)} < ${set.vote}`);
      if (found < set.found) failures.push(`placement ${set.name} lines in the build ${found.toFixed(3)} < ${set.found}`);
      text.push(...formatHeldOutPlacement(score, { name: set.name, about: set.about, floor: set.edge }, ctx.misses));
      json[set.name] = score;
    }
    return { text, json, failures };
  },
};

export const SECTIONS: readonly EvalSection[] = [scoresSection, placementSection];
