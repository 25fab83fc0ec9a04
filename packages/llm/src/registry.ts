import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { ONE_SHOT_PARSE, TaxonomyError, packageRoot, sha256Hex, stableStringify } from '@taxonomy/core';
import * as z from 'zod';
import { PROMPTS, PROMPT_KEYS, type PromptKey } from './contract.ts';
import { renderTemplate, splitTemplateSections, type ChatMessage } from './render.ts';

/** The prompts folder shipped with this package. */
export const DEFAULT_PROMPTS_DIR = `${join(packageRoot('@taxonomy/llm'), 'prompts')}/`;

/** Tags around the JSON copy of the variables in every user message, so any server can read them back. */
export const VARIABLES_OPEN = '<variables>';
export const VARIABLES_CLOSE = '</variables>';
/** Request header naming the prompt key (ignored by real endpoints; lets the fake server pick its rule). */
export const PROMPT_KEY_HEADER = 'x-taxonomy-prompt-key';

const RelativePath = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !normalize(p).split(/[\\/]/u).includes('..'), 'must be a path inside the prompts folder');

const VariantSchema = z
  .object({
    version: z.string().min(1).describe('Bumped whenever the template, examples or schema change meaning'),
    description: z.string().min(1),
    template: RelativePath.describe('Template file: a "--- system ---" and a "--- user ---" section'),
    examples: RelativePath.nullable().default(null).describe('JSON file of few-shot examples [{variables, output}]'),
  })
  .strict();

export const RegistryFileSchema = z
  .object({
    schema_version: z.literal(1),
    prompts: z.record(
      z.string(),
      z.object({ active_variant: z.string().min(1), variants: z.record(z.string(), VariantSchema) }).strict(),
    ),
  })
  .strict();
export type RegistryFile = z.infer<typeof RegistryFileSchema>;

export interface PromptExample {
  variables: Record<string, unknown>;
  output: unknown;
}

/** One variant of one key, loaded and checked: template sections, examples, the output JSON Schema and its hash. */
export interface PromptVariant {
  key: PromptKey;
  variant: string;
  version: string;
  description: string;
  templateFile: string;
  system: string;
  user: string;
  examples: PromptExample[];
  /** JSON Schema of the output (from the contract's zod schema), as shown in the prompt. */
  jsonSchema: Record<string, unknown>;
  /** The same schema reduced to what strict `response_format` modes accept (see `toWireSchema`). */
  wireSchema: Record<string, unknown>;
  /** sha256 of template text, output schema and examples. */
  hash: string;
}

export interface PromptRegistry {
  dir: string;
  prompts: ReadonlyMap<PromptKey, { active: string; variants: ReadonlyMap<string, PromptVariant> }>;
}

/** The output JSON Schema of a key, without `$schema` (OpenAI's strict json_schema wants the bare object). */
export function outputJsonSchema(key: PromptKey): Record<string, unknown> {
  const schema = z.toJSONSchema(PROMPTS[key].output) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** Keywords strict structured-output modes commonly reject; the answer is still checked against them locally. */
const NON_STRUCTURAL_KEYWORDS = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'multipleOf', 'pattern', 'format']);

/**
 * The schema sent as `response_format.json_schema.schema`: the output schema reduced to the subset strict modes
 * accept everywhere (types, properties, required, additionalProperties, descriptions); length and range limits
 * stay in the prompt text and in local validation.
 */
export function toWireSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toWireSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === '$schema' || NON_STRUCTURAL_KEYWORDS.has(k)) continue;
    // Inside `properties` the keys are field names, not keywords: keep them all.
    out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, toWireSchema(sub)])) : toWireSchema(v);
  }
  return out;
}

function resolveInside(dir: string, file: string): string {
  const full = resolve(dir, file);
  const rel = relative(dir, full);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new TaxonomyError('PROMPT_INVALID', `prompt file ${file} escapes the prompts folder`);
  }
  return full;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new TaxonomyError('PROMPT_INVALID', `${what} not readable: ${path}`, { cause: err });
  }
}

function issues(error: z.ZodError): string {
  return z.prettifyError(error).replace(/\s*\n\s*/gu, '; ');
}

