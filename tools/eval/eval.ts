import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findWorkspaceRoot } from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { createLogger, runMain, type Logger } from '@taxonomy/observability';
import { extractLabels, verifyLabel, type Level } from '@taxonomy/lexicon';
import { formatReport, scoreExtraction, scoreVerification, type ExtractionCase, type VerificationCase } from './score.ts';
import { formatHeldOutPlacement, formatPlacement, scoreBuiltPlacement, scoreHeldOutPlacement, type HeldOutPlacementScore } from './placement.ts';
import { buildAll, removeScratchWorkspaces, scratchWorkspace } from '../pipeline/build.ts';

/** Placement accuracy below this fails the eval (exit 1). */
const PLACEMENT_FLOOR = 0.9;
/**
 * Held-out placement floors: a little under the first recorded score (edge 0.579, own-institution vote
 * 0.840 on 2026-12-01), so a regression fails the eval. Raise them only with a fresh held-out set.
 */
const HELD_OUT_EDGE_FLOOR = 0.55;
const HELD_OUT_VOTE_FLOOR = 0.8;

/** Builds the held-out units and departments in a scratch workspace (offline) and scores their placement. */
async function heldOutPlacement(root: string): Promise<HeldOutPlacementScore> {
  try {
    const at = await scratchWorkspace(['packages/placement/eval/heldout']);
    await buildAll(at, ['s0.sources_manifest=packages/placement/eval/heldout/sources.json', 'llm.provider=offline', 'global.log_level=silent']);
    return scoreHeldOutPlacement(at, join(root, 'packages/placement/eval/heldout/truth.jsonl'));
  } finally {
    await removeScratchWorkspaces();
  }
}

/**
 * Scores the active LLM provider on the labelled sets in packages/lexicon/eval: extraction P/R/F1 per
 * level and verification accuracy. Usage: npm run eval [-- --json] [-- --misses N]
 */

const LevelSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
const ExtractionItem = z.object({ level: LevelSchema, institution: z.string().nullable(), text: z.string(), expected: z.array(z.string()) });
const VerifyItem = z.object({ level: LevelSchema, label: z.string().min(1), expected: z.boolean() });

function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** The two prompt keys the harness needs, answered by whichever provider is active. */
interface EvalProvider {
  name: string;
  extract(item: { level: Level; institution: string | null; text: string }): Promise<string[]>;
  verify(item: { level: Level; label: string }): Promise<{ pass: boolean; reason: string }>;
  close(): Promise<void>;
}

interface ClientLike {
  provider: string;
  model: string;
  run(key: string, variables: Record<string, unknown>): Promise<{ ok: true; value: unknown } | { ok: false; reason: string; error: string }>;
  close(): Promise<void>;
}

const ExtractAnswer = z.object({ candidates: z.array(z.object({ label: z.string(), normalized: z.string() })) });
const VerifyAnswer = z.object({ pass: z.boolean(), reason: z.string() });

/** Goes through the LLM client when @taxonomy/llm exports createLlmClient; otherwise asks the lexicon directly. */
async function openProvider(root: string, log: Logger): Promise<EvalProvider> {
  const specifier = '@taxonomy/llm';
  let factory: unknown;
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    factory = mod['createLlmClient'];
  } catch (err) {
    log.warn({ err }, 'LLM client not available; scoring the lexicon rules directly');
  }
  if (typeof factory === 'function') {
    const config = loadConfig({ root }).config.llm;
    const client = (await (factory as (o: unknown) => Promise<ClientLike>)({ config, root, log, phase: 'eval' })) as ClientLike;
    return {
      name: `${client.provider} (${client.model})`,
      async extract(item) {
        const answer = await client.run('taxonomy.extract', { institution: item.institution, level: item.level, source_text: item.text, section: null, parent_anchor: null });
        if (!answer.ok) return [];
        const parsed = ExtractAnswer.safeParse(answer.value);
        return parsed.success ? parsed.data.candidates.map((c) => c.normalized || c.label) : [];
      },
      async verify(item) {
        const answer = await client.run('taxonomy.verify_single_token', { label: item.label, level: item.level });
        if (!answer.ok) return { pass: false, reason: `${answer.reason}: ${answer.error}` };
        const parsed = VerifyAnswer.safeParse(answer.value);
        return parsed.success ? parsed.data : { pass: false, reason: 'unexpected answer shape' };
      },
      close: () => client.close(),
    };
  }
  return {
    name: 'lexicon rules (direct; LLM client not available)',
    extract: async (item) => extractLabels(item).labels.map((l) => l.normalized),
    verify: async (item) => {
      const v = verifyLabel(item);
      return { pass: v.pass, reason: v.reasons.join('; ') || 'pass' };
    },
    close: async () => undefined,
  };
}

