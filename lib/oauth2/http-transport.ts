/**
 * The default transport: Node's own `http`/`https` clients with keep-alive agents. Chosen over the
 * global `fetch` because it reads the body exactly as it arrives: once `maxResponseBytes` is passed
 * the socket is destroyed, with nothing queued ahead (an endless answer costs at most the limit
 * plus one socket read). Never follows a redirect; sends no `Accept-Encoding`, so answers arrive
 * uncompressed.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { ResponseTooLarge, declaredTooLarge } from './body';
import type { Transport } from './types';

/**
 * How long a connection may sit idle in the pool: 4 s, or the server's announced `Keep-Alive:
 * timeout` less a second when that is shorter (as undici, behind `fetch`, does; Node's agent applies
 * the announcement only against a `timeout` of its own, which would also time every active request).
 * A server closes idle connections on its own clock, and a request sent on one it is closing fails
 * with no answer. The timer runs only while the connection is in the pool.
 */
const IDLE_MS = 4000;
const IDLE = Symbol('idleMs');
type PooledSocket = Socket & { [IDLE]?: number };

let lastKeepAlive = '';
let lastIdleMs: number | undefined;

/** The idle limit a `Keep-Alive` answer header sets for its connection (undefined: the default). */
function announcedIdleMs(header: string): number | undefined {
  // a server sends the same header on every answer: parsed once
  if (header === lastKeepAlive) return lastIdleMs;
  const seconds = /(?:^|[\s,])timeout=(\d+)/i.exec(header)?.[1];
  lastKeepAlive = header;
  lastIdleMs = seconds === undefined ? undefined : Math.min(IDLE_MS, Number(seconds) * 1000 - 1000);
  return lastIdleMs;
}

function pooling(Base: typeof http.Agent): typeof http.Agent {
  return class extends Base {
    keepSocketAlive(socket: PooledSocket): boolean {
      // false (Node's own rule) when the server announced a timeout too short to reuse it safely
      const keep: unknown = super.keepSocketAlive(socket);
      if (keep === false) return false;
      socket.setTimeout(socket[IDLE] ?? IDLE_MS);
      return true;
    }
    reuseSocket(socket: PooledSocket, req: http.ClientRequest): void {
      socket.setTimeout(0);
      super.reuseSocket(socket, req);
    }
  };
}

const agents = {
  'http:': new (pooling(http.Agent))({ keepAlive: true, maxFreeSockets: 64 }),
  'https:': new (pooling(https.Agent as typeof http.Agent))({ keepAlive: true, maxFreeSockets: 64 }),
};

/** Methods a client may send again on a new connection when a reused one closed under them (RFC 9112 §9.3.1). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** The answer's headers as single strings: Node's own object, unless `set-cookie` (an array) is there. */
function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  if (headers['set-cookie'] === undefined) return headers as Record<string, string>;
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The request's time limit passed: `code` 'timeout' tells the engine so. */
class TransportTimeout extends Error {
  readonly code = 'timeout';
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

const SCHEME = /^(https?):\/\//i;

type Request = Parameters<Transport>[0];
type Response = Awaited<ReturnType<Transport>>;

function send(request: Request, resent = false): Promise<Response> {
  let scheme: 'http' | 'https';
  try {
    scheme = schemeOf(request.url);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => exchange(request, scheme, resent, resolve, reject));
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new TypeError('Invalid URL');
  }
}

/**
 * The URL's scheme. Node's client parses the URL itself: only the scheme is read here, and a URL
 * with a user name or password (rare, always refused) is found by parsing only when it could have one.
 */
function schemeOf(url: string): 'http' | 'https' {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (!scheme) throw new TypeError(`unsupported protocol ${parseUrl(url).protocol}`);
  if (url.includes('@')) {
    const parsed = parseUrl(url);
    if (parsed.username || parsed.password) throw new TypeError('a URL with a user name or password is refused');
  }
  return scheme as 'http' | 'https';
}

/** Node sets Content-Length from the body passed to end(); a caller's own framing headers are replaced. */
function withoutFraming(headers: Record<string, string>): Record<string, string> {
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return headers;
  const out = { ...headers };
  delete out['content-length'];
  delete out['transfer-encoding'];
  return out;
}

/** One request and its answer, settled once: the answer, or the first failure (timeout, size, network). */
function exchange(request: Request, scheme: 'http' | 'https', resent: boolean, resolve: (r: Response | Promise<Response>) => void, reject: (e: unknown) => void): void {
  let settled = false;
  let answered = false;
  let cancel: (() => void) | undefined = undefined;
  let req: http.ClientRequest;
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    cancel?.();
    req.destroy();
    // a pooled connection the server closed while idle: no answer came, so an idempotent request
    // goes once more on a new connection (the pool dropped the dead one)
    if (!answered && !resent && req.reusedSocket && IDEMPOTENT.has(req.method) && (error as { code?: string }).code === 'ECONNRESET') resolve(send(request, true));
    else reject(error);
  };
  const done = (response: Response) => {
    if (settled) return;
    settled = true;
    cancel?.();
    resolve(response);
  };
  const onResponse = (res: http.IncomingMessage) => {
    answered = true;
    readAnswer(res, request.maxResponseBytes ?? Infinity, fail, done);
  };
  try {
    const options = { method: request.method, headers: withoutFraming(request.headers), agent: agents[`${scheme}:` as 'http:' | 'https:'], signal: request.signal };
    req = (scheme === 'https' ? https : http).request(request.url, options, onResponse);
  } catch (error) {
    reject(error instanceof TypeError && /Invalid URL/i.test(error.message) ? new TypeError('Invalid URL') : error);
    return;
  }
  cancel = timeLimit(request.timeoutMs, fail);
  req.once('error', fail);
  endWith(req, request.body);
}

/** The whole exchange (connect, send, answer, body) within `ms`: a function that clears the timer. */
function timeLimit(ms: number | undefined, fail: (error: unknown) => void): (() => void) | undefined {
  if (ms === undefined || ms <= 0) return undefined;
  const timer = setTimeout(() => fail(new TransportTimeout(ms)), ms);
  return () => clearTimeout(timer);
}

function endWith(req: http.ClientRequest, body: Request['body']): void {
  if (body === undefined) req.end();
  else if (typeof body === 'string') req.end(body, 'utf8');
  else req.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** Reads an answer up to `limit` bytes (declared or counted), then `done`; anything else `fail`. */
function readAnswer(res: http.IncomingMessage, limit: number, fail: (error: unknown) => void, done: (response: Response) => void): void {
  const status = res.statusCode ?? 0;
  const headers = flattenHeaders(res.headers);
  const keepAlive = headers['keep-alive'];
  if (keepAlive !== undefined) (res.socket as PooledSocket)[IDLE] = announcedIdleMs(keepAlive);
  if (declaredTooLarge(headers['content-length'], limit)) {
    res.destroy();
    fail(new ResponseTooLarge(status, limit));
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let total = 0;
  res.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > limit) {
      first = undefined;
      more = undefined;
      res.destroy();
      fail(new ResponseTooLarge(status, limit));
      return;
    }
    if (!first) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  // a connection that closes before the answer is complete ends in 'error' (ECONNRESET), not 'end'
  res.once('error', fail);
  res.once('end', () => done({ status, headers, body: more ? Buffer.concat(more, total) : (first ?? Buffer.alloc(0)) }));
}

/** Node's `http`/`https` clients, keep-alive, the time limit enforced here (`timesRequests`). */
export const httpTransport: Transport = Object.assign(send, { timesRequests: true });
