import { loadConfig } from '@taxonomy/config';
import { findWorkspaceRoot } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { writeS2Settings } from './settings.ts';

/** `node --import tsx packages/s2-frequency/src/settings-main.ts` — the Nx target `s2:settings`. */
await runMain(async () => {
  const root = findWorkspaceRoot();
  const files = await writeS2Settings(loadConfig({ root }).config.s2, root);
  process.stdout.write(`s2:settings: wrote ${files.length} level views to artifacts/s2/settings\n`);
});
