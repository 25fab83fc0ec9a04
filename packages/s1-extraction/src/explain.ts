import { collapseWhitespace } from '@taxonomy/core';
import type { Config } from '@taxonomy/config';
import type { LlmClient } from '@taxonomy/llm';
import { normalizeCandidate } from './normalize.ts';

export interface ExplainExtractionOptions {
  text: string;
  level: number;
  institution: string | null;
  client: LlmClient;
  config: Config['s1'];
}

/**
 * What `taxonomy explain extract` prints: the model's raw candidates, every normalization step of each,
 * and the final normalized labels (sorted unique). A failed model call is reported as a step, not thrown.
 */
export async function explainExtraction(options: ExplainExtractionOptions): Promise<{ labels: string[]; steps: Array<{ step: string; detail: string }> }> {
  const institution = options.institution === null ? null : collapseWhitespace(options.institution);
  const steps: Array<{ step: string; detail: string }> = [
    { step: 'input', detail: `level ${options.level}, institution ${institution === null ? '(none)' : `"${institution}"`}: "${collapseWhitespace(options.text)}"` },
  ];
  const result = await options.client.run('taxonomy.extract', {
    institution,
    level: options.level,
    source_text: options.text,
    section: null,
    parent_anchor: null,
  });
  if (!result.ok) {
    steps.push({ step: 'model', detail: `no usable answer (${result.reason}): ${result.error}` });
    return { labels: [], steps };
  }
  steps.push({
    step: 'model',
    detail:
      result.value.candidates.length === 0
        ? `${options.client.provider}/${options.client.model} named no field`
        : `${options.client.provider}/${options.client.model} returned ${result.value.candidates.length}: ${result.value.candidates
            .map((c) => `"${c.label}" (normalized "${c.normalized}"${c.aliases.length > 0 ? `, aliases ${c.aliases.join(', ')}` : ''})`)
            .join('; ')}`,
  });
  const labels = new Set<string>();
  for (const raw of result.value.candidates) {
    const n = normalizeCandidate(raw, { level: options.level, institution, config: options.config });
    for (const s of n.steps) steps.push({ step: `"${raw.label}" ${s.step}`, detail: s.detail });
    if (n.ok) {
      labels.add(n.value.normalized);
      steps.push({ step: `"${raw.label}" result`, detail: `"${n.value.normalized}"` });
    } else steps.push({ step: `"${raw.label}" dropped`, detail: `${n.reason}: ${n.detail}` });
  }
  const final = [...labels].sort();
  steps.push({ step: 'labels', detail: final.length === 0 ? '(none)' : final.join(', ') });
  return { labels: final, steps };
}
