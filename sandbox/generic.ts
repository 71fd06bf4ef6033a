// A standards-following OAuth 2.0 server for the generic client: every client-auth placement,
// PKCE, password grant, rotation, an optional separate refresh endpoint and a protected /api/me.
import { handleAuthorize, handleDecision, type AuthorizeSpec } from './authorize';
import { authenticateAny, invalidClient, type ClientAuthResult } from './client-auth';
import { issue, parseScope, redeemCode, refreshGrant, requireScope, type Issued } from './grants';
import { OAuthError, parseForm, readBody, sendJson, sendOAuthError } from './http-util';
import { applyResourceFault, requireBearer } from './resource-auth';
import type { Ctx, Router } from './router';
import { compact, handleTokenEndpoint, type GrantHandler, type GrantResult, type TokenEndpointSpec } from './token-endpoint';
import type { ClientRegistration } from './types';

export const GENERIC_PATHS = {
  authorize: '/generic/oauth2/authorize',
  decision: '/generic/oauth2/authorize/decision',
  token: '/generic/oauth2/token',
  refresh: '/generic/oauth2/refresh',
  me: '/generic/api/me',
  /** RFC 7009 token revocation. */
  revoke: '/generic/oauth2/revoke',
  /** Always 400 {"error":"invalid_input"} for a valid token: an error that has nothing to do with the token. */
  badRequest: '/generic/api/bad-request',
  metadata: '/generic/.well-known/oauth-authorization-server',
  /** RFC 8414 §3.1 location for the issuer http://host/generic. */
  metadataRfc8414: '/.well-known/oauth-authorization-server/generic',
};

const DEFAULT_SCOPE = ['read'];
const EXTRA_PARAMS = ['audience', 'resource'];

function issuer(ctx: Ctx): string {
  return `${ctx.baseUrl}/generic`;
}

const authorizeSpec: AuthorizeSpec = {
  provider: 'generic',
  label: 'Generic OAuth2',
  decisionPath: GENERIC_PATHS.decision,
  responseTypes: ['code'],
  redirectUriRequired: false,
  defaultScope: DEFAULT_SCOPE,
  knownScopes: null,
  pkce: 'required-for-public',
  subject: (st) => st.config.genericUser.username,
  issuer: (ctx) => (ctx.state.config.genericIssParameter ? issuer(ctx) : null),
};

