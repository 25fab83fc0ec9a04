import { runMain } from '@taxonomy/observability';
import { runHierarchyTask } from './task.ts';

await runMain(async () => {
  await runHierarchyTask({});
});
