import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '@taxonomy/config';
import { Counters, Quarantine, createLogger } from '@taxonomy/observability';
import { compileBoilerplate, compileHeaderPatterns, type S0Settings } from '../filters.ts';
import type { LoaderContext } from '../loaders/context.ts';
import { SourceSchema, type SourceInput } from '../manifest.ts';

/** Folder of the test fixtures. */
export const FIXTURES = fileURLToPath(new URL('.', import.meta.url));

/** A loader context over a real source definition, default S0 settings, fresh counters and quarantine. */
export function createTestLoaderContext(source: SourceInput, root: string, settings: S0Settings = defaultConfig().s0): LoaderContext {
  const parsed = SourceSchema.parse(source);
  const counters = new Counters();
  return {
    root,
    path: resolve(root, parsed.path),
    source: parsed,
    settings,
    page: {
      settings,
      boilerplate: compileBoilerplate(settings.boilerplate_patterns),
      headerPatterns: compileHeaderPatterns(settings.segmentation.header_patterns),
      counters,
    },
    counters,
    quarantine: new Quarantine('S0'),
    log: createLogger({ level: 'silent' }),
    relative: (path) => relative(root, path),
    allowedRoots: [realpathSync(root), realpathSync(FIXTURES)],
  };
}
