import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** The test-only certificate (see README.md): a CA file for `TAXONOMY_EXTRA_CA_CERTS` that no system bundle holds. */
export const TLS_FIXTURE_CERT = new URL('./localhost.crt', import.meta.url).pathname;

/** An HTTPS server on 127.0.0.1 that presents the fixture certificate; its base URL and how to close it. */
export async function serveTls(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = https.createServer({ key: readFileSync(new URL('./localhost.key', import.meta.url)), cert: readFileSync(TLS_FIXTURE_CERT) }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
