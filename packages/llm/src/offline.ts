import { normalizeLabel } from '@taxonomy/core';
import { entailLabel, extractLabels, fieldFamilies, glossFor, verifyLabel, type Level } from '@taxonomy/lexicon';
import type { PromptKey, PromptOutput, PromptVariables } from './contract.ts';

/** Version of the offline answering rules; part of what `usage().prompts` reports for the offline provider. */
export const OFFLINE_RULES_VERSION = '1';

const MAX_LABEL = 160;
const MAX_ALIASES = 10;

function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

function asLevel(level: number): Level {
  return Math.max(0, Math.min(3, Math.trunc(level))) as Level;
}

/** Offline `taxonomy.extract`: the lexicon's rule-based labels, one candidate per normalized form, sorted by it. */
export function answerExtract(variables: PromptVariables<'taxonomy.extract'>): PromptOutput<'taxonomy.extract'> {
  const trace = extractLabels({
    text: variables.source_text,
    institution: variables.institution,
    level: asLevel(variables.level),
    section: variables.section,
  });
  const parents = variables.parent_anchor && variables.parent_anchor.trim() ? [variables.parent_anchor.trim()] : [];
  const byNormalized = new Map<string, { label: string; normalized: string; aliases: string[]; parents: string[] }>();
  for (const found of trace.labels) {
    const label = found.label.trim();
    const normalized = found.normalized.trim();
    if (!label || !normalized || label.length > MAX_LABEL || normalized.length > MAX_LABEL) continue;
    const existing = byNormalized.get(normalized);
    const aliases = new Set(existing?.aliases ?? []);
    for (const alias of found.aliases) {
      const a = alias.trim();
      if (a && a !== normalized && a !== label) aliases.add(a);
    }
    byNormalized.set(normalized, {
      label: existing?.label ?? label,
      normalized,
      aliases: [...aliases].slice(0, MAX_ALIASES),
      parents: [...parents],
    });
  }
  const candidates = [...byNormalized.values()].sort((a, b) =>
    a.normalized.toLowerCase() < b.normalized.toLowerCase() ? -1 : a.normalized.toLowerCase() > b.normalized.toLowerCase() ? 1 : 0,
  );
  return { candidates };
}

/** Offline `taxonomy.verify_single_token`: the lexicon's label rules; the reason lists every failed rule. */
export function answerVerify(variables: PromptVariables<'taxonomy.verify_single_token'>): PromptOutput<'taxonomy.verify_single_token'> {
  const verdict = verifyLabel({ label: variables.label, level: asLevel(variables.level) });
  const reason = verdict.reasons.length > 0 ? verdict.reasons.join('; ') : verdict.pass ? 'passes the label rules' : 'fails the label rules';
  return { pass: verdict.pass, reason: clip(reason, 240) };
}

/** Offline `validation.entailment`: does the evidence text name the concept, and is it linked to its parent. */
export function answerEntailment(variables: PromptVariables<'validation.entailment'>): PromptOutput<'validation.entailment'> {
  const verdict = entailLabel({
    label: variables.concept.label,
    level: asLevel(variables.concept.level),
    parentLabel: variables.concept.parent_label,
    evidence: variables.evidence.map((e) => e.text),
  });
  return {
    pass: verdict.pass,
    confidence: Math.max(0, Math.min(1, verdict.confidence)),
    reason: clip(verdict.reason || (verdict.pass ? 'supported by the evidence' : 'not supported by the evidence'), 280),
  };
}

/**
 * Offline `taxonomy.disambiguate`: the uses are separable when the senses' parents sit in different CIP field
 * families; each sense is glossed from its parent.
 */
export function answerDisambiguate(variables: PromptVariables<'taxonomy.disambiguate'>): PromptOutput<'taxonomy.disambiguate'> {
  const level = asLevel(variables.level);
  const senses = variables.senses.map((s) => ({
    concept_id: s.concept_id,
    gloss: clip(glossFor({ label: variables.label, level, parentLabel: s.parent_label }) || normalizeLabel(variables.label) || s.concept_id, 200),
  }));
  const families = variables.senses.map((s) => {
    const top = s.parent_label ? fieldFamilies(s.parent_label)[0] : undefined;
    return { parent: s.parent_label, code: top?.code ?? null, title: top?.title ?? null, score: top?.score ?? 0 };
  });
  if (families.length < 2) {
    return { separable: false, confidence: 0.9, senses, reason: `only ${families.length} use of "${clip(variables.label, 80)}"` };
  }
  const unknown = families.filter((f) => f.code === null);
  if (unknown.length > 0) {
    const names = unknown.map((f) => (f.parent ? `"${clip(f.parent, 60)}"` : 'no parent')).join(', ');
    return { separable: false, confidence: 0.5, senses, reason: clip(`no field family for ${names}`, 280) };
  }
  const codes = new Set(families.map((f) => f.code));
  const minScore = Math.min(...families.map((f) => f.score));
  const confidence = Math.round((0.5 + 0.5 * Math.min(1, minScore)) * 100) / 100;
  if (codes.size === 1) {
    const only = families[0]!;
    return { separable: false, confidence, senses, reason: clip(`all parents in one field family: ${only.code} ${only.title ?? ''}`.trim(), 280) };
  }
  const listed = [...new Map(families.map((f) => [f.code, `${f.code} ${f.title ?? ''}`.trim()])).values()].join(' vs ');
  return { separable: true, confidence, senses, reason: clip(`parents in different field families: ${listed}`, 280) };
}

/** Answers any prompt key offline from the lexicon (variables must already be valid for the key). */
export function answerOffline<K extends PromptKey>(key: K, variables: PromptVariables<K>): PromptOutput<K> {
  switch (key) {
    case 'taxonomy.extract':
      return answerExtract(variables as PromptVariables<'taxonomy.extract'>) as PromptOutput<K>;
    case 'taxonomy.verify_single_token':
      return answerVerify(variables as PromptVariables<'taxonomy.verify_single_token'>) as PromptOutput<K>;
    case 'validation.entailment':
      return answerEntailment(variables as PromptVariables<'validation.entailment'>) as PromptOutput<K>;
    case 'taxonomy.disambiguate':
      return answerDisambiguate(variables as PromptVariables<'taxonomy.disambiguate'>) as PromptOutput<K>;
    default: {
      const never: never = key;
      throw new Error(`unknown prompt key ${String(never)}`);
    }
  }
}
