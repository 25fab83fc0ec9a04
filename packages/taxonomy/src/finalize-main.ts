import { runMain } from '@taxonomy/observability';
import { runFinalizeTask } from './finalize.ts';

await runMain(async () => {
  const result = await runFinalizeTask({});
  process.stdout.write(result.summaryText);
});
