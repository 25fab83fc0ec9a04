import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as z from 'zod';
import type { Logger } from '@taxonomy/observability';

/**
 * A development and test server for Nx's self-hosted remote cache protocol (the OpenAPI spec "Nx custom
 * remote cache specification", Nx ≥ 20.8; Nx 23 speaks it natively when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is
 * set): `PUT /v1/cache/{hash}` stores a task's output archive, `GET /v1/cache/{hash}` returns it. Every request
 * carries `Authorization: Bearer <token>`; a read-write token may do both, a read-only token only GET (PUT → 403).
 * An entry is written once: a second PUT of a stored hash is 409, so a cache entry can never be replaced
 * after the fact (the link(2) that publishes it fails when the name exists, even for two PUTs at once).
 */

export const CacheServerOptionsSchema = z.object({
  /** Folder the entries are stored in (created when missing). */
  dir: z.string().min(1),
  /** Read-write bearer tokens (CI that builds trusted commits). */
  tokens: z.array(z.string().min(8, 'a token needs at least 8 characters')).min(1, 'at least one read-write token (--token) is required'),
  /** Read-only bearer tokens (developer machines, untrusted CI jobs): GET only. */
  readTokens: z.array(z.string().min(8, 'a token needs at least 8 characters')).default([]),
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Largest entry accepted (413 above it). */
  maxEntryBytes: z.number().int().positive().default(2 * 1024 ** 3),
});
export type CacheServerOptions = z.input<typeof CacheServerOptionsSchema>;

/** One answered request, for logs and tests. */
export interface CacheRequest {
  method: string;
  hash: string | null;
  status: number;
  bytes: number;
  /** Which kind of token the request carried. */
  access: 'read-write' | 'read-only' | 'none' | 'invalid';
}

export interface CacheServerStats {
  entries: number;
  bytes: number;
  /** Requests by `METHOD status`, e.g. `GET 200`, `PUT 409`. */
  byOutcome: Record<string, number>;
}

export interface CacheServer {
  /** Base URL for NX_SELF_HOSTED_REMOTE_CACHE_SERVER, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every request answered so far, in order. */
  requests(): CacheRequest[];
  stats(): Promise<CacheServerStats>;
  close(): Promise<void>;
}

