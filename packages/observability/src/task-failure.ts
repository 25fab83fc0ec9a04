import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { ARTIFACT_DIRS } from '@taxonomy/core';

/**
 * Nx reports a failed task as exit 1 whatever the task exited with, so each task that fails under Nx
 * leaves a record of its own error (outside Nx outputs) that `taxonomy run` reads to exit with the
 * task's documented code and line.
 */
export const TaskFailureSchema = z.object({
  task: z.string(),
  code: z.string(),
  exit_code: z.number().int(),
  message: z.string(),
  build_token: z.string().nullable(),
  failed_at: z.string(),
});
export type TaskFailure = z.infer<typeof TaskFailureSchema>;

function failureFile(root: string, task: string): string {
  return join(root, ARTIFACT_DIRS.failures, `${task.replace(/[:/]/gu, '.')}.json`);
}

/** Writes (or, on success, removes) the failure record of one task. Never throws: it only informs. */
export function recordTaskOutcome(root: string, task: string, failure: Omit<TaskFailure, 'task' | 'failed_at'> | null): void {
  try {
    const file = failureFile(root, task);
    if (failure === null) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(join(root, ARTIFACT_DIRS.failures), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...failure, task, failed_at: new Date().toISOString() })}\n`);
  } catch {
    // a read-only workspace loses the detail, not the failure itself
  }
}

/** The failures recorded by the tasks of one build, earliest first. */
export function readTaskFailures(root: string, buildToken: string): TaskFailure[] {
  const dir = join(root, ARTIFACT_DIRS.failures);
  const out: TaskFailure[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const parsed = TaskFailureSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (parsed.success && parsed.data.build_token === buildToken) out.push(parsed.data);
    } catch {
      // a torn record is skipped
    }
  }
  return out.sort((a, b) => (a.failed_at < b.failed_at ? -1 : a.failed_at > b.failed_at ? 1 : 0));
}
