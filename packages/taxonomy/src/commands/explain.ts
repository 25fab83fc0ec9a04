import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import type { Config } from '@taxonomy/config';
import { TaxonomyError, formatZodIssues, isTaxonomyError } from '@taxonomy/core';
import { createLlmClient, type LlmClient } from '@taxonomy/llm';
import { CONFIG_OPTIONS, HELP_OPTION, type CommandContext, type CommandDef } from './context.ts';
import { resolveCommandConfig } from './config.ts';
import { BuildArtifacts, explainDrop, explainPlace } from './explain-build.ts';
import { loadPostprocess, loadS1, loadS3 } from './phase-modules.ts';
import { optionalString, parseLevel, usageError, type ParsedArgs } from './usage.ts';

const Level = z.number().int().min(0).max(3);
export const ExtractLineSchema = z.object({ text: z.string().min(1), institution: z.string().nullable().optional(), level: Level });
export const VerifyLineSchema = z.object({ label: z.string().min(1), level: Level });
export const MergeLineSchema = z.object({ a: z.string().min(1), b: z.string().min(1), level: Level });
export const LabelLineSchema = z.object({ label: z.string().min(1), level: Level });

/** What an explain command gets: the resolved config, an LLM client if it needs one, the last build's artifacts. */
interface ExplainEnv {
  config: Config;
  client: LlmClient | null;
  build: BuildArtifacts;
}

/** What an explain command computes for one item, given the resolved config and (if needed) an LLM client. */
interface ExplainKind<T> {
  schema: z.ZodType<T>;
  needsClient: boolean;
  explain(item: T, env: ExplainEnv): Promise<unknown>;
}

const extractKind: ExplainKind<z.infer<typeof ExtractLineSchema>> = {
  schema: ExtractLineSchema,
  needsClient: true,
  async explain(item, { config, client }) {
    const { explainExtraction } = await loadS1();
    const { labels, steps } = await explainExtraction({ text: item.text, level: item.level, institution: item.institution ?? null, client: client!, config: config.s1 });
    return { labels, steps };
  },
};

const verifyKind: ExplainKind<z.infer<typeof VerifyLineSchema>> = {
  schema: VerifyLineSchema,
  needsClient: true,
  async explain(item, { config, client }) {
    const { explainVerification } = await loadS3();
    const { pass, reasons } = await explainVerification({ label: item.label, level: item.level, config: config.s3, client: client! });
    return { pass, reasons };
  },
};

const mergeKind: ExplainKind<z.infer<typeof MergeLineSchema>> = {
  schema: MergeLineSchema,
  needsClient: false,
  async explain(item, { config }) {
    const { explainMerge } = await loadPostprocess();
    const result = explainMerge({ a: item.a, b: item.b, level: item.level, config: config.postprocess });
    return { merge: result.merge, score: result.score, threshold: result.threshold, signals: result.signals, driver: result.driver, veto: result.veto, reason: result.reason };
  },
};

/**
 * Runs one explain kind over a JSONL file: one JSON result per input line, in order; a bad line gives
 * `{ "error": "line N: …" }` and the rest carries on. Blank lines are skipped.
 */
export async function explainBatch<T>(
  kind: ExplainKind<T>,
  file: string,
  env: ExplainEnv,
  write: (line: string) => void,
): Promise<{ ok: number; failed: number }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let ok = 0;
  let failed = 0;
  for await (const raw of lines) {
    n += 1;
    if (raw.trim() === '') continue;
    let result: unknown;
    try {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (err) {
        throw new TaxonomyError('INPUT_INVALID', `malformed JSON: ${(err as Error).message}`);
      }
      const parsed = kind.schema.safeParse(json);
      if (!parsed.success) throw new TaxonomyError('INPUT_INVALID', formatZodIssues(parsed.error));
      result = await kind.explain(parsed.data, env);
      ok += 1;
    } catch (err) {
      // Infrastructure failures stop the batch; anything about this one line is reported in its place.
      if (isTaxonomyError(err) && (err.code === 'PROVIDER_UNAVAILABLE' || err.code === 'CONFIG_INVALID' || err.code === 'ARTIFACT_MISSING')) throw err;
      result = { error: `line ${n}: ${err instanceof Error ? err.message : String(err)}` };
      failed += 1;
    }
    write(`${JSON.stringify(result)}\n`);
  }
  return { ok, failed };
}

