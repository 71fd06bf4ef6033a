import { OAuth2ProtocolError, OAuth2ResponseError, type OAuth2Phase } from './errors';
import { isTransient } from './failure';
import type { Redactor } from './redact';
import type { ResponseMapping, ResponseValidation, TokenSet, TransportResponse } from './types';

/** Reads a dotted path (`data.token`, `items.0.id`) from a parsed body. */
export function getPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function mediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

type Parsed = { kind: 'object'; value: Record<string, unknown> } | { kind: 'html' | 'unparsable' | 'empty' };

/**
 * Parses a token endpoint body whatever it claims to be: JSON (also when served as text/plain or
 * with no content type), form-urlencoded, or recognises an HTML page.
 */
export function parseTokenBody(response: TransportResponse): Parsed {
  const text = response.body.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (!text) return { kind: 'empty' };
  const type = mediaType(response.headers);
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) return { kind: 'object', value: value as Record<string, unknown> };
    } catch {
      return { kind: 'unparsable' };
    }
  }
  if (type.includes('html') || /^<(!doctype|html|head|body)/i.test(text)) return { kind: 'html' };
  if (/^[^=&\s<]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(text)) {
    return { kind: 'object', value: Object.fromEntries(new URLSearchParams(text)) };
  }
  return { kind: 'unparsable' };
}

function describeBody(response: TransportResponse, kind: string): string {
  const type = response.headers['content-type'] || 'no content type';
  return `HTTP ${response.status} with ${kind === 'html' ? 'an HTML page' : kind === 'empty' ? 'an empty body' : 'a body that is not a token response'} (${type})`;
}

/**
 * Seconds from `expires_in` as a number or numeric string; undefined (lifetime unknown) when absent,
 * nonsense, zero or negative: a token that is "already expired" on arrival would otherwise cost a
 * token request per call.
 */
export function parseExpiresIn(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_LIFETIME_SEC) : undefined;
}

/**
 * The longest lifetime believed, in seconds (10 years): a server that says `1e308` means "does not
 * expire", and every date computed from it must stay a valid date.
 */
export const MAX_LIFETIME_SEC = 10 * 365 * 24 * 3600;

/** `now` plus a lifetime in seconds (capped), as epoch ms. */
function after(now: number, seconds: number): number {
  return now + Math.min(seconds, MAX_LIFETIME_SEC) * 1000;
}

