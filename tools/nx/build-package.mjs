#!/usr/bin/env node
// The `build` target of every package (inferred by tools/nx/taxonomy-plugin.mjs): compiles the package's
// TypeScript to JavaScript in `<package>/dist` once, so phase tasks start with plain `node` instead of
// transpiling through tsx on every start. Usage: node tools/nx/build-package.mjs <package root> <entry>...
//
// esbuild (the transpiler tsx itself runs, so dist behaves as the sources did under tsx): each entry is
// bundled with its package's own modules, code shared by several entries goes to chunks, and every
// import of another package (`@taxonomy/*`, npm dependencies) stays an import, resolved by Node at run time
// (`node --conditions=taxonomy-dist` picks the dependency's dist, see the packages' `exports`). Type
// checking is `npm run typecheck`'s job, not the build's: tsc takes ~1 s per package just to transpile.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const [root, ...entries] = process.argv.slice(2);
if (root === undefined || entries.length === 0) {
  process.stderr.write('usage: node tools/nx/build-package.mjs <package root> <entry>...\n');
  process.exit(2);
}
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
process.stdout.write(`${root}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} → dist (${files.length} file${files.length === 1 ? '' : 's'})\n`);
