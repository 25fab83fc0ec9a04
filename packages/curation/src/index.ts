export * from './schema.ts';
export * from './file.ts';
export * from './apply.ts';
export * from './task.ts';
