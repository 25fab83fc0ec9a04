import { runMain } from '@taxonomy/observability';
import { parseLevel, runS3Task } from './task.ts';

await runMain(async () => {
  const i = process.argv.indexOf('--level');
  await runS3Task({ level: parseLevel(i === -1 ? undefined : process.argv[i + 1]) });
});