function extras(params: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of EXTRA_PARAMS) {
    const v = params.get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function tokenBody(issued: Issued, scope: string[]): GrantResult {
  return {
    body: compact({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.lifetime,
      refresh_token: issued.refreshToken,
      refresh_token_expires_in: issued.refreshLifetime ?? undefined,
      scope: scope.join(' '),
    }),
    lifetime: issued.lifetime,
  };
}

function confidentialOnly(client: ClientRegistration, grant: string): void {
  if (client.public) throw new OAuthError(400, 'unauthorized_client', `Public clients may not use the ${grant} grant`);
}

const refreshHandler: GrantHandler = ({ st, client, params, suppressRotation }) => {
  const issued = refreshGrant(st, 'generic', client, params, suppressRotation);
  return tokenBody(issued, issued.scope);
};

const grants: Record<string, GrantHandler> = {
  authorization_code: ({ st, client, params }) => {
    const code = redeemCode(st, 'generic', client, params, { rejectVerifierWithoutChallenge: true });
    const grant = { provider: 'generic' as const, clientId: client.clientId, scope: code.scope, subject: code.subject, grantType: 'authorization_code', chainId: code.chainId, extras: extras(params) };
    return tokenBody(issue(st, grant, true), code.scope);
  },
  client_credentials: ({ st, client, params }) => {
    confidentialOnly(client, 'client_credentials');
    const scope = parseScope(params.get('scope')) ?? DEFAULT_SCOPE;
    requireScope(scope, null, client);
    const grant = { provider: 'generic' as const, clientId: client.clientId, scope, subject: client.clientId, grantType: 'client_credentials', chainId: st.tokens.newChain(), extras: extras(params) };
    return tokenBody(issue(st, grant, false), scope);
  },
  password: ({ st, client, params }) => {
    const username = params.get('username');
    const password = params.get('password');
    if (username === undefined || password === undefined) throw new OAuthError(400, 'invalid_request', 'username and password are required');
    const user = st.config.genericUser;
    if (username !== user.username || password !== user.password) throw new OAuthError(400, 'invalid_grant', 'Invalid username or password');
    const scope = parseScope(params.get('scope')) ?? DEFAULT_SCOPE;
    requireScope(scope, null, client);
    const grant = { provider: 'generic' as const, clientId: client.clientId, scope, subject: user.username, grantType: 'password', chainId: st.tokens.newChain(), extras: extras(params) };
    return tokenBody(issue(st, grant, true), scope);
  },
  refresh_token: refreshHandler,
};

const tokenSpec: TokenEndpointSpec = {
  provider: 'generic',
  counter: 'token',
  authenticate: (req, form, st) => allowedMethod(authenticateAny(req, form, st.config.clients.generic, st.config.genericBasicDecoding), st.config.genericAuthMethods),
  grants,
};

/** Refuses a client authentication method the server does not offer (`genericAuthMethods`). */
function allowedMethod(result: ClientAuthResult, allowed: readonly string[]): ClientAuthResult {
  const name = result.method === 'client_secret_basic_raw' ? 'client_secret_basic' : result.method;
  if (!allowed.includes(name)) throw invalidClient(`This server does not accept ${name} client authentication (it offers ${allowed.join(', ')})`, allowed.includes('client_secret_basic'));
  return result;
}

const refreshSpec: TokenEndpointSpec = { ...tokenSpec, counter: 'refresh', grants: { refresh_token: refreshHandler } };

function me(ctx: Ctx): void {
  ctx.state.countApi('generic');
  ctx.req.resume();
  if (applyResourceFault(ctx, 'generic', 'api')) return;
  const record = requireBearer(ctx, 'generic', 'api');
  if (!record) return;
  sendJson(ctx.res, 200, {
    sub: record.subject,
    client_id: record.clientId,
    scope: record.scope.join(' '),
    grant_type: record.grantType,
    exp: record.expiresAt === null ? null : Math.floor(record.expiresAt / 1000),
    ...record.extras,
  });
}

/**
 * RFC 7009: revokes the token and every token of its grant; 200 also for unknown tokens (§2.2).
 * Authenticates the client as the token endpoint does; a token of another client is left alone.
 */
async function revoke(ctx: Ctx): Promise<void> {
  const st = ctx.state;
  st.counters.revocationRequests++;
  const mode = st.config.genericRevocation;
  const text = (await readBody(ctx.req)).toString('utf8');
  if (mode === 'off') {
    sendJson(ctx.res, 404, { error: 'not_found', message: 'This server has no revocation endpoint' });
    return;
  }
  if (mode === 'fail') {
    sendJson(ctx.res, 503, { error: 'temporarily_unavailable', error_description: 'Revocation is unavailable (sandbox setting)' });
    return;
  }
  const form = parseForm(text, []);
  try {
    const { client } = tokenSpec.authenticate(ctx.req, form, st);
    const token = form.params.get('token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'The token parameter is missing');
    const record = st.tokens.find(token, 'refresh', 'generic') ?? st.tokens.find(token, 'access', 'generic');
    if (record && record.clientId === client.clientId) st.counters.tokensRevoked += st.tokens.revokeChain(record.chainId);
    ctx.res.writeHead(200, { 'Cache-Control': 'no-store' });
    ctx.res.end();
  } catch (err) {
    if (err instanceof OAuthError) sendOAuthError(ctx.res, err);
    else throw err;
  }
}

function badRequest(ctx: Ctx): void {
  ctx.state.countApi('generic');
  ctx.req.resume();
  if (applyResourceFault(ctx, 'generic', 'api')) return;
  if (!requireBearer(ctx, 'generic', 'api')) return;
  sendJson(ctx.res, 400, { error: 'invalid_input', message: 'The field "name" is required' });
}

function metadata(ctx: Ctx): void {
  const base = ctx.baseUrl;
  sendJson(ctx.res, 200, {
    issuer: issuer(ctx),
    authorization_endpoint: `${base}${GENERIC_PATHS.authorize}`,
    token_endpoint: `${base}${GENERIC_PATHS.token}`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
    token_endpoint_auth_methods_supported: ctx.state.config.genericAuthMethods,
    ...(ctx.state.config.genericRevocation === 'off' ? {} : { revocation_endpoint: `${base}${GENERIC_PATHS.revoke}` }),
    code_challenge_methods_supported: ['S256', 'plain'],
    authorization_response_iss_parameter_supported: ctx.state.config.genericIssParameter,
  });
}

export function mountGeneric(router: Router): void {
  router.add('GET', GENERIC_PATHS.authorize, (ctx) => handleAuthorize(ctx, authorizeSpec));
  router.add('POST', GENERIC_PATHS.decision, (ctx) => handleDecision(ctx, authorizeSpec));
  router.add('POST', GENERIC_PATHS.token, (ctx) => handleTokenEndpoint(ctx, tokenSpec));
  router.add('POST', GENERIC_PATHS.refresh, (ctx) => {
    if (!ctx.state.config.genericRefreshEndpoint) {
      ctx.req.resume();
      sendJson(ctx.res, 404, { error: 'not_found', message: 'The separate refresh endpoint is disabled (genericRefreshEndpoint: false)' });
      return;
    }
    return handleTokenEndpoint(ctx, refreshSpec);
  });
  router.add('GET', GENERIC_PATHS.me, me);
  router.add('GET', GENERIC_PATHS.badRequest, badRequest);
  router.add('POST', GENERIC_PATHS.revoke, revoke);
  router.add('GET', GENERIC_PATHS.metadata, metadata);
  router.add('GET', GENERIC_PATHS.metadataRfc8414, metadata);
}
