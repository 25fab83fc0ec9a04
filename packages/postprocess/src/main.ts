import { runMain } from '@taxonomy/observability';
import { runPostprocessTask } from './task.ts';

await runMain(async () => {
  await runPostprocessTask();
});
