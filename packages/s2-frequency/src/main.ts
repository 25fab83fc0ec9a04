import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS2Task } from './task.ts';

await runMain(async () => {
  await runS2Task({ level: levelFromArgv(process.argv) });
});
