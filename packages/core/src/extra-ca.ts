import { readFileSync } from 'node:fs';
import type * as Tls from 'node:tls';
import { lazyRequire } from './lazy-require.ts';

/**
 * The variable a phase task finds the build's `NODE_EXTRA_CA_CERTS` in. Node reads and parses the file
 * `NODE_EXTRA_CA_CERTS` names when every process starts, whether or not it ever opens a connection: with the
 * system bundle there (~140 certificates, as on the build machines) `node -e 0` takes 0.09 s instead of
 * 0.05 s, paid by each of a build's 22 phase tasks, most of which never connect anywhere. The phase commands
 * (`phaseTarget` in tools/nx/taxonomy-plugin.mjs) therefore hand the file over under this name and leave
 * `NODE_EXTRA_CA_CERTS` empty, and the two clients that open TLS connections (the LLM client's transport and
 * the crawler's) trust those certificates through `extraCaOptions`, loaded on their first use.
 */
export const EXTRA_CA_VAR = 'TAXONOMY_EXTRA_CA_CERTS';

const tls = lazyRequire<typeof Tls>(import.meta.url, 'node:tls');
let loaded: { file: string; options: { ca?: string[] } } | undefined;

/**
 * The TLS options a client of a phase task spreads into its agent: `ca` is Node's root certificates plus the PEM
 * file in `TAXONOMY_EXTRA_CA_CERTS`, i.e. what Node itself trusts with `NODE_EXTRA_CA_CERTS` set to that file. No
 * `ca` (Node's defaults) when there is no such file, or when `NODE_EXTRA_CA_CERTS` is set, which Node has loaded
 * itself. A file that cannot be read is ignored with the warning Node gives for it, as Node would.
 */
export function extraCaOptions(env: NodeJS.ProcessEnv = process.env): { ca?: string[] } {
  const file = env[EXTRA_CA_VAR] ?? '';
  if (file === '' || (env['NODE_EXTRA_CA_CERTS'] ?? '') !== '') return {};
  if (loaded?.file !== file) {
    let options: { ca?: string[] } = {};
    try {
      options = { ca: [...tls().rootCertificates, readFileSync(file, 'utf8')] };
    } catch (err) {
      process.emitWarning(`Ignoring extra certs from \`${file}\` (${EXTRA_CA_VAR}, the build's NODE_EXTRA_CA_CERTS), load failed: ${(err as Error).message}`);
    }
    loaded = { file, options };
  }
  return loaded.options;
}
