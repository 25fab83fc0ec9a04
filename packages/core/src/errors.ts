/** Stable error codes: a caller (and the CLI's one exit point) branches on `code`, never on message text. */
export const ERROR_CODES = [
  'INPUT_NOT_FOUND',
  'INPUT_INVALID',
  'CONFIG_INVALID',
  'ARTIFACT_MISSING',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_FAILED',
  'TASK_FAILED',
  'PROMPT_INVALID',
  'INVARIANT_VIOLATED',
  'USAGE',
  /** An input file disagrees with the checksum its upstream `metrics.json` records. */
  'ARTIFACT_CORRUPT',
  /** Another build (or task run outside Nx) holds the workspace lock. */
  'WORKSPACE_LOCKED',
  /** The build that started this task is gone (its nx process died): the task stops without writing. */
  'ABORTED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one base error of the project: a stable code, a one-line message, the underlying cause. */
export class TaxonomyError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TaxonomyError';
    this.code = code;
  }
}

/** True when `err` is a TaxonomyError (across module copies, by shape). */
export function isTaxonomyError(err: unknown): err is TaxonomyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && err.name === 'TaxonomyError';
}
