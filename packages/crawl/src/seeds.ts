import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { TaxonomyError } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import { isAllowedDomain, normalizeUrl } from './url.ts';

/** What a seeds entry's pages hold, and the taxonomy level that kind feeds by default. */
export const SEED_KINDS = ['units', 'research_areas', 'cfp_topics'] as const;
export type SeedKind = (typeof SEED_KINDS)[number];
export const DEFAULT_LEVEL: Readonly<Record<SeedKind, number>> = { units: 1, research_areas: 2, cfp_topics: 3 };

const NonEmpty = z.string().trim().min(1, 'must not be empty');

const HttpUrl = z
  .string()
  .trim()
  .refine((value) => normalizeUrl(value) !== null, 'must be an absolute http:// or https:// URL')
  .transform((value) => normalizeUrl(value)!);

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/u, 'must be a host name such as cs.duke.edu (no scheme, no path)')
  .transform((value) => value.replace(/^\./u, '').replace(/\.$/u, ''));

const Pattern = z.string().min(1, 'must not be empty').superRefine((value, ctx) => {
  try {
    new RegExp(value, 'u');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
  }
});

export const SeedEntrySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/u, 'lower-case letters, digits, ".", "_" or "-"')
      .optional()
      .describe('Stable name of the entry (default: institution and kind, slugged)'),
    institution: NonEmpty.describe('Institution or venue every page of the entry belongs to'),
    kind: z.enum(SEED_KINDS).describe('What the pages list: units, research_areas or cfp_topics'),
    level: z.number().int().min(0).max(3).optional().describe('Taxonomy level the pages feed (default: units 1, research_areas 2, cfp_topics 3)'),
    parent_anchor: NonEmpty.nullable().default(null).describe('Parent every record of the entry declares (a concept one level up)'),
    seed_urls: z.array(HttpUrl).min(1, 'needs at least one URL'),
    allowed_domains: z.array(Domain).min(1, 'needs at least one domain'),
    path_prefixes: z
      .array(z.string().startsWith('/', 'must start with "/"'))
      .default([])
      .describe('When set, a URL path must start with one of these (seeds are always fetched)'),
    include_patterns: z.array(Pattern).default([]).describe('Regexes: matching URLs are fetched first'),
    exclude_patterns: z.array(Pattern).default([]).describe('Regexes: matching URLs are never fetched'),
    snapshot_patterns: z
      .array(Pattern)
      .default([])
      .describe('Regexes: only matching pages become snapshots; other pages are read for their links only (default: every page)'),
    max_pages: z.number().int().min(1).optional(),
    max_depth: z.number().int().min(0).optional(),
    max_time_seconds: z.number().positive().optional(),
    max_content_bytes: z.number().int().min(1024).optional(),
  })
  .strict();
export type SeedEntryInput = z.input<typeof SeedEntrySchema>;

export const SeedsFileSchema = z
  .object({
    $comment: z.string().optional(),
    entries: z.array(SeedEntrySchema).min(1, 'needs at least one entry'),
  })
  .strict();

/** A seeds entry with every default resolved and its patterns compiled: what the crawler runs. */
export interface SeedEntry {
  id: string;
  /** Position in the seeds file (0-based), for messages. */
  index: number;
  institution: string;
  kind: SeedKind;
  level: number;
  parent_anchor: string | null;
  seed_urls: string[];
  allowed_domains: string[];
  path_prefixes: string[];
  include: RegExp[];
  exclude: RegExp[];
  snapshot: RegExp[];
  budgets: Config['crawl']['defaults'];
}

export interface SeedsFile {
  /** The path as the user gave it, for messages. */
  path: string;
  entries: SeedEntry[];
}

/** `entries[2] (Duke University)`: how a message names an entry. */
export function entryLabel(index: number, raw: unknown): string {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const pick = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const name = pick(value['id']) ?? pick(value['institution']);
  return name === null ? `entries[${index}]` : `entries[${index}] (${name})`;
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
}

/** Line and column of a character offset, 1-based. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Validates a seeds document: every issue is one line naming the entry and the field
 * (`seeds.json: entries[1] (Duke University): seed_urls[0]: must be an absolute http:// or https:// URL (got "htp://x")`).
 */
