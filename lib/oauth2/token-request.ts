import { TOKEN_RESPONSE_MAX_BYTES } from './body';
import { authSearchKey, nextAfterRefusedSearch, recordAuthSearch, refusedSearchOf, restoreRefusedSearch, type RefusedSearch } from './auth-search';
import { applyClientAuth, CLIENT_AUTH_LABELS, clientAuthCandidates, clientAuthParts } from './client-auth';
import { OAuth2Error, type OAuth2Phase } from './errors';
import { isRepeatableGrant, tokenRetryStatuses } from './failure';
import { discoverMetadata } from './metadata';
import type { Redactor } from './redact';
import { normaliseTokenResponse } from './token-response';
import { transportOf, type EngineHost } from './host';
import { resolveRetry, sendWithRetry } from './send';
import type { ConcreteClientAuthMethod, OAuth2Config, TokenSet, Transport, TransportResponse } from './types';
import { dpopSignerFor, nonceChallenge } from './dpop';
import { checkEndpointUrl } from './urls';

/** A token request as it is about to be sent; a `beforeTokenRequest` hook may change it. */
export interface TokenRequest {
  grantType: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  bodyFormat: 'form' | 'json';
}

export type BeforeTokenRequestHook = (request: TokenRequest) => void | TokenRequest | Promise<void | TokenRequest>;

/**
 * What `auto` client authentication knows about a server, kept by the caller between requests:
 * the method that worked, and the methods the server's metadata lists.
 */
export interface ClientAuthState {
  learned?: ConcreteClientAuthMethod;
  serverMethods?: string[];
  discovered?: boolean;
  /** Every method was refused for these settings (kept by the host beside the learned method). */
  refusedSearch?: RefusedSearch;
}

export interface TokenRequestContext {
  config: OAuth2Config;
  transport?: Transport;
  redactor?: Redactor;
  beforeTokenRequest?: BeforeTokenRequestHook;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  /** Timers, waits and the default transport; default the installed host. */
  host?: EngineHost;
  now?: () => number;
  /** State of `auto` client authentication; without it each request searches again. */
  clientAuth?: ClientAuthState;
}

function encodeBody(request: TokenRequest): string {
  return request.bodyFormat === 'json' ? JSON.stringify(request.params) : new URLSearchParams(request.params).toString();
}

/** The server refused the client's authentication (not the grant): another method may work. */
export function isClientAuthFailure(error: unknown): boolean {
  return error instanceof OAuth2Error && (error.code === 'invalid_client' || (error.code === 'http_error' && error.status === 401));
}

/** The methods to try, the one that worked before first. */
async function candidates(ctx: TokenRequestContext, transport: Transport): Promise<ConcreteClientAuthMethod[]> {
  const { client } = ctx.config;
  const state = ctx.clientAuth ?? {};
  const auto = (client.method ?? 'auto') === 'auto';
  if (auto && !state.learned && !state.discovered && client.clientSecret && !client.privateKey) {
    state.discovered = true;
    state.serverMethods = (await discoverMetadata(ctx.config, transport, ctx.host))?.tokenEndpointAuthMethods;
  }
  const list = clientAuthCandidates(client, state.serverMethods);
  if (auto && state.learned && list.includes(state.learned)) return [state.learned, ...list.filter((m) => m !== state.learned)];
  return list;
}

/**
 * Builds, authenticates, sends (with bounded retries) and normalises one token request. With `auto`
 * client authentication, a refused method (`invalid_client`) is followed by the next candidate, and
 * the method that worked is recorded in `ctx.clientAuth` and on the token set.
 */
export async function requestToken(
  ctx: TokenRequestContext,
  grantType: string,
  grantParams: Record<string, string>,
): Promise<TokenSet> {
  const { config } = ctx;
  ctx.redactor?.pin(config.client.clientSecret, config.client.privateKey);
  const refresh = grantType === 'refresh_token';
  const url = refresh ? config.refreshUrl || config.tokenUrl : config.tokenUrl;
  checkEndpointUrl(url, refresh && config.refreshUrl ? 'The refresh URL' : 'The token URL', { allowHttpHosts: config.allowHttpHosts });
  const transport = transportOf(ctx.transport, ctx.host);
  const auto = (config.client.method ?? 'auto') === 'auto';
  const all = await candidates(ctx, transport);
  // after a search refused with every method, one request (the likeliest) until something changes
  const key = auto && all.length > 1 ? authSearchKey(config, url) : undefined;
  const kept = ctx.clientAuth?.refusedSearch;
  if (key !== undefined && kept?.key === key) restoreRefusedSearch(kept);
  const turn = key === undefined ? undefined : nextAfterRefusedSearch(key, all.length);
  const again = turn !== undefined;
  const methods = again ? [all[turn]] : all;
  const tried: ConcreteClientAuthMethod[] = [];
  for (;;) {
    const method = methods[tried.length];
    tried.push(method);
    try {
      const tokens = await requestTokenWith(ctx, transport, grantType, grantParams, url, method);
      if (key !== undefined) recordAuthSearch(key, 'succeeded');
      if (auto) {
        if (ctx.clientAuth) {
          ctx.clientAuth.learned = method;
          ctx.clientAuth.refusedSearch = undefined;
        }
        tokens.clientAuthMethod = method;
      }
      return tokens;
    } catch (error) {
      if (!isClientAuthFailure(error)) throw error;
      if (tried.length < methods.length) continue;
      if (key === undefined) throw error;
      recordAuthSearch(key, 'refused');
      if (ctx.clientAuth) ctx.clientAuth.refusedSearch = refusedSearchOf(key);
      throw searchRefused(error as OAuth2Error, tried, again ? all : undefined, ctx.redactor);
    }
  }
}

