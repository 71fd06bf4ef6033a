/**
 * Bounded response bodies: a server (or anything in between) that sends an endless or huge answer
 * must not take the host's memory. Bodies are read chunk by chunk and the read stops, the
 * connection is dropped, once the limit is passed.
 */

/** Token endpoint answers: small, fixed (a token response with an id_token is a few kB). */
export const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;

/**
 * API answers, unless configured: room for the largest page our providers send (a Zendesk Chat
 * incremental export page of 1,000 chats with their full history is typically 5 to 30 MB).
 */
export const DEFAULT_API_RESPONSE_MAX_BYTES = 64 * 1024 * 1024;

/** Thrown by a transport when an answer is larger than the request's `maxResponseBytes`. */
export class ResponseTooLarge extends Error {
  constructor(
    readonly status: number,
    readonly limit: number,
  ) {
    super(`the answer is larger than ${limit} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

/** A declared `Content-Length` above the limit (no need to read anything). */
export function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (!contentLength || !Number.isFinite(limit)) return false;
  const n = Number(contentLength.trim());
  return Number.isFinite(n) && n > limit;
}

/**
 * Reads a body stream (web `ReadableStream` or Node `Readable`: both are async iterables of bytes)
 * into one buffer, or throws `ResponseTooLarge` as soon as more than `limit` bytes arrived. Leaving
 * the loop early cancels the stream, which closes the connection.
 */
export async function readCapped(source: AsyncIterable<Uint8Array | string> | null | undefined, limit: number, status: number): Promise<Buffer> {
  if (!source) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.length;
    if (total > limit) throw new ResponseTooLarge(status, limit);
    chunks.push(bytes);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** A JSON object answer (not an array, not JSON: undefined). */
export function jsonObjectOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
