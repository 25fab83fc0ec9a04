import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { EXTRA_CA_VAR } from '@taxonomy/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBoundedFetch } from './bounded-fetch.ts';

// A server whose certificate no system bundle vouches for: only the build's extra CA file does.
const TLS = new URL('../../core/src/__fixtures__/tls/', import.meta.url).pathname;
let server: https.Server;
let url = '';
const saved = { extra: process.env[EXTRA_CA_VAR], node: process.env['NODE_EXTRA_CA_CERTS'] };

beforeAll(async () => {
  server = https.createServer({ key: readFileSync(`${TLS}localhost.key`), cert: readFileSync(`${TLS}localhost.crt`) }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});
afterAll(async () => {
  for (const [name, value] of [[EXTRA_CA_VAR, saved.extra], ['NODE_EXTRA_CA_CERTS', saved.node]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the bounded fetch over node:https', () => {
  it("trusts the build's NODE_EXTRA_CA_CERTS as a phase task receives it (TAXONOMY_EXTRA_CA_CERTS), and only then", async () => {
    process.env['NODE_EXTRA_CA_CERTS'] = '';
    delete process.env[EXTRA_CA_VAR];
    const plain = createBoundedFetch({ totalMs: 5_000, maxBytes: 1024 });
    await expect(plain(url, { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });

    process.env[EXTRA_CA_VAR] = `${TLS}localhost.crt`;
    const trusting = createBoundedFetch({ totalMs: 5_000, maxBytes: 1024 });
    const res = await trusting(url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
