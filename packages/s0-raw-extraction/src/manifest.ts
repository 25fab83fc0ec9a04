import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { ONE_SHOT_PARSE, SOURCE_TRUST, TaxonomyError, formatZodIssues, type SourcePolicy } from '@taxonomy/core';

/** Loader names a source may use; `inferLoader` maps a bare path to one of them. */
export const LOADERS = ['source-records-jsonl', 'page-snapshots-jsonl', 'csv', 'xlsx', 'institution-unit-list', 'html-folder'] as const;
export type LoaderName = (typeof LOADERS)[number];

const Level = z.number().int().min(0).max(3);
const Anchor = z.string().trim().min(1);

/** Which columns of a CSV file or worksheet hold the institution and the text. */
const ColumnMappingSchema = z
  .object({
    institution_column: z.string().min(1).default('institution').describe('Header of the institution column'),
    text_column: z.string().min(1).nullable().default(null).describe('Header of a column holding the unit text itself'),
    path_column: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Header of a department-path column ("College of Science -> Biology"), split on "->" or " - "'),
    path_index: z
      .number()
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('Path segment to emit (default: the source level); the segment before it becomes the parent anchor'),
    url_column: z.string().min(1).nullable().default(null),
  })
  .strict();

const SourceBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/u, 'lower-case letters, digits, ".", "_" or "-"'),
  level: Level,
  path: z.string().trim().min(1).describe('File or folder, relative to the workspace root'),
  institution: z.string().trim().min(1).nullable().default(null).describe('Default institution for items that name none'),
  parent_anchor: Anchor.nullable().default(null).describe('Parent declared for every record of the source'),
  parent_anchor_by_institution: z
    .record(z.string(), Anchor)
    .default({})
    .describe('Parent declared per institution or venue (matched case-insensitively); wins over parent_anchor'),
  description: z.string().optional(),
  trust: z
    .enum(SOURCE_TRUST)
    .default('default')
    .describe('authoritative: the items of this source skip the cross-institution frequency gate (S2), never verification (S3)'),
  thresholds: z
    .object({ min_institutions: z.number().int().min(1).optional(), min_records: z.number().int().min(1).optional() })
    .strict()
    .nullable()
    .default(null)
    .describe("The source's own S2 thresholds for its items (e.g. {\"min_institutions\": 1} for a single-department page)"),
};

export const SourceSchema = z.discriminatedUnion('loader', [
  z.object({ ...SourceBase, loader: z.literal('source-records-jsonl'), options: z.object({}).strict().prefault({}) }).strict(),
  z
    .object({
      ...SourceBase,
      loader: z.literal('page-snapshots-jsonl'),
      options: z
        .object({
          kinds: z.array(z.string().min(1)).nullable().default(null).describe('Keep only pages whose metadata `kind` is listed'),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      ...SourceBase,
      loader: z.literal('csv'),
      options: ColumnMappingSchema.extend({ delimiter: z.string().min(1).default(',') }).strict().prefault({}),
    })
    .strict(),
  z
    .object({
      ...SourceBase,
      loader: z.literal('xlsx'),
      options: ColumnMappingSchema.extend({
        sheets: z.array(z.string().min(1)).default([]).describe('Worksheets to read (default: the first one)'),
      })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      ...SourceBase,
      loader: z.literal('institution-unit-list'),
      options: z.object({ separator: z.string().min(1).default('||') }).strict().prefault({}),
    })
    .strict(),
  z
    .object({
      ...SourceBase,
      loader: z.literal('html-folder'),
      options: z
        .object({ pattern: z.string().min(1).default('**/*.{html,htm}').describe('fast-glob pattern inside the folder') })
        .strict()
        .prefault({}),
    })
    .strict(),
]);
export type Source = z.infer<typeof SourceSchema>;
export type SourceInput = z.input<typeof SourceSchema>;

export const SourcesManifestSchema = z
  .object({
    $comment: z.string().optional(),
    allowed_roots: z
      .array(z.string().trim().min(1))
      .default([])
      .describe('Folders outside the workspace that sources may be read from (absolute, or relative to the root); any other path outside is refused'),
    sources: z.array(SourceSchema).min(1),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    for (const [i, source] of manifest.sources.entries()) {
      if (seen.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` });
      seen.add(source.id);
    }
  });
export type SourcesManifest = z.infer<typeof SourcesManifestSchema>;

/** Reads and validates a sources manifest; a missing file is INPUT_NOT_FOUND, a bad one INPUT_INVALID naming the key. */
export async function loadSourcesManifest(path: string, displayPath: string = path): Promise<SourcesManifest> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new TaxonomyError('INPUT_NOT_FOUND', `sources manifest not found: ${displayPath}`, { cause: err });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TaxonomyError('INPUT_INVALID', `${displayPath}: malformed JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseSourcesManifest(json, displayPath);
}

/** Validates a manifest value (already parsed JSON). */
export function parseSourcesManifest(json: unknown, origin: string): SourcesManifest {
  const parsed = SourcesManifestSchema.safeParse(json, ONE_SHOT_PARSE);
  if (!parsed.success) throw new TaxonomyError('INPUT_INVALID', `${origin}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** The parent anchor a source declares for one institution: per-institution entry first, then the source-wide one. */
export function resolveDeclaredAnchor(source: Source, institution: string): string | null {
  const wanted = institution.trim().toLowerCase();
  for (const [name, anchor] of Object.entries(source.parent_anchor_by_institution)) {
    if (name.trim().toLowerCase() === wanted) return anchor;
  }
  return source.parent_anchor;
}

/** What a source says about the trust of its items, as records carry it to S1 and S2. */
export function sourcePolicy(source: Source): SourcePolicy {
  return {
    id: source.id,
    trust: source.trust,
    min_institutions: source.thresholds?.min_institutions ?? null,
    min_records: source.thresholds?.min_records ?? null,
  };
}
