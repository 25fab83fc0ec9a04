import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS1PartitionTask } from './shards.ts';

/** What `s1:level-N-partition` runs (s1.shards > 1): `node --conditions=taxonomy-dist packages/taxonomy/bundle/s1-extraction/partition-main.js --level N`. */
await runMain(async () => {
  await runS1PartitionTask({ level: levelFromArgv(process.argv) });
});
