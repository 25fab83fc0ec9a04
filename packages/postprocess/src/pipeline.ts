import type { Config } from '@taxonomy/config';
import type { Concept, MergeOp, SplitOp, ValidationFinding } from '@taxonomy/core';
import type { LlmClient } from '@taxonomy/llm';
import type { Logger } from '@taxonomy/observability';
import { deduplicate } from './deduplicate.ts';
import { disambiguate, type FieldFamilySource } from './disambiguate.ts';
import type { EvidenceIndex } from './evidence-index.ts';
import { OpSequence } from './op-sequence.ts';
import { validateConcept } from './validate.ts';

export type PostprocessConfig = Config['postprocess'];

/** Characters of text around a mention that make one disambiguation context. */
const CONTEXT_WINDOW_CHARS = 200;

export interface PostprocessOptions {
  config: PostprocessConfig;
  index: EvidenceIndex | null;
  client: LlmClient | null;
  families: FieldFamilySource;
  knownWords: ReadonlySet<string>;
  log: Logger;
  /** Which steps run (the file-level commands run one step at a time). */
  steps?: { validate: boolean; disambiguate: boolean; deduplicate: boolean };
}

export interface IterationReport {
  iteration: number;
  validated: number;
  split: number;
  deferred: number;
  merge_ops: number;
  merged: number;
  reparented: number;
  dropped: number;
  concepts: number;
}

export interface PostprocessResult {
  concepts: Concept[];
  findings: ValidationFinding[];
  mergeOps: MergeOp[];
  splitOps: SplitOp[];
  iterations: IterationReport[];
  converged: boolean;
  dropped: Concept[];
  counters: Record<string, number>;
}

/** Parent label of a concept: the parent concept's label, or the words of an unresolved fallback id. */
export function parentLabelResolver(byId: ReadonlyMap<string, Concept>): (c: Concept) => string | null {
  return (c) => {
    if (c.parent === null) return null;
    const parent = byId.get(c.parent);
    if (parent !== undefined) return parent.label;
    const slug = c.parent.replace(/^unresolved:L\d:/u, '').replace(/^L\d:/u, '').replace(/~[0-9a-f]+$/u, '');
    return slug.replace(/-/gu, ' ');
  };
}

/**
 * Validate → disambiguate → deduplicate until an iteration changes nothing (no split, no merge) or
 * `max_iterations` is reached. Only concepts whose validation was cleared (new, merged, re-pointed) are
 * validated again, so a later iteration costs what changed, not the whole set.
 */
export async function postprocessConcepts(input: ReadonlyArray<Concept>, options: PostprocessOptions): Promise<PostprocessResult> {
  const steps = options.steps ?? { validate: true, disambiguate: true, deduplicate: true };
  const { config, log } = options;
  const sequence = new OpSequence();
  const byId = new Map<string, Concept>();
  for (const c of input) byId.set(c.id, { ...c, validation: steps.validate ? null : c.validation });
  const findings = new Map<string, ValidationFinding[]>();
  const mergeOps: MergeOp[] = [];
  const splitOps: SplitOp[] = [];
  const iterations: IterationReport[] = [];
  const dropped: Concept[] = [];
  let converged = false;

  const validatePending = async (): Promise<{ validated: number; dropped: number }> => {
    if (!steps.validate) return { validated: 0, dropped: 0 };
    const parentLabel = parentLabelResolver(byId);
    const pending = [...byId.values()].filter((c) => c.validation === null).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const results = await Promise.all(
      pending.map((c) => validateConcept(c, { config: config.validation, index: options.index, client: options.client, parentLabel: parentLabel(c) })),
    );
    let droppedNow = 0;
    for (const r of results) {
      findings.set(r.concept.id, r.findings);
      if (!r.aggregation.passed && config.validation.drop_failed) {
        byId.delete(r.concept.id);
        dropped.push(r.concept);
        droppedNow += 1;
      } else byId.set(r.concept.id, r.concept);
    }
    return { validated: pending.length, dropped: droppedNow };
  };

  for (let iteration = 1; iteration <= config.max_iterations; iteration += 1) {
    const v = await validatePending();
    let split = 0;
    let deferred = 0;
    if (steps.disambiguate) {
      const parentLabel = parentLabelResolver(byId);
      const result = await disambiguate([...byId.values()], {
        config: config.disambiguation,
        client: options.client,
        families: options.families,
        parentLabel,
        contexts: (c) => options.index?.contextsFor(c.record_ids, c.label, CONTEXT_WINDOW_CHARS) ?? [],
        sequence,
        iteration,
      });
      byId.clear();
      for (const c of result.concepts) byId.set(c.id, c);
      splitOps.push(...result.ops);
      split = result.stats.split;
      deferred = result.stats.deferred_concepts;
    }
    let mergeCount = 0;
    let merged = 0;
    let reparented = 0;
    if (steps.deduplicate) {
      const result = deduplicate([...byId.values()], { config: config.deduplication, knownWords: options.knownWords, sequence, iteration });
      byId.clear();
      for (const c of result.concepts) byId.set(c.id, c);
      mergeOps.push(...result.ops);
      mergeCount = result.stats.merges;
      merged = result.stats.losers;
      reparented = result.stats.reparented;
      for (const op of result.ops) for (const id of op.losers) findings.delete(id);
    }
    const report: IterationReport = { iteration, validated: v.validated, split, deferred, merge_ops: mergeCount, merged, reparented, dropped: v.dropped, concepts: byId.size };
    iterations.push(report);
    log.info(report, `postprocess iteration ${iteration}`);
    if (split === 0 && mergeCount === 0 && v.dropped === 0) {
      converged = true;
      break;
    }
  }
  const last = await validatePending();
  if (last.validated > 0) log.info({ validated: last.validated, dropped: last.dropped }, 'validated concepts changed by the last iteration');

  const concepts = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const finalFindings = [...findings.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([, list]) => list);
  let passed = 0;
  let failed = 0;
  let unknown = 0;
  for (const c of [...concepts, ...dropped]) {
    if (c.validation === null) continue;
    const ruleOnly = c.validation.scores['evidence'] === 0 && c.validation.scores['llm'] === 0 && ruleOnlyIds(findings.get(c.id));
    if (c.validation.passed === false) failed += 1;
    else if (ruleOnly) unknown += 1;
    else passed += 1;
  }
  const counters = {
    concepts_in: input.length,
    validated_passed: passed,
    validated_failed: failed,
    validated_unknown: unknown,
    merged: mergeOps.reduce((s, op) => s + op.losers.length, 0),
    merge_ops: mergeOps.length,
    split: splitOps.length,
    deferred: concepts.filter((c) => c.gates['disambiguation'] === false).length,
    dropped: dropped.length,
    iterations: iterations.length,
    converged: converged ? 1 : 0,
    concepts_out: concepts.length,
  };
  return { concepts, findings: finalFindings, mergeOps, splitOps, iterations, converged, dropped, counters };
}

/** True when neither the evidence nor the LLM finding of a concept had a known outcome. */
function ruleOnlyIds(list: ReadonlyArray<ValidationFinding> | undefined): boolean {
  if (list === undefined) return false;
  return list.filter((f) => f.mode !== 'rule').every((f) => f.outcome === 'unknown');
}
