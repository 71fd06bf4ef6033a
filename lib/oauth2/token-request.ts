import { applyClientAuth, clientAuthParts } from './client-auth';
import { OAuth2ConfigError, type OAuth2Phase } from './errors';
import type { Redactor } from './redact';
import { normaliseTokenResponse } from './token-response';
import { fetchTransport, resolveRetry, sendWithRetry } from './transport';
import type { OAuth2Config, TokenSet, Transport } from './types';

/** A token request as it is about to be sent; a `beforeTokenRequest` hook may change it. */
export interface TokenRequest {
  grantType: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  bodyFormat: 'form' | 'json';
}

export type BeforeTokenRequestHook = (request: TokenRequest) => void | TokenRequest | Promise<void | TokenRequest>;

export interface TokenRequestContext {
  config: OAuth2Config;
  transport?: Transport;
  redactor?: Redactor;
  beforeTokenRequest?: BeforeTokenRequestHook;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Grants whose request may be repeated after a proxy error without losing anything. Exchanging a
 * code or a (rotating) refresh token twice can burn it, so those retry only on 429/503, which say
 * the request was not processed.
 */
const REPEATABLE_GRANTS = new Set(['client_credentials', 'password']);

function encodeBody(request: TokenRequest): string {
  return request.bodyFormat === 'json' ? JSON.stringify(request.params) : new URLSearchParams(request.params).toString();
}

/** Builds, authenticates, sends (with bounded retries) and normalises one token request. */
export async function requestToken(
  ctx: TokenRequestContext,
  grantType: string,
  grantParams: Record<string, string>,
): Promise<TokenSet> {
  const { config } = ctx;
  const refresh = grantType === 'refresh_token';
  const phase: OAuth2Phase = refresh ? 'refresh' : 'token';
  const url = refresh ? config.refreshUrl || config.tokenUrl : config.tokenUrl;
  if (!url) throw new OAuth2ConfigError('the token URL is empty');
  const params: Record<string, string> = {
    grant_type: grantType,
    ...(refresh ? config.extraRefreshParams : config.extraTokenParams),
    ...grantParams,
  };
  const headers: Record<string, string> = { accept: 'application/json', ...lowerKeys(config.extraTokenHeaders) };
  const now = ctx.now ?? Date.now;
  applyClientAuth(clientAuthParts(config.client, url, now()), headers, params);
  ctx.redactor?.add(config.client.clientSecret, params.client_assertion, headers.authorization?.slice(6));
  let request: TokenRequest = { grantType, url, headers, params, bodyFormat: config.tokenBodyFormat ?? 'form' };
  if (ctx.beforeTokenRequest) request = (await ctx.beforeTokenRequest(request)) ?? request;
  request.headers['content-type'] = request.bodyFormat === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  const response = await sendWithRetry(
    { url: request.url, method: 'POST', headers: request.headers, body: encodeBody(request) },
    {
      transport: ctx.transport ?? fetchTransport,
      timeoutMs: config.timeoutMs ?? 30_000,
      retry: resolveRetry(config.retry),
      retryStatuses: REPEATABLE_GRANTS.has(grantType) ? [429, 502, 503, 504] : [429, 503],
      phase,
      redactor: ctx.redactor,
      signal: ctx.signal,
      sleep: ctx.sleep,
    },
  );
  return normaliseTokenResponse(response, {
    phase,
    mapping: config.responseMapping,
    defaultExpiresInSec: config.defaultExpiresInSec,
    validations: config.validations,
    redactor: ctx.redactor,
    now: now(),
  });
}

export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

export function scopeParam(config: OAuth2Config): Record<string, string> {
  const scopes = (config.scopes ?? []).filter(Boolean);
  return scopes.length ? { scope: scopes.join(config.scopeSeparator ?? ' ') } : {};
}
