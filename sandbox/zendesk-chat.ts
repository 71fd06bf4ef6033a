// Zendesk Chat OAuth on the current host (/zendesk, the account subdomain) and the legacy host
// (/zopim, www.zopim.com): client auth in the body only, no expires_in, rotating refresh tokens.
import { handleAuthorize, handleDecision, type AuthorizeSpec } from './authorize';
import { authenticateBodyOnly } from './client-auth';
import { issue, parseScope, redeemCode, refreshGrant, requireScope, type Issued } from './grants';
import { OAuthError } from './http-util';
import type { Router } from './router';
import { compact, handleTokenEndpoint, type GrantResult, type TokenEndpointSpec } from './token-endpoint';
import { mountZendeskApi } from './zendesk-api';

export const ZENDESK_SCOPES = ['read', 'write', 'chat'] as const;

export const ZENDESK_PATHS = {
  current: {
    authorize: '/zendesk/oauth2/chat/authorizations/new',
    decision: '/zendesk/oauth2/chat/authorizations/decision',
    token: '/zendesk/oauth2/chat/token',
    api: '/zendesk/api/v2/chat',
  },
  legacy: {
    authorize: '/zopim/oauth2/authorizations/new',
    decision: '/zopim/oauth2/authorizations/decision',
    token: '/zopim/oauth2/token',
    api: '/zopim/api/v2',
  },
};

function authorizeSpec(host: 'current' | 'legacy'): AuthorizeSpec {
  return {
    provider: 'zendesk',
    label: host === 'current' ? 'Zendesk Chat' : 'Zendesk Chat (zopim.com)',
    decisionPath: ZENDESK_PATHS[host].decision,
    responseTypes: ['code', 'token'],
    redirectUriRequired: true,
    defaultScope: ['read'],
    knownScopes: ZENDESK_SCOPES,
    pkce: 'optional',
    subject: (st) => st.config.zendeskUser.email,
    issuer: () => null,
    precheck:
      host === 'current'
        ? (q, st) => {
            const sub = q.get('subdomain');
            if (!sub) return 'The subdomain parameter is required on the account host.';
            return sub === st.config.zendeskSubdomain ? null : `Unknown subdomain "${sub}".`;
          }
        : undefined,
  };
}

function tokenBody(issued: Issued, scope: string[]): GrantResult {
  return {
    body: compact({ access_token: issued.accessToken, refresh_token: issued.refreshToken, refresh_token_expires_in: issued.refreshLifetime ?? undefined, token_type: 'Bearer', scope: scope.join(' ') }),
    lifetime: issued.lifetime,
  };
}

const tokenSpec: TokenEndpointSpec = {
  provider: 'zendesk',
  counter: 'token',
  authenticate: (req, form, st) => authenticateBodyOnly(req, form, st.config.clients.zendesk),
  grants: {
    authorization_code: ({ st, client, params }) => {
      const code = redeemCode(st, 'zendesk', client, params, { rejectVerifierWithoutChallenge: false });
      const grant = { provider: 'zendesk' as const, clientId: client.clientId, scope: code.scope, subject: code.subject, grantType: 'authorization_code', chainId: code.chainId, extras: {} };
      return tokenBody(issue(st, grant, true), code.scope);
    },
    password: ({ st, client, params }) => {
      const username = params.get('username');
      const password = params.get('password');
      if (username === undefined || password === undefined) throw new OAuthError(400, 'invalid_request', 'username and password are required');
      const user = st.config.zendeskUser;
      if (username.toLowerCase() !== user.email.toLowerCase() || password !== user.password) {
        throw new OAuthError(400, 'invalid_grant', 'Invalid username or password');
      }
      const scope = parseScope(params.get('scope')) ?? ['read'];
      requireScope(scope, ZENDESK_SCOPES, client);
      const grant = { provider: 'zendesk' as const, clientId: client.clientId, scope, subject: user.email, grantType: 'password', chainId: st.tokens.newChain(), extras: {} };
      return tokenBody(issue(st, grant, true), scope);
    },
    client_credentials: ({ st, client, params }) => {
      const scope = parseScope(params.get('scope')) ?? ['read'];
      requireScope(scope, ZENDESK_SCOPES, client);
      // Actions are logged as the admin who created the client.
      const grant = { provider: 'zendesk' as const, clientId: client.clientId, scope, subject: st.dataset.admin.email, grantType: 'client_credentials', chainId: st.tokens.newChain(), extras: {} };
      return tokenBody(issue(st, grant, false), scope);
    },
    refresh_token: ({ st, client, params, suppressRotation }) => {
      const issued = refreshGrant(st, 'zendesk', client, params, suppressRotation);
      return tokenBody(issued, issued.scope);
    },
  },
};

export function mountZendesk(router: Router): void {
  for (const host of ['current', 'legacy'] as const) {
    const spec = authorizeSpec(host);
    const paths = ZENDESK_PATHS[host];
    router.add('GET', paths.authorize, (ctx) => handleAuthorize(ctx, spec));
    router.add('POST', paths.decision, (ctx) => handleDecision(ctx, spec));
    router.add('POST', paths.token, (ctx) => handleTokenEndpoint(ctx, tokenSpec));
    mountZendeskApi(router, paths.api);
  }
}
