import type { Config } from '@taxonomy/config';
import { isUnresolvedParentId, type Concept, type ValidationFinding } from '@taxonomy/core';
import type { LlmClient } from '@taxonomy/llm';
import type { EvidenceIndex, Snippet } from './evidence-index.ts';
import { foldedTokens } from './similarity.ts';

export type ValidationConfig = Config['postprocess']['validation'];
export type Outcome = 'pass' | 'fail' | 'unknown';

/**
 * Venue names that must not be L3 topics. The postprocess config slice has no venue list of its own
 * (S3's list lives in the s3 slice, which this phase does not read), so the common ones are kept here.
 */
export const VENUE_NAMES: ReadonlyArray<string> = [
  'neurips', 'nips', 'icml', 'iclr', 'cvpr', 'iccv', 'eccv', 'acl', 'naacl', 'eacl', 'emnlp', 'coling', 'kdd',
  'sigmod', 'vldb', 'icde', 'siggraph', 'asplos', 'osdi', 'sosp', 'nsdi', 'sigcomm', 'stoc', 'focs', 'soda',
  'sigir', 'aaai', 'ijcai', 'uist',
];

export interface RuleResult {
  outcome: 'pass' | 'fail';
  hard: string[];
  soft: string[];
  summary: string;
  findings: ValidationFinding[];
}