/** Nx hashes are decimal; anything word-like up to 128 characters is accepted, nothing that could name a path. */
const HASH = /^[A-Za-z0-9_-]{1,128}$/u;
const ROUTE = /^\/v1\/cache\/([^/?#]*)(?:\?.*)?$/u;

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Constant-time membership: the digests have one length, so timingSafeEqual never throws. */
function matches(candidate: Buffer, tokens: ReadonlyArray<Buffer>): boolean {
  let found = false;
  for (const token of tokens) found = timingSafeEqual(candidate, token) || found;
  return found;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/iu.exec(header);
  return m === null ? '' : m[1]!;
}

/** Reads and discards a request body, so a client still sending its upload reads the answer instead of a reset connection. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await new Promise<void>((done) => {
    req.once('end', done);
    req.once('close', done);
    req.once('error', () => done());
  });
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(message) });
  res.end(message);
}

/** Starts the cache server; resolves once it listens. */
export async function startCacheServer(input: CacheServerOptions, log?: Logger): Promise<CacheServer> {
  const options = CacheServerOptionsSchema.parse(input);
  const dir = resolve(options.dir);
  const incoming = join(dir, '.incoming');
  await mkdir(incoming, { recursive: true });
  // Uploads cut off by a crash are never entries: they only ever live under .incoming.
  for (const name of await readdir(incoming)) await rm(join(incoming, name), { force: true });
  const readWrite = options.tokens.map(digest);
  const readOnly = options.readTokens.map(digest);
  const answered: CacheRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<CacheRequest> => {
    const method = req.method ?? '';
    // Every answer but a stored entry's comes before the body is read: read it first (except past the size limit).
    const refuse = async (status: number, message: string): Promise<void> => {
      if (status === 413) res.setHeader('connection', 'close');
      else await drain(req);
      text(res, status, message);
    };
    const route = ROUTE.exec(req.url ?? '');
    const record = (status: number, hash: string | null, access: CacheRequest['access'], bytes = 0): CacheRequest => ({ method, hash, status, bytes, access });
    if (route === null) {
      await refuse(404, 'not found: the cache lives at /v1/cache/{hash}');
      return record(404, null, 'none');
    }
    const hash = route[1]!;
    const token = bearer(req);
    const access: CacheRequest['access'] =
      token === null ? 'none' : matches(digest(token), readWrite) ? 'read-write' : matches(digest(token), readOnly) ? 'read-only' : 'invalid';
    if (access === 'none' || access === 'invalid') {
      await refuse(401, access === 'none' ? 'missing authentication token (Authorization: Bearer …)' : 'invalid authentication token');
      return record(401, hash, access);
    }
    if (!HASH.test(hash)) {
      await refuse(400, `invalid hash "${hash.slice(0, 40)}"`);
      return record(400, hash, access);
    }
    const entry = join(dir, hash);
    if (method === 'GET') {
      const info = await stat(entry).catch(() => null);
      if (info === null || !info.isFile()) {
        await refuse(404, 'no such entry');
        return record(404, hash, access);
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size });
      await pipeline(createReadStream(entry), res);
      return record(200, hash, access, info.size);
    }
    if (method !== 'PUT') {
      res.setHeader('allow', 'GET, PUT');
      await refuse(405, `method ${method} not allowed`);
      return record(405, hash, access);
    }
    if (access !== 'read-write') {
      await refuse(403, 'this token is read-only: it may download entries, not upload them');
      return record(403, hash, access);
    }
    const declared = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isSafeInteger(declared) || declared < 0) {
      await refuse(400, 'missing or invalid Content-Length header');
      return record(400, hash, access);
    }
    if (declared > options.maxEntryBytes) {
      await refuse(413, `entry of ${declared} bytes is larger than the server's limit of ${options.maxEntryBytes}`);
      return record(413, hash, access);
    }
    if ((await stat(entry).catch(() => null)) !== null) {
      await refuse(409, 'cannot override an existing record');
      return record(409, hash, access);
    }
    const temp = join(incoming, `${hash}.${process.pid}.${randomBytes(6).toString('hex')}`);
    let received = 0;
    try {
      const sink = createWriteStream(temp, { flags: 'wx' });
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > declared) req.destroy(new Error(`body longer than its Content-Length ${declared}`));
      });
      await pipeline(req, sink);
      if (received !== declared) {
        await refuse(400, `body of ${received} bytes does not match its Content-Length ${declared}`);
        return record(400, hash, access, received);
      }
      try {
        await link(temp, entry);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          await refuse(409, 'cannot override an existing record');
          return record(409, hash, access, received);
        }
        throw err;
      }
      text(res, 200, 'stored');
      return record(200, hash, access, received);
    } finally {
      await rm(temp, { force: true });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res)
      .then((done) => {
        answered.push(done);
        log?.info({ ...done }, `${done.method} ${done.hash ?? req.url ?? ''} → ${done.status}`);
      })
      .catch((err: unknown) => {
        log?.error({ err, method: req.method, url: req.url }, 'cache request failed');
        answered.push({ method: req.method ?? '', hash: null, status: 500, bytes: 0, access: 'none' });
        if (!res.headersSent) text(res, 500, 'internal error');
        else res.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    requests: () => answered.slice(),
    async stats() {
      let entries = 0;
      let bytes = 0;
      for (const name of await readdir(dir)) {
        if (!HASH.test(name)) continue;
        const info = await stat(join(dir, name));
        if (!info.isFile()) continue;
        entries += 1;
        bytes += info.size;
      }
      const byOutcome: Record<string, number> = {};
      for (const r of answered) byOutcome[`${r.method} ${r.status}`] = (byOutcome[`${r.method} ${r.status}`] ?? 0) + 1;
      return { entries, bytes, byOutcome };
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
