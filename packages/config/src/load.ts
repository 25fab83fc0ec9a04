import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { ONE_SHOT_PARSE, TaxonomyError, editDistance, findWorkspaceRoot, redactUrlCredentials, stableHash } from '@taxonomy/core';
import { ConfigSchema, ENVIRONMENTS, SLICE_NAMES, type Config, type Environment, type SliceName } from './schema.ts';

/** Where each value of the resolved config can come from, lowest precedence first. */
export const PRECEDENCE = ['defaults', 'config/<slice>.json', 'profiles.<env> in that file', 'environment variables', '-o overrides'] as const;

export interface LoadConfigOptions {
  /** Workspace root (default: the nearest folder with nx.json above the working directory). */
  root?: string;
  /** Environment profile; default TAXONOMY_ENV or "development". */
  environment?: string;
  /** `slice.key.path=value` overrides, highest precedence. */
  overrides?: ReadonlyArray<string>;
  /** Environment variables to read (default process.env); only this package reads the environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedConfig {
  readonly root: string;
  readonly environment: Environment;
  readonly config: Readonly<Config>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DEFAULTS = ConfigSchema.parse({}, ONE_SHOT_PARSE) as unknown as JsonObject;

/** Every default of every slice (what `taxonomy config show --defaults` prints). */
export function defaultConfig(): Config {
  return ConfigSchema.parse({}, ONE_SHOT_PARSE);
}

/** Environment variables the config reads, by purpose; the CLI and Nx inputs use the same names. */
export const ENV_VARS = {
  environment: 'TAXONOMY_ENV',
  overrides: (slice: SliceName) => `TAXONOMY_OVERRIDES_${slice.toUpperCase()}`,
  llmProvider: 'TAXONOMY_LLM_PROVIDER',
  openaiBaseUrl: 'OPENAI_BASE_URL',
  openaiApiKey: 'OPENAI_API_KEY',
  openaiModel: 'OPENAI_MODEL',
  openaiOrg: 'OPENAI_ORG_ID',
  /** Set by the Nx plugin on every model task: OPENAI_API_KEY's state (`set`/`unset`) that the task hash holds. */
  apiKeyState: 'TAXONOMY_OPENAI_API_KEY_STATE',
} as const;

/**
 * A model task's hash knows only whether OPENAI_API_KEY was set when Nx inferred the targets
 * (tools/nx/taxonomy-plugin.mjs puts it in TAXONOMY_OPENAI_API_KEY_STATE). A task whose own environment says
 * otherwise (a daemon or a wrapper that inferred the graph under another environment) would write output
 * under a hash that does not describe it, so it refuses to run.
 */
export function checkApiKeyState(env: Readonly<Record<string, string | undefined>>): void {
  const recorded = env[ENV_VARS.apiKeyState];
  if (recorded === undefined) return;
  const key = env[ENV_VARS.openaiApiKey];
  const actual = key !== undefined && key.trim() !== '' ? 'set' : 'unset';
  if (recorded !== actual) {
    throw configError([
      `${ENV_VARS.apiKeyState}=${recorded}: the Nx task hash was computed with OPENAI_API_KEY ${recorded}, but this task runs with it ${actual}; rerun nx without the daemon (NX_DAEMON=false) from the shell that holds the key`,
    ]);
  }
}

/**
 * Resolves the configuration: defaults < `config/<slice>.json` < its `profiles.<env>` < environment
 * variables < `-o` overrides. The result is validated by one schema and deep-frozen. Unknown keys and
 * bad values throw a CONFIG_INVALID error naming the key path, the expected type and a suggestion.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  checkApiKeyState(env);
  const root = options.root ?? findWorkspaceRoot();
  const environment = resolveEnvironment(options.environment ?? env[ENV_VARS.environment] ?? 'development');
  const merged: JsonObject = {};
  for (const slice of SLICE_NAMES) {
    const file = join(root, 'config', `${slice}.json`);
    let sliceValue: JsonObject = {};
    const info = statSync(file, { throwIfNoEntry: false });
    if (info !== undefined && !info.isFile()) throw configError([`${file}: not a file (${info.isDirectory() ? 'a directory' : 'not a regular file'})`]);
    if (info !== undefined) {
      const { profiles, ...settings } = readSliceFile(file);
      sliceValue = deepMerge(sliceValue, settings);
      if (profiles !== undefined) {
        if (!isObject(profiles)) throw configError([`${file}: "profiles" must be an object of environment name → settings`]);
        for (const name of Object.keys(profiles)) {
          if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
            throw configError([`${file}: profiles.${name}: unknown environment${suggest(name, ENVIRONMENTS)}`]);
          }
        }
        const profile = profiles[environment];
        if (profile !== undefined) {
          if (!isObject(profile)) throw configError([`${file}: profiles.${environment} must be an object`]);
          sliceValue = deepMerge(sliceValue, profile);
        }
      }
    }
    const envOverrides = env[ENV_VARS.overrides(slice)];
    if (envOverrides !== undefined && envOverrides.trim() !== '') {
      for (const item of splitOverrideList(envOverrides)) {
        sliceValue = applyOverride(sliceValue, `${slice}.${item}`, ENV_VARS.overrides(slice)).slice ?? sliceValue;
      }
    }
    if (slice === 'llm') sliceValue = applyLlmEnvironment(sliceValue, env);
    merged[slice] = sliceValue;
  }
  let withOverrides: JsonObject = merged;
  for (const override of options.overrides ?? []) {
    const [sliceName] = override.split('=')[0]!.split('.');
    const result = applyOverride((withOverrides[sliceName ?? ''] as JsonObject | undefined) ?? {}, override, '-o');
    withOverrides = { ...withOverrides, [result.sliceName]: result.slice ?? {} };
  }
  // Partial settings merge over the full defaults, so `level_2.min_institutions` alone keeps `min_records`.
  const parsed = ConfigSchema.safeParse(deepMerge(DEFAULTS, withOverrides), { reportInput: true, ...ONE_SHOT_PARSE });
  if (!parsed.success) throw configError(describeIssues(parsed.error));
  return deepFreeze({ root, environment, config: parsed.data });
}

/** Hash of what a phase reads: the global slice plus its own (secrets left out). */
export function sliceHash(config: Readonly<Config>, slice: SliceName): string {
  return stableHash({ global: config.global, [slice]: redactSlice(slice, config[slice]) });
}

/** A copy of the config safe to write anywhere: secrets replaced by "[redacted]", credentials in URLs too. */
export function redactConfig(config: Readonly<Partial<Config>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const slice of SLICE_NAMES) if (config[slice] !== undefined) out[slice] = redactSlice(slice, config[slice]);
  return out;
}

