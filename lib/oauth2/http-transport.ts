/**
 * The default transport: Node's own `http`/`https` clients with keep-alive agents. Chosen over the
 * global `fetch` because it reads the body exactly as it arrives: once `maxResponseBytes` is passed
 * the socket is destroyed, with nothing queued ahead (an endless answer costs at most the limit
 * plus one socket read). Never follows a redirect; sends no `Accept-Encoding`, so answers arrive
 * uncompressed.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { ResponseTooLarge, declaredTooLarge } from './body';
import type { Transport } from './types';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxFreeSockets: 64 }),
};

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export const httpTransport: Transport = (request) =>
  new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      reject(new TypeError('Invalid URL'));
      return;
    }
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new TypeError(`unsupported protocol ${url.protocol}`));
      return;
    }
    if (url.username || url.password) {
      reject(new TypeError('a URL with a user name or password is refused'));
      return;
    }
    const limit = request.maxResponseBytes ?? Infinity;
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const headers: Record<string, string> = { ...request.headers };
    if (body) headers['content-length'] = String(body.length);
    const req = client.request(url, { method: request.method, headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: request.signal });
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const responseHeaders = flattenHeaders(res.headers);
      if (declaredTooLarge(responseHeaders['content-length'], limit)) {
        res.destroy();
        fail(new ResponseTooLarge(status, limit));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limit) {
          chunks.length = 0;
          res.destroy();
          fail(new ResponseTooLarge(status, limit));
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', fail);
      res.once('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status, headers: responseHeaders, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) });
      });
      res.once('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the answer was complete'));
      });
    });
    req.end(body);
  });
