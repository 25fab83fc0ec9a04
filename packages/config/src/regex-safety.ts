import type * as Scslre from 'scslre';
import { lazyRequire } from '@taxonomy/core';

// scslre (and refa, regexpp under it) is loaded on the first pattern a config sets: defaults are returned by
// the schema unparsed, so a task with the default settings never pays its ~50 ms import.
const scslre = lazyRequire<typeof Scslre>(import.meta.url, 'scslre');
const analyse: typeof Scslre.analyse = (...args) => scslre().analyse(...args);

/**
 * Why a configured pattern cannot be used, or null when it can: it must compile with the flags the phase
 * uses, and it must not backtrack super-linearly — `^(a+)+$` took 91 s on one line in the audit. The
 * screen is scslre's analysis (the one eslint-plugin-regexp uses): it finds exponential and polynomial
 * backtracking for inputs that repeat one character, in well under a millisecond per pattern.
 */
/** `vetted`: a built-in pattern whose screen a test runs; it is only compiled here. */
export function regexProblem(pattern: string, flags: string, vetted = false): string | null {
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /u, '')}`;
  }
  if (vetted) return null;
  let report;
  try {
    report = analyse({ source: pattern, flags }, { maxReports: 1 }).reports[0];
  } catch (err) {
    return `regular expression cannot be screened for catastrophic backtracking: ${(err as Error).message}`;
  }
  if (report === undefined) return null;
  const kind = report.exponential ? 'exponential' : 'polynomial';
  return `regular expression backtracks catastrophically (${kind} time on a line repeating ${JSON.stringify(report.character.pick)}); rewrite it without nested or overlapping repetition`;
}
