export { runFinalizeTask, finalizeConcepts, type RunFinalizeTaskOptions, type RunFinalizeTaskResult } from './finalize.ts';
export { runCli, COMMANDS, formatMainHelp, formatCommandHelp } from './commands/registry.ts';
export { processContext, type CommandContext, type CommandDef } from './commands/context.ts';
export { groupOverridesIntoEnv } from './commands/overrides.ts';
export { BUILD_TASKS, RESUME_PHASES, planResume, parseResumePhase, type ResumePhase, type ResumePlan } from './commands/task-graph.ts';
export { planNxRun, type NxInvocation } from './commands/run.ts';
export { runGenerate, type GenerateRequest } from './commands/generate.ts';
export { collectStatus, readManifest, type TaskStatus } from './commands/manage.ts';
export { explainBatch } from './commands/explain.ts';
