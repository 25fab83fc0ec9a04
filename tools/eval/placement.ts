import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { normalizeLabel } from '@taxonomy/core';

/**
 * Placement accuracy of a built tree: for each labelled department (packages/placement/eval), is its
 * parent in the build one of the school-level fields a careful human accepts? Judgements whose label is no
 * L1 concept of the build are counted as not found, apart from the accuracy.
 */

const JudgementSchema = z.object({ level: z.number().int(), label: z.string().min(1), groups: z.array(z.string().min(1)).min(1), source: z.string() });
export type Judgement = z.infer<typeof JudgementSchema>;
const GroupsSchema = z.record(z.string(), z.union([z.array(z.string()), z.string()]));
const BuiltConcept = z.object({ id: z.string(), level: z.number().int(), label: z.string(), parent: z.string().nullable() }).loose();
type Built = z.infer<typeof BuiltConcept>;

export interface PlacementScore {
  judgements: number;
  found: number;
  correct: number;
  accuracy: number;
  wrong: Array<{ label: string; parent: string | null; acceptable: string[] }>;
  notFound: string[];
}

/** Reads the judgements and their groups; a bad line names the file and line. */
export function readJudgements(dir: string): { judgements: Judgement[]; groups: Map<string, string[]> } {
  const groupsFile = join(dir, 'groups.json');
  const raw = GroupsSchema.parse(JSON.parse(readFileSync(groupsFile, 'utf8')));
  const groups = new Map(Object.entries(raw).flatMap(([k, v]) => (Array.isArray(v) ? [[k, v.map((f) => normalizeLabel(f))] as const] : [])));
  const file = join(dir, 'placement.jsonl');
  const judgements = readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      const parsed = JudgementSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      for (const g of parsed.data.groups) if (!groups.has(g)) throw new Error(`${file}:${n}: group "${g}" is not in ${groupsFile}`);
      return parsed.data;
    });
  return { judgements, groups };
}

/** Scores judgements against built concepts (pure: the concepts come from the caller). */
export function scorePlacement(judgements: ReadonlyArray<Judgement>, groups: ReadonlyMap<string, string[]>, concepts: ReadonlyArray<Built>): PlacementScore {
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const byLabel = new Map<string, Built>();
  for (const c of concepts) if (!byLabel.has(`${c.level}\u0000${normalizeLabel(c.label)}`)) byLabel.set(`${c.level}\u0000${normalizeLabel(c.label)}`, c);
  let found = 0;
  let correct = 0;
  const wrong: PlacementScore['wrong'] = [];
  const notFound: string[] = [];
  for (const j of judgements) {
    const c = byLabel.get(`${j.level}\u0000${normalizeLabel(j.label)}`);
    if (c === undefined) {
      notFound.push(j.label);
      continue;
    }
    found += 1;
    const acceptable = [...new Set(j.groups.flatMap((g) => groups.get(g) ?? []))].sort();
    const parent = c.parent === null ? null : (byId.get(c.parent)?.label ?? null);
    if (parent !== null && acceptable.includes(normalizeLabel(parent))) correct += 1;
    else wrong.push({ label: j.label, parent, acceptable });
  }
  return { judgements: judgements.length, found, correct, accuracy: found === 0 ? 0 : Math.round((correct / found) * 1000) / 1000, wrong, notFound };
}

/** Scores the last build in `root`, or says why it cannot (no build yet). */
export function scoreBuiltPlacement(root: string): PlacementScore | { missing: string } {
  const built = join(root, 'artifacts', 'taxonomy', 'concepts.jsonl');
  if (!existsSync(built)) return { missing: `${built} not found: build first (npx nx run taxonomy:finalize)` };
  const concepts = readFileSync(built, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => BuiltConcept.parse(JSON.parse(l)));
  const { judgements, groups } = readJudgements(join(root, 'packages', 'placement', 'eval'));
  return scorePlacement(judgements, groups, concepts);
}

/** The placement lines of the eval report. */
export function formatPlacement(score: PlacementScore | { missing: string }, floor: number, maxWrong = 20): string[] {
  if ('missing' in score) return [`placement    not scored: ${score.missing}`];
  const lines = [
    `placement    accuracy ${score.accuracy.toFixed(3)} (${score.correct}/${score.found} department → school edges of the built tree; ${score.notFound.length} of ${score.judgements} judgements not in the build; floor ${floor.toFixed(2)})`,
  ];
  for (const w of score.wrong.slice(0, maxWrong)) lines.push(`  wrong: ${w.label} > ${w.parent ?? '(no parent)'} (acceptable: ${w.acceptable.join(', ')})`);
  if (score.notFound.length > 0) lines.push(`  not in the build: ${score.notFound.join(', ')}`);
  return lines;
}

