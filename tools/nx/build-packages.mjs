#!/usr/bin/env node
// The one `packages:build` task (inferred by tools/nx/taxonomy-plugin.mjs): compiles every package's TypeScript
// to JavaScript in `<package>/dist` in one process, so phase tasks start with plain `node` instead of
// transpiling through tsx on every start. Usage: node tools/nx/build-packages.mjs <package root>=<entry>,<entry> ...
//
// esbuild (the transpiler tsx itself runs, so dist behaves as the sources did under tsx): each entry is
// bundled with its package's own modules, code shared by several entries goes to chunks, and every
// import of another package (`@taxonomy/*`, npm dependencies) stays an import, resolved by Node at run time
// (`node --conditions=taxonomy-dist` picks the dependency's dist, see the packages' `exports`). Type
// checking is `npm run typecheck`'s job, not the build's: tsc takes ~1 s per package just to transpile.
// One process for all packages: a build task per package cost each its own Node and esbuild start, 15 tasks
// of ~0.35 CPU-s (≈ 3 s of a cold sample build on 2 cores) against ≈ 0.7 s for all of them here.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const specs = process.argv.slice(2).map((arg) => {
  const eq = arg.indexOf('=');
  return eq <= 0 ? null : { root: arg.slice(0, eq), entries: arg.slice(eq + 1).split(',').filter((e) => e !== '') };
});
if (specs.length === 0 || specs.some((s) => s === null || s.entries.length === 0)) {
  process.stderr.write('usage: node tools/nx/build-packages.mjs <package root>=<entry>,<entry> ...\n');
  process.exit(2);
}

async function buildPackage({ root, entries }) {
  const packageRoot = resolve(root);
  const outdir = join(packageRoot, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: packageRoot,
    entryPoints: entries,
    outdir,
    outbase: 'src',
    bundle: true,
    splitting: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
  return `${root}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} → dist (${files.length} file${files.length === 1 ? '' : 's'})`;
}

// Every package at once (esbuild works them in parallel); a failure names its package and fails the task.
const results = await Promise.allSettled(specs.map(buildPackage));
let failed = 0;
for (const [i, r] of results.entries()) {
  if (r.status === 'fulfilled') process.stdout.write(`${r.value}\n`);
  else {
    failed += 1;
    process.stderr.write(`${specs[i].root}: build failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}\n`);
  }
}
if (failed > 0) process.exit(1);
