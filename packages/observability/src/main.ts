import { isTaxonomyError, type ErrorCode } from '@taxonomy/core';
import { readRunEnvironment } from '@taxonomy/config';
import { watchParentProcess } from './parent-watch.ts';
import { discardLiveStaging } from './staged-output.ts';
import { recordTaskOutcome } from './task-failure.ts';

/**
 * Exit codes by error code; anything unexpected is 1. The table in the README and the operator's guide
 * lists the same numbers.
 */
export const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  USAGE: 2,
  CONFIG_INVALID: 2,
  INPUT_NOT_FOUND: 3,
  INPUT_INVALID: 3,
  ARTIFACT_MISSING: 3,
  ARTIFACT_CORRUPT: 3,
  PROVIDER_UNAVAILABLE: 4,
  PROVIDER_FAILED: 4,
  WORKSPACE_LOCKED: 5,
  ABORTED: 130,
};

/** The exit code of an error code (1 for anything not in the table). */
export function exitCodeFor(code: string): number {
  return EXIT_CODES[code as ErrorCode] ?? 1;
}

export interface RunMainOptions {
  /** Stop when the process that started this one dies (default true; the Nx task entries rely on it). */
  exitWithParent?: boolean;
}

/**
 * The one exit point of every command: runs `main`, and on failure prints a single line
 * (`taxonomy: CODE: message`) — a stack trace only with TAXONOMY_DEBUG=1 — and sets the exit code.
 * Under Nx it also records the task's outcome for `taxonomy run`, and it stops the process (exit 130,
 * staging folders removed, lock released) when the nx process that started it is gone.
 */
export async function runMain(main: () => Promise<number | void>, options: RunMainOptions = {}): Promise<void> {
  const run = readRunEnvironment();
  const watch =
    options.exitWithParent === false
      ? null
      : watchParentProcess((reason) => {
          discardLiveStaging();
          process.stderr.write(`taxonomy: ABORTED: ${reason}; stopping without writing\n`);
          process.exit(EXIT_CODES.ABORTED);
        });
  const record = (failure: { code: string; exit_code: number; message: string } | null) => {
    if (run.nxTask !== null && run.nxWorkspaceRoot !== null) {
      recordTaskOutcome(run.nxWorkspaceRoot, run.nxTask, failure === null ? null : { ...failure, build_token: run.buildToken });
    }
  };
  try {
    const code = await main();
    process.exitCode = code ?? 0;
    record(null);
  } catch (err) {
    const debug = process.env['TAXONOMY_DEBUG'] === '1';
    if (isTaxonomyError(err)) {
      process.stderr.write(`taxonomy: ${err.code}: ${err.message}\n`);
      process.exitCode = exitCodeFor(err.code);
      record({ code: err.code, exit_code: process.exitCode, message: err.message });
    } else {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`taxonomy: unexpected error: ${message}\n`);
      process.exitCode = 1;
      record({ code: 'UNEXPECTED', exit_code: 1, message });
    }
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  } finally {
    watch?.stop();
  }
}
