import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildSite, calendarPage, readCorpusPages, type Resource, type Site } from './site.ts';

/** One request the site received: when (ms since the server started), what, and how the answer ended. */
export interface RequestLogEntry {
  seq: number;
  /** Arrival time, ms since the server started (monotonic, fractional). */
  t: number;
  method: string;
  /** Path and query as requested. */
  path: string;
  userAgent: string;
  conditional: boolean;
  status: number;
  /** Body bytes written before the response ended. */
  bytesSent: number;
  /** The whole response was sent (false: the client closed the connection first). */
  complete: boolean;
}

export interface TestSiteOptions {
  /** 0 (default) picks a free port; the CLI uses the project's range. */
  port?: number;
  /** robots.txt Crawl-delay in seconds (default 0.05, small so tests stay fast). */
  crawlDelaySeconds?: number;
  /** Delay of the slow page, ms (default 300). */
  slowMs?: number;
  /** Size of the big pages, bytes (default 20 MB). */
  bigBytes?: number;
  /** Append every finished request to this JSONL file as well (the CLI's --log). */
  logFile?: string;
  /** Workspace root holding corpus/pages/pages.jsonl. */
  root: string;
}

export interface TestSite {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  base: string;
  port: number;
  site: Site;
  /** Every request so far, in arrival order. */
  log(): RequestLogEntry[];
  clearLog(): void;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, '<p>Archived catalogue page, repeated to make a very large document.</p>\n');

/**
 * Starts the test site on 127.0.0.1 only. Every request is logged with its arrival time, status, bytes
 * sent and whether the client read the whole answer, so tests check politeness from the server's side.
 */
export async function startTestSite(options: TestSiteOptions): Promise<TestSite> {
  const started = performance.now();
  const entries: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const failuresLeft = new Map<string, number>();
  let site: Site | null = null;
  let seq = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: RequestLogEntry = {
      seq: seq++,
      t: performance.now() - started,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      userAgent: String(req.headers['user-agent'] ?? ''),
      conditional: req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined,
      status: 0,
      bytesSent: 0,
      complete: false,
    };
    entries.push(entry);
    const write = res.write.bind(res);
    res.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
      entry.bytesSent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.on('finish', () => {
      entry.complete = true;
      entry.status = res.statusCode;
    });
    res.on('close', () => {
      entry.status = res.statusCode;
      if (options.logFile !== undefined) appendFileSync(options.logFile, `${JSON.stringify(entry)}\n`);
    });
    void serve(site!, req, res);
  });

  async function serve(s: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', s.base);
    const end = (status: number, headers: Record<string, string | number>, body?: Buffer) => {
      res.writeHead(status, headers);
      if (body !== undefined && req.method !== 'HEAD') res.write(body);
      res.end();
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(405, { allow: 'GET, HEAD' });
    const trap = /^\/([^/]+)\/calendar$/u.exec(url.pathname);
    if (trap !== null && url.searchParams.has('month')) {
      return end(200, { 'content-type': 'text/html; charset=utf-8' }, calendarPage(trap[1]!, Number(url.searchParams.get('month')) || 1));
    }
    // Query strings other than the calendar's (tracking parameters) serve the same page.
    const resource: Resource | undefined = s.resources.get(url.pathname);
    if (resource === undefined) {
      return end(404, { 'content-type': 'text/html; charset=utf-8' }, Buffer.from('<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Page not found</h1></body></html>'));
    }
    switch (resource.type) {
      case 'redirect':
        return end(resource.status, { location: resource.location, 'content-type': 'text/html' }, Buffer.from(`<a href="${resource.location}">moved</a>`));
      case 'bytes':
        return end(200, { 'content-type': resource.contentType, 'content-length': resource.body.length }, resource.body);
      case 'big': {
        const headers: Record<string, string | number> = { 'content-type': resource.contentType };
        if (resource.declareLength) headers['content-length'] = resource.bytes;
        res.writeHead(200, headers);
        let sent = 0;
        const pump = () => {
          while (sent < resource.bytes && !res.destroyed) {
            const n = Math.min(CHUNK.length, resource.bytes - sent);
            sent += n;
            if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        pump();
        return;
      }
      case 'page': {
        if (resource.slowMs !== undefined) await new Promise((r) => setTimeout(r, resource.slowMs));
        if (res.destroyed) return;
        if (resource.failFirst !== undefined) {
          const left = failuresLeft.get(url.pathname) ?? resource.failFirst.times;
          if (left > 0) {
            failuresLeft.set(url.pathname, left - 1);
            return end(resource.failFirst.status, { 'retry-after': '0', 'content-type': 'text/plain' }, Buffer.from('try again'));
          }
        }
        if (req.headers['if-none-match'] === resource.etag) return end(304, { etag: resource.etag });
        return end(200, { 'content-type': resource.contentType, 'content-length': resource.body.length, etag: resource.etag }, resource.body);
      }
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  site = buildSite(readCorpusPages(options.root), base, {
    crawlDelaySeconds: options.crawlDelaySeconds ?? 0.05,
    slowMs: options.slowMs ?? 300,
    bigBytes: options.bigBytes ?? 20 * 1024 * 1024,
  });
  return {
    base,
    port,
    site,
    log: () => entries.map((e) => ({ ...e })),
    clearLog: () => {
      entries.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
