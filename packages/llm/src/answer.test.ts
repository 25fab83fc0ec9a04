import { describe, expect, it } from 'vitest';
import { checkAnswer } from './answer.ts';

describe('checkAnswer', () => {
  it.each([
    ['a valid object', '{"pass":true,"reason":"a field"}', 'taxonomy.verify_single_token', { ok: true, unwrapped: false }],
    ['a fenced object', '```json\n{"pass":true,"reason":"a field"}\n```', 'taxonomy.verify_single_token', { ok: true, unwrapped: false }],
    ['a one-element array', '[{"pass":false,"reason":"brand"}]', 'taxonomy.verify_single_token', { ok: true, unwrapped: true }],
    ['a bare candidates array', '[]', 'taxonomy.extract', { ok: true, unwrapped: true }],
    ['prose', 'Here you go', 'taxonomy.verify_single_token', { ok: false, reason: 'invalid_json' }],
    ['an object inside prose', 'Here you go: {"pass": true, "reason": "single token"} Hope it helps.', 'taxonomy.verify_single_token', { ok: true, unwrapped: true }],
    ['an array inside prose', 'Result: [{"pass": false, "reason": "brand"}]', 'taxonomy.verify_single_token', { ok: true, unwrapped: true }],
    ['truncated JSON after prose', 'Sure! {"candidates":[{"lab', 'taxonomy.extract', { ok: false, reason: 'invalid_json' }],
    ['an empty answer', '', 'taxonomy.verify_single_token', { ok: false, reason: 'invalid_json' }],
    ['a wrong shape', '{"validated":true}', 'taxonomy.verify_single_token', { ok: false, reason: 'schema_invalid' }],
    ['a two-element array', '[{"pass":true,"reason":"a"},{"pass":true,"reason":"b"}]', 'taxonomy.verify_single_token', { ok: false, reason: 'schema_invalid' }],
  ] as const)('handles %s', (_name, content, key, expected) => {
    expect(checkAnswer(key, content)).toMatchObject(expected);
  });
});

describe('checkAnswer ordering', () => {
  it('sorts extraction candidates by lower-cased normalized form', () => {
    const content = JSON.stringify({
      candidates: [
        { label: 'B Lab', normalized: 'b lab', aliases: [], parents: [] },
        { label: 'Accounting', normalized: 'Accounting', aliases: [], parents: [] },
      ],
    });
    const res = checkAnswer('taxonomy.extract', content);
    expect(res.ok && res.value.candidates.map((c) => c.label)).toEqual(['Accounting', 'B Lab']);
  });
});
