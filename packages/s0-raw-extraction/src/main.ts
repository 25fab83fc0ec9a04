import { runMain } from '@taxonomy/observability';
import { runS0Task } from './task.ts';

await runMain(async () => {
  await runS0Task({});
});
