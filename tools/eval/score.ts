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

/** Fixed-width text table of the extraction and verification scores. */
export function formatReport(
  provider: string,
  extraction: Record<string, PrfScore>,
  verification: VerificationScore,
): string {
  const lines = [`provider: ${provider}`, '', 'extraction          records  exact    tp    fp    fn  precision  recall      f1'];
  for (const [level, s] of Object.entries(extraction)) {
    lines.push(
      `  ${level.padEnd(16)}${String(s.records).padStart(8)}${String(s.exact).padStart(7)}${String(s.tp).padStart(6)}${String(s.fp).padStart(6)}${String(s.fn).padStart(6)}${s.precision.toFixed(3).padStart(11)}${s.recall.toFixed(3).padStart(8)}${s.f1.toFixed(3).padStart(8)}`,
    );
  }
  lines.push('', `verification    ${verification.correct}/${verification.total} correct, accuracy ${verification.accuracy.toFixed(3)}`);
  for (const [level, s] of Object.entries(verification.perLevel)) {
    lines.push(`  ${level.padEnd(16)}${`${s.correct}/${s.total}`.padStart(8)}  accuracy ${s.accuracy.toFixed(3)}`);
  }
  return lines.join('\n');
}
