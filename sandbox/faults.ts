// The fault queue and what each fault does to a response.
import type { ServerResponse } from 'node:http';
import { InvalidInputError, overrideJsonContentType, sendJson, sendText } from './http-util';
import { FAULT_KINDS, PROVIDERS, type Fault, type FaultEndpoint, type FaultKind, type ProviderId } from './types';

/** Faults that only change how a successful answer looks (applied while answering normally). */
const SHAPING = new Set<FaultKind>([
  'expires-in-string',
  'no-expires-in',
  'token-type-lowercase',
  'token-type-missing',
  'token-type-unknown',
  'json-as-text-plain',
  'form-encoded-response',
  'refresh-without-refresh-token',
]);

/** Every other fault replaces the whole response (nothing is issued or processed). */
const SHORT_CIRCUIT = new Set<FaultKind>(FAULT_KINDS.filter((kind) => !SHAPING.has(kind)));

/** Faults that only make sense on a resource (API or webhook) answer. */
const RESOURCE_ONLY = new Set<FaultKind>(['insufficient-scope', 'invalid-token', 'redirect-cross-origin', 'redirect-same-origin', 'echo-token', 'token-expired-body']);
const RESOURCE_FAULTS = new Set<FaultKind>([
  'html-502', 'rate-limit-429', 'unavailable-503', 'insufficient-scope', 'invalid-token', 'json-as-text-plain',
  'endless-body', 'redirect-cross-origin', 'redirect-same-origin', 'echo-token', 'token-expired-body',
]);

const ALLOWED: Record<FaultEndpoint, ReadonlySet<FaultKind>> = {
  token: new Set<FaultKind>(FAULT_KINDS.filter((kind) => !RESOURCE_ONLY.has(kind))),
  api: RESOURCE_FAULTS,
  webhook: RESOURCE_FAULTS,
};

/** Faults of the token endpoint that apply to refresh requests only. */
export const REFRESH_ONLY = new Set<FaultKind>(['refresh-without-refresh-token', 'refresh-invalid-request']);

export interface QueuedFault {
  provider: ProviderId | 'any';
  endpoint: FaultEndpoint;
  kind: FaultKind;
  remaining: number;
  retryAfter: number;
}

export function isShortCircuit(kind: FaultKind): boolean {
  return SHORT_CIRCUIT.has(kind);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates an untrusted fault description (throws InvalidInputError, a TypeError). */
export function validateFault(input: unknown): QueuedFault {
  if (!isObject(input)) throw new InvalidInputError('A fault must be an object');
  const { provider, endpoint, kind, times, retryAfter } = input;
  if (provider !== 'any' && !(PROVIDERS as readonly unknown[]).includes(provider)) {
    throw new InvalidInputError(`Fault provider must be one of ${PROVIDERS.join(', ')}, any`);
  }
  if (endpoint !== 'token' && endpoint !== 'api' && endpoint !== 'webhook') {
    throw new InvalidInputError('Fault endpoint must be token, api or webhook');
  }
  if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) {
    throw new InvalidInputError(`Unknown fault kind; known kinds: ${FAULT_KINDS.join(', ')}`);
  }
  const k = kind as FaultKind;
  if (!ALLOWED[endpoint].has(k)) {
    throw new InvalidInputError(`Fault kind "${k}" does not apply to the ${endpoint} endpoint; it accepts ${[...ALLOWED[endpoint]].join(', ')}`);
  }
  if (endpoint === 'webhook' && provider !== 'deployteq' && provider !== 'any') {
    throw new InvalidInputError('Only the deployteq provider has a webhook endpoint');
  }
  if (endpoint === 'api' && provider === 'deployteq') {
    throw new InvalidInputError('Deployteq has no API endpoint here: use endpoint "webhook"');
  }
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw new InvalidInputError('Fault times must be a positive integer');
  }
  if (retryAfter !== undefined && (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0)) {
    throw new InvalidInputError('Fault retryAfter must be a non-negative integer (seconds)');
  }
  return {
    provider: provider as ProviderId | 'any',
    endpoint,
    kind: k,
    remaining: (times as number | undefined) ?? 1,
    retryAfter: (retryAfter as number | undefined) ?? 1,
  };
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(input: unknown): number {
    const list = Array.isArray(input) ? input : [input];
    const valid = list.map(validateFault); // validate all before queueing any
    this.queue.push(...valid);
    return valid.length;
  }

  clear(): void {
    this.queue = [];
  }

  /** The first queued fault for this provider/endpoint that `applies` accepts, without consuming it. */
  peek(provider: ProviderId, endpoint: FaultEndpoint, applies: (kind: FaultKind) => boolean = () => true): QueuedFault | undefined {
    return this.queue.find((f) => f.endpoint === endpoint && (f.provider === 'any' || f.provider === provider) && applies(f.kind));
  }

  consume(fault: QueuedFault): void {
    fault.remaining--;
    if (fault.remaining <= 0) this.queue = this.queue.filter((f) => f !== fault);
  }

  snapshot(): Fault[] {
    return this.queue.map((f) => ({ provider: f.provider, endpoint: f.endpoint, kind: f.kind, times: f.remaining, retryAfter: f.retryAfter }));
  }
}

