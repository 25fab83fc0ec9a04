// Whole-pipeline tests build in scratch workspaces with the same helper the eval uses.
export { RUNNERS, buildAll, removeScratchWorkspaces, repo, runTasks, scratchWorkspace } from '../tools/pipeline/build.ts';
