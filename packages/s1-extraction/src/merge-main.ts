import { levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS1MergeTask } from './shards.ts';

/** What `s1:level-N` runs when s1.shards > 1 (the merge step): `node --conditions=taxonomy-dist packages/taxonomy/bundle/s1-extraction/merge-main.js --level N`. */
await runMain(async () => {
  await runS1MergeTask({ level: levelFromArgv(process.argv) });
});
