import type { Config } from '@taxonomy/config';
import { slugify, type Concept, type SplitOp } from '@taxonomy/core';
import type { LlmClient } from '@taxonomy/llm';
import { OpSequence, opContentId } from './op-sequence.ts';
import { contentTokens, tokenJaccard } from './similarity.ts';

export type DisambiguationConfig = Config['postprocess']['disambiguation'];

/** What disambiguation needs from the lexicon: the field families a parent label belongs to. */
export interface FieldFamilySource {
  fieldFamilies(label: string): Iterable<string>;
}

export interface DisambiguateOptions {
  config: DisambiguationConfig;
  client: LlmClient | null;
  families: FieldFamilySource;
  /** Parent label of a concept (a concept of the set, or the slug of an unresolved fallback id). */
  parentLabel: (concept: Concept) => string | null;
  /** Source texts that mention the concept (its own records). */
  contexts: (concept: Concept) => string[];
  sequence: OpSequence;
  iteration: number;
}

export interface CollisionAssessment {
  label: string;
  level: number;
  members: string[];
  parent_divergence: number;
  context_overlap: number | null;
  divergence: number;
  incompatible: boolean;
}

export interface DisambiguateStats {
  collisions: number;
  already_decided: number;
  compatible: number;
  llm_calls: number;
  split: number;
  deferred_groups: number;
  deferred_concepts: number;
}

export interface DisambiguateResult {
  concepts: Concept[];
  ops: SplitOp[];
  stats: DisambiguateStats;
}

/**
 * Assesses one collision group (same label, same level, different parents): parent divergence is
 * 1 − mean pairwise Jaccard of the parents' field families (parent-label words when the lexicon knows
 * neither); context overlap is the mean pairwise Jaccard of the members' context words with the label's
 * own words removed (they are in every context and would make every collision look alike).
 */
export function assessCollision(members: ReadonlyArray<Concept>, options: Pick<DisambiguateOptions, 'config' | 'families' | 'parentLabel' | 'contexts'>): CollisionAssessment {
  const first = members[0]!;
  const labelWords = new Set(contentTokens(first.label));
  const parentFeatures = members.map((m) => {
    const parentLabel = options.parentLabel(m) ?? '';
    const families = [...options.families.fieldFamilies(parentLabel)].sort();
    return families.length > 0 ? { kind: 'family', set: families } : { kind: 'words', set: contentTokens(parentLabel) };
  });
  const contexts = members.map((m) => {
    const words = new Set<string>();
    for (const text of options.contexts(m).slice(0, options.config.max_contexts)) for (const t of contentTokens(text)) if (!labelWords.has(t)) words.add(t);
    return [...words];
  });
  let parentSum = 0;
  let parentPairs = 0;
  let overlapSum = 0;
  let overlapPairs = 0;
  for (let i = 0; i < members.length; i += 1) {
    for (let j = i + 1; j < members.length; j += 1) {
      const a = parentFeatures[i]!;
      const b = parentFeatures[j]!;
      const sameKind = a.kind === b.kind;
      parentSum += 1 - (sameKind ? tokenJaccard(a.set, b.set) : 0);
      parentPairs += 1;
      if (contexts[i]!.length > 0 && contexts[j]!.length > 0) {
        overlapSum += tokenJaccard(contexts[i]!, contexts[j]!);
        overlapPairs += 1;
      }
    }
  }
  const parentDivergence = parentPairs === 0 ? 0 : parentSum / parentPairs;
  const overlap = overlapPairs === 0 ? null : overlapSum / overlapPairs;
  const divergence = overlap === null ? parentDivergence : 0.6 * parentDivergence + 0.4 * (1 - overlap);
  const incompatible = parentDivergence >= options.config.min_parent_divergence || (overlap !== null && overlap <= options.config.max_context_overlap);
  return {
    label: first.label,
    level: first.level,
    members: members.map((m) => m.id),
    parent_divergence: round4(parentDivergence),
    context_overlap: overlap === null ? null : round4(overlap),
    divergence: round4(divergence),
    incompatible,
  };
}

/**
 * Disambiguation of same-label concepts of one level under different parents. Our ids are already
 * parent-scoped, so a split does not mint new concepts: it gives each member of the collision group a
 * gloss (a *sense*) and logs a SplitOp whose `source_id` is the group (`senses:L{level}:{slug}`) and whose
 * `new_ids` are the sense concepts; `before` keeps them unglossed, so undo restores them. Compatible
 * groups (same sense in related parents) are left alone as cross-listings; uncertain ones are deferred
 * (`gates.disambiguation = false` with the reason). A group whose members were all decided is skipped,
 * which is what lets the post-processing loop reach a fixed point.
 */
