import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS0LevelTask } from './level-task.ts';

/** What the Nx target `s0:level-N` runs, compiled: `node --conditions=taxonomy-dist packages/taxonomy/bundle/s0-raw-extraction/main.js --level N`. */
await runMain(async () => {
  await runS0LevelTask({ level: levelFromArgv(process.argv) });
});
