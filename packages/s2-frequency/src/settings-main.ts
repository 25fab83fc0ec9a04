import { loadConfig } from '@taxonomy/config';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { writeS2Settings } from './settings.ts';

/** The Nx target `s2:settings` runs this file compiled: `node --conditions=taxonomy-dist packages/taxonomy/bundle/s2-frequency/settings-main.js`. */
await runMain(async () => {
  const root = findWorkspaceRoot();
  const files = await writeS2Settings(loadConfig({ root }).config.s2, root);
  process.stdout.write(`s2:settings: wrote ${files.length} level views to artifacts/s2/settings\n`);
});
