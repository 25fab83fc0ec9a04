import { isTaxonomyError } from '@taxonomy/core';

/** Exit codes by error code; anything unexpected is 1. */
const EXIT_CODES: Record<string, number> = { USAGE: 2, CONFIG_INVALID: 2, INPUT_NOT_FOUND: 3, INPUT_INVALID: 3, ARTIFACT_MISSING: 3, PROVIDER_UNAVAILABLE: 4 };

/**
 * The one exit point of every command: runs `main`, and on failure prints a single line
 * (`taxonomy: CODE: message`) — a stack trace only with TAXONOMY_DEBUG=1 — and sets the exit code.
 */
export async function runMain(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (err) {
    const debug = process.env['TAXONOMY_DEBUG'] === '1';
    if (isTaxonomyError(err)) {
      process.stderr.write(`taxonomy: ${err.code}: ${err.message}\n`);
      process.exitCode = EXIT_CODES[err.code] ?? 1;
    } else {
      process.stderr.write(`taxonomy: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  }
}
