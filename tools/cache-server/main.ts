// `npm run cache-server -- --port P --dir D --token T`: Nx's self-hosted remote cache protocol for development
// and tests (one folder, bearer tokens). Production: see docs/operators-guide.md, "Sharing the cache".
import { parseArgs } from 'node:util';
import { TaxonomyError } from '@taxonomy/core';
import { createLogger, runMain } from '@taxonomy/observability';
import { startCacheServer } from './server.ts';

const USAGE = `Usage: npm run cache-server -- --dir <folder> --token <read-write token> [options]
  --dir <folder>          where entries are stored (one file per task hash)
  --token <t>             read-write bearer token (repeatable; at least one); give it to trusted CI only
  --read-token <t>        read-only bearer token (repeatable): GET only, PUT answers 403
  --host <addr>           listen address (default 127.0.0.1)
  --port <n>              port (default 0 = any free port)
  --max-entry-mb <n>      largest entry accepted (default 2048; 413 above)
Tokens may also come from TAXONOMY_CACHE_TOKENS / TAXONOMY_CACHE_READ_TOKENS (comma-separated), which keeps
them out of the process list. Prints the NX_SELF_HOSTED_REMOTE_CACHE_SERVER value to use.`;

await runMain(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string' },
        token: { type: 'string', multiple: true, default: [] },
        'read-token': { type: 'string', multiple: true, default: [] },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        'max-entry-mb': { type: 'string', default: '2048' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new TaxonomyError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const fromEnv = (name: string) => (process.env[name] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const port = Number(values.port);
  const maxMb = Number(values['max-entry-mb']);
  if (values.dir === undefined) throw new TaxonomyError('USAGE', `--dir is required\n${USAGE}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TaxonomyError('USAGE', `--port must be 0..65535 (got ${values.port})`);
  if (!(maxMb > 0)) throw new TaxonomyError('USAGE', `--max-entry-mb must be a positive number (got ${values['max-entry-mb']})`);
  const tokens = [...values.token, ...fromEnv('TAXONOMY_CACHE_TOKENS')];
  const readTokens = [...values['read-token'], ...fromEnv('TAXONOMY_CACHE_READ_TOKENS')];
  if (tokens.length === 0) throw new TaxonomyError('USAGE', `a read-write token is required (--token or TAXONOMY_CACHE_TOKENS)\n${USAGE}`);
  if ([...tokens, ...readTokens].some((t) => t.length < 8)) throw new TaxonomyError('USAGE', 'a token needs at least 8 characters');
  const server = await startCacheServer({ dir: values.dir, tokens, readTokens, host: values.host, port, maxEntryBytes: Math.round(maxMb * 1024 * 1024) }, createLogger());
  process.stdout.write(`NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${server.url}\n`);
  process.stderr.write(`cache-server: ${values.dir}, ${tokens.length} read-write and ${readTokens.length} read-only token(s); Ctrl-C stops\n`);
  await new Promise<void>((done) => {
    const stop = () => void server.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write(`cache-server stopped: ${JSON.stringify(await server.stats())}\n`);
  return 0;
});
