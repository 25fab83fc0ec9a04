// The test site as a standalone server, for demos and the kill -9 check: `npm run test-site -- --port 19500`.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '@taxonomy/core';
import { testSiteSeeds } from './seeds.ts';
import { startTestSite } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '19500' },
    'crawl-delay': { type: 'string', default: '0.2' },
    'slow-ms': { type: 'string', default: '300' },
    log: { type: 'string' },
    'write-seeds': { type: 'string' },
  },
});
const root = findWorkspaceRoot(import.meta.dirname);
const site = await startTestSite({
  root,
  port: Number(values.port),
  crawlDelaySeconds: Number(values['crawl-delay']),
  slowMs: Number(values['slow-ms']),
  ...(values.log === undefined ? {} : { logFile: values.log }),
});
if (values['write-seeds'] !== undefined) writeFileSync(values['write-seeds'], `${JSON.stringify(testSiteSeeds(site.site, root), null, 2)}\n`);
process.stdout.write(`test site at ${site.base}/ (${site.site.resources.size} resources, ${site.site.sections.length} sections)\n`);
for (const [name, path] of Object.entries(site.site.specials)) process.stdout.write(`  ${name.padEnd(15)} ${site.base}${path}\n`);
if (values.log !== undefined) process.stdout.write(`request log: ${values.log}\n`);
const stop = () => void site.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
