export * from './filters.ts';
export * from './html.ts';
export * from './loaders/index.ts';
export * from './manifest.ts';
export * from './process-page.ts';
export * from './segment.ts';
export * from './task.ts';
export * from './level-task.ts';
