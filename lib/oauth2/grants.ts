import { OAuth2ConfigError } from './errors';
import { GRANT } from './failure';
import { grantAssertion, type JwtBearerAssertion } from './jwt';
import { requestToken, scopeParam, type TokenRequestContext } from './token-request';
import type { TokenSet } from './types';

/** RFC 6749 §4.4: client credentials grant. */
export function clientCredentialsGrant(ctx: TokenRequestContext): Promise<TokenSet> {
  return requestToken(ctx, 'client_credentials', scopeParam(ctx.config));
}

/** RFC 6749 §4.3: resource owner password grant (legacy; for providers that need it). */
export function passwordGrant(ctx: TokenRequestContext, username: string, password: string): Promise<TokenSet> {
  if (!username) throw new OAuth2ConfigError('the password grant needs a username');
  ctx.redactor?.pin(password);
  return requestToken(ctx, 'password', { username, password, ...scopeParam(ctx.config) });
}

export interface CodeExchange {
  code: string;
  /** Must be identical to the `redirect_uri` of the authorize request (RFC 6749 §4.1.3). */
  redirectUri?: string;
  codeVerifier?: string;
}

/** RFC 6749 §4.1.3: exchanges an authorization code. */
export function authorizationCodeGrant(ctx: TokenRequestContext, exchange: CodeExchange): Promise<TokenSet> {
  if (!exchange.code) throw new OAuth2ConfigError('no authorization code to exchange');
  ctx.redactor?.add(exchange.code, exchange.codeVerifier);
  const params: Record<string, string> = { code: exchange.code };
  const redirectUri = exchange.redirectUri ?? ctx.config.redirectUri;
  if (redirectUri) params.redirect_uri = redirectUri;
  if (exchange.codeVerifier) params.code_verifier = exchange.codeVerifier;
  return requestToken(ctx, 'authorization_code', params);
}

/**
 * RFC 6749 §6: refresh. A response without `refresh_token` keeps the old one; a new one replaces
 * it (the caller must persist it before using the new access token).
 */
export async function refreshTokenGrant(ctx: TokenRequestContext, refreshToken: string): Promise<TokenSet> {
  const params: Record<string, string> = { refresh_token: refreshToken };
  if (ctx.config.scopeOnRefresh) Object.assign(params, scopeParam(ctx.config));
  const tokens = await requestToken(ctx, 'refresh_token', params);
  if (!tokens.refreshToken) tokens.refreshToken = refreshToken;
  return tokens;
}

/**
 * RFC 7523 §2.1: a signed assertion as the authorization grant (service accounts). The assertion is
 * signed anew for every request; scopes go in the request, or in the assertion when it says so.
 */
export function jwtBearerGrant(ctx: TokenRequestContext, assertion: JwtBearerAssertion): Promise<TokenSet> {
  if (!assertion.issuer) throw new OAuth2ConfigError('the JWT bearer grant needs an issuer (iss)');
  if (!assertion.signing.key) throw new OAuth2ConfigError('the JWT bearer grant needs a private key');
  ctx.redactor?.pin(assertion.signing.key);
  const { scope } = scopeParam(ctx.config);
  const signed = grantAssertion(assertion, ctx.config.tokenUrl, scope, (ctx.now ?? Date.now)());
  ctx.redactor?.add(signed);
  return requestToken(ctx, GRANT.jwtBearer, { assertion: signed, ...(scope && !assertion.scopeClaim ? { scope } : {}) });
}

/** RFC 8693 token type identifiers. */
export const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** What a token exchange (RFC 8693) trades: the subject token (or where to get it, asked at each exchange) and what to ask for. */
export interface TokenExchange {
  subjectToken: string | (() => string | Promise<string>);
  /** Default: an access token. */
  subjectTokenType?: string;
  requestedTokenType?: string;
  audience?: string;
}

/**
 * RFC 8693 §2.1: exchanges the subject token for a token for another audience or resource (the
 * configuration's `resource` is sent as always). The subject token is a secret: redacted.
 */
export async function tokenExchangeGrant(ctx: TokenRequestContext, exchange: TokenExchange): Promise<TokenSet> {
  const subject = typeof exchange.subjectToken === 'function' ? await exchange.subjectToken() : exchange.subjectToken;
  if (!subject) throw new OAuth2ConfigError('the token exchange has no subject token');
  ctx.redactor?.add(subject);
  const params: Record<string, string> = { subject_token: subject, subject_token_type: exchange.subjectTokenType || TOKEN_TYPE.accessToken, ...scopeParam(ctx.config) };
  if (exchange.requestedTokenType) params.requested_token_type = exchange.requestedTokenType;
  if (exchange.audience) params.audience = exchange.audience;
  return requestToken(ctx, GRANT.tokenExchange, params);
}
