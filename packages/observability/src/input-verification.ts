import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { TaxonomyError, artifactFolderOf, verifyArtifactFolder } from '@taxonomy/core';

/**
 * Checks what a task reads (folders or single files) against the checksums the producing folder's
 * `metrics.json` records: each folder once, hashing only the files read. A missing folder or metrics file is
 * ARTIFACT_MISSING, a mismatch ARTIFACT_CORRUPT; either way one line naming the first bad file, before the
 * task writes.
 */
export async function verifyTaskInputs(paths: ReadonlyArray<string>, root: string): Promise<void> {
  for (const path of paths) {
    if (!existsSync(path)) {
      const rel = relative(root, path);
      throw new TaxonomyError('ARTIFACT_MISSING', `${rel.startsWith('..') ? path : rel} does not exist: the task that writes it has not run`);
    }
  }
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    const folder = artifactFolderOf(path, root);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path]);
  }
  for (const folder of [...byFolder.keys()].sort()) {
    // Only what the task reads is hashed (S2 reads S1's candidates, not its record log); the folder as a
    // whole is still checked for files its metrics do not list.
    const read = byFolder.get(folder)!;
    const check = await verifyArtifactFolder(folder, { root, ...(read.includes(folder) ? {} : { files: read }) });
    if (check.problems.length === 0) continue;
    const more = check.problems.length > 1 ? ` (+${check.problems.length - 1} more)` : '';
    const code = check.metrics === null ? 'ARTIFACT_MISSING' : 'ARTIFACT_CORRUPT';
    throw new TaxonomyError(code, `${check.problems[0]}${more}; rebuild it (nx run … --skip-nx-cache)`);
  }
}