const PROXY_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>sandbox-proxy</center>\r\n</body>\r\n</html>\r\n';

export type FaultStyle = 'token' | 'api' | 'webhook';

/** What some faults need to know about the request they answer. */
export interface FaultRequest {
  /** The bearer token the request carried ('echo-token'); on the token endpoint, its refresh token or client secret ('error-echoes-credential'). */
  token?: string | null;
  /** Path and query of the request (redirects keep them). */
  pathAndQuery?: string;
  /** http://127.0.0.2:<port> ('redirect-cross-origin'). */
  foreignUrl?: string;
}

/** Longest an endless body runs, and most it sends: the sandbox never loops without bound. */
const ENDLESS_MAX_MS = 120_000;
const ENDLESS_MAX_BYTES = 8 * 1024 ** 3;

/** Streams bytes until the client disconnects (or the bounds above are reached). */
function sendEndless(res: ServerResponse, style: FaultStyle): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const started = Date.now();
  let sent = 0;
  res.write(style === 'token' ? '{"access_token":"' : '{"data":"');
  const pump = (): void => {
    while (!res.destroyed && sent < ENDLESS_MAX_BYTES && Date.now() - started < ENDLESS_MAX_MS) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/**
 * Sends the response of a short-circuit fault. Returns true when the response was a 429
 * (the caller counts it).
 */
export function sendShortCircuitFault(res: ServerResponse, fault: QueuedFault, style: FaultStyle, scope = '', request: FaultRequest = {}): boolean {
  const retry = { 'Retry-After': String(fault.retryAfter) };
  switch (fault.kind) {
    case 'endless-body':
      sendEndless(res, style);
      return false;
    case 'redirect-cross-origin':
      sendText(res, 302, 'text/plain', 'Moved', { Location: `${request.foreignUrl || 'http://127.0.0.2:9'}${request.pathAndQuery ?? '/'}` });
      return false;
    case 'redirect-same-origin': {
      const target = new URL(request.pathAndQuery ?? '/', 'http://x');
      target.searchParams.set('redirected', '1');
      sendText(res, 307, 'text/plain', 'Temporary redirect', { Location: `${target.pathname}${target.search}` });
      return false;
    }
    case 'error-echoes-credential':
      sendJson(res, 400, { error: request.token ?? 'none', error_description: 'the credential that was sent (sandbox fault)' });
      return false;
    case 'echo-token':
      sendJson(res, 401, { error: 'unauthorized', message: `the access token ${request.token ?? '(none)'} is not valid for this account` });
      return false;
    case 'refresh-invalid-request':
      sendJson(res, 400, { error: 'invalid_request', error_description: 'Token has been revoked' }, { 'Cache-Control': 'no-store' });
      return false;
    case 'token-expired-body':
      sendJson(res, 400, { error: 'token_expired', message: 'The access token expired (sandbox fault)' });
      return false;
    case 'html-502':
      sendText(res, 502, 'text/html', PROXY_502);
      return false;
    case 'rate-limit-429':
      sendJson(res, 429, style === 'token' ? { error: 'rate_limited', error_description: 'Too many requests (sandbox fault)' } : { error: 'rate_limited', message: 'Too many requests (sandbox fault)' }, retry);
      return true;
    case 'unavailable-503':
      sendJson(res, 503, style === 'token' ? { error: 'temporarily_unavailable', error_description: 'Service unavailable (sandbox fault)' } : { error: 'service_unavailable', message: 'Service unavailable (sandbox fault)' }, retry);
      return false;
    case 'error-in-200':
      sendJson(res, 200, { error: 'invalid_grant', error_description: 'The grant is invalid (sandbox fault: error in a 200 response)' }, { Pragma: 'no-cache' });
      return false;
    case 'missing-access-token':
      sendJson(res, 200, scope ? { token_type: 'Bearer', expires_in: 3600, scope } : { token_type: 'Bearer', expires_in: 3600 }, { Pragma: 'no-cache' });
      return false;
    case 'invalid-client':
      sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed (sandbox fault)' }, { 'WWW-Authenticate': 'Basic realm="sandbox"' });
      return false;
    case 'insufficient-scope':
      sendJson(
        res,
        403,
        style === 'webhook' ? { error: 'forbidden', message: 'The access token lacks the required scope (sandbox fault)' } : { error: 'insufficient_scope', message: 'The access token lacks the required scope (sandbox fault)' },
        { 'WWW-Authenticate': 'Bearer realm="sandbox", error="insufficient_scope", error_description="The access token lacks the required scope"' },
      );
      return false;
    case 'invalid-token':
      sendJson(
        res,
        401,
        style === 'webhook' ? { error: 'unauthorized', message: 'The access token is invalid (sandbox fault)' } : { error: 'invalid_token', message: 'The access token is invalid (sandbox fault)' },
        { 'WWW-Authenticate': 'Bearer realm="sandbox", error="invalid_token", error_description="The access token is invalid"' },
      );
      return false;
    default:
      throw new Error(`Fault ${fault.kind} is not a short-circuit fault`);
  }
}

/** Applies a response-shaping fault to a JSON API response: only the content type can change. */
export function applyApiShaping(res: ServerResponse, fault: QueuedFault): void {
  if (fault.kind === 'json-as-text-plain') overrideJsonContentType(res, 'text/plain; charset=utf-8');
}

/** Sends a successful token response, shaped by a token-shaping fault when given. */
export function sendTokenResponse(res: ServerResponse, body: Record<string, unknown>, shaping: FaultKind | null, lifetime: number): void {
  const out: Record<string, unknown> = { ...body };
  let contentType = 'application/json; charset=utf-8';
  let form = false;
  switch (shaping) {
    case 'expires-in-string':
      out.expires_in = String(lifetime);
      break;
    case 'no-expires-in':
      delete out.expires_in;
      break;
    case 'token-type-lowercase':
      out.token_type = 'bearer';
      break;
    case 'token-type-missing':
      delete out.token_type;
      break;
    case 'token-type-unknown':
      out.token_type = 'MAC';
      break;
    case 'json-as-text-plain':
      contentType = 'text/plain; charset=utf-8';
      break;
    case 'form-encoded-response':
      form = true;
      contentType = 'application/x-www-form-urlencoded';
      break;
    default:
      break; // 'refresh-without-refresh-token' is applied while issuing
  }
  const headers = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  if (form) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(out)) params.set(k, String(v));
    sendText(res, 200, contentType, params.toString(), headers);
  } else {
    sendText(res, 200, contentType, JSON.stringify(out), headers);
  }
}