/** Reads `registry.json` and every template and example file it names; checks them against the contract. */
export async function loadPromptRegistry(dir: string = DEFAULT_PROMPTS_DIR): Promise<PromptRegistry> {
  const registryPath = join(dir, 'registry.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(registryPath, 'prompt registry'));
  } catch (err) {
    if (err instanceof TaxonomyError) throw err;
    throw new TaxonomyError('PROMPT_INVALID', `prompt registry ${registryPath} is not JSON`, { cause: err });
  }
  const parsed = RegistryFileSchema.safeParse(raw, ONE_SHOT_PARSE);
  if (!parsed.success) throw new TaxonomyError('PROMPT_INVALID', `prompt registry ${registryPath}: ${issues(parsed.error)}`);
  const prompts = new Map<PromptKey, { active: string; variants: Map<string, PromptVariant> }>();
  for (const key of PROMPT_KEYS) {
    const entry = parsed.data.prompts[key];
    if (!entry) throw new TaxonomyError('PROMPT_INVALID', `prompt registry lacks key "${key}"`);
    if (!entry.variants[entry.active_variant]) {
      throw new TaxonomyError('PROMPT_INVALID', `prompt "${key}": active variant "${entry.active_variant}" is not listed`);
    }
    const jsonSchema = outputJsonSchema(key);
    const variants = new Map<string, PromptVariant>();
    for (const name of Object.keys(entry.variants).sort()) {
      const spec = entry.variants[name]!;
      const templateText = await readText(resolveInside(dir, spec.template), `template of ${key}/${name}`);
      const sections = splitTemplateSections(templateText, spec.template);
      let examplesText = '';
      const examples: PromptExample[] = [];
      if (spec.examples) {
        examplesText = await readText(resolveInside(dir, spec.examples), `examples of ${key}/${name}`);
        let list: unknown;
        try {
          list = JSON.parse(examplesText);
        } catch (err) {
          throw new TaxonomyError('PROMPT_INVALID', `examples ${spec.examples} are not JSON`, { cause: err });
        }
        if (!Array.isArray(list)) throw new TaxonomyError('PROMPT_INVALID', `examples ${spec.examples} must be a JSON array`);
        list.forEach((item, i) => {
          const v = PROMPTS[key].variables.safeParse((item as { variables?: unknown })?.variables);
          const o = PROMPTS[key].output.safeParse((item as { output?: unknown })?.output);
          if (!v.success) throw new TaxonomyError('PROMPT_INVALID', `example ${i} of ${spec.examples}: variables ${issues(v.error)}`);
          if (!o.success) throw new TaxonomyError('PROMPT_INVALID', `example ${i} of ${spec.examples}: output ${issues(o.error)}`);
          examples.push({ variables: v.data as Record<string, unknown>, output: o.data });
        });
      }
      variants.set(name, {
        key,
        variant: name,
        version: spec.version,
        description: spec.description,
        templateFile: spec.template,
        system: sections.system,
        user: sections.user,
        examples,
        jsonSchema,
        wireSchema: toWireSchema(jsonSchema) as Record<string, unknown>,
        hash: sha256Hex(stableStringify({ template: templateText, schema: jsonSchema, examples: examplesText })),
      });
    }
    prompts.set(key, { active: entry.active_variant, variants });
  }
  return { dir, prompts };
}

/** The variant to use for `key`: the config's `prompt_variants` override, else the registry's active one. */
export function selectVariant(registry: PromptRegistry, key: PromptKey, overrides: Readonly<Record<string, string>> = {}): PromptVariant {
  const entry = registry.prompts.get(key);
  if (!entry) throw new TaxonomyError('PROMPT_INVALID', `unknown prompt key "${key}"`);
  const name = overrides[key] ?? entry.active;
  const variant = entry.variants.get(name);
  if (!variant) {
    throw new TaxonomyError('CONFIG_INVALID', `llm.prompt_variants.${key} = "${name}" is not a variant (have: ${[...entry.variants.keys()].join(', ')})`);
  }
  return variant;
}

/** Checks that every key named in `prompt_variants` exists and names a listed variant. */
export function checkVariantOverrides(registry: PromptRegistry, overrides: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(overrides)) {
    if (!registry.prompts.has(key as PromptKey)) throw new TaxonomyError('CONFIG_INVALID', `llm.prompt_variants names unknown prompt key "${key}"`);
    selectVariant(registry, key as PromptKey, overrides);
  }
}

function renderUser(variant: PromptVariant, variables: Record<string, unknown>, schemaText: string): string {
  return renderTemplate(variant.user, { ...variables, variables, output_schema: schemaText });
}

/** System message and few-shot pairs depend only on the variant: rendered once per variant. */
const prefixCache = new WeakMap<PromptVariant, { schemaText: string; prefix: ChatMessage[] }>();

function renderedPrefix(variant: PromptVariant): { schemaText: string; prefix: ChatMessage[] } {
  const hit = prefixCache.get(variant);
  if (hit) return hit;
  const schemaText = stableStringify(variant.jsonSchema);
  const prefix: ChatMessage[] = [{ role: 'system', content: renderTemplate(variant.system, { output_schema: schemaText }) }];
  for (const example of variant.examples) {
    prefix.push({ role: 'user', content: renderUser(variant, example.variables, schemaText) });
    prefix.push({ role: 'assistant', content: stableStringify(example.output) });
  }
  const entry = { schemaText, prefix };
  prefixCache.set(variant, entry);
  return entry;
}

/** Renders a variant into chat messages: system, few-shot pairs, then the user message for `variables`. */
export function renderPrompt(variant: PromptVariant, variables: Record<string, unknown>): ChatMessage[] {
  const { schemaText, prefix } = renderedPrefix(variant);
  return [...prefix.map((m) => ({ ...m })), { role: 'user', content: renderUser(variant, variables, schemaText) }];
}

/** The variables a rendered conversation carries: the JSON block of the last message that has one. */
export function readVariablesBlock(messages: ReadonlyArray<{ role: string; content: unknown }>): Record<string, unknown> | null {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const content = messages[i]!.content;
    if (messages[i]!.role !== 'user' || typeof content !== 'string') continue;
    const start = content.lastIndexOf(VARIABLES_OPEN);
    const end = content.lastIndexOf(VARIABLES_CLOSE);
    if (start < 0 || end < start) continue;
    try {
      const value: unknown = JSON.parse(content.slice(start + VARIABLES_OPEN.length, end));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not a block we wrote; keep looking further back.
    }
  }
  return null;
}
