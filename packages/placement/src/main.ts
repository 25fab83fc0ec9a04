import { runMain } from '@taxonomy/observability';
import { runPlacementTask } from './task.ts';

await runMain(async () => {
  await runPlacementTask();
});
