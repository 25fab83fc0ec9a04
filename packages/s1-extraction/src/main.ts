import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS1Task } from './task.ts';

/** What the Nx target `s1:level-N` runs, compiled: `node --conditions=taxonomy-dist packages/taxonomy/bundle/s1-extraction/main.js --level N`. */
await runMain(async () => {
  await runS1Task({ level: levelFromArgv(process.argv) });
});
