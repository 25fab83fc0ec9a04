import { isInteractive } from './logger.ts';

export interface Progress {
  /** Advances by `n` items (default 1). */
  tick(n?: number): void;
  /** Clears the line; call once at the end. */
  done(): void;
}

/**
 * A one-line progress display on stderr for long loops in a terminal; silent in CI and in pipes.
 * Redraws at most every 100 ms so it costs nothing on a hot loop.
 */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!isInteractive(stream) || total <= 0) return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let last = 0;
  const started = Date.now();
  const draw = () => {
    const pct = Math.min(100, Math.floor((count / total) * 100));
    const rate = count / Math.max(0.001, (Date.now() - started) / 1000);
    stream.write(`\r${label} ${count}/${total} (${pct}%) ${rate.toFixed(0)}/s   `);
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - last >= 100 || count >= total) {
        last = now;
        draw();
      }
    },
    done() {
      stream.write('\r\u001b[2K');
    },
  };
}
