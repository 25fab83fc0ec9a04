// Nx plugin (nx.json "plugins"): checks the self-hosted remote cache before Nx uses it. Nx 23.3.1 stops the
// whole run, every task skipped and exit 1, when the cache server answers a read with 401/403/5xx or cannot be
// reached ("Unauthorized: …", "Failed to send request: …"), so a wrong or expired token would make every build
// fail although nothing is wrong with the code. `preTasksExecution` runs once per `nx run` / `run-many` /
// `affected -t`, before Nx restores anything: it asks the server for an entry that never exists, and when the
// server refuses the token or does not answer it prints one line saying so and blanks
// NX_SELF_HOSTED_REMOTE_CACHE_SERVER for this run (Nx passes env changes of the hook on), so the build goes on
// with the local cache only — slower, never wrong. A server that answers (404, or 200) is left to Nx.
// Plain Node, no dependencies: it runs on every nx command that runs tasks.

export const name = 'taxonomy-remote-cache';

/** An entry name Nx never produces (its hashes are decimal numbers without leading zeros). */
export const PROBE_HASH = '0000000000000000000';

/** `scheme://user:password@host` → `scheme://[redacted]@host`: a URL may carry credentials. */
function displayUrl(url) {
  return url.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/giu, '$1[redacted]@');
}

/**
 * Asks the server for PROBE_HASH with the token. Resolves to `{ ok: true, status }` when the server answers as
 * the protocol says for a read it allows (404 or 200), else `{ ok: false, status, reason }` (401, 403, another
 * status, a network error or no answer within `timeoutMs`).
 */
export async function probeRemoteCache(server, token, { timeoutMs = 5000 } = {}) {
  let url;
  try {
    url = new URL(`v1/cache/${PROBE_HASH}`, server.endsWith('/') ? server : `${server}/`);
  } catch {
    return { ok: false, status: null, reason: 'is not a URL' };
  }
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text().catch(() => '')).trim().split('\n')[0]?.slice(0, 200) ?? '';
    if (res.status === 404 || res.status === 200) return { ok: true, status: res.status };
    const said = body === '' ? '' : `: ${body}`;
    if (res.status === 401) return { ok: false, status: 401, reason: `refused the token (401${said})` };
    if (res.status === 403) return { ok: false, status: 403, reason: `refused reads with this token (403${said})` };
    return { ok: false, status: res.status, reason: `answered ${res.status}${said}` };
  } catch (err) {
    const cause = err?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err));
    return { ok: false, status: null, reason: `cannot be reached (${cause})` };
  }
}

export async function preTasksExecution() {
  const server = process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (!server) return;
  const timeout = Number(process.env.TAXONOMY_REMOTE_CACHE_TIMEOUT_MS ?? '5000');
  const verdict = await probeRemoteCache(server, process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN, {
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 5000,
  });
  if (verdict.ok) return;
  process.stderr.write(
    `taxonomy: remote cache ${displayUrl(server)} ${verdict.reason}; this build runs with the local cache only ` +
      '(check NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN and the server)\n',
  );
  // An empty value is "not set" for Nx; deleting the variable would not reach Nx's own process.
  process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER = '';
}
