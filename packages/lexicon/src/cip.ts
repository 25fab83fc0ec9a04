import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { normalizeLabel, packageRoot } from '@taxonomy/core';
import { readLexiconSnapshot } from './lexicon-snapshot.ts';

/** One CIP 2020 entry: a family (2 digits), a series (4 digits) or a program (6 digits). */
export interface CipEntry {
  readonly code: string;
  readonly family: string;
  readonly kind: 'family' | 'series' | 'program';
  /** Title as printed, trailing period removed. */
  readonly title: string;
  /** Normalized title with the ", General" / ", Other" / "Residency Program" furniture removed. */
  readonly normalized: string;
  readonly definition: string;
}

export interface CipIndex {
  readonly entries: readonly CipEntry[];
  readonly families: ReadonlyMap<string, CipEntry>;
  /** Normalized title (and each "/"-alternative of it) → entries, most general first. */
  readonly byTitle: ReadonlyMap<string, readonly CipEntry[]>;
}

export const CSV_PATH = join(packageRoot('@taxonomy/lexicon'), 'data', 'cip', 'CIPCode2020.csv');

/** Removes the spreadsheet `="…"` wrapping some CIP exports put around codes. */
function unwrapCell(value: string): string {
  const m = /^="(.*)"$/u.exec(value.trim());
  return (m ? m[1]! : value).trim();
}

/** Strips the classification furniture that is not part of a field name. */
export function cleanCipTitle(title: string): string {
  return title
    .replace(/\.$/u, '')
    .replace(/,\s*(general|other|unspecified)$/iu, '')
    .replace(/\s+residency programs?$/iu, '')
    .replace(/\s+\(\s*[^)]*\)$/u, '')
    .trim();
}

let cached: CipIndex | null = null;

/** The CIP index once per process: from the lexicon snapshot when it is current, else parsed from the CSV. */
export function loadCip(): CipIndex {
  if (cached) return cached;
  cached = readLexiconSnapshot()?.cip ?? buildCipIndex();
  return cached;
}

/** Parses the CIP 2020 CSV into the index (what the snapshot stores; `loadCip` prefers the snapshot). */
export function buildCipIndex(): CipIndex {
  // Loaded only when the snapshot is stale or missing.
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
  const rows = parse(readFileSync(CSV_PATH, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Array<
    Record<string, string>
  >;
  const entries: CipEntry[] = [];
  const families = new Map<string, CipEntry>();
  const byTitle = new Map<string, CipEntry[]>();
  for (const row of rows) {
    const code = unwrapCell(row['CIPCode'] ?? '');
    const family = unwrapCell(row['CIPFamily'] ?? '').padStart(2, '0');
    const rawTitle = unwrapCell(row['CIPTitle'] ?? '');
    if (!code || !rawTitle) continue;
    const digits = code.replace('.', '').length;
    const kind = digits <= 2 ? 'family' : digits <= 4 ? 'series' : 'program';
    const title = rawTitle.replace(/\.$/u, '').trim();
    const normalized = normalizeLabel(cleanCipTitle(title));
    const entry: CipEntry = { code, family, kind, title, normalized, definition: (row['CIPDefinition'] ?? '').replace(/\s+/gu, ' ').trim() };
    entries.push(entry);
    if (kind === 'family') families.set(family, entry);
    const keys = new Set([normalized]);
    for (const alt of cleanCipTitle(title).split('/')) keys.add(normalizeLabel(alt));
    for (const key of keys) {
      if (!key) continue;
      const list = byTitle.get(key) ?? [];
      list.push(entry);
      byTitle.set(key, list);
    }
  }
  return { entries, families, byTitle };
}