function wordPattern(word: string): RegExp {
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(?:$|[^\\p{L}\\p{N}])`, 'iu');
}

const venuePatterns = new Map<string, RegExp>();
const compiledPatterns = new Map<string, RegExp | null>();

/** Compiles a configured pattern once (case-insensitive); null when it is not a valid regex. */
function compilePattern(pattern: string): RegExp | null {
  let re = compiledPatterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'iu');
    } catch {
      re = null;
    }
    compiledPatterns.set(pattern, re);
  }
  return re;
}

/**
 * Deterministic checks: structure (L0 without a parent, L>0 with one of the level above), forbidden
 * patterns (hard), venue names at L3 as whole words (hard when `venue_detection_hard`), required
 * vocabularies of the level (every listed word must occur as a word of the label, hard).
 */
export function checkRules(concept: Concept, config: ValidationConfig): RuleResult {
  const hard: string[] = [];
  const soft: string[] = [];
  if (concept.level === 0 && concept.parent !== null) hard.push('root_has_parent');
  if (concept.level > 0 && concept.parent === null) hard.push('missing_parent');
  if (concept.parent !== null && concept.level > 0) {
    if (isUnresolvedParentId(concept.parent)) soft.push(`unresolved_parent:${concept.parent}`);
    else {
      const m = /^L(\d):/u.exec(concept.parent);
      if (m !== null && Number(m[1]) !== concept.level - 1) hard.push(`parent_level_mismatch:${concept.parent}`);
    }
  }
  for (const pattern of config.forbidden_patterns) {
    const re = compilePattern(pattern);
    if (re === null) soft.push(`invalid_forbidden_pattern:${pattern}`);
    else if (re.test(concept.label)) hard.push(`forbidden_pattern:${pattern}`);
  }
  if (concept.level === 3) {
    for (const venue of VENUE_NAMES) {
      let re = venuePatterns.get(venue);
      if (re === undefined) venuePatterns.set(venue, (re = wordPattern(venue)));
      if (re.test(concept.label)) (config.venue_detection_hard ? hard : soft).push(`venue_name_detected:${venue}`);
    }
  }
  const required = requiredVocabulary(config, concept.level);
  if (required.length > 0) {
    const words = new Set(foldedTokens(concept.label));
    const missing = required.filter((w) => !foldedTokens(w).every((t) => words.has(t)));
    if (missing.length > 0) hard.push(`missing_required_vocab:${concept.level}:${missing.join(',')}`);
  }
  const findings: ValidationFinding[] = [];
  for (const v of hard) findings.push({ concept_id: concept.id, mode: 'rule', outcome: 'fail', hard: true, detail: `Rule violation: ${v}`, evidence: null });
  for (const v of soft) findings.push({ concept_id: concept.id, mode: 'rule', outcome: 'fail', hard: false, detail: `Rule warning: ${v}`, evidence: null });
  if (findings.length === 0) findings.push({ concept_id: concept.id, mode: 'rule', outcome: 'pass', hard: false, detail: 'All rule checks passed.', evidence: null });
  const parts: string[] = [];
  if (hard.length > 0) parts.push(`${hard.length} hard`);
  if (soft.length > 0) parts.push(`${soft.length} soft`);
  const summary = parts.length === 0 ? 'Rule checks succeeded' : `${parts.join(', ')} violations; most significant: ${hard[0] ?? soft[0]}`;
  return { outcome: hard.length > 0 ? 'fail' : 'pass', hard, soft, summary, findings };
}

/** Required words of a level; keys may be `1`, `level_1` or `L1`. */
function requiredVocabulary(config: ValidationConfig, level: number): string[] {
  const out: string[] = [];
  for (const key of [`${level}`, `level_${level}`, `L${level}`]) out.push(...(config.required_vocabularies[key] ?? []));
  return out;
}

export interface EvidenceResult {
  outcome: Outcome;
  snippets: Snippet[];
  evidence_count: number;
  /** Mean score of the kept snippets (0 without any). */
  strength: number;
  summary: string;
  finding: ValidationFinding;
}

/**
 * Evidence check: the label must occur (word boundaries, plural-tolerant) in the corpus records or,
 * for L0/L1, in the authoritative CIP titles. `unknown` when there is nothing to look in for the level.
 */
export function checkEvidence(concept: Concept, index: EvidenceIndex | null, config: ValidationConfig): EvidenceResult {
  const authoritative = concept.level <= 1 && index !== null && index.hasAuthoritative;
  if (index === null || (!index.hasRecordsFor(concept.level) && !authoritative)) {
    const detail = `No evidence corpus for level ${concept.level}; evidence votes nothing.`;
    return {
      outcome: 'unknown',
      snippets: [],
      evidence_count: 0,
      strength: 0,
      summary: 'No evidence (no corpus for the level)',
      finding: { concept_id: concept.id, mode: 'evidence', outcome: 'unknown', hard: false, detail, evidence: null },
    };
  }
  const { snippets: kept, total } = index.search(concept.label, {
    snippetChars: config.snippet_chars,
    includeAuthoritative: concept.level <= 1,
    ownRecordIds: new Set(concept.record_ids),
    limit: config.max_snippets,
  });
  if (kept.length === 0) {
    return {
      outcome: 'fail',
      snippets: [],
      evidence_count: 0,
      strength: 0,
      summary: 'No evidence',
      finding: { concept_id: concept.id, mode: 'evidence', outcome: 'fail', hard: false, detail: 'No supporting evidence located.', evidence: null },
    };
  }
  const strength = round4(kept.reduce((s, x) => s + x.score, 0) / kept.length);
  return {
    outcome: 'pass',
    snippets: kept,
    evidence_count: total,
    strength,
    summary: `Evidence snippets: ${total}`,
    finding: {
      concept_id: concept.id,
      mode: 'evidence',
      outcome: 'pass',
      hard: false,
      detail: `Collected ${total} evidence snippet(s) with average score ${strength.toFixed(2)} over the top ${kept.length}.`,
      evidence: { snippets: kept, top_url: kept[0]!.url, top_source: kept[0]!.source },
    },
  };
}

export interface LlmResult {
  outcome: Outcome;
  confidence: number;
  summary: string;
  finding: ValidationFinding;
}

/**
 * LLM entailment through the client: does the evidence support the concept at its level? Without
 * evidence there is nothing to judge, and an unusable answer is `unknown` too — neither votes.
 * A provider that is down throws (PROVIDER_UNAVAILABLE) and stops the phase.
 */
export async function checkEntailment(concept: Concept, parentLabel: string | null, evidence: ReadonlyArray<Snippet>, client: LlmClient): Promise<LlmResult> {
  const unknown = (detail: string, summary: string): LlmResult => ({
    outcome: 'unknown',
    confidence: 0,
    summary,
    finding: { concept_id: concept.id, mode: 'llm', outcome: 'unknown', hard: false, detail, evidence: null },
  });
  if (evidence.length === 0) return unknown('No evidence for LLM entailment; LLM votes nothing.', 'LLM skipped (no evidence)');
  const result = await client.run('validation.entailment', {
    concept: { id: concept.id, label: concept.label, level: concept.level, parent_label: parentLabel },
    evidence: evidence.map((s) => ({ text: s.text, url: s.url, institution: s.institution })),
  });
  if (!result.ok) return unknown(`LLM gave no usable answer (${result.reason}): ${result.error}`.slice(0, 500), 'LLM unknown');
  const { pass, confidence, reason } = result.value;
  return {
    outcome: pass ? 'pass' : 'fail',
    confidence,
    summary: `LLM ${pass ? 'passed' : 'failed'} (${confidence.toFixed(2)})`,
    finding: {
      concept_id: concept.id,
      mode: 'llm',
      outcome: pass ? 'pass' : 'fail',
      hard: false,
      detail: `LLM entailment ${pass ? 'passed' : 'failed'}: ${reason}`,
      evidence: { confidence },
    },
  };
}

export interface AggregationInput {
  rule: { outcome: 'pass' | 'fail'; hard: boolean };
  evidence?: { outcome: Outcome; strength: number } | undefined;
  llm?: { outcome: Outcome; confidence: number } | undefined;
}

export interface AggregationWeights {
  rule_weight: number;
  evidence_weight: number;
  llm_weight: number;
  hard_rule_failure_blocks: boolean;
  tie_break_conservative: boolean;
  tie_break_min_strength: number;
}

export interface AggregationResult {
  passed: boolean;
  confidence: number;
  scores: { rule: number; evidence: number; llm: number };
  tie: boolean;
  /** True when neither evidence nor the LLM gave a known outcome (the rules decided alone). */
  rule_only: boolean;
  rationale: string;
}

const EPS = 1e-9;

/**
 * Weighted vote: a blocking hard rule failure fails outright; otherwise each validator with a known
 * outcome adds its weight to the total and, if it passed, to the vote (unknown votes nothing). The
 * concept passes when the vote exceeds half the total; an exact tie passes only with enough evidence
 * strength when conservative. Confidence is vote/total.
 */
export function aggregateValidation(input: AggregationInput, weights: AggregationWeights): AggregationResult {
  const zero = { rule: 0, evidence: 0, llm: 0 };
  const evidenceKnown = input.evidence !== undefined && input.evidence.outcome !== 'unknown';
  const llmKnown = input.llm !== undefined && input.llm.outcome !== 'unknown';
  const ruleOnly = !evidenceKnown && !llmKnown;
  if (input.rule.hard && weights.hard_rule_failure_blocks) {
    return { passed: false, confidence: 0, scores: zero, tie: false, rule_only: ruleOnly, rationale: 'hard rule failure' };
  }
  let total = weights.rule_weight;
  const scores = { ...zero };
  if (input.rule.outcome === 'pass') scores.rule = weights.rule_weight;
  if (evidenceKnown) {
    total += weights.evidence_weight;
    if (input.evidence!.outcome === 'pass') scores.evidence = weights.evidence_weight;
  }
  if (llmKnown) {
    total += weights.llm_weight;
    if (input.llm!.outcome === 'pass') scores.llm = weights.llm_weight;
  }
  const vote = scores.rule + scores.evidence + scores.llm;
  if (total <= 0) return { passed: false, confidence: 0, scores, tie: false, rule_only: ruleOnly, rationale: 'no validator carries weight' };
  const half = total / 2;
  const tie = Math.abs(vote - half) <= EPS * Math.max(1, total);
  const confidence = vote / total;
  if (!tie) return { passed: vote > half, confidence, scores, tie, rule_only: ruleOnly, rationale: `weighted vote ${vote.toFixed(3)} of ${total.toFixed(3)}` };
  if (!weights.tie_break_conservative) return { passed: true, confidence, scores, tie, rule_only: ruleOnly, rationale: 'tie, resolved permissively' };
  const strengths: number[] = [];
  if (evidenceKnown && input.evidence!.outcome === 'pass') strengths.push(input.evidence!.strength);
  if (llmKnown && input.llm!.outcome === 'pass') strengths.push(input.llm!.confidence);
  const strength = strengths.length > 0 ? Math.max(...strengths) : 0;
  const passed = strength >= weights.tie_break_min_strength;
  return {
    passed,
    confidence,
    scores,
    tie,
    rule_only: ruleOnly,
    rationale: `tie, evidence strength ${strength.toFixed(2)} ${passed ? '≥' : '<'} ${weights.tie_break_min_strength}`,
  };
}

export interface ConceptValidation {
  concept: Concept;
  findings: ValidationFinding[];
  aggregation: AggregationResult;
}

export interface ValidateConceptOptions {
  config: ValidationConfig;
  index: EvidenceIndex | null;
  client: LlmClient | null;
  parentLabel: string | null;
}

/** Runs the three validators on one concept and returns it annotated (`validation`, `gates.validation`, a reason). */
export async function validateConcept(concept: Concept, options: ValidateConceptOptions): Promise<ConceptValidation> {
  const { config } = options;
  const rule = checkRules(concept, config);
  const findings = [...rule.findings];
  let evidence: EvidenceResult | undefined;
  if (config.evidence_enabled) {
    evidence = checkEvidence(concept, options.index, config);
    findings.push(evidence.finding);
  }
  let llm: LlmResult | undefined;
  if (config.llm_enabled && options.client !== null && !(rule.hard.length > 0 && config.hard_rule_failure_blocks)) {
    llm = await checkEntailment(concept, options.parentLabel, evidence?.snippets ?? [], options.client);
    findings.push(llm.finding);
  }
  const aggregation = aggregateValidation(
    {
      rule: { outcome: rule.outcome, hard: rule.hard.length > 0 },
      evidence: evidence === undefined ? undefined : { outcome: evidence.outcome, strength: evidence.strength },
      llm: llm === undefined ? undefined : { outcome: llm.outcome, confidence: llm.confidence },
    },
    config,
  );
  const summary = [rule.summary, evidence?.summary, llm?.summary].filter((s) => s !== undefined).join('; ');
  const reason = `validation: ${aggregation.passed ? 'passed' : 'failed'} (${aggregation.rationale}; ${summary})`;
  return {
    concept: {
      ...concept,
      gates: { ...concept.gates, validation: aggregation.passed },
      reasons: [...concept.reasons.filter((r) => !r.startsWith('validation: ')), reason],
      validation: {
        passed: aggregation.passed,
        confidence: round4(aggregation.confidence),
        scores: aggregation.scores,
        evidence_count: evidence?.evidence_count ?? 0,
        top_evidence_url: evidence?.snippets[0]?.url ?? null,
      },
    },
    findings,
    aggregation,
  };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
