import { TaxonomyError, levelFromArgv } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { runS1ShardTask } from './shards.ts';

function shardFromArgv(argv: ReadonlyArray<string>): number {
  const i = argv.indexOf('--shard');
  const raw = i === -1 ? undefined : argv[i + 1];
  const shard = raw === undefined || !/^\d+$/u.test(raw) ? Number.NaN : Number(raw);
  if (!Number.isInteger(shard)) throw new TaxonomyError('USAGE', `--shard: expected a shard number 0, 1, … (got ${raw ?? 'nothing'})`);
  return shard;
}

/** What `s1:level-N-shard-K` runs (s1.shards > 1): `node --conditions=taxonomy-dist packages/taxonomy/bundle/s1-extraction/shard-main.js --level N --shard K`. */
await runMain(async () => {
  await runS1ShardTask({ level: levelFromArgv(process.argv), shard: shardFromArgv(process.argv) });
});