/** RFC 6749 §5.1: token_type is case-insensitive; missing means Bearer (the common deviation). */
export function normaliseTokenType(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return 'Bearer';
  return value.trim().toLowerCase() === 'bearer' ? 'Bearer' : value.trim();
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export interface NormaliseOptions {
  phase: OAuth2Phase;
  mapping?: ResponseMapping;
  defaultExpiresInSec?: number;
  refreshTokenLifetimeSec?: number;
  validations?: ResponseValidation[];
  redactor?: Redactor;
  now?: number;
}

function protocolError(body: Record<string, unknown>, status: number, options: NormaliseOptions): OAuth2ProtocolError {
  return new OAuth2ProtocolError(
    {
      code: String(body.error),
      description: asString(body.error_description),
      status,
      phase: options.phase,
      retryable: isTransient(String(body.error), status),
    },
    options.redactor,
  );
}

function runValidations(body: Record<string, unknown>, response: TransportResponse, options: NormaliseOptions): void {
  for (const check of options.validations ?? []) {
    const value = check.path === '$status' ? response.status : getPath(body, check.path);
    const empty = value === undefined || value === null || value === '';
    const failed = (check.notEmpty && empty) || (check.equals !== undefined && String(value) !== String(check.equals));
    if (failed) {
      throw new OAuth2ResponseError(
        { code: 'invalid_response', phase: options.phase, status: response.status, description: check.message ?? `validation of "${check.path}" failed` },
        options.redactor,
      );
    }
  }
}

const TOKEN_MEMBERS = new Set(['access_token', 'refresh_token', 'id_token', 'expires_in', 'token_type', 'scope']);

/**
 * Turns a token endpoint response into a `TokenSet`, or throws a typed error: the server's OAuth
 * error (also when it came with status 200), a clear "not a token response" for HTML pages and
 * other bodies (quoting status and content type, never the body), or a missing access token.
 */
export function normaliseTokenResponse(response: TransportResponse, options: NormaliseOptions): TokenSet {
  const body = tokenBodyOrThrow(response, options);
  runValidations(body, response, options);
  const map = options.mapping ?? {};
  const accessToken = asString(getPath(body, map.accessToken ?? 'access_token'));
  if (!accessToken) {
    const description = `the token response has no ${map.accessToken ?? 'access_token'} (members: ${Object.keys(body).join(', ') || 'none'})`;
    throw new OAuth2ResponseError({ code: 'invalid_response', phase: options.phase, status: response.status, description }, options.redactor);
  }
  options.redactor?.add(accessToken);
  const now = options.now ?? Date.now();
  const expiresIn = parseExpiresIn(getPath(body, map.expiresIn ?? 'expires_in')) ?? options.defaultExpiresInSec;
  const tokens: TokenSet = { accessToken, tokenType: normaliseTokenType(getPath(body, map.tokenType ?? 'token_type')), obtainedAt: now };
  if (expiresIn !== undefined) tokens.expiresAt = after(now, expiresIn);
  addRefreshToken(tokens, body, options, now);
  const scope = getPath(body, map.scope ?? 'scope');
  if (typeof scope === 'string') tokens.scope = scope;
  else if (Array.isArray(scope)) tokens.scope = scope.join(' ');
  const idToken = asString(body.id_token);
  if (idToken) {
    tokens.idToken = idToken;
    options.redactor?.add(idToken);
  }
  const extra = extraMembers(body, map);
  if (Object.keys(extra).length) tokens.extra = extra;
  return tokens;
}

/** The parsed body of a successful answer; the typed error of any other. */
function tokenBodyOrThrow(response: TransportResponse, options: NormaliseOptions): Record<string, unknown> {
  const parsed = parseTokenBody(response);
  const ok = response.status >= 200 && response.status < 300;
  if (parsed.kind === 'object' && typeof parsed.value.error === 'string' && parsed.value.error) throw protocolError(parsed.value, response.status, options);
  if (parsed.kind === 'object' && ok) return parsed.value;
  const code = ok ? 'invalid_response' : 'http_error';
  throw new OAuth2ResponseError(
    { code, phase: options.phase, status: response.status, description: `the token endpoint answered ${describeBody(response, parsed.kind)}`, retryable: isTransient(code, response.status) },
    options.redactor,
  );
}

/** The refresh token and its lifetime, when the answer has one. */
function addRefreshToken(tokens: TokenSet, body: Record<string, unknown>, options: NormaliseOptions, now: number): void {
  const map = options.mapping ?? {};
  const refreshToken = asString(getPath(body, map.refreshToken ?? 'refresh_token'));
  if (!refreshToken) return;
  tokens.refreshToken = refreshToken;
  options.redactor?.add(refreshToken);
  const refreshLifetime = parseExpiresIn(getPath(body, map.refreshExpiresIn ?? 'refresh_token_expires_in')) ?? options.refreshTokenLifetimeSec;
  if (refreshLifetime !== undefined) tokens.refreshExpiresAt = after(now, refreshLifetime);
}

/** Plain members beyond the token ones (never the mapped secrets), and the mapped extra paths. */
function extraMembers(body: Record<string, unknown>, map: ResponseMapping): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const mappedSecrets = new Set([map.accessToken, map.refreshToken].map((path) => path?.split('.')[0]));
  for (const [key, value] of Object.entries(body)) {
    if (!TOKEN_MEMBERS.has(key) && !mappedSecrets.has(key) && typeof value !== 'object') extra[key] = value;
  }
  for (const [name, path] of Object.entries(map.extra ?? {})) extra[name] = getPath(body, path);
  return extra;
}
