#!/usr/bin/env node
// The `taxonomy` CLI entry: one exit point (runMain maps errors to exit codes and a one-line message).
import { findWorkspaceRoot } from '@taxonomy/core';
import { runMain } from '@taxonomy/observability';
import { processContext } from './commands/context.ts';
import { runCli } from './commands/registry.ts';

await runMain(() => runCli(process.argv.slice(2), processContext(findWorkspaceRoot(), process.cwd(), process.env)));
