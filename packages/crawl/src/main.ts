import { runMain } from '@taxonomy/observability';
import { formatCrawlSummary } from './summary.ts';
import { runCrawlTask } from './task.ts';

await runMain(async () => {
  const { report } = await runCrawlTask();
  if (report !== null) process.stdout.write(formatCrawlSummary(report));
});
