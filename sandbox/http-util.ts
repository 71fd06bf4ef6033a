// Small HTTP helpers on top of node:http: body reading, responses, header parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes a plain HTTP response (not an OAuth error). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Invalid options or faults given by a user of the sandbox (HTTP 400 through the admin API). */
export class InvalidInputError extends TypeError {}

/** An RFC 6749 §5.2 error. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${description}`);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The media type of the request without parameters, lowercased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  const value = req.headers['content-type'] ?? '';
  return value.split(';')[0].trim().toLowerCase();
}

export interface ParsedForm {
  params: Map<string, string>;
  order: string[];
  duplicates: string[];
}

/**
 * Parses application/x-www-form-urlencoded (+ is a space, %XX decoded). Names in `multi` may
 * repeat (their values are joined with a space); any other repeated name is reported.
 */
export function parseForm(text: string, multi: readonly string[] = []): ParsedForm {
  const params = new Map<string, string>();
  const order: string[] = [];
  const duplicates: string[] = [];
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) {
      if (multi.includes(name)) params.set(name, `${params.get(name)} ${value}`);
      else if (!duplicates.includes(name)) duplicates.push(name);
      continue;
    }
    params.set(name, value);
    order.push(name);
  }
  return { params, order, duplicates };
}

/** Decodes one side of an RFC 6749 §2.3.1 Basic value: + is a space, then %XX. null when malformed. */
export function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

export interface BasicCredentials {
  /** The decoded value split at the first colon, no further decoding. */
  raw: { id: string; secret: string };
  /** Each side form-decoded per RFC 6749 §2.3.1; null when a side is not valid form encoding. */
  form: { id: string; secret: string } | null;
}

/** undefined: no Authorization header; null: a header that is not usable Basic. */
export function parseBasicAuth(req: IncomingMessage): BasicCredentials | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const raw = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  const id = formDecode(raw.id);
  const secret = formDecode(raw.secret);
  return { raw, form: id !== null && secret !== null ? { id, secret } : null };
}

export function authorizationScheme(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  return header.trim().split(/\s+/)[0].toLowerCase();
}

/** The bearer token of the Authorization header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match ? match[1] : null;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// Per-response override of the JSON content type (used by the 'json-as-text-plain' fault).
const jsonContentType = new WeakMap<ServerResponse, string>();

export function overrideJsonContentType(res: ServerResponse, contentType: string): void {
  jsonContentType.set(res, contentType);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': jsonContentType.get(res) ?? 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(payload)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  sendText(res, status, 'text/html; charset=utf-8', html, {
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}

/** RFC 6749 §5.2 error response. */
export function sendOAuthError(res: ServerResponse, error: OAuthError): void {
  sendJson(res, error.status, { error: error.code, error_description: error.description }, { Pragma: 'no-cache', ...error.headers });
}

/** A query parameter that must appear at most once; throws on duplicates. */
export function singleParam(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw new HttpError(400, `Parameter "${name}" was given more than once`);
  return all.length ? all[0] : undefined;
}

export function positiveInt(value: string | undefined | null, fallback: number): number | null {
  if (value === undefined || value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) return null;
  return Number(value);
}