function parseArgs(argv: readonly string[]): { json: boolean; misses: number } {
  let json = false;
  let misses = 20;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--misses') misses = Math.max(0, Number.parseInt(argv[++i] ?? '20', 10) || 0);
    else if (arg?.startsWith('--misses=')) misses = Math.max(0, Number.parseInt(arg.slice(9), 10) || 0);
  }
  return { json, misses };
}

await runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const root = findWorkspaceRoot();
  const log = createLogger({ level: process.env['TAXONOMY_LOG_LEVEL'] ?? 'warn' }).child({ phase: 'eval' });
  const dir = join(root, 'packages', 'lexicon', 'eval');
  const units = readJsonl(join(dir, 'units.jsonl'), ExtractionItem);
  const heldOut = readJsonl(join(dir, 'units-heldout.jsonl'), ExtractionItem);
  const topics = readJsonl(join(dir, 'topics.jsonl'), ExtractionItem);
  const verifyItems = readJsonl(join(dir, 'verify.jsonl'), VerifyItem);
  const provider = await openProvider(root, log);
  try {
    const extractionCases: ExtractionCase[] = [];
    for (const item of [...units, ...topics]) {
      extractionCases.push({ level: item.level, text: item.text, expected: item.expected, predicted: await provider.extract(item) });
    }
    const verificationCases: VerificationCase[] = [];
    for (const item of verifyItems) {
      const v = await provider.verify(item);
      verificationCases.push({ level: item.level, label: item.label, expected: item.expected, predicted: v.pass, reason: v.reason });
    }
    const heldOutCases: ExtractionCase[] = [];
    for (const item of heldOut) {
      heldOutCases.push({ level: item.level, text: item.text, expected: item.expected, predicted: await provider.extract(item) });
    }
    const extraction = scoreExtraction(extractionCases);
    const heldOutScore = scoreExtraction(heldOutCases);
    for (const [level, score] of Object.entries(heldOutScore.perLevel)) extraction.perLevel[`${level} held-out`] = score;
    extraction.misses.push(...heldOutScore.misses);
    const verification = scoreVerification(verificationCases);
    const placement = scoreBuiltPlacement(root);
    const placementHeldOut = await heldOutPlacement(root);
    const heldOutEdge = placementHeldOut.judgements === 0 ? 0 : placementHeldOut.edgeCorrect / placementHeldOut.judgements;
    const heldOutVote = placementHeldOut.voted === 0 ? 0 : placementHeldOut.voteCorrect / placementHeldOut.voted;
    const placementFails = (!('missing' in placement) && placement.accuracy < PLACEMENT_FLOOR) || heldOutEdge < HELD_OUT_EDGE_FLOOR || heldOutVote < HELD_OUT_VOTE_FLOOR;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ provider: provider.name, extraction: extraction.perLevel, verification: { ...verification, misses: verification.misses.slice(0, args.misses) }, placement, placement_held_out: placementHeldOut, misses: extraction.misses.slice(0, args.misses) }, null, 2)}\n`);
      return placementFails ? 1 : 0;
    }
    const out = [formatReport(provider.name, extraction.perLevel, verification), '', `extraction misses (${extraction.misses.length}, showing ${Math.min(args.misses, extraction.misses.length)}):`];
    for (const m of extraction.misses.slice(0, args.misses)) {
      out.push(`  L${m.level} ${m.text.slice(0, 90)}${m.missing.length ? `\n      missing: ${m.missing.join(' | ')}` : ''}${m.extra.length ? `\n      extra:   ${m.extra.join(' | ')}` : ''}`);
    }
    out.push('', `verification misses (${verification.misses.length}):`);
    for (const m of verification.misses.slice(0, args.misses)) out.push(`  L${m.level} "${m.label}" expected ${m.expected ? 'pass' : 'fail'} — ${m.reason}`);
    out.push('', ...formatPlacement(placement, PLACEMENT_FLOOR, args.misses), ...formatHeldOutPlacement(placementHeldOut, HELD_OUT_EDGE_FLOOR, args.misses));
    if (placementFails) out.push(`placement below a floor (in-sample ${PLACEMENT_FLOOR}, held-out edge ${HELD_OUT_EDGE_FLOOR}, vote ${HELD_OUT_VOTE_FLOOR}): FAIL`);
    process.stdout.write(`${out.join('\n')}\n`);
    return placementFails ? 1 : 0;
  } finally {
    await provider.close();
  }
});