function redactSlice(slice: SliceName, value: unknown): unknown {
  if (slice !== 'llm') return value;
  const llm = value as Config['llm'];
  return { ...llm, api_key: llm.api_key === null ? null : '[redacted]', base_url: llm.base_url === null ? null : redactUrlCredentials(llm.base_url) };
}

/** Parses `a.b.c=value` into its path and raw value; a missing `=` or empty path is an error. */
export function parseOverride(text: string): { path: string[]; raw: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw configError([`override "${text}": expected key.path=value`]);
  const path = text.slice(0, eq).trim().split('.').filter((p) => p.length > 0);
  if (path.length === 0) throw configError([`override "${text}": empty key`]);
  return { path, raw: text.slice(eq + 1) };
}

function splitOverrideList(text: string): string[] {
  return text
    .split(/[\n;]/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function applyOverride(
  sliceValue: JsonObject,
  override: string,
  origin: string,
): { sliceName: string; slice: JsonObject | null } {
  const { path, raw } = parseOverride(override);
  const [sliceName, ...rest] = path as [string, ...string[]];
  if (!(SLICE_NAMES as string[]).includes(sliceName)) {
    throw configError([`${origin} ${path.join('.')}: unknown config section "${sliceName}"${suggest(sliceName, SLICE_NAMES)}`]);
  }
  if (rest.length === 0) throw configError([`${origin} ${path.join('.')}: name a setting inside the section`]);
  const leaf = schemaAt(path, origin);
  const value = coerceValue(raw, leaf);
  return { sliceName, slice: setPath(sliceValue, rest, value) };
}

/** Walks the schema along `path`, failing with a suggestion at the first unknown key. */
function schemaAt(path: ReadonlyArray<string>, origin: string): z.ZodType {
  let node: z.ZodType = ConfigSchema as unknown as z.ZodType;
  const walked: string[] = [];
  for (const key of path) {
    node = unwrap(node);
    const def = (node as unknown as { _zod: { def: { type: string; valueType?: z.ZodType } } })._zod.def;
    if (def.type === 'object') {
      const shape = (node as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      const next = shape[key];
      if (next === undefined) {
        throw configError([`${origin} ${[...walked, key].join('.')}: unknown key${suggest(key, Object.keys(shape))}`]);
      }
      node = next;
    } else if (def.type === 'record' && def.valueType !== undefined) {
      node = def.valueType;
    } else {
      throw configError([`${origin} ${[...walked, key].join('.')}: "${walked.join('.')}" is a ${describeType(node)}, it has no keys`]);
    }
    walked.push(key);
  }
  return node;
}

function unwrap(node: z.ZodType): z.ZodType {
  let current = node;
  for (;;) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
    if (['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(def.type) && def.innerType !== undefined) {
      current = def.innerType;
    } else return current;
  }
}

function describeType(node: z.ZodType): string {
  const inner = unwrap(node);
  const def = (inner as unknown as { _zod: { def: { type: string; entries?: Record<string, string> } } })._zod.def;
  if (def.type === 'enum' && def.entries !== undefined) return `one of ${Object.values(def.entries).join('|')}`;
  return def.type;
}

/** Typed coercion of a raw override value by the type the schema expects at that key. */
function coerceValue(raw: string, leaf: z.ZodType): Json {
  const type = describeType(leaf);
  const trimmed = raw.trim();
  if (trimmed === 'null') return null;
  if (type === 'string' || type.startsWith('one of')) return raw;
  if (type === 'array' && !trimmed.startsWith('[')) {
    return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    return raw; // the schema then reports "expected <type>, received string" with the key path
  }
}

function applyLlmEnvironment(slice: JsonObject, env: Readonly<Record<string, string | undefined>>): JsonObject {
  const out = { ...slice };
  const set = (key: string, name: string) => {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') out[key] = v.trim();
  };
  set('base_url', ENV_VARS.openaiBaseUrl);
  set('api_key', ENV_VARS.openaiApiKey);
  set('model', ENV_VARS.openaiModel);
  set('organization', ENV_VARS.openaiOrg);
  set('provider', ENV_VARS.llmProvider);
  return out;
}

function readSliceFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw configError([`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw configError([`${file}: malformed JSON: ${(err as Error).message}`]);
  }
  if (!isObject(json as Json)) throw configError([`${file}: expected a JSON object`]);
  const { $comment: _comment, ...rest } = json as JsonObject;
  return rest;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const valid = validKeysAt(path);
          return `${[...path, key].join('.')}: unknown key${suggest(key, valid)}`;
        })
        .join('\n');
    }
    const input = (issue as { input?: unknown }).input;
    const seen = input === undefined ? '' : ` (got ${JSON.stringify(input)})`;
    return `${path.join('.')}: ${issue.message.replace(/^Invalid input: /u, '')}${seen}`;
  });
}

function validKeysAt(path: ReadonlyArray<string>): string[] {
  try {
    const node = unwrap(path.length === 0 ? (ConfigSchema as unknown as z.ZodType) : schemaAt(path, ''));
    const def = (node as unknown as { _zod: { def: { type: string } } })._zod.def;
    return def.type === 'object' ? Object.keys((node as unknown as z.ZodObject).shape) : [];
  } catch {
    return [];
  }
}

/** ` (did you mean "x"?)` for the nearest valid name within a small edit distance, else a list of valid names. */
export function suggest(name: string, valid: ReadonlyArray<string>): string {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of valid) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3))) return ` (did you mean "${best}"?)`;
  return valid.length > 0 && valid.length <= 12 ? ` (valid keys: ${valid.join(', ')})` : '';
}


function resolveEnvironment(name: string): Environment {
  if ((ENVIRONMENTS as readonly string[]).includes(name)) return name as Environment;
  throw configError([`environment "${name}": expected one of ${ENVIRONMENTS.join('|')}${suggest(name, ENVIRONMENTS)}`]);
}

function configError(lines: string[]): TaxonomyError {
  return new TaxonomyError('CONFIG_INVALID', `invalid configuration: ${lines.join('; ')}`);
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function setPath(target: JsonObject, path: ReadonlyArray<string>, value: Json): JsonObject {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  const child = target[head];
  return { ...target, [head]: setPath(isObject(child) ? child : {}, rest, value) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
