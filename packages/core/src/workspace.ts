import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The workspace root: the nearest ancestor of `from` holding `nx.json` (falls back to `from`). */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}

/** Artifact folders of every task, relative to the workspace root: one place so phases and Nx agree. */
export const ARTIFACT_DIRS = {
  /** Page snapshots crawled from the seeds file (empty when no seeds are configured). */
  crawl: 'artifacts/crawl',
  s0: 'artifacts/s0',
  /** One S0 level's records, what `s0:level-N` writes and `s1:level-N` reads. */
  s0Level: (level: number) => `artifacts/s0/level-${level}`,
  /** What each S0 level reads of the sources, one view per level: what `s0:level-N` hashes. */
  s0Sources: 'artifacts/s0/sources',
  s1: (level: number) => `artifacts/s1/level-${level}`,
  /** s1.shards > 1: level N's records split by institution, `shard-K/records-*.jsonl` (what `s1:level-N-partition` writes). */
  s1Partition: (level: number) => `artifacts/s1/shards/level-${level}/partition`,
  /** s1.shards > 1: one shard's extractions (what `s1:level-N-shard-K` writes, 0-based K). */
  s1Shard: (level: number, shard: number) => `artifacts/s1/shards/level-${level}/shard-${shard}`,
  s2: (level: number) => `artifacts/s2/level-${level}`,
  /** What each S2 level reads of the `s2` slice, one file per level: what `s2:level-N` hashes. */
  s2Settings: 'artifacts/s2/settings',
  s3: (level: number) => `artifacts/s3/level-${level}`,
  postprocess: 'artifacts/postprocess',
  /** Whole-taxonomy placement: one level per label, parents chosen from votes. */
  placement: 'artifacts/placement',
  /** Human decisions of config/curation.json applied to the placed concepts. */
  curation: 'artifacts/curation',
  hierarchy: 'artifacts/hierarchy',
  taxonomy: 'artifacts/taxonomy',
  timings: 'artifacts/.runs/timings',
  /** How the last finalize execution went (clock, runtime, timings, LLM usage): `RunRecord`, never an Nx output. */
  runRecord: 'artifacts/.runs/run.json',
  /** What a failed task had written (its quarantine), kept for inspection; never an Nx output. */
  failed: 'artifacts/.runs/failed',
  /** One record per failed task (`<task>.json`: code, exit code, message), read by `taxonomy run`. */
  failures: 'artifacts/.runs/failures',
} as const;
