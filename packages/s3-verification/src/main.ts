import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS3Task } from './task.ts';

await runMain(async () => {
  await runS3Task({ level: levelFromArgv(process.argv) });
});
