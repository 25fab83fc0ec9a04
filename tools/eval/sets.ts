import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/** Labelled sets of packages/lexicon/eval (formats and labelling rules: its README). */

const LevelSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);

export const ExtractionItemSchema = z.object({
  level: LevelSchema,
  institution: z.string().nullable(),
  text: z.string(),
  expected: z.array(z.string()),
  source: z.string().url().optional().describe('address of the public page the line was copied from (held-out sets)'),
  round: z.number().int().min(1).optional().describe('held-out round: 2 = lines labelled after the rules were tuned on round 1'),
});
export type ExtractionItem = z.infer<typeof ExtractionItemSchema>;

export const VerifyItemSchema = z.object({
  level: LevelSchema,
  label: z.string().min(1),
  expected: z.boolean(),
  source: z.string().url().optional(),
  round: z.number().int().min(1).optional(),
});
export type VerifyItem = z.infer<typeof VerifyItemSchema>;

/** Recorded minimum scores: a held-out (or in-sample) F1 or accuracy below its floor fails the eval. */
export const FloorsSchema = z.object({
  $comment: z.string().optional(),
  'in-sample': z.object({ extraction: z.record(z.string(), z.number()), verification: z.number() }),
  'held-out': z.object({ extraction: z.record(z.string(), z.number()), verification: z.number() }),
});
export type Floors = z.infer<typeof FloorsSchema>;

export interface LabelledSets {
  /** Sample-corpus lines the rules were developed on (units.jsonl, topics.jsonl). */
  inSample: ExtractionItem[];
  /** Sample-corpus L1 lines drawn after development (units-heldout.jsonl): same institutions, unseen lines. */
  lateDraw: ExtractionItem[];
  /** Lines of institutions, venues and departments outside the corpus (heldout/). */
  heldOut: ExtractionItem[];
  verifyInSample: VerifyItem[];
  verifyHeldOut: VerifyItem[];
}

/** Reads a JSONL file; a bad line throws with file, line and the schema's message. */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim().length === 0) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`, { cause: err });
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      out.push(parsed.data);
    });
  return out;
}

/** Loads every labelled set; held-out lines must carry their source address. */
export function loadLabelledSets(dir: string): LabelledSets {
  const heldOut = [...readJsonl(join(dir, 'heldout', 'units.jsonl'), ExtractionItemSchema), ...readJsonl(join(dir, 'heldout', 'topics.jsonl'), ExtractionItemSchema)];
  const verifyHeldOut = readJsonl(join(dir, 'heldout', 'verify.jsonl'), VerifyItemSchema);
  const unsourced = [...heldOut, ...verifyHeldOut].find((item) => !item.source);
  if (unsourced) throw new Error(`${join(dir, 'heldout')}: a held-out line has no source address: ${JSON.stringify(unsourced)}`);
  return {
    inSample: [...readJsonl(join(dir, 'units.jsonl'), ExtractionItemSchema), ...readJsonl(join(dir, 'topics.jsonl'), ExtractionItemSchema)],
    lateDraw: readJsonl(join(dir, 'units-heldout.jsonl'), ExtractionItemSchema),
    heldOut,
    verifyInSample: readJsonl(join(dir, 'verify.jsonl'), VerifyItemSchema),
    verifyHeldOut,
  };
}

/** Reads eval/floors.json. */
export function loadFloors(dir: string): Floors {
  const file = join(dir, 'floors.json');
  const parsed = FloorsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return parsed.data;
}
