/** Types of the remote-cache preflight (remote-cache-plugin.mjs), for the tests that call it directly. */
export declare const name: string;
export declare const PROBE_HASH: string;
export type ProbeVerdict = { ok: true; status: number } | { ok: false; status: number | null; reason: string };
export declare function probeRemoteCache(server: string, token: string | undefined, options?: { timeoutMs?: number }): Promise<ProbeVerdict>;
export declare function preTasksExecution(options?: unknown, context?: unknown): Promise<void>;
