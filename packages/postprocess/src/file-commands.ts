import { basename, dirname, join, resolve } from 'node:path';
import { findWorkspaceRoot, listJsonlFiles, writeJsonl, type BadLine } from '@taxonomy/core';
import { loadConfig } from '@taxonomy/config';
import { createLlmClient, type LlmClient } from '@taxonomy/llm';
import { createLogger, type Logger } from '@taxonomy/observability';
import { loadEvidence, readConcepts } from './inputs.ts';
import { loadLexiconView } from './lexicon-adapter.ts';
import { postprocessConcepts } from './pipeline.ts';

export interface FileCommandOptions {
  /** Concept JSONL file (or a folder of shards). */
  input: string;
  /** Output concept JSONL file; side files share its stem (`out.findings.jsonl`, `out.merge-ops.jsonl`, …). */
  output: string;
  /** Workspace root: config and the S0 evidence corpus (`artifacts/s0`) are read from here. */
  root?: string;
  /** `postprocess.key=value` style overrides. */
  overrides?: string[];
  log?: Logger;
}

export interface FileCommandResult {
  concepts_in: number;
  concepts_out: number;
  validated_passed: number;
  validated_failed: number;
  validated_unknown: number;
  merged: number;
  split: number;
  deferred: number;
  bad_lines: number;
  files: string[];
}

type Step = 'validate' | 'disambiguate' | 'deduplicate';

async function runFileStep(step: Step, options: FileCommandOptions): Promise<FileCommandResult> {
  const root = options.root ?? findWorkspaceRoot();
  const { config } = loadConfig({ root, ...(options.overrides === undefined ? {} : { overrides: options.overrides }) });
  const log = (options.log ?? createLogger({ level: config.global.log_level })).child({ command: step });
  const bad: BadLine[] = [];
  const onBad = (b: BadLine) => bad.push(b);
  const input = resolve(options.input);
  const loaded = await readConcepts(await listJsonlFiles(input), onBad);
  const lexicon = loadLexiconView();
  const needsCorpus = step !== 'deduplicate';
  const evidence = needsCorpus ? await loadEvidence(join(root, 'artifacts'), lexicon.titles, onBad) : null;
  const client: LlmClient | null = needsCorpus ? await createLlmClient({ config: config.llm, root, log, phase: 'postprocess' }) : null;
  try {
    const result = await postprocessConcepts(loaded.concepts, {
      config: config.postprocess,
      index: evidence?.index ?? null,
      client,
      families: lexicon.families,
      knownWords: lexicon.knownWords,
      log,
      steps: { validate: step === 'validate', disambiguate: step === 'disambiguate', deduplicate: step === 'deduplicate' },
    });
    const output = resolve(options.output);
    const dir = dirname(output);
    const stem = basename(output).replace(/\.jsonl$/u, '');
    const files: string[] = [];
    const write = async <T>(name: string, items: ReadonlyArray<T>, sortKey: (item: T) => string) => {
      const refs = await writeJsonl({ dir, name, items, sortKey, shardSize: 0 });
      files.push(...refs.map((r) => r.path));
    };
    await write(stem, result.concepts, (c) => c.id);
    if (step === 'validate') await write(`${stem}.findings`, result.findings, (f) => f.concept_id);
    if (step === 'deduplicate') await write(`${stem}.merge-ops`, result.mergeOps, (op) => String(op.evidence?.['seq'] ?? 0).padStart(10, '0'));
    if (step === 'disambiguate') await write(`${stem}.split-ops`, result.splitOps, (op) => String(op.evidence?.['seq'] ?? 0).padStart(10, '0'));
    if (bad.length > 0) log.warn({ bad_lines: bad.length, first: bad[0] }, 'some input lines were unusable and skipped');
    const c = result.counters;
    return {
      concepts_in: loaded.concepts.length,
      concepts_out: result.concepts.length,
      validated_passed: c['validated_passed'] ?? 0,
      validated_failed: c['validated_failed'] ?? 0,
      validated_unknown: c['validated_unknown'] ?? 0,
      merged: c['merged'] ?? 0,
      split: c['split'] ?? 0,
      deferred: c['deferred'] ?? 0,
      bad_lines: bad.length,
      files,
    };
  } finally {
    await client?.close();
  }
}

/** Validates a concept JSONL file: annotated concepts plus `<stem>.findings.jsonl`. */
export function runValidateFile(options: FileCommandOptions): Promise<FileCommandResult> {
  return runFileStep('validate', options);
}

/** Deduplicates a concept JSONL file: merged concepts plus `<stem>.merge-ops.jsonl`. */
export function runDeduplicateFile(options: FileCommandOptions): Promise<FileCommandResult> {
  return runFileStep('deduplicate', options);
}

/** Disambiguates a concept JSONL file: glossed concepts plus `<stem>.split-ops.jsonl`. */
export function runDisambiguateFile(options: FileCommandOptions): Promise<FileCommandResult> {
  return runFileStep('disambiguate', options);
}