export async function disambiguate(input: ReadonlyArray<Concept>, options: DisambiguateOptions): Promise<DisambiguateResult> {
  const stats: DisambiguateStats = { collisions: 0, already_decided: 0, compatible: 0, llm_calls: 0, split: 0, deferred_groups: 0, deferred_concepts: 0 };
  const byId = new Map(input.map((c) => [c.id, c] as const));
  const ops: SplitOp[] = [];
  if (!options.config.enabled) return { concepts: [...input], ops, stats };
  const groups = new Map<string, Concept[]>();
  for (const c of input) {
    if (c.level === 0) continue;
    const key = `${c.level}\u0000${c.label}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [c]);
    else g.push(c);
  }
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (new Set(members.map((m) => m.parent)).size < 2) continue;
    stats.collisions += 1;
    if (members.every((m) => m.gates['disambiguation'] !== undefined)) {
      stats.already_decided += 1;
      continue;
    }
    const assessment = assessCollision(members, options);
    const parentLabels = members.map((m) => options.parentLabel(m) ?? m.parent ?? '');
    const annotate = (gate: boolean, reason: string) => {
      for (const m of members) {
        byId.set(m.id, { ...m, gates: { ...m.gates, disambiguation: gate }, reasons: [...m.reasons.filter((r) => !r.startsWith('disambiguation: ')), `disambiguation: ${reason}`] });
      }
    };
    if (!assessment.incompatible) {
      stats.compatible += 1;
      annotate(true, `same sense under ${parentLabels.join(' | ')} (parent divergence ${assessment.parent_divergence}); kept as cross-listings`);
      continue;
    }
    const defer = (reason: string) => {
      stats.deferred_groups += 1;
      stats.deferred_concepts += members.length;
      annotate(false, `deferred: ${reason}`);
    };
    if (new Set(parentLabels).size < parentLabels.length) {
      defer('multi-parent: two senses would sit under parents with the same label');
      continue;
    }
    if (options.client === null) {
      defer('no LLM client to separate the senses');
      continue;
    }
    stats.llm_calls += 1;
    const result = await options.client.run('taxonomy.disambiguate', {
      label: members[0]!.label,
      level: members[0]!.level,
      senses: members.map((m, i) => ({ concept_id: m.id, parent_label: parentLabels[i] ?? null, contexts: options.contexts(m).slice(0, options.config.max_contexts) })),
    });
    if (!result.ok) {
      defer(`LLM gave no usable answer (${result.reason})`);
      continue;
    }
    const { separable, confidence, senses, reason } = result.value;
    const cfg = options.config;
    if (confidence < cfg.defer_below) {
      defer(`LLM confidence ${confidence.toFixed(2)} below defer_below ${cfg.defer_below}: ${reason}`);
      continue;
    }
    if (!separable) {
      stats.compatible += 1;
      annotate(true, `LLM sees one sense (${confidence.toFixed(2)}): ${reason}`);
      continue;
    }
    if (confidence < cfg.min_confidence) {
      defer(`LLM confidence ${confidence.toFixed(2)} below min_confidence ${cfg.min_confidence}: ${reason}`);
      continue;
    }
    const glossById = new Map(senses.map((s) => [s.concept_id, s.gloss] as const));
    if (!members.every((m) => (glossById.get(m.id) ?? '').trim().length > 0)) {
      defer('LLM did not gloss every sense');
      continue;
    }
    const distinctGlosses = new Set(members.map((m) => truncateWords(glossById.get(m.id)!.trim(), cfg.gloss_max_words).toLowerCase()));
    if (distinctGlosses.size < members.length) {
      defer('LLM gave two senses the same gloss, so they are not told apart');
      continue;
    }
    const glossed = members.map((m, i) => {
      const gloss = truncateWords(glossById.get(m.id)!.trim(), cfg.gloss_max_words);
      const concept: Concept = {
        ...m,
        gloss,
        gates: { ...m.gates, disambiguation: true },
        reasons: [...m.reasons.filter((r) => !r.startsWith('disambiguation: ')), `disambiguation: sense of "${m.label}" under "${parentLabels[i]}": ${gloss}`],
      };
      return concept;
    });
    for (const c of glossed) byId.set(c.id, c);
    const seq = options.sequence.next();
    const body = {
      level: members[0]!.level,
      source_id: `senses:L${members[0]!.level}:${slugify(members[0]!.label)}`,
      new_ids: members.map((m) => m.id),
      rule: 'llm-disambiguation',
      evidence: {
        seq,
        iteration: options.iteration,
        confidence,
        reason,
        parent_divergence: assessment.parent_divergence,
        context_overlap: assessment.context_overlap,
        divergence: assessment.divergence,
        senses: glossed.map((c, i) => ({ concept_id: c.id, parent: c.parent, parent_label: parentLabels[i] ?? null, gloss: c.gloss })),
      },
      before: members,
    };
    ops.push({ operation_id: opContentId('split-', body), ...body });
    stats.split += 1;
  }
  const concepts = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { concepts, ops, stats };
}

/** Keeps the first `max` words, marking a cut with an ellipsis. */
export function truncateWords(text: string, max: number): string {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  return words.length <= max ? words.join(' ') : `${words.slice(0, max).join(' ')}…`;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
