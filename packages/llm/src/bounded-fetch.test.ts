import { EXTRA_CA_VAR } from '@taxonomy/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TLS_FIXTURE_CERT, serveTls } from '../../core/src/__fixtures__/tls/server.ts';
import { createBoundedFetch } from './bounded-fetch.ts';

// A server whose certificate no system bundle vouches for: only the build's extra CA file does.
let server: Awaited<ReturnType<typeof serveTls>>;
beforeAll(async () => {
  server = await serveTls((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllEnvs());

describe('the bounded fetch over node:https', () => {
  it("trusts the build's NODE_EXTRA_CA_CERTS as a phase task receives it (TAXONOMY_EXTRA_CA_CERTS), and only then", async () => {
    const url = `${server.url}/v1/chat/completions`;
    vi.stubEnv('NODE_EXTRA_CA_CERTS', '');
    vi.stubEnv(EXTRA_CA_VAR, '');
    const plain = createBoundedFetch({ totalMs: 5_000, maxBytes: 1024 });
    await expect(plain(url, { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });

    vi.stubEnv(EXTRA_CA_VAR, TLS_FIXTURE_CERT);
    const trusting = createBoundedFetch({ totalMs: 5_000, maxBytes: 1024 });
    const res = await trusting(url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