export function parseSeeds(json: unknown, path: string, defaults: Config['crawl']['defaults']): SeedsFile {
  const parsed = SeedsFileSchema.safeParse(json, { reportInput: true });
  const raw = json !== null && typeof json === 'object' ? (json as { entries?: unknown }).entries : undefined;
  const rawEntries = Array.isArray(raw) ? raw : [];
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const [first, index, ...rest] = issue.path;
      const where =
        first === 'entries' && typeof index === 'number'
          ? `${entryLabel(index, rawEntries[index])}${rest.length > 0 ? `: ${formatPath(rest)}` : ''}`
          : formatPath(issue.path) || '(top level)';
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.map((k) => `"${k}"`).join(', ')}` : '';
      const input = (issue as { input?: unknown }).input;
      const got = input === undefined || typeof input === 'object' ? '' : ` (got ${JSON.stringify(input)})`;
      return `${where}: ${issue.message.replace(/^Invalid (?:input|option): /u, '')}${keys}${got}`;
    });
    throw new TaxonomyError('INPUT_INVALID', `${path}: ${lines.join('; ')}`);
  }
  const problems: string[] = [];
  const ids = new Map<string, number>();
  const entries: SeedEntry[] = parsed.data.entries.map((e, index) => {
    const label = entryLabel(index, rawEntries[index]);
    const id = e.id ?? `${slug(e.institution)}-${e.kind.replace(/_/gu, '-')}`;
    const earlier = ids.get(id);
    if (earlier !== undefined) problems.push(`${label}: id: "${id}" is already used by ${entryLabel(earlier, rawEntries[earlier])}; give each entry its own "id"`);
    ids.set(id, index);
    for (const [i, url] of e.seed_urls.entries()) {
      if (!isAllowedDomain(new URL(url).hostname, e.allowed_domains)) {
        problems.push(`${label}: seed_urls[${i}]: host ${new URL(url).hostname} is not in allowed_domains (${e.allowed_domains.join(', ')})`);
      }
    }
    return {
      id,
      index,
      institution: e.institution,
      kind: e.kind,
      level: e.level ?? DEFAULT_LEVEL[e.kind],
      parent_anchor: e.parent_anchor,
      seed_urls: [...new Set(e.seed_urls)],
      allowed_domains: [...new Set(e.allowed_domains)],
      path_prefixes: e.path_prefixes,
      include: e.include_patterns.map((p) => new RegExp(p, 'u')),
      exclude: e.exclude_patterns.map((p) => new RegExp(p, 'u')),
      snapshot: e.snapshot_patterns.map((p) => new RegExp(p, 'u')),
      budgets: {
        max_pages: e.max_pages ?? defaults.max_pages,
        max_depth: e.max_depth ?? defaults.max_depth,
        max_time_seconds: e.max_time_seconds ?? defaults.max_time_seconds,
        max_content_bytes: e.max_content_bytes ?? defaults.max_content_bytes,
      },
    };
  });
  // S0 declares one parent per institution and source: two entries of one institution, level and kind must agree on it.
  const anchors = new Map<string, SeedEntry>();
  for (const entry of entries) {
    const key = `${entry.level}\u0000${entry.kind}\u0000${entry.institution.toLowerCase()}`;
    const other = anchors.get(key);
    if (other !== undefined && other.parent_anchor !== entry.parent_anchor) {
      problems.push(
        `${entryLabel(entry.index, rawEntries[entry.index])}: parent_anchor: ${JSON.stringify(entry.parent_anchor)} differs from ${entryLabel(other.index, rawEntries[other.index])} (${JSON.stringify(other.parent_anchor)}) for the same institution, kind and level; the sources manifest declares one parent per institution`,
      );
    }
    if (other === undefined) anchors.set(key, entry);
  }
  // S0 picks crawled pages by kind: one kind feeds one level.
  const levels = new Map<SeedKind, SeedEntry>();
  for (const entry of entries) {
    const other = levels.get(entry.kind);
    if (other !== undefined && other.level !== entry.level) {
      problems.push(
        `${entryLabel(entry.index, rawEntries[entry.index])}: level: ${entry.level} differs from ${entryLabel(other.index, rawEntries[other.index])} (level ${other.level}) for kind "${entry.kind}"; the sources manifest selects crawled pages by kind, so one kind feeds one level`,
      );
    }
    if (other === undefined) levels.set(entry.kind, entry);
  }
  if (problems.length > 0) throw new TaxonomyError('INPUT_INVALID', `${path}: ${problems.join('; ')}`);
  return { path, entries };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), '');
}

/** Reads and validates a seeds file; a missing file is INPUT_NOT_FOUND, malformed JSON names its line and column. */
export async function loadSeeds(absPath: string, displayPath: string, defaults: Config['crawl']['defaults']): Promise<SeedsFile> {
  const text = await readFile(absPath, 'utf8').catch((err: unknown) => {
    throw new TaxonomyError('INPUT_NOT_FOUND', `seeds file not found: ${displayPath}`, { cause: err });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/u.exec(message);
    const where = position === null ? '' : (() => {
      const { line, column } = lineColumn(text, Number(position[1]));
      return `:${line}:${column}`;
    })();
    throw new TaxonomyError('INPUT_INVALID', `${displayPath}${where}: malformed JSON: ${message}`, { cause: err });
  }
  return parseSeeds(json, displayPath, defaults);
}
