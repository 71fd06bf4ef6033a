import { OAuth2CallbackError, OAuth2ConfigError } from './errors';
import { codeChallengeS256, createCodeVerifier, randomToken } from './pkce';
import type { Redactor } from './redact';
import { scopeParam } from './token-request';
import { normaliseTokenType, parseExpiresIn } from './token-response';
import type { OAuth2Config, TokenSet } from './types';
import { checkEndpointUrl } from './urls';

/** What the host must keep (server side, single use) until the callback arrives. */
export interface PendingAuthorization {
  url: string;
  state: string;
  redirectUri: string;
  codeVerifier?: string;
  /** Epoch ms after which the callback is refused. */
  expiresAt: number;
}

export interface AuthorizeOptions {
  /** Overrides the configured redirect URI (e.g. derived from the editor's address). */
  redirectUri?: string;
  /** `code` (default) or `token` (implicit, legacy). */
  responseType?: 'code' | 'token';
  /** How long the pending authorization stays valid, in ms. Default 10 minutes. */
  ttlMs?: number;
  extraParams?: Record<string, string>;
  now?: number;
}

/** Builds the authorization request URL with a fresh `state` and, by default, PKCE S256. */
export function createAuthorizationRequest(config: OAuth2Config, options: AuthorizeOptions = {}): PendingAuthorization {
  const url = checkEndpointUrl(config.authorizationUrl, 'The authorization URL', { allowHttpHosts: config.allowHttpHosts });
  const redirectUri = options.redirectUri ?? config.redirectUri;
  if (!redirectUri) throw new OAuth2ConfigError('the redirect URI is empty');
  if (!/^https?:\/\//i.test(redirectUri)) throw new OAuth2ConfigError('the redirect URI must be an http(s) URL');
  const responseType = options.responseType ?? 'code';
  const state = randomToken(24);
  const query = url.searchParams;
  query.set('response_type', responseType);
  query.set('client_id', config.client.clientId);
  query.set('redirect_uri', redirectUri);
  const { scope } = scopeParam(config);
  if (scope) query.set('scope', scope);
  query.set('state', state);
  let codeVerifier: string | undefined;
  if (responseType === 'code' && config.pkce !== false) {
    codeVerifier = createCodeVerifier();
    query.set('code_challenge', codeChallengeS256(codeVerifier));
    query.set('code_challenge_method', 'S256');
  }
  if (config.resource) query.set('resource', config.resource);
  for (const [name, value] of Object.entries({ ...config.extraAuthorizeParams, ...options.extraParams })) query.set(name, value);
  const now = options.now ?? Date.now();
  return { url: url.toString(), state, redirectUri, codeVerifier, expiresAt: now + (options.ttlMs ?? 600_000) };
}

function paramsOf(input: string | URL | URLSearchParams | Record<string, string>, part: 'query' | 'fragment'): URLSearchParams {
  try {
    if (input instanceof URLSearchParams) return input;
    if (typeof input === 'string' || input instanceof URL) {
      const text = String(input);
      // a bare `a=1&b=2` (or `?a=1`, `#a=1`) is the parameters themselves
      if (/^[?#]/.test(text)) return new URLSearchParams(text.slice(1));
      if (!/^[a-z][a-z0-9+.-]*:/i.test(text) && !/[/?#]/.test(text)) return new URLSearchParams(text);
      const url = new URL(text, 'http://callback.invalid');
      return new URLSearchParams(part === 'query' ? url.search : url.hash.replace(/^#/, ''));
    }
    if (!input || typeof input !== 'object') throw new TypeError('not parameters');
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(input)) if (typeof value === 'string') params.set(name, value);
    return params;
  } catch {
    throw new OAuth2CallbackError({ code: 'invalid_request', phase: 'callback', description: `the authorization response is not a valid ${part === 'query' ? 'redirect URL' : 'fragment'}` });
  }
}

export interface CallbackExpectations {
  state: string;
  /** RFC 9207: compare `iss` exactly when present (and require it when `requireIssuer`). */
  issuer?: string;
  requireIssuer?: boolean;
  redactor?: Redactor;
}

function checkCommon(params: URLSearchParams, expected: CallbackExpectations): void {
  const error = params.get('error');
  if (error) {
    throw new OAuth2CallbackError(
      { code: error, description: params.get('error_description') ?? undefined, phase: 'callback' },
      expected.redactor,
    );
  }
  const state = params.get('state');
  if (!state || !expected.state || state !== expected.state) {
    throw new OAuth2CallbackError({ code: 'state_mismatch', phase: 'callback', description: state ? 'the state does not match' : 'the response has no state' });
  }
  const iss = params.get('iss');
  if (expected.issuer && (iss !== null || expected.requireIssuer) && iss !== expected.issuer) {
    throw new OAuth2CallbackError({ code: 'issuer_mismatch', phase: 'callback', description: iss === null ? 'the response has no iss' : `iss is ${iss}, expected ${expected.issuer}` });
  }
}

/**
 * Parses the authorization code callback (RFC 6749 §4.1.2): the provider's error (e.g.
 * `access_denied`), the `state` echo, the RFC 9207 `iss`, and the code.
 */
export function parseAuthorizationCallback(
  input: string | URL | URLSearchParams | Record<string, string>,
  expected: CallbackExpectations,
): { code: string } {
  const params = paramsOf(input, 'query');
  checkCommon(params, expected);
  const code = params.get('code');
  if (!code) throw new OAuth2CallbackError({ code: 'invalid_request', phase: 'callback', description: 'the response has no authorization code' });
  return { code };
}

/** Parses an implicit-grant redirect fragment (`#access_token=…&token_type=…`). Legacy. */
export function parseImplicitFragment(input: string | URL, expected: CallbackExpectations, now = Date.now()): TokenSet {
  const params = paramsOf(input, 'fragment');
  checkCommon(params, expected);
  const accessToken = params.get('access_token');
  if (!accessToken) throw new OAuth2CallbackError({ code: 'invalid_response', phase: 'callback', description: 'the fragment has no access_token' });
  expected.redactor?.add(accessToken);
  const tokens: TokenSet = { accessToken, tokenType: normaliseTokenType(params.get('token_type') ?? undefined), obtainedAt: now };
  const expiresIn = parseExpiresIn(params.get('expires_in') ?? undefined);
  if (expiresIn !== undefined) tokens.expiresAt = now + expiresIn * 1000;
  const scope = params.get('scope');
  if (scope) tokens.scope = scope;
  return tokens;
}
