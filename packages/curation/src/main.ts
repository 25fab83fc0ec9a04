import { runMain } from '@taxonomy/observability';
import { runCurationTask } from './task.ts';

await runMain(async () => {
  await runCurationTask({});
});
