import { TaxonomyError, stableStringify } from '@taxonomy/core';

/** One chat message as sent to an OpenAI-compatible endpoint. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:\|\s*(json|list))?\s*\}\}/gu;
const ANY_BRACES = /\{\{|\}\}/u;

function lookup(context: Record<string, unknown>, path: string): { found: boolean; value: unknown } {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: current !== undefined, value: current };
}

function formatValue(value: unknown, filter: string | undefined, path: string): string {
  if (filter === 'json') return stableStringify(value);
  if (filter === 'list') {
    if (!Array.isArray(value)) throw new TaxonomyError('PROMPT_INVALID', `template variable "${path}" is not a list`);
    return value.length === 0 ? '(none)' : value.map((v) => `- ${typeof v === 'string' ? v : stableStringify(v)}`).join('\n');
  }
  if (value === null) return '(none)';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TaxonomyError('PROMPT_INVALID', `template variable "${path}" is not a scalar; use "| json" or "| list"`);
}

/**
 * Renders `{{ name }}`, `{{ a.b }}`, `{{ name | json }}` and `{{ name | list }}` placeholders. Strict: a
 * missing variable or a malformed placeholder throws PROMPT_INVALID, so nothing is sent with a hole in it.
 */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  const missing: string[] = [];
  const out = template.replace(PLACEHOLDER, (_match, path: string, filter: string | undefined) => {
    const { found, value } = lookup(context, path);
    if (!found) {
      missing.push(path);
      return '';
    }
    return formatValue(value, filter, path);
  });
  if (missing.length > 0) {
    throw new TaxonomyError('PROMPT_INVALID', `template variable(s) undefined: ${[...new Set(missing)].join(', ')}`);
  }
  const leftover = template.replace(PLACEHOLDER, '');
  if (ANY_BRACES.test(leftover)) {
    const at = leftover.search(ANY_BRACES);
    throw new TaxonomyError('PROMPT_INVALID', `malformed placeholder near "${leftover.slice(Math.max(0, at - 10), at + 20)}"`);
  }
  return out;
}

/** A template file holds a `--- system ---` section and a `--- user ---` section, in that order. */
export function splitTemplateSections(text: string, file: string): { system: string; user: string } {
  const match = /^--- system ---\r?\n([\s\S]*?)^--- user ---\r?\n([\s\S]*)$/mu.exec(text);
  if (!match) throw new TaxonomyError('PROMPT_INVALID', `template ${file} needs a "--- system ---" then a "--- user ---" section`);
  return { system: match[1]!.trim(), user: match[2]!.trim() };
}