/** The refusal after a search: every method tried, or (`all`) the one sent after an earlier refused search. */
function searchRefused(e: OAuth2Error, tried: ConcreteClientAuthMethod[], all: ConcreteClientAuthMethod[] | undefined, redactor: Redactor | undefined): OAuth2Error {
  const labels = (list: ConcreteClientAuthMethod[]) => list.map((m) => CLIENT_AUTH_LABELS[m]).join(', ');
  const what = all
    ? `client authentication was refused with every method before (${labels(all)}), so only ${labels(tried)} was sent this time, until the settings change`
    : `client authentication was refused with every method tried (${labels(tried)})`;
  return new (e.constructor as typeof OAuth2Error)(
    {
      code: e.code,
      status: e.status,
      phase: e.phase,
      description: `${e.description ? `${e.description}; ` : ''}${what}`,
      hint: 'Check the client ID and secret, or choose the client authentication method the server documents.',
    },
    redactor,
  );
}

async function requestTokenWith(
  ctx: TokenRequestContext,
  transport: Transport,
  grantType: string,
  grantParams: Record<string, string>,
  url: string,
  method: ConcreteClientAuthMethod,
): Promise<TokenSet> {
  const { config } = ctx;
  const phase: OAuth2Phase = grantType === 'refresh_token' ? 'refresh' : 'token';
  const params: Record<string, string> = {
    grant_type: grantType,
    ...(config.resource ? { resource: config.resource } : {}),
    ...(phase === 'refresh' ? config.extraRefreshParams : config.extraTokenParams),
    ...grantParams,
  };
  const headers: Record<string, string> = { accept: 'application/json', ...lowerKeys(config.extraTokenHeaders) };
  const now = ctx.now ?? Date.now;
  applyClientAuth(clientAuthParts(config.client, url, now(), method), headers, params);
  ctx.redactor?.add(params.client_assertion, headers.authorization?.slice(6));
  let request: TokenRequest = { grantType, url, headers, params, bodyFormat: config.tokenBodyFormat ?? 'form' };
  if (ctx.beforeTokenRequest) request = (await ctx.beforeTokenRequest(request)) ?? request;
  if (request.url !== url) checkEndpointUrl(request.url, 'The token URL', { allowHttpHosts: config.allowHttpHosts });
  request.headers['content-type'] = request.bodyFormat === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  const response = await sendTokenRequest(ctx, transport, request, phase);
  return normaliseTokenResponse(response, {
    phase,
    mapping: config.responseMapping,
    defaultExpiresInSec: config.defaultExpiresInSec,
    refreshTokenLifetimeSec: config.refreshTokenLifetimeSec,
    validations: config.validations,
    redactor: ctx.redactor,
    now: now(),
  });
}

/**
 * Sends a token request with its bounded retries; with a DPoP key, each attempt carries a fresh proof
 * and a `use_dpop_nonce` answer is sent once more with the server's nonce.
 */
async function sendTokenRequest(ctx: TokenRequestContext, transport: Transport, request: TokenRequest, phase: OAuth2Phase): Promise<TransportResponse> {
  const { config } = ctx;
  const signer = config.dpopKey ? dpopSignerFor(config.dpopKey) : undefined;
  // a code or a (rotating) refresh token sent twice can be burnt: those retry only unprocessed requests
  const repeatable = isRepeatableGrant(request.grantType);
  const send = () => {
    if (signer) request.headers.dpop = signer.proof('POST', request.url);
    return sendWithRetry(
      { url: request.url, method: 'POST', headers: request.headers, body: encodeBody(request), maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
      {
        transport,
        timeoutMs: config.timeoutMs ?? 30_000,
        retry: resolveRetry(config.retry),
        retryStatuses: tokenRetryStatuses(request.grantType),
        // a repeatable grant's dropped connection is sent again before any waiter sees the failure
        retryNetworkErrors: repeatable,
        phase,
        redactor: ctx.redactor,
        signal: ctx.signal,
        sleep: ctx.sleep,
        host: ctx.host,
      },
    );
  };
  const response = await send();
  if (!signer) return response;
  signer.remember(request.url, response.headers);
  if (!nonceChallenge(response)) return response;
  const again = await send();
  signer.remember(request.url, again.headers);
  return again;
}

/** A copy of `headers` with lower-case names. */
export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (lower !== '__proto__') out[lower] = headers[name];
    }
  }
  return out;
}

export function scopeParam(config: OAuth2Config): Record<string, string> {
  const scopes = (config.scopes ?? []).filter(Boolean);
  return scopes.length ? { scope: scopes.join(config.scopeSeparator ?? ' ') } : {};
}
