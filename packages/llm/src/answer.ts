import * as z from 'zod';
import { PROMPTS, type FailureReason, type PromptKey, type PromptOutput } from './contract.ts';

export type AnswerCheck<K extends PromptKey> =
  | { ok: true; value: PromptOutput<K>; unwrapped: boolean }
  | { ok: false; reason: Extract<FailureReason, 'invalid_json' | 'schema_invalid'>; error: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Strips a Markdown code fence around the whole answer, which some models add despite JSON mode. */
function stripFence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/u.exec(text);
  return m ? m[1]! : text;
}

/** The JSON value between the first `{` (or `[`) and the last matching `}` (or `]`) of a text, if that parses. */
function embeddedJson(text: string): unknown {
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start < 0 || end <= start) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // Try the other bracket kind.
    }
  }
  return undefined;
}

/**
 * Puts an answer in its canonical order, whatever order the model chose: extraction candidates sorted by
 * lower-cased `normalized` (then label), so equal answers give equal bytes downstream.
 */
export function canonicalizeAnswer<K extends PromptKey>(key: K, value: PromptOutput<K>): PromptOutput<K> {
  if (key !== 'taxonomy.extract') return value;
  const out = value as PromptOutput<'taxonomy.extract'>;
  const sortKey = (c: { normalized: string; label: string }) => `${c.normalized.toLowerCase()}\u0000${c.label}`;
  const candidates = [...out.candidates].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  return { ...out, candidates } as PromptOutput<K>;
}

/**
 * Parses and validates a model answer for `key`. Local repairs, reported as `unwrapped`: one JSON value inside
 * prose is taken out of it, and a bare array becomes the expected object when that makes it valid (the array as
 * the object's only array property, or a one-element array's object).
 */
export function checkAnswer<K extends PromptKey>(key: K, content: string | null | undefined): AnswerCheck<K> {
  const schema = PROMPTS[key].output;
  if (content === null || content === undefined || content.trim() === '') return { ok: false, reason: 'invalid_json', error: 'empty answer' };
  let data: unknown;
  let embedded = false;
  try {
    data = JSON.parse(stripFence(content));
  } catch (err) {
    // Prose around one JSON value ("Here you go: {...}"): take the outermost braces or brackets.
    const span = embeddedJson(content);
    if (span === undefined) {
      const preview = content.length > 80 ? `${content.slice(0, 80)}…` : content;
      return { ok: false, reason: 'invalid_json', error: `not JSON (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(preview)}` };
    }
    data = span;
    embedded = true;
  }
  const direct = schema.safeParse(data);
  if (direct.success) return { ok: true, value: canonicalizeAnswer(key, direct.data as PromptOutput<K>), unwrapped: embedded };
  if (Array.isArray(data)) {
    const arrayKeys = Object.entries(schema.shape)
      .filter(([, s]) => s instanceof z.ZodArray)
      .map(([name]) => name);
    const attempts: unknown[] = [];
    if (arrayKeys.length === 1) attempts.push({ [arrayKeys[0]!]: data });
    if (data.length === 1 && data[0] && typeof data[0] === 'object' && !Array.isArray(data[0])) attempts.push(data[0]);
    for (const attempt of attempts) {
      const parsed = schema.safeParse(attempt);
      if (parsed.success) return { ok: true, value: canonicalizeAnswer(key, parsed.data as PromptOutput<K>), unwrapped: true };
    }
  }
  return { ok: false, reason: 'schema_invalid', error: `answer does not match the schema: ${describeIssues(direct.error)}` };
}
