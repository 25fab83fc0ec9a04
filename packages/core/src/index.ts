export * from './entities.ts';
export * from './errors.ts';
export * from './hashing.ts';
export * from './jsonl.ts';
export * from './text.ts';
export * from './workspace.ts';
export * from './ids.ts';
export * from './levels.ts';
