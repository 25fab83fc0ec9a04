import https from 'node:https';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TLS_FIXTURE_CERT, serveTls } from './__fixtures__/tls/server.ts';
import { EXTRA_CA_VAR, extraCaOptions } from './extra-ca.ts';

/** GET over TLS with the given agent options; resolves to the status or the error code. */
function get(url: string, options: https.AgentOptions): Promise<string> {
  return new Promise((resolve) => {
    https
      .get(url, { agent: new https.Agent(options) }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('extraCaOptions', () => {
  let server: Awaited<ReturnType<typeof serveTls>>;
  beforeAll(async () => {
    server = await serveTls((_req, res) => res.end('ok'));
  });
  afterAll(() => server.close());

  it("is Node's defaults (no ca) without the variable, and when NODE_EXTRA_CA_CERTS is set: Node loaded that file itself", () => {
    expect(extraCaOptions({})).toEqual({});
    expect(extraCaOptions({ [EXTRA_CA_VAR]: '' })).toEqual({});
    expect(extraCaOptions({ [EXTRA_CA_VAR]: TLS_FIXTURE_CERT, NODE_EXTRA_CA_CERTS: TLS_FIXTURE_CERT })).toEqual({});
  });

  it("is Node's roots plus the file: a server whose certificate only that file vouches for is trusted, as with NODE_EXTRA_CA_CERTS", async () => {
    const options = extraCaOptions({ [EXTRA_CA_VAR]: TLS_FIXTURE_CERT, NODE_EXTRA_CA_CERTS: '' });
    expect(options.ca).toEqual([...rootCertificates, readFileSync(TLS_FIXTURE_CERT, 'utf8')]);
    expect(extraCaOptions({ [EXTRA_CA_VAR]: TLS_FIXTURE_CERT })).toBe(options);
    expect(await get(server.url, options)).toBe('200');
    // The same server is refused with the defaults: the test's certificate is in no system bundle.
    expect(await get(server.url, {})).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it("ignores a file it cannot read with Node's warning, naming the file and the variable", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(extraCaOptions({ [EXTRA_CA_VAR]: '/no/such/ca.pem' })).toEqual({});
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^Ignoring extra certs from `\/no\/such\/ca\.pem` \(TAXONOMY_EXTRA_CA_CERTS, the build's NODE_EXTRA_CA_CERTS\), load failed: ENOENT/u);
    } finally {
      warn.mockRestore();
    }
  });
});
