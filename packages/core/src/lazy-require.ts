import { createRequire } from 'node:module';
import { dirname } from 'node:path';

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

/**
 * The folder of a workspace package (`@taxonomy/lexicon` → `…/packages/lexicon`), for the files it ships
 * (data, prompts). Not `new URL('..', import.meta.url)`: a phase entry is compiled into one bundle with the
 * packages it loads, and inside it `import.meta.url` is the entry's, not the module's. Resolved through the
 * workspace's `node_modules/@taxonomy/*` links, so the same from sources, `dist/` or a bundle; the package must
 * export `./package.json`.
 */
export function packageRoot(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}
