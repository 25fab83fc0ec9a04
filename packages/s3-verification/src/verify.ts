import { withSortedKeys, type Candidate } from '@taxonomy/core';
import type { LlmClient } from '@taxonomy/llm';
import { evaluateLabelRules, type RuleEvaluation, type S3Policy } from './label-rules.ts';

export type VerificationOutcome =
  | { kind: 'decided'; pass: boolean; reasons: string[]; rules: RuleEvaluation; llmCalled: boolean; llmPass: boolean | null }
  | { kind: 'quarantined'; reason: string; rules: RuleEvaluation };

/**
 * Decides one label: the rules first (every label); a multi-token label passes iff the rules pass;
 * a single token that the rules reject fails with no model call; an allowlisted one passes; otherwise
 * the `taxonomy.verify_single_token` prompt decides. A call that gives no answer is quarantined, not
 * counted as a failure: the label was never judged.
 */
export async function verifyLabel(label: string, level: number, policy: S3Policy, client: LlmClient): Promise<VerificationOutcome> {
  const rules = evaluateLabelRules(label, level, policy);
  if (rules.allowlisted) return { kind: 'decided', pass: true, reasons: rules.reasons, rules, llmCalled: false, llmPass: null };
  if (!rules.passed) {
    return { kind: 'decided', pass: false, reasons: [...rules.reasons, ...rules.suggestions.map((s) => `suggestion:${s}`)], rules, llmCalled: false, llmPass: null };
  }
  if (rules.tokenCount > 1) return { kind: 'decided', pass: true, reasons: ['rule:passed (multi-token)'], rules, llmCalled: false, llmPass: null };
  const answer = await client.run('taxonomy.verify_single_token', { label, level });
  if (!answer.ok) return { kind: 'quarantined', reason: `verify_single_token ${answer.reason}: ${answer.error}`, rules };
  const pass = answer.value.pass;
  return { kind: 'decided', pass, reasons: ['rule:passed (single token)', `llm:${pass ? 'pass' : 'fail'}: ${answer.value.reason}`], rules, llmCalled: true, llmPass: pass };
}

/** Applies a decision to a candidate: the `token_verification` gate (always a boolean) and its reasons (keys sorted for the writer). */
export function applyVerification(candidate: Candidate, outcome: Extract<VerificationOutcome, { kind: 'decided' }>): Candidate {
  return withSortedKeys({
    ...candidate,
    gates: { ...candidate.gates, token_verification: outcome.pass },
    reasons: [...candidate.reasons, ...outcome.reasons.map((r) => `token_verification: ${r}`)],
  });
}

/** For `taxonomy explain verify`: the rules, then the prompt only when the rules have not decided. */
export async function explainVerification(options: { label: string; level: number; config: S3Policy; client: LlmClient }): Promise<{ pass: boolean; reasons: string[] }> {
  const outcome = await verifyLabel(options.label, options.level, options.config, options.client);
  if (outcome.kind === 'quarantined') return { pass: false, reasons: [...outcome.rules.reasons, `undecided: ${outcome.reason}`] };
  return { pass: outcome.pass, reasons: outcome.reasons };
}
