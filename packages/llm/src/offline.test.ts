import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { PROMPTS, type PromptKey } from './contract.ts';
import { answerOffline } from './offline.ts';
import { OfflineLlmClient } from './offline-client.ts';

const silent = pino({ level: 'silent' });

describe('offline provider', () => {
  it.each([
    ['Perelman School of Medicine', 0, null, ['medicine'], []],
    ['Department of Electrical Engineering and Computer Science', 1, 'engineering', ['computer science', 'electrical engineering'], ['engineering']],
  ] as const)('extracts from %j at level %i', (text, level, parent, normalized, parents) => {
    const out = answerOffline('taxonomy.extract', { institution: 'X University', level, source_text: text, section: null, parent_anchor: parent });
    expect(out.candidates.map((c) => c.normalized)).toEqual(normalized);
    for (const c of out.candidates) expect(c.parents).toEqual(parents);
  });

  it.each([
    ['stanford', false],
    ['physics', true],
    ['department', false],
  ])('verifies %j as %s', (label, pass) => {
    const out = answerOffline('taxonomy.verify_single_token', { label, level: 1 });
    expect(out.pass).toBe(pass);
    expect(out.reason.length).toBeGreaterThan(0);
  });

  it.each([
    ['computer science', 'sociology', true],
    ['computer science', 'data science', false],
  ])('disambiguates senses under %j and %j as separable=%s', (a, b, separable) => {
    const out = answerOffline('taxonomy.disambiguate', {
      label: 'networks',
      level: 2,
      senses: [
        { concept_id: 'L2:networks~a', parent_label: a, contexts: [] },
        { concept_id: 'L2:networks~b', parent_label: b, contexts: [] },
      ],
    });
    expect(out.separable).toBe(separable);
    expect(out.senses.map((s) => s.concept_id)).toEqual(['L2:networks~a', 'L2:networks~b']);
    expect(out.senses[0]!.gloss).toContain(a);
  });

  it.each([
    ['Our group studies quantum computing and quantum information.', true],
    ['We organise a bake sale every spring.', false],
  ])('entailment of "quantum computing" by %j is %s', (text, pass) => {
    const out = answerOffline('validation.entailment', {
      concept: { id: 'L2:quantum-computing', label: 'quantum computing', level: 2, parent_label: 'computer science' },
      evidence: [{ text, url: null, institution: null }],
    });
    expect(out.pass).toBe(pass);
  });

  it('client answers every key with schema-valid output and counts calls', async () => {
    const client = new OfflineLlmClient(silent);
    const inputs: { [K in PromptKey]: unknown } = {
      'taxonomy.extract': { institution: null, level: 2, source_text: 'Center for Quantum Computing', section: null, parent_anchor: 'physics' },
      'taxonomy.verify_single_token': { label: 'ai', level: 2 },
      'validation.entailment': { concept: { id: 'L0:law', label: 'law', level: 0, parent_label: null }, evidence: [] },
      'taxonomy.disambiguate': { label: 'law', level: 0, senses: [{ concept_id: 'L0:law', parent_label: null, contexts: [] }] },
    };
    for (const key of Object.keys(inputs) as PromptKey[]) {
      const res = await client.run(key, inputs[key] as never);
      expect(res.ok).toBe(true);
      if (res.ok) expect(PROMPTS[key].output.safeParse(res.value).success).toBe(true);
    }
    const usage = client.usage();
    expect(usage.calls).toBe(4);
    expect(usage.provider).toBe('offline');
    expect(Object.keys(usage.prompts)).toEqual(Object.keys(inputs).sort());
  });

  it.each([
    ['an empty label', { label: '', level: 1 }],
    ['level 7', { label: 'physics', level: 7 }],
  ])('quarantines an item with %s without calling', async (_name, variables) => {
    const client = new OfflineLlmClient(silent);
    const res = await client.run('taxonomy.verify_single_token', variables);
    expect(res).toMatchObject({ ok: false, reason: 'invalid_variables' });
    expect(client.usage()).toMatchObject({ calls: 1, quarantined: 1 });
  });

  it.each([
    ['a missing variable', { level: 1 }, /lack: label/u],
    ['no variables at all', undefined, /lack: \(root\)/u],
  ])('throws PROMPT_INVALID on %s', async (_name, variables, message) => {
    const client = new OfflineLlmClient(silent);
    await expect(client.run('taxonomy.verify_single_token', variables as never)).rejects.toMatchObject({ code: 'PROMPT_INVALID', message: expect.stringMatching(message) });
  });
});
