/** Types of the build's Nx plugin (taxonomy-plugin.mjs), for the tests that call it directly. */
export declare const BUILD_GRAPH_FILE: string;
/** s1.shards as the graph resolves it: config/s1.json, its profile of TAXONOMY_ENV, TAXONOMY_OVERRIDES_S1. */
export declare function resolveS1Shards(workspaceRoot: string, env?: Readonly<Record<string, string | undefined>>): number;
export declare function expandBuildGraph(graph: unknown, options?: { shards?: number }): Array<Record<string, unknown>>;
/** The variable a model task's target sets to `set` / `unset` (OPENAI_API_KEY's state, never its value). */
export declare const KEY_STATE_VAR: string;
export declare const EXTRA_CA_HANDOVER: string;
export declare const PHASE_EXECUTOR: string;
export declare function apiKeyState(env?: Readonly<Record<string, string | undefined>>): 'set' | 'unset';
export declare function phaseTarget(task: unknown, projectRoot: string, codeRoots?: string[], env?: Readonly<Record<string, string | undefined>>): Record<string, unknown>;
/** The workspace file sets of a task's code, one brace pattern and one for the tests: sources (tests left out), prompts, data and package.json of each `packages/<name>` root. */
export declare function codeInputs(roots: ReadonlyArray<string>): string[];
/** Whether a `runtime` input says something the task's file and env inputs do not (decided when Nx infers the graph). */
export declare function runtimeInputNeeded(command: string, workspaceRoot: string, env?: Readonly<Record<string, string | undefined>>, trackedFiles?: (globs: string[]) => string[]): boolean;
/** The workspace packages `name` loads at run time (its dependencies, transitively), sorted. */
export declare function runtimeClosure(name: string, depsOf: ReadonlyMap<string, ReadonlyArray<string>>): string[];
/** The npm packages a phase bundle holds (with their dependencies): zod and pino. */
export declare const BUNDLED_NPM_PACKAGES: string[];
export declare const createNodes: [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Array<[string, { projects: Record<string, { targets: Record<string, unknown> }> }]>];
export declare const createNodesV2: typeof createNodes;