const TruthSchema = z.object({ institution: z.string().min(1), department: z.string().min(1), school: z.string().min(1), url: z.string().min(1) });
const LooseRecord = z.object({ id: z.string(), text: z.string(), provenance: z.object({ institution: z.string() }) }).loose();
const PlacedConcept = BuiltConcept.extend({
  record_ids: z.array(z.string()).default([]),
  placement: z.object({ institutions: z.array(z.string()).default([]), alternatives: z.array(z.object({ parent: z.string(), institutions: z.array(z.string()) })).default([]) }).loose().optional(),
  institutions: z.array(z.string()).default([]),
}).loose();

export interface HeldOutPlacementScore {
  /** Truth lines (department → the unit that houses it). */
  lines: number;
  /** (line, L1 concept) pairs: a department naming two fields gives two. */
  judgements: number;
  notFound: string[];
  /** Edges of the built tree whose parent holds the housing unit's record. */
  edgeCorrect: number;
  /** Judgements where the department's own institution voted, and for the housing unit. */
  voted: number;
  voteCorrect: number;
  wrong: string[];
}

function readLines<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

/**
 * Scores the placement of a build of the held-out units and departments (packages/placement/eval/heldout,
 * six universities outside the corpus, no declared parents): for every truth line, does the tree put the
 * department under the concept that holds its housing unit's record (edge), and did its own institution vote
 * for that concept (vote)? `root` is the workspace that was built with `heldout/sources.json`.
 */
export function scoreHeldOutPlacement(root: string, truthFile: string): HeldOutPlacementScore {
  const truth = readLines(truthFile, TruthSchema);
  const recordId = new Map<string, string>();
  for (const level of [0, 1]) {
    const file = join(root, 'artifacts', 's0', `level-${level}`, 'records-00001.jsonl');
    if (!existsSync(file)) continue;
    for (const r of readLines(file, LooseRecord)) recordId.set(`${level}\u0000${r.provenance.institution}\u0000${r.text}`, r.id);
  }
  const concepts = readLines(join(root, 'artifacts', 'taxonomy', 'concepts.jsonl'), PlacedConcept);
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const score: HeldOutPlacementScore = { lines: truth.length, judgements: 0, notFound: [], edgeCorrect: 0, voted: 0, voteCorrect: 0, wrong: [] };
  for (const t of truth) {
    const dept = recordId.get(`1\u0000${t.institution}\u0000${t.department}`);
    const unit = recordId.get(`0\u0000${t.institution}\u0000${t.school}`);
    const placed = dept === undefined ? [] : concepts.filter((c) => c.level === 1 && c.record_ids.includes(dept));
    if (unit === undefined || placed.length === 0) {
      score.notFound.push(`${t.institution}: ${t.department}`);
      continue;
    }
    const holds = (id: string | null | undefined) => id !== null && id !== undefined && (byId.get(id)?.record_ids.includes(unit) ?? false);
    for (const c of placed) {
      score.judgements += 1;
      if (holds(c.parent)) score.edgeCorrect += 1;
      else score.wrong.push(`${t.institution}: ${t.department} → ${c.label} > ${byId.get(c.parent ?? '')?.label ?? c.parent} (housed by ${t.school})`);
      const p = c.placement;
      const own = p?.institutions.includes(t.institution) ? c.parent : (p?.alternatives.find((a) => a.institutions.includes(t.institution))?.parent ?? null);
      if (own === null) continue;
      score.voted += 1;
      if (holds(own)) score.voteCorrect += 1;
    }
  }
  return score;
}

/** The held-out placement lines of the eval report, for one set (`name`, what it holds, its edge floor). */
export function formatHeldOutPlacement(score: HeldOutPlacementScore | { missing: string }, set: { name: string; about: string; floor: number }, maxWrong = 20): string[] {
  if ('missing' in score) return [`placement ${set.name}: not scored: ${score.missing}`];
  const edge = score.judgements === 0 ? 0 : score.edgeCorrect / score.judgements;
  const vote = score.voted === 0 ? 0 : score.voteCorrect / score.voted;
  const pad = ' '.repeat(`placement ${set.name}`.length + 2);
  const lines = [
    `placement ${set.name}  edge accuracy ${edge.toFixed(3)} (${score.edgeCorrect}/${score.judgements} departments of ${score.lines} truth lines, ${set.about}; floor ${set.floor.toFixed(2)})`,
    `${pad}own-institution vote accuracy ${vote.toFixed(3)} (${score.voteCorrect}/${score.voted}; ${score.judgements - score.voted} without a vote of their institution)`,
    `${pad}truth lines in the build ${score.lines - score.notFound.length}/${score.lines}`,
  ];
  for (const w of score.wrong.slice(0, maxWrong)) lines.push(`  wrong: ${w}`);
  if (score.wrong.length > maxWrong) lines.push(`  … ${score.wrong.length - maxWrong} more (npm run eval -- --misses N)`);
  if (score.notFound.length > 0) lines.push(`  not in the build: ${score.notFound.join('; ')}`);
  return lines;
}
