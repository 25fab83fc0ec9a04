import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { TaxonomyError, artifactFolderOf, verifyArtifactFolder } from '@taxonomy/core';

/**
 * Checks every upstream folder a task reads against the checksums its `metrics.json` records (each
 * folder once, however many of its files the task reads). A missing folder or metrics file is ARTIFACT_MISSING,
 * a mismatch ARTIFACT_CORRUPT; either way one line naming the first bad file, before the task writes.
 */
export async function verifyTaskInputs(paths: ReadonlyArray<string>, root: string): Promise<void> {
  for (const path of paths) {
    if (!existsSync(path)) {
      const rel = relative(root, path);
      throw new TaxonomyError('ARTIFACT_MISSING', `${rel.startsWith('..') ? path : rel} does not exist: the task that writes it has not run`);
    }
  }
  const folders = [...new Set(paths.map((p) => artifactFolderOf(p, root)))].sort();
  for (const folder of folders) {
    const check = await verifyArtifactFolder(folder, { root });
    if (check.problems.length === 0) continue;
    const more = check.problems.length > 1 ? ` (+${check.problems.length - 1} more)` : '';
    const code = check.metrics === null ? 'ARTIFACT_MISSING' : 'ARTIFACT_CORRUPT';
    throw new TaxonomyError(code, `${check.problems[0]}${more}; rebuild it (nx run … --skip-nx-cache)`);
  }
}
