import type { RunManifest, RunRecord } from '@taxonomy/core';
import { createLogger } from '@taxonomy/observability';
import { describeDecision, type CurationReport } from '@taxonomy/curation';
import { buildSnapshot, recordSnapshot, type HistoryEntry, type HistorySettings } from './history/snapshot.ts';

/** Files finalize writes for people and other tools, relative to its output folder's parent. */
export function reviewFiles(outRel: string): string[] {
  return [`${outRel}/report/index.html`, ...['taxonomy.ttl', 'concepts.csv', 'tree.dot'].map((f) => `${outRel}/exports/${f}`)];
}

export type HistoryResult = { entry: HistoryEntry; recorded: boolean; pruned: number; dir: string } | { error: string; dir: string };

/**
 * Records the run in the history folder (outside Nx outputs). A failure to write it is logged and
 * reported in the summary, not fatal: the build's artifacts are complete and correct without it.
 */
export async function recordRunHistory(
  root: string,
  manifest: RunManifest,
  run: RunRecord,
  rows: ReadonlyArray<{ id: string; level: number; label: string; parent: string | null; aliases: ReadonlyArray<string> }>,
  settings: HistorySettings,
): Promise<HistoryResult> {
  try {
    const snapshot = buildSnapshot(manifest, run, rows, { recordedAt: new Date().toISOString(), origin: 'finalize' });
    return { ...(await recordSnapshot(root, snapshot, settings)), dir: settings.dir };
  } catch (err) {
    createLogger().warn({ err, dir: settings.dir }, 'run history not recorded');
    return { error: err instanceof Error ? err.message : String(err), dir: settings.dir };
  }
}

/** The end-of-build lines about curation, the report and the history (appended to the summary). */
export function formatReviewLines(curation: CurationReport | null, history: HistoryResult): string {
  const lines: string[] = [];
  if (curation !== null) {
    const c = curation.counts;
    lines.push(`curation     ${curation.file}${curation.present ? '' : ' (absent)'}: ${c.decisions} decision(s) — ${c.applied} applied, ${c.unchanged} unchanged, ${c.unmatched} unmatched, ${c.conflict} conflict`);
    for (const o of curation.outcomes) if (o.status === 'unmatched' || o.status === 'conflict') lines.push(`             ${o.status} ${describeDecision(o.index, o.decision)}: ${o.detail}`);
  }
  lines.push('review       open artifacts/taxonomy/report/index.html in a browser; exports in artifacts/taxonomy/exports (taxonomy.ttl, concepts.csv, tree.dot)');
  if ('error' in history) lines.push(`history      not recorded in ${history.dir}: ${history.error}`);
  else lines.push(`history      run #${history.entry.seq} ${history.recorded ? 'recorded' : 'already recorded'} in ${history.dir}${history.pruned > 0 ? ` (${history.pruned} old run(s) pruned)` : ''}; see taxonomy history / taxonomy diff`);
  return `${lines.join('\n')}\n`;
}
