export * from './schema.ts';
export * from './invariants.ts';
export * from './assemble.ts';
export * from './tree.ts';
export * from './task.ts';
