import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { EXTRA_CA_VAR } from '@taxonomy/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TLS_FIXTURE_CERT, serveTls } from '../../core/src/__fixtures__/tls/server.ts';
import { HostScheduler } from './host-scheduler.ts';
import { HttpClient, backoffMs, parseRetryAfter, type HttpOutcome } from './http.ts';

const PAGE = '<html><head><title>Research Areas (Princeton Computer Science)</title></head><body><ul><li>Theory</li></ul></body></html>';
let server: Server;
let base = '';
const seen: Array<{ path: string; ua: string; bytesSent: number }> = [];
let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = { path: req.url ?? '', ua: String(req.headers['user-agent']), bytesSent: 0 };
    seen.push(entry);
    const send = (status: number, headers: Record<string, string | number>, body?: Buffer) => {
      res.writeHead(status, headers);
      if (body) {
        entry.bytesSent += body.length;
        res.end(body);
      } else res.end();
    };
    switch (req.url) {
      case '/page':
        return send(200, { 'content-type': 'text/html; charset=utf-8' }, Buffer.from(PAGE));
      case '/gzip':
        return send(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }, gzipSync(PAGE));
      case '/declared-2mib': {
        // Declares 2 MiB, then trickles: a client that honours the limit never reads it.
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': 2 * 1024 * 1024 });
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          entry.bytesSent += 16 * 1024;
          res.write(Buffer.alloc(16 * 1024, 'a'));
        }, 5);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/stream-2mib': {
        res.writeHead(200, { 'content-type': 'text/html' });
        let left = 2 * 1024 * 1024;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left -= 64 * 1024;
            entry.bytesSent += 64 * 1024;
            if (!res.write(Buffer.alloc(64 * 1024, 'b'))) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/pdf':
        return send(200, { 'content-type': 'application/pdf', 'content-length': 1000 }, Buffer.alloc(1000));
      case '/moved':
        return send(301, { location: '/page' });
      case '/flaky':
        flaky += 1;
        return flaky === 1 ? send(429, { 'retry-after': '0' }, Buffer.from('slow down')) : send(200, { 'content-type': 'text/html' }, Buffer.from(PAGE));
      case '/down':
        return send(503, { 'retry-after': '0' }, Buffer.from('maintenance'));
      default:
        return send(404, { 'content-type': 'text/html' }, Buffer.from('<h1>Not found</h1>'));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function client(retries = 2) {
  return new HttpClient({
    userAgent: 'taxonomy-build/0.1 (+crawl-team@example.edu)',
    timeoutMs: 5000,
    retries,
    retryBaseMs: 5,
    retryMaxMs: 50,
    scheduler: new HostScheduler({ concurrency: 4, perHostConcurrency: 2, minGapMs: 0 }),
  });
}
const html = { accept: (t: string | null) => t === 'text/html', maxBytes: 1024 * 1024 };

describe('HttpClient', () => {
  it('reads a page and sends the User-Agent that names the project and the contact', async () => {
    const { outcome } = await client().get(`${base}/page`, html);
    expect(outcome.kind).toBe('body');
    expect(Buffer.from((outcome as Extract<HttpOutcome, { kind: 'body' }>).body).toString()).toBe(PAGE);
    expect(seen.find((s) => s.path === '/page')!.ua).toBe('taxonomy-build/0.1 (+crawl-team@example.edu)');
  });

  it('inflates a gzip body', async () => {
    const { outcome } = await client().get(`${base}/gzip`, html);
    expect(outcome.kind === 'body' && Buffer.from(outcome.body).toString()).toBe(PAGE);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const { outcome } = await client().get(`${base}/declared-2mib`, html);
    expect(outcome).toMatchObject({ kind: 'too_large', declared: 2 * 1024 * 1024, wireBytes: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.find((s) => s.path === '/declared-2mib')!.bytesSent).toBeLessThan(256 * 1024);
  });

  it('cuts a stream at the limit', async () => {
    const { outcome } = await client().get(`${base}/stream-2mib`, { ...html, maxBytes: 256 * 1024 });
    expect(outcome.kind).toBe('too_large');
    expect(outcome.wireBytes).toBeGreaterThan(256 * 1024);
    expect(outcome.wireBytes).toBeLessThan(256 * 1024 + 128 * 1024);
  });

  it('does not read a type the caller does not want', async () => {
    const { outcome } = await client().get(`${base}/pdf`, html);
    expect(outcome).toMatchObject({ kind: 'unwanted_type', status: 200, headers: { contentType: 'application/pdf' } });
  });

  it('returns redirects without following them', async () => {
    const { outcome } = await client().get(`${base}/moved`, html);
    expect(outcome).toMatchObject({ kind: 'redirect', status: 301, location: '/page' });
  });

  it('retries a 429 as Retry-After says, then succeeds', async () => {
    const { outcome, attempts } = await client().get(`${base}/flaky`, html);
    expect([outcome.kind, attempts]).toEqual(['body', 2]);
  });

  it('gives up after the retries on a lasting 503', async () => {
    const before = seen.filter((s) => s.path === '/down').length;
    const { outcome, attempts } = await client(2).get(`${base}/down`, html);
    expect([outcome.kind, outcome.kind === 'http_error' && outcome.status, attempts]).toEqual(['http_error', 503, 3]);
    expect(seen.filter((s) => s.path === '/down').length - before).toBe(3);
  });

  it('names a refused connection as such, without retrying', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { outcome, attempts } = await client().get(`http://127.0.0.1:${port}/`, html);
    expect([outcome.kind, outcome.kind === 'failure' && outcome.error, attempts]).toEqual(['failure', 'refused', 1]);
  });
});

describe('HttpClient over TLS', () => {
  it("trusts the build's NODE_EXTRA_CA_CERTS as a phase task receives it (TAXONOMY_EXTRA_CA_CERTS), and only then", async () => {
    // A server whose certificate no system bundle vouches for: only the build's extra CA file does.
    const secure = await serveTls((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(PAGE);
    });
    try {
      vi.stubEnv('NODE_EXTRA_CA_CERTS', '');
      vi.stubEnv(EXTRA_CA_VAR, '');
      const refused = await client(0).get(`${secure.url}/page`, html);
      expect(refused.outcome.kind).toBe('failure');
      expect(JSON.stringify(refused.outcome)).toMatch(/self[- ]signed/iu);
      vi.stubEnv(EXTRA_CA_VAR, TLS_FIXTURE_CERT);
      const { outcome } = await client(0).get(`${secure.url}/page`, html);
      expect(outcome.kind).toBe('body');
      expect(Buffer.from((outcome as Extract<HttpOutcome, { kind: 'body' }>).body).toString()).toBe(PAGE);
    } finally {
      vi.unstubAllEnvs();
      await secure.close();
    }
  });
});

describe('backoff', () => {
  it.each([
    [0, 500, 30_000, null, 500],
    [1, 500, 30_000, null, 1000],
    [3, 500, 30_000, null, 4000],
    [10, 500, 30_000, null, 30_000],
    [0, 500, 30_000, 2000, 2000],
    [0, 500, 30_000, 120_000, 30_000],
  ])('attempt %i, base %i, max %i, Retry-After %s → %i ms', (attempt, base, max, retryAfter, expected) => {
    expect(backoffMs(attempt, base, max, retryAfter)).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['2', 2000],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['soon', null],
    [null, null],
  ])('Retry-After %s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(expected);
  });
});
