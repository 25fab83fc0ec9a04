/** Types of the build's Nx plugin (taxonomy-plugin.mjs), for the tests that call it directly. */
export declare const BUILD_GRAPH_FILE: string;
/** s1.shards as the graph resolves it: config/s1.json, its profile of TAXONOMY_ENV, TAXONOMY_OVERRIDES_S1. */
export declare function resolveS1Shards(workspaceRoot: string, env?: Readonly<Record<string, string | undefined>>): number;
export declare function expandBuildGraph(graph: unknown, options?: { shards?: number }): Array<Record<string, unknown>>;
/** The variable a model task's target sets to `set` / `unset` (OPENAI_API_KEY's state, never its value). */
export declare const KEY_STATE_VAR: string;
export declare function apiKeyState(env?: Readonly<Record<string, string | undefined>>): 'set' | 'unset';
export declare function phaseTarget(task: unknown, projectRoot: string, env?: Readonly<Record<string, string | undefined>>): Record<string, unknown>;
/** The project (and its root) whose one `build` target compiles every package. */
export declare const BUILD_PROJECT: string;
export declare const BUILD_PROJECT_ROOT: string;
export declare function packagesBuildTarget(packages: ReadonlyArray<{ root: string; mains: ReadonlyArray<string> }>): Record<string, unknown>;
export declare const createNodes: [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Array<[string, { projects: Record<string, { targets: Record<string, unknown> }> }]>];
export declare const createNodesV2: typeof createNodes;
