import { declaredTooLarge, readCapped, ResponseTooLarge } from './body';
import type { Transport } from './types';

/**
 * The default transport: Node's global `fetch` (undici keeps connections alive). Never follows a
 * redirect (a credential must not travel to another origin), and reads the body only up to the
 * request's `maxResponseBytes`.
 */
export const fetchTransport: Transport = async (request) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body as BodyInit | undefined,
    signal: request.signal,
    redirect: 'manual',
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const limit = request.maxResponseBytes ?? Infinity;
  if (declaredTooLarge(headers['content-length'], limit)) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLarge(response.status, limit);
  }
  const body = await readCapped(response.body as AsyncIterable<Uint8Array> | null, limit, response.status);
  return { status: response.status, headers, body };
};
