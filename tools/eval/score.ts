import { normalizeLabel } from '@taxonomy/core';

/** How labels are compared: the canonical form, with "&" read as "and" and possessive "'s" folded. */
export function compareForm(label: string): string {
  return normalizeLabel(label.replace(/\s*&\s*/gu, ' and ').replace(/['’]s\b/gu, 's'));
}

export interface ExtractionCase {
  level: number;
  text: string;
  expected: readonly string[];
  predicted: readonly string[];
}

export interface PrfScore {
  records: number;
  exact: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ExtractionMiss {
  level: number;
  text: string;
  missing: string[];
  extra: string[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Micro-averaged precision/recall/F1 over normalized label sets, per level, with the misses. */
export function scoreExtraction(cases: readonly ExtractionCase[]): { perLevel: Record<string, PrfScore>; misses: ExtractionMiss[] } {
  const counts = new Map<number, { records: number; exact: number; tp: number; fp: number; fn: number }>();
  const misses: ExtractionMiss[] = [];
  for (const c of cases) {
    const expected = new Set(c.expected.map(compareForm).filter((l) => l.length > 0));
    const predicted = new Set(c.predicted.map(compareForm).filter((l) => l.length > 0));
    const missing = [...expected].filter((l) => !predicted.has(l)).sort();
    const extra = [...predicted].filter((l) => !expected.has(l)).sort();
    const tp = expected.size - missing.length;
    const row = counts.get(c.level) ?? { records: 0, exact: 0, tp: 0, fp: 0, fn: 0 };
    row.records += 1;
    row.tp += tp;
    row.fp += extra.length;
    row.fn += missing.length;
    if (missing.length === 0 && extra.length === 0) row.exact += 1;
    else misses.push({ level: c.level, text: c.text, missing, extra });
    counts.set(c.level, row);
  }
  const perLevel: Record<string, PrfScore> = {};
  for (const level of [...counts.keys()].sort((a, b) => a - b)) {
    const r = counts.get(level)!;
    const precision = ratio(r.tp, r.tp + r.fp);
    const recall = ratio(r.tp, r.tp + r.fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perLevel[`L${level}`] = { ...r, precision: round(precision), recall: round(recall), f1: round(f1) };
  }
  return { perLevel, misses };
}

export interface VerificationCase {
  level: number;
  label: string;
  expected: boolean;
  predicted: boolean;
  reason: string;
}

export interface VerificationScore {
  total: number;
  correct: number;
  accuracy: number;
  perLevel: Record<string, { total: number; correct: number; accuracy: number }>;
  misses: Array<{ level: number; label: string; expected: boolean; reason: string }>;
}

/** Share of verification verdicts that match the labelled pass/fail, overall and per level. */
export function scoreVerification(cases: readonly VerificationCase[]): VerificationScore {
  const perLevel: VerificationScore['perLevel'] = {};
  const misses: VerificationScore['misses'] = [];
  let correct = 0;
  for (const c of cases) {
    const key = `L${c.level}`;
    const row = perLevel[key] ?? { total: 0, correct: 0, accuracy: 0 };
    row.total += 1;
    if (c.expected === c.predicted) {
      row.correct += 1;
      correct += 1;
    } else misses.push({ level: c.level, label: c.label, expected: c.expected, reason: c.reason });
    perLevel[key] = row;
  }
  for (const row of Object.values(perLevel)) row.accuracy = round(ratio(row.correct, row.total));
  return { total: cases.length, correct, accuracy: round(ratio(correct, cases.length)), perLevel, misses };
}

/** One column of a side-by-side report: a named set's scores per level. */
export interface ScoreColumn<T> {
  name: string;
  perLevel: Record<string, T>;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : `${text}${' '.repeat(width - text.length)}`;
}

/** Extraction P/R/F1 per level, one column group per set (in-sample, held-out, …), levels as rows. */
export function formatExtractionTable(columns: ReadonlyArray<ScoreColumn<PrfScore>>): string {
  const levels = [...new Set(columns.flatMap((c) => Object.keys(c.perLevel)))].sort();
  const width = 30;
  const head = `extraction  ${columns.map((c) => pad(c.name, width)).join('')}`.trimEnd();
  const sub = `  level     ${columns.map(() => pad('    n  prec   rec    f1', width)).join('')}`.trimEnd();
  const lines = [head, sub];
  for (const level of levels) {
    const cells = columns.map((c) => {
      const s = c.perLevel[level];
      return pad(s ? `${String(s.records).padStart(5)} ${s.precision.toFixed(3)} ${s.recall.toFixed(3)} ${s.f1.toFixed(3)}` : '    -', width);
    });
    lines.push(`  ${pad(level, 10)}${cells.join('')}`.trimEnd());
  }
  return lines.join('\n');
}

/** Verification accuracy per level and overall, one column per set. */
export function formatVerificationTable(columns: ReadonlyArray<{ name: string; score: VerificationScore }>): string {
  const levels = [...new Set(columns.flatMap((c) => Object.keys(c.score.perLevel)))].sort();
  const width = 30;
  const lines = [`verification ${columns.map((c) => pad(c.name, width)).join('')}`.trimEnd()];
  const cell = (correct: number, total: number, accuracy: number): string => pad(`${`${correct}/${total}`.padStart(9)}  ${accuracy.toFixed(3)}`, width);
  for (const level of levels) {
    lines.push(`  ${pad(level, 11)}${columns.map((c) => { const s = c.score.perLevel[level]; return s ? cell(s.correct, s.total, s.accuracy) : pad('        -', width); }).join('')}`.trimEnd());
  }
  lines.push(`  ${pad('all', 11)}${columns.map((c) => cell(c.score.correct, c.score.total, c.score.accuracy)).join('')}`.trimEnd());
  return lines.join('\n');
}

/** Recorded minimum F1 per level and verification accuracy of one set. */
export interface SetFloors {
  extraction: Readonly<Record<string, number>>;
  verification: number;
}

/** Every score of a set that fell below its recorded floor, as a sentence naming the set, level, score and floor. */
export function checkFloors(set: string, extraction: Readonly<Record<string, PrfScore>>, verification: VerificationScore, floors: SetFloors): string[] {
  const failures: string[] = [];
  for (const [level, floor] of Object.entries(floors.extraction)) {
    const score = extraction[level];
    if (!score) failures.push(`${set} ${level}: no records scored (floor F1 ${floor.toFixed(3)})`);
    else if (score.f1 < floor - 1e-9) failures.push(`${set} ${level}: extraction F1 ${score.f1.toFixed(4)} is below the recorded floor ${floor.toFixed(4)}`);
  }
  if (verification.accuracy < floors.verification - 1e-9) {
    failures.push(`${set}: verification accuracy ${verification.accuracy.toFixed(4)} is below the recorded floor ${floors.verification.toFixed(4)}`);
  }
  return failures;
}
