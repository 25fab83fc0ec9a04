import { runMain } from '@taxonomy/observability';
import { parseLevel, runS2Task } from './task.ts';

await runMain(async () => {
  const i = process.argv.indexOf('--level');
  await runS2Task({ level: parseLevel(i === -1 ? undefined : process.argv[i + 1]) });
});
