import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS1Task } from './task.ts';

/** `node --import tsx packages/s1-extraction/src/main.ts --level N` — what the Nx target `s1:level-N` runs. */
await runMain(async () => {
  await runS1Task({ level: levelFromArgv(process.argv) });
});
