import { TaxonomyError } from './errors.ts';

export const LEVELS = [0, 1, 2, 3] as const;
export type Level = (typeof LEVELS)[number];

/** Reads a `--level` argument: 0, 1, 2 or 3, else a USAGE error naming what was given. */
export function parseLevel(raw: string | undefined): Level {
  if (raw === undefined || !/^[0-3]$/u.test(raw.trim())) {
    throw new TaxonomyError('USAGE', `--level must be 0, 1, 2 or 3 (got ${raw === undefined ? 'nothing' : `"${raw}"`})`);
  }
  return Number(raw.trim()) as Level;
}

/** The `--level N` or `--level=N` value of an argument vector (for the phase entry scripts). */
export function levelFromArgv(argv: ReadonlyArray<string>): Level {
  const inline = argv.find((a) => a.startsWith('--level='));
  if (inline !== undefined) return parseLevel(inline.slice('--level='.length));
  const i = argv.indexOf('--level');
  return parseLevel(i === -1 ? undefined : argv[i + 1]);
}
