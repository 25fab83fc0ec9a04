import { ARTIFACT_DIRS, findWorkspaceRoot } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { writeS0SourceViews } from './level-task.ts';

/** What the Nx target `s0:sources` runs, compiled: `node --conditions=taxonomy-dist packages/taxonomy/bundle/s0-raw-extraction/sources-main.js`. */
await runMain(async () => {
  const files = await writeS0SourceViews({ root: findWorkspaceRoot() });
  process.stdout.write(`s0:sources: wrote ${files.length - 1} level views and the file checksums to ${ARTIFACT_DIRS.s0Sources}\n`);
});
