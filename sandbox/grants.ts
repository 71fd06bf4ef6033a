// Grant logic shared by the providers: scopes, code redemption (with PKCE), refresh with rotation.
import { createHash } from 'node:crypto';
import { OAuthError } from './http-util';
import type { SandboxState } from './state';
import type { CodeRecord, TokenGrant, TokenRecord } from './tokens';
import type { ClientRegistration, ProviderId } from './types';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Splits a scope parameter (space separated) into unique tokens; undefined/empty → null. */
export function parseScope(value: string | undefined | null): string[] | null {
  if (value === undefined || value === null) return null;
  const parts = value.split(' ').filter((s) => s !== '');
  return parts.length ? [...new Set(parts)] : null;
}

/**
 * Returns the first scope the client may not have, or null when all are fine.
 * known = null: any syntactically valid scope token is known.
 */
export function unknownScope(scope: string[], known: readonly string[] | null, client: ClientRegistration): string | null {
  for (const s of scope) {
    if (!SCOPE_TOKEN.test(s)) return s;
    if (known && !known.includes(s)) return s;
    if (client.scopes && !client.scopes.includes(s)) return s;
  }
  return null;
}

export function requireScope(scope: string[], known: readonly string[] | null, client: ClientRegistration): void {
  const bad = unknownScope(scope, known, client);
  if (bad !== null) throw new OAuthError(400, 'invalid_scope', `The scope "${bad}" is unknown or not allowed for this client`);
}

export function pkceChallenge(verifier: string, method: 'S256' | 'plain'): string {
  return method === 'plain' ? verifier : createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface RedeemCodeOptions {
  /** RFC 9700 §2.1.1: refuse a code_verifier when the authorization request had no challenge. */
  rejectVerifierWithoutChallenge: boolean;
}

/** Redeems an authorization code (single use: reuse revokes what the code produced). */
export function redeemCode(
  st: SandboxState,
  provider: ProviderId,
  client: ClientRegistration,
  params: Map<string, string>,
  options: RedeemCodeOptions,
): CodeRecord {
  const code = params.get('code');
  if (!code) throw new OAuthError(400, 'invalid_request', 'The code parameter is missing');
  const record = st.tokens.findCode(code);
  if (!record || record.provider !== provider) throw new OAuthError(400, 'invalid_grant', 'The authorization code is unknown');
  if (record.used) {
    st.tokens.revokeChain(record.chainId);
    throw new OAuthError(400, 'invalid_grant', 'The authorization code was already used; tokens issued for it have been revoked');
  }
  record.used = true;
  if (record.expiresAt < Date.now()) throw new OAuthError(400, 'invalid_grant', 'The authorization code has expired');
  if (record.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'The authorization code was issued to another client');
  const redirectUri = params.get('redirect_uri');
  if (record.redirectUriSent) {
    if (redirectUri === undefined) {
      throw new OAuthError(400, 'invalid_grant', 'redirect_uri is required because it was included in the authorization request');
    }
    if (redirectUri !== record.redirectUri) {
      throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the one in the authorization request');
    }
  } else if (redirectUri !== undefined && redirectUri !== record.redirectUri) {
    throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the registered redirect URI used for the authorization');
  }
  const verifier = params.get('code_verifier');
  if (record.codeChallenge !== null && record.codeChallengeMethod !== null) {
    if (verifier === undefined) throw new OAuthError(400, 'invalid_grant', 'code_verifier is required (PKCE)');
    if (!VERIFIER.test(verifier)) throw new OAuthError(400, 'invalid_grant', 'code_verifier must be 43-128 unreserved characters (RFC 7636)');
    if (pkceChallenge(verifier, record.codeChallengeMethod) !== record.codeChallenge) {
      throw new OAuthError(400, 'invalid_grant', 'PKCE verification failed: code_verifier does not match code_challenge');
    }
  } else if (verifier !== undefined && options.rejectVerifierWithoutChallenge) {
    throw new OAuthError(400, 'invalid_grant', 'code_verifier was sent but the authorization request had no code_challenge');
  }
  return record;
}

export interface RefreshOutcome {
  record: TokenRecord;
  /** Scope for the new access token (narrowed when the request asked for less). */
  scope: string[];
}

/** Validates a refresh token; reuse of a rotated one revokes its whole chain. */
export function redeemRefresh(st: SandboxState, provider: ProviderId, client: ClientRegistration, params: Map<string, string>): RefreshOutcome {
  const token = params.get('refresh_token');
  if (!token) throw new OAuthError(400, 'invalid_request', 'The refresh_token parameter is missing');
  const record = st.tokens.find(token, 'refresh', provider);
  if (!record) throw new OAuthError(400, 'invalid_grant', 'The refresh token is unknown');
  if (record.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token was issued to another client');
  if (record.revoked) throw new OAuthError(400, 'invalid_grant', 'The refresh token has been revoked; reconnect');
  if (record.expiresAt !== null && record.expiresAt <= Date.now()) throw new OAuthError(400, 'invalid_grant', 'The refresh token has expired; reconnect');
  if (record.rotated) {
    st.counters.refreshTokenReuse++;
    st.tokens.revokeChain(record.chainId);
    throw new OAuthError(400, 'invalid_grant', 'The refresh token was already used (rotated); every token of this grant has been revoked; reconnect');
  }
  const requested = parseScope(params.get('scope'));
  if (requested) {
    const extra = requested.find((s) => !record.scope.includes(s));
    if (extra !== undefined) throw new OAuthError(400, 'invalid_scope', `The scope "${extra}" exceeds the scope originally granted`);
  }
  return { record, scope: requested ?? record.scope };
}

export interface Issued {
  accessToken: string;
  refreshToken: string | null;
  lifetime: number;
  /** Seconds the refresh token lives (`refresh_token_expires_in`), when the provider's are limited. */
  refreshLifetime: number | null;
}

/** Issues an access token and, when asked, a refresh token in the same chain. */
export function issue(st: SandboxState, grant: TokenGrant, withRefresh: boolean, refreshScope?: string[]): Issued {
  const lifetime = st.config.accessTokenLifetime[grant.provider];
  const refreshLifetime = st.config.refreshTokenLifetime[grant.provider];
  const accessToken = st.tokens.issue('access', grant, lifetime);
  const refreshToken = withRefresh ? st.tokens.issue('refresh', { ...grant, scope: refreshScope ?? grant.scope }, refreshLifetime) : null;
  return { accessToken, refreshToken, lifetime, refreshLifetime: refreshToken ? refreshLifetime : null };
}

/**
 * The refresh_token grant: issues a new access token, and under rotation a new refresh token
 * (the presented one becomes invalid). `suppressRotation` keeps the old refresh token valid and
 * omits refresh_token from the response.
 */
export function refreshGrant(
  st: SandboxState,
  provider: ProviderId,
  client: ClientRegistration,
  params: Map<string, string>,
  suppressRotation: boolean,
): Issued & { scope: string[] } {
  const { record, scope } = redeemRefresh(st, provider, client, params);
  const rotate = st.config.rotateRefreshTokens[provider] && !suppressRotation;
  const grant: TokenGrant = { provider, clientId: client.clientId, scope, subject: record.subject, grantType: 'refresh_token', chainId: record.chainId, extras: record.extras };
  if (rotate) record.rotated = true;
  const issued = issue(st, grant, rotate, record.scope);
  return { ...issued, scope };
}
