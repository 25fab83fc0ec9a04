import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXTRA_CA_VAR, extraCaCertificates } from './extra-ca.ts';

const CERT = new URL('./__fixtures__/tls/localhost.crt', import.meta.url).pathname;
const KEY = new URL('./__fixtures__/tls/localhost.key', import.meta.url).pathname;

/** GET over TLS with the given `ca` (undefined: Node's defaults); resolves to the status or the error code. */
function get(url: string, ca: string[] | undefined): Promise<string> {
  return new Promise((resolve) => {
    https
      .get(url, { agent: new https.Agent({ ...(ca === undefined ? {} : { ca }) }) }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('extraCaCertificates', () => {
  let server: https.Server;
  let url = '';
  beforeAll(async () => {
    server = https.createServer({ key: readFileSync(KEY), cert: readFileSync(CERT) }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is Node's defaults (undefined) without the variable, and when NODE_EXTRA_CA_CERTS is set: Node loaded that file itself", () => {
    expect(extraCaCertificates({})).toBeUndefined();
    expect(extraCaCertificates({ [EXTRA_CA_VAR]: '' })).toBeUndefined();
    expect(extraCaCertificates({ [EXTRA_CA_VAR]: CERT, NODE_EXTRA_CA_CERTS: CERT })).toBeUndefined();
  });

  it("is Node's roots plus the file: a server whose certificate only that file vouches for is trusted, as with NODE_EXTRA_CA_CERTS", async () => {
    const ca = extraCaCertificates({ [EXTRA_CA_VAR]: CERT, NODE_EXTRA_CA_CERTS: '' });
    expect(ca).toEqual([...rootCertificates, readFileSync(CERT, 'utf8')]);
    expect(extraCaCertificates({ [EXTRA_CA_VAR]: CERT })).toBe(ca);
    expect(await get(url, ca)).toBe('200');
    // The same server is refused with the defaults: the test's certificate is in no system bundle.
    expect(await get(url, undefined)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it("ignores a file it cannot read with Node's warning, naming the file and the variable", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(extraCaCertificates({ [EXTRA_CA_VAR]: '/no/such/ca.pem' })).toBeUndefined();
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^Ignoring extra certs from `\/no\/such\/ca\.pem` \(TAXONOMY_EXTRA_CA_CERTS, the build's NODE_EXTRA_CA_CERTS\), load failed: ENOENT/u);
    } finally {
      warn.mockRestore();
    }
  });
});
