import { join } from 'node:path';
import * as z from 'zod';
import { findWorkspaceRoot } from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { createLogger, runMain, type Logger } from '@taxonomy/observability';
import { lexiconProvider, SECTIONS, type EvalContext, type EvalProvider, type SectionResult } from './sections.ts';
import { loadFloors, loadLabelledSets } from './sets.ts';

/**
 * Scores the active LLM provider on the labelled sets in packages/lexicon/eval: extraction P/R/F1 per level and
 * verification accuracy, in-sample and held-out side by side, and fails when a score falls below the floors recorded
 * in eval/floors.json. Usage: npm run eval [-- --json] [-- --misses N]
 */

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
  return { ...lexiconProvider(), name: 'lexicon rules (direct; LLM client not available)' };
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
  const ctx: EvalContext = { provider: await openProvider(root, log), sets: loadLabelledSets(dir), floors: loadFloors(dir), misses: args.misses };
  try {
    const results: Array<{ name: string; result: SectionResult }> = [];
    for (const section of SECTIONS) results.push({ name: section.name, result: await section.run(ctx) });
    const failures = results.flatMap((r) => r.result.failures);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ provider: ctx.provider.name, ...Object.fromEntries(results.map((r) => [r.name, r.result.json])), failures }, null, 2)}\n`);
    } else {
      const out = [`provider: ${ctx.provider.name}`, ''];
      for (const r of results) out.push(...r.result.text, '');
      out.push(failures.length === 0 ? 'floors (eval/floors.json): all scores at or above their floors' : `FAILED: ${failures.length} score(s) below their recorded floors (eval/floors.json):`);
      out.push(...failures.map((f) => `  ${f}`));
      process.stdout.write(`${out.join('\n')}\n`);
    }
    return failures.length === 0 ? 0 : 1;
  } finally {
    await ctx.provider.close();
  }
});
