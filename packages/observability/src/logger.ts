import pino, { type Logger } from 'pino';
import { lazyRequire } from '@taxonomy/core';

export type { Logger } from 'pino';

/** Paths pino replaces with "[redacted]" wherever they appear in a log object. */
export const REDACT_PATHS = [
  'api_key',
  'apiKey',
  'authorization',
  'Authorization',
  '*.api_key',
  '*.apiKey',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'config.llm.api_key',
  '*.llm.api_key',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Pretty output; default: stderr is a terminal and CI is not set. */
  pretty?: boolean;
  /** Destination stream (default stderr; stdout stays free for command output). */
  destination?: NodeJS.WritableStream;
}

/** True when output goes to a person: a terminal, outside CI. */
export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env['CI'];
}

const installedPino = lazyRequire<typeof pino>(import.meta.url, 'pino');

/** The one root logger: JSON lines (pretty in a terminal), secrets redacted, writing to stderr. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? process.env['TAXONOMY_LOG_LEVEL'] ?? 'info';
  const pretty = options.pretty ?? isInteractive();
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: null as null };
  if (pretty) {
    // A phase bundle holds pino (its start: ≈ 9 instead of 33 ms), but a transport runs pino's and
    // thread-stream's worker files, found next to their own code: so the pretty logger (a terminal, never CI)
    // is the pino of node_modules, loaded only here.
    return installedPino()({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } },
    });
  }
  // Through process.stderr (synchronous on Linux for files, pipes and terminals alike), not a destination of its own
  // on fd 2: a phase task run in a batch (tools/nx/phase-executor) has its terminal output recorded from the
  // process's streams, for Nx to store with its cache entry and print on a cache hit.
  return pino(base, (options.destination ?? process.stderr) as pino.DestinationStream);
}
