export * from './counters.ts';
export * from './logger.ts';
export * from './main.ts';
export * from './phase-task.ts';
export * from './progress.ts';
export * from './quarantine.ts';
