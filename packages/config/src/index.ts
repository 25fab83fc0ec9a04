export * from './schema.ts';
export * from './load.ts';
export * from './run-environment.ts';
export * from './path-checks.ts';
export * from './regex-safety.ts';