async function runExplain<T>(kind: ExplainKind<T>, single: (args: ParsedArgs, level: number) => unknown, args: ParsedArgs, ctx: CommandContext, name: string): Promise<number> {
  const resolved = resolveCommandConfig(args, ctx);
  const input = optionalString(args.values, 'input');
  const client = kind.needsClient
    ? await createLlmClient({ config: resolved.config.llm, root: ctx.root, log: ctx.logger(resolved.config.global.log_level), phase: 'explain' })
    : null;
  try {
    const env: ExplainEnv = { config: resolved.config as Config, client, build: new BuildArtifacts(ctx.root) };
    if (input !== undefined) {
      if (args.positionals.length > 0) throw usageError(`explain ${name}: give either --input FILE or arguments, not both`);
      const file = resolve(ctx.cwd, input);
      if (!existsSync(file)) throw new TaxonomyError('INPUT_NOT_FOUND', `explain ${name}: input ${file} does not exist`);
      await explainBatch(kind, file, env, ctx.out);
      return 0;
    }
    const level = parseLevel(`explain ${name}`, optionalString(args.values, 'level'));
    const parsed = kind.schema.safeParse(single(args, level));
    if (!parsed.success) throw usageError(`explain ${name}: ${formatZodIssues(parsed.error)}`);
    ctx.out(`${JSON.stringify(await kind.explain(parsed.data, env))}\n`);
    return 0;
  } finally {
    await client?.close();
  }
}

const placeKind: ExplainKind<z.infer<typeof LabelLineSchema>> = {
  schema: LabelLineSchema,
  needsClient: false,
  explain: (item, { build }) => explainPlace(build, item),
};

const dropKind: ExplainKind<z.infer<typeof LabelLineSchema>> = {
  schema: LabelLineSchema,
  needsClient: false,
  explain: (item, { build }) => explainDrop(build, item),
};

const EXPLAIN_OPTIONS = {
  level: { type: 'string', value: 'N', description: 'Level 0–3 (required without --input)' },
  input: { type: 'string', value: 'FILE.jsonl', description: 'Batch mode: one JSON object per line, one JSON result per line, in order' },
  ...CONFIG_OPTIONS,
  ...HELP_OPTION,
} as const;

export const explainExtractCommand: CommandDef = {
  path: ['explain', 'extract'],
  summary: 'Show how S1 extracts labels from a text: { labels, steps }',
  args: 'TEXT',
  options: { institution: { type: 'string', value: 'NAME', description: 'Institution the text comes from' }, ...EXPLAIN_OPTIONS },
  details: 'Batch lines: {"text", "institution", "level"}.',
  run: (args, ctx) =>
    runExplain(extractKind, (a, level) => ({ text: a.positionals.join(' '), institution: optionalString(a.values, 'institution') ?? null, level }), args, ctx, 'extract'),
};

export const explainVerifyCommand: CommandDef = {
  path: ['explain', 'verify'],
  summary: 'Show whether S3 verifies a label and why: { pass, reasons }',
  args: 'LABEL',
  options: EXPLAIN_OPTIONS,
  details: 'Batch lines: {"label", "level"}.',
  run: (args, ctx) => runExplain(verifyKind, (a, level) => ({ label: a.positionals.join(' '), level }), args, ctx, 'verify'),
};

export const explainMergeCommand: CommandDef = {
  path: ['explain', 'merge'],
  summary: 'Show whether deduplication merges two labels: { merge, score, threshold, signals }',
  args: 'A B',
  options: EXPLAIN_OPTIONS,
  details: 'Batch lines: {"a", "b", "level"}.',
  run: (args, ctx) => {
    if (args.positionals.length !== 2 && optionalString(args.values, 'input') === undefined) {
      throw usageError(`explain merge: expected two labels A B (got ${args.positionals.length}); quote labels with spaces`);
    }
    return runExplain(mergeKind, (a, level) => ({ a: a.positionals[0], b: a.positionals[1], level }), args, ctx, 'merge');
  },
};

export const explainPlaceCommand: CommandDef = {
  path: ['explain', 'place'],
  summary: 'Show where the last build placed a label and why: { label, level, parent_label, method, confidence, alternatives, reasons }',
  args: 'LABEL',
  options: EXPLAIN_OPTIONS,
  details: 'Reads artifacts/taxonomy (and placement, hierarchy for unplaced concepts). Batch lines: {"label", "level"}.',
  run: (args, ctx) => runExplain(placeKind, (a, level) => ({ label: a.positionals.join(' '), level }), args, ctx, 'place'),
};

export const explainDropCommand: CommandDef = {
  path: ['explain', 'drop'],
  summary: 'Show which phase and gate of the last build dropped a label, with the figures: { dropped, phase, gate, reasons }',
  args: 'LABEL',
  options: EXPLAIN_OPTIONS,
  details: 'Looks through the final concepts, hierarchy orphans, post-processing merges, S3 failures, S2 drops and S1 normalization. Batch lines: {"label", "level"}.',
  run: (args, ctx) => runExplain(dropKind, (a, level) => ({ label: a.positionals.join(' '), level }), args, ctx, 'drop'),
};
