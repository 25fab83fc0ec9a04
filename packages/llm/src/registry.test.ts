import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_KEYS, type PromptKey } from './contract.ts';
import { DEFAULT_PROMPTS_DIR, toWireSchema, checkVariantOverrides, loadPromptRegistry, readVariablesBlock, renderPrompt, selectVariant, type PromptRegistry } from './registry.ts';
import { renderTemplate } from './render.ts';

const SAMPLE: { [K in PromptKey]: Record<string, unknown> } = {
  'taxonomy.extract': { institution: 'X University', level: 2, source_text: 'Center for Quantum Computing', section: 'Research', parent_anchor: 'physics' },
  'taxonomy.verify_single_token': { label: 'robotics', level: 2 },
  'validation.entailment': { concept: { id: 'L0:law', label: 'law', level: 0, parent_label: null }, evidence: [{ text: 'School of Law', url: null, institution: 'X' }] },
  'taxonomy.disambiguate': { label: 'law', level: 0, senses: [{ concept_id: 'L0:law', parent_label: null, contexts: [] }] },
};

let registry: PromptRegistry;
let scratch = '';

beforeAll(async () => {
  registry = await loadPromptRegistry();
  scratch = await mkdtemp(join(tmpdir(), 'llm-prompts-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('renderTemplate', () => {
  it.each([
    ['Hello {{ name }}', { name: 'ada' }, 'Hello ada'],
    ['{{ a.b }}/{{a.c}}', { a: { b: 1, c: true } }, '1/true'],
    ['{{ x }}', { x: null }, '(none)'],
    ['{{ obj | json }}', { obj: { b: 2, a: [1] } }, '{"a":[1],"b":2}'],
    ['{{ items | list }}', { items: ['one', 'two'] }, '- one\n- two'],
    ['{{ items | list }}', { items: [] }, '(none)'],
  ])('renders %j', (template, context, expected) => {
    expect(renderTemplate(template, context)).toBe(expected);
  });

  it.each([
    ['{{ missing }}', {}, /undefined: missing/u],
    ['{{ a.b }}', { a: {} }, /undefined: a\.b/u],
    ['{{ obj }}', { obj: { a: 1 } }, /not a scalar/u],
    ['{{ name ', { name: 'x' }, /malformed placeholder/u],
    ['{{ 1bad }}', {}, /malformed placeholder/u],
  ])('rejects %j before any call', (template, context, message) => {
    expect(() => renderTemplate(template, context)).toThrow(message);
  });
});

describe('prompt registry', () => {
  it('lists every contract key with an active variant, a template file per variant and a hash', () => {
    expect([...registry.prompts.keys()].sort()).toEqual([...PROMPT_KEYS].sort());
    const files = new Set<string>();
    for (const [key, entry] of registry.prompts) {
      expect(entry.variants.has(entry.active)).toBe(true);
      for (const v of entry.variants.values()) {
        expect(v.key).toBe(key);
        expect(v.hash).toMatch(/^[0-9a-f]{64}$/u);
        expect(files.has(v.templateFile)).toBe(false);
        files.add(v.templateFile);
      }
    }
  });

  it.each(PROMPT_KEYS)('renders %s with a variables block the server can read back', (key) => {
    const messages = renderPrompt(selectVariant(registry, key), SAMPLE[key]);
    expect(messages[0]!.role).toBe('system');
    expect(messages.at(-1)!.role).toBe('user');
    expect(messages[0]!.content).toContain('"type":"object"');
    expect(readVariablesBlock(messages)).toEqual(SAMPLE[key]);
  });

  it.each(PROMPT_KEYS)('sends %s a wire schema without length or range limits but with every field required', (key) => {
    const variant = selectVariant(registry, key);
    const text = JSON.stringify(variant.wireSchema);
    expect(text).not.toMatch(/"(?:minLength|maxLength|minimum|maximum|minItems|maxItems|\$schema)"/u);
    expect(text).toContain('"additionalProperties":false');
    expect(variant.wireSchema['required']).toEqual(Object.keys(variant.wireSchema['properties'] as object));
    expect(JSON.stringify(variant.jsonSchema)).toMatch(/"maxLength"|"maximum"/u);
  });

  it('keeps a property that happens to be named like a keyword', () => {
    expect(toWireSchema({ type: 'object', properties: { pattern: { type: 'string', maxLength: 3 } } })).toEqual({
      type: 'object',
      properties: { pattern: { type: 'string' } },
    });
  });

  it('renders few-shot examples as user/assistant pairs before the real question', () => {
    const variant = selectVariant(registry, 'taxonomy.extract');
    expect(variant.examples.length).toBe(2);
    const messages = renderPrompt(variant, SAMPLE['taxonomy.extract']);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.parse(messages[2]!.content)).toEqual(variant.examples[0]!.output);
    // The last block is the real question, not an example.
    expect(readVariablesBlock([...messages, { role: 'user', content: 'please fix your answer' }])).toEqual(SAMPLE['taxonomy.extract']);
  });

  it('fails on a missing variable before any call', () => {
    const { source_text: _dropped, ...partial } = SAMPLE['taxonomy.extract'];
    expect(() => renderPrompt(selectVariant(registry, 'taxonomy.extract'), partial)).toThrow(/undefined: source_text/u);
  });

  it.each([
    [{}, 'v2'],
    [{ 'taxonomy.extract': 'v1' }, 'v1'],
  ])('selects the variant with overrides %j', (overrides, expected) => {
    const variant = selectVariant(registry, 'taxonomy.extract', overrides);
    expect(variant.variant).toBe(expected);
    expect(variant.version).toBe(expected.slice(1));
  });

  it.each([
    [{ 'taxonomy.extract': 'v9' }, /is not a variant/u],
    [{ 'taxonomy.nope': 'v1' }, /unknown prompt key/u],
  ])('rejects override %j', (overrides, message) => {
    expect(() => checkVariantOverrides(registry, overrides)).toThrow(message);
  });

  it('gives each variant its own hash, and a new hash when a template changes', async () => {
    const v1 = selectVariant(registry, 'taxonomy.extract', { 'taxonomy.extract': 'v1' });
    const v2 = selectVariant(registry, 'taxonomy.extract');
    expect(v1.hash).not.toBe(v2.hash);
    const dir = join(scratch, 'changed');
    await cp(DEFAULT_PROMPTS_DIR, dir, { recursive: true });
    const same = await loadPromptRegistry(dir);
    expect(selectVariant(same, 'taxonomy.extract').hash).toBe(v2.hash);
    const file = join(dir, v2.templateFile);
    await writeFile(file, `${await readFile(file, 'utf8')}\nBe concise.\n`);
    const changed = await loadPromptRegistry(dir);
    expect(selectVariant(changed, 'taxonomy.extract').hash).not.toBe(v2.hash);
    expect(selectVariant(changed, 'taxonomy.verify_single_token').hash).toBe(selectVariant(registry, 'taxonomy.verify_single_token').hash);
  });

  it.each([
    ['a template path escaping the folder', (r: any) => ((r.prompts['taxonomy.extract'].variants.v1.template = '../../etc/passwd'), r), /inside the prompts folder/u],
    ['an active variant that is not listed', (r: any) => ((r.prompts['taxonomy.extract'].active_variant = 'v7'), r), /not listed/u],
    ['a missing key', (r: any) => (delete r.prompts['validation.entailment'], r), /lacks key "validation.entailment"/u],
  ])('rejects a registry with %s', async (_name, mutate, message) => {
    const dir = join(scratch, `bad-${Math.abs(message.source.length)}-${_name.length}`);
    await cp(DEFAULT_PROMPTS_DIR, dir, { recursive: true });
    const raw = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    await writeFile(join(dir, 'registry.json'), JSON.stringify(mutate(raw)));
    await expect(loadPromptRegistry(dir)).rejects.toThrow(message);
  });
});
