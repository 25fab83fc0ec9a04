/** Types of the Nx lock hooks (workspace-lock-plugin.mjs), for the tests that call them directly. */
export declare const name: string;
export declare function preTasksExecution(options: unknown, context: { workspaceRoot: string; argv?: string[] }): Promise<void>;
export declare function postTasksExecution(options: unknown, context: { workspaceRoot: string }): Promise<void>;
