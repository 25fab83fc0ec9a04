import { sha256Hex } from '@taxonomy/core';

/**
 * Delay before retry number `attempt` (0 = first retry): exponential from `baseMs`, capped at `maxMs`, with
 * jitter in [50 %, 100 %] drawn from a hash of `seed` and the attempt, so a rerun waits the same way.
 */
export function backoffDelayMs(options: { attempt: number; baseMs: number; maxMs: number; seed: string }): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, options.attempt));
  const unit = Number.parseInt(sha256Hex(`${options.seed}:${options.attempt}`).slice(0, 8), 16) / 0x1_0000_0000;
  return Math.round(ceiling * (0.5 + 0.5 * unit));
}

/**
 * Milliseconds a `Retry-After` header asks for: delta seconds ("2", "0.5") or an HTTP date; also reads
 * OpenAI's `retry-after-ms`. Null when absent or unreadable.
 */
export function parseRetryAfterMs(headers: { get(name: string): string | null } | undefined, nowMs: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/u.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** True when some error in the `cause` chain has the given system error code (e.g. ECONNREFUSED). */
export function hasErrorCode(err: unknown, code: string): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current; depth += 1) {
    if (typeof current === 'object' && (current as { code?: unknown }).code === code) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((e) => hasErrorCode(e, code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The innermost message of an error's cause chain, e.g. "connect ECONNREFUSED 127.0.0.1:8787". */
export function rootMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 8 && current; depth += 1) {
    if (current instanceof Error && current.message) message = current.message;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors[0] instanceof Error && errors[0].message) message = errors[0].message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
