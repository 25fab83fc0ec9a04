import { createRequire } from 'node:module';

/**
 * A CommonJS dependency loaded on first use rather than at import: core and config are imported by every
 * task, and a parser or analyser that only some inputs need (htmlparser2 ~55 ms, scslre ~50 ms) would
 * otherwise be paid by all of them. `from` is the caller's `import.meta.url`, so the module resolves from the
 * package that depends on it.
 */
export function lazyRequire<T>(from: string, id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(from)(id) as T);
}
