// Nx plugin (nx.json "plugins"): one build per checkout. Nx runs `preTasksExecution` once per `nx run` /
// `nx run-many` / `nx affected -t`, before it restores anything from its cache or starts any task, and
// `postTasksExecution` when they are done. The hook takes the workspace lock for the nx process itself and
// hands its token to every task through TAXONOMY_BUILD_TOKEN (Nx passes env changes of the hook on); a
// second build in the same checkout fails at once with one line naming the holder, or waits up to
// TAXONOMY_LOCK_WAIT seconds. A build killed with -9 leaves a lock whose holder is dead: the next one takes it.
// The lock logic is the TypeScript of packages/core, loaded through tsx's scoped import.
import { tsImport } from 'tsx/esm/api';

const load = async () => {
  const [lock, processes] = await Promise.all([
    tsImport('../../packages/core/src/workspace-lock.ts', import.meta.url),
    tsImport('../../packages/core/src/processes.ts', import.meta.url),
  ]);
  return { ...lock, ...processes };
};

export const name = 'taxonomy-workspace-lock';

/** The nx CLI this hook runs for: an ancestor of the plugin worker (or the process itself without isolation). */
function nxProcess(core) {
  const nx = core.findNxCliAncestor(process.pid);
  return nx ?? { pid: process.ppid, startTime: null, command: '' };
}

export async function preTasksExecution(_options, context) {
  const core = await load();
  const root = context.workspaceRoot;
  const inherited = process.env.TAXONOMY_BUILD_TOKEN;
  if (inherited) {
    // `taxonomy run` (or an outer build) took the lock and runs this nx for itself.
    core.assertLockHeld(root, inherited);
    return;
  }
  const nx = nxProcess(core);
  const args = (context.argv ?? []).slice(2).join(' ');
  const wait = Number(process.env.TAXONOMY_LOCK_WAIT ?? '0');
  const lock = await core.acquireWorkspaceLock(root, {
    pid: nx.pid,
    command: `nx ${args}`.trim(),
    waitMs: Number.isFinite(wait) && wait > 0 ? wait * 1000 : 0,
    onWait: (message) => process.stderr.write(`taxonomy: ${message}\n`),
  });
  process.env.TAXONOMY_BUILD_TOKEN = lock.token;
}

export async function postTasksExecution(_options, context) {
  const core = await load();
  const root = context.workspaceRoot;
  const holder = core.readWorkspaceLock(root);
  const nx = nxProcess(core);
  // Only the lock this nx process took is released (never one `taxonomy run` holds around it).
  if (holder !== null && holder.pid === nx.pid && holder.command.startsWith('nx ')) core.releaseWorkspaceLock(root, holder.token);
}
