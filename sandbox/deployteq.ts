// Deployteq: authorization code + client credentials with HTTP Basic client auth, string
// expires_in and lowercase "bearer", and the OAuth-protected webhook endpoint.
import { handleAuthorize, handleDecision, type AuthorizeSpec } from './authorize';
import { authenticateBasicOnly } from './client-auth';
import { issue, parseScope, redeemCode, refreshGrant, requireScope as requireGrantScope } from './grants';
import { OAuthError, readBody, sendJson } from './http-util';
import { applyResourceFault, requireBearer, requireScope } from './resource-auth';
import type { Router, Ctx } from './router';
import { compact, handleTokenEndpoint, type GrantResult, type TokenEndpointSpec } from './token-endpoint';
import type { Issued } from './grants';

export const DEPLOYTEQ_SCOPES = [
  'apps.webhook:execute',
  'offline_access',
  'crm.customer:read',
  'crm.inbox.inboxes:read',
  'crm.inbox.messages:read',
  'crm.inbox.messages:update',
  'crm.inbox.messages:delete',
] as const;

const WEBHOOK_SCOPE = 'apps.webhook:execute';
/** The Deployteq user who registered the application (and gives consent). */
const DEPLOYTEQ_USER = 'admin@deployteq.test';
const MAX_KEPT_DELIVERIES = 50_000;

export const DEPLOYTEQ_PATHS = {
  authorize: '/deployteq/oauth2/auth',
  decision: '/deployteq/oauth2/auth/decision',
  token: '/deployteq/oauth2/token',
  webhook: '/deployteq/webhook/:id',
  webhookLegacy: '/app/api/rest/public/v2/project/datahook/data-receiver/:id',
};

const authorizeSpec: AuthorizeSpec = {
  provider: 'deployteq',
  label: 'Deployteq',
  decisionPath: DEPLOYTEQ_PATHS.decision,
  responseTypes: ['code'],
  redirectUriRequired: false,
  defaultScope: [WEBHOOK_SCOPE],
  knownScopes: DEPLOYTEQ_SCOPES,
  pkce: 'optional',
  subject: () => DEPLOYTEQ_USER,
  issuer: () => null,
};

function tokenBody(issued: Issued, scope: string[]): GrantResult {
  return {
    body: compact({
      access_token: issued.accessToken,
      expires_in: String(issued.lifetime),
      scope: scope.join(' '),
      token_type: 'bearer',
      refresh_token: issued.refreshToken,
      refresh_token_expires_in: issued.refreshLifetime ?? undefined,
    }),
    lifetime: issued.lifetime,
  };
}

const tokenSpec: TokenEndpointSpec = {
  provider: 'deployteq',
  counter: 'token',
  authenticate: (req, form, st) => authenticateBasicOnly(req, form, st.config.clients.deployteq),
  grants: {
    client_credentials: ({ st, client, params }) => {
      const scope = parseScope(params.get('scope')) ?? [WEBHOOK_SCOPE];
      requireGrantScope(scope, DEPLOYTEQ_SCOPES, client);
      if (scope.includes('offline_access')) {
        throw new OAuthError(400, 'invalid_scope', 'offline_access is only available with the authorization code grant');
      }
      const grant = { provider: 'deployteq' as const, clientId: client.clientId, scope, subject: client.clientId, grantType: 'client_credentials', chainId: st.tokens.newChain(), extras: {} };
      return tokenBody(issue(st, grant, false), scope);
    },
    authorization_code: ({ st, client, params }) => {
      const code = redeemCode(st, 'deployteq', client, params, { rejectVerifierWithoutChallenge: false });
      const grant = { provider: 'deployteq' as const, clientId: client.clientId, scope: code.scope, subject: code.subject, grantType: 'authorization_code', chainId: code.chainId, extras: {} };
      return tokenBody(issue(st, grant, code.scope.includes('offline_access')), code.scope);
    },
    refresh_token: ({ st, client, params, suppressRotation }) => {
      const issued = refreshGrant(st, 'deployteq', client, params, suppressRotation);
      return tokenBody(issued, issued.scope);
    },
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deployteq's documented limit of one webhook body. */
const WEBHOOK_MAX_BODY_BYTES = 6_000_000;

async function webhook(ctx: Ctx): Promise<void> {
  const st = ctx.state;
  st.counters.webhookRequests++;
  let raw: Buffer;
  try {
    raw = await readBody(ctx.req, WEBHOOK_MAX_BODY_BYTES);
  } catch {
    ctx.req.resume();
    sendJson(ctx.res, 413, { error: 'payload_too_large', message: 'The webhook body may be at most 6 MB' });
    return;
  }
  if (applyResourceFault(ctx, 'deployteq', 'webhook')) return;
  const record = requireBearer(ctx, 'deployteq', 'webhook');
  if (!record || !requireScope(ctx, record, WEBHOOK_SCOPE, 'webhook')) return;
  // the brand's calls today (one brand per sandbox), counted like Deployteq's X-Clang-Request-Count
  st.counters.deployteqWebhookCallsToday++;
  ctx.res.setHeader('X-Clang-Request-Count', String(st.counters.deployteqWebhookCallsToday));
  if (st.counters.deployteqWebhookCallsToday > st.config.deployteqDailyCap) {
    sendJson(ctx.res, 429, { error: 'too_many_requests', message: `The daily limit of ${st.config.deployteqDailyCap} webhook calls is reached` });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    sendJson(ctx.res, 400, { error: 'bad_request', message: 'The body must be a JSON object or an array of objects' });
    return;
  }
  const items = Array.isArray(body) ? body : [body];
  if (!items.every(isPlainObject)) {
    sendJson(ctx.res, 400, { error: 'bad_request', message: 'The body must be a JSON object or an array of objects' });
    return;
  }
  const records = items.map((item) => ({ ...item, id: st.nextRecordId++ }));
  if (st.deliveries.length >= MAX_KEPT_DELIVERIES) st.deliveries.splice(0, MAX_KEPT_DELIVERIES / 10);
  st.deliveries.push({
    webhookId: ctx.params.id,
    path: ctx.url.pathname,
    body,
    receivedAt: new Date().toISOString(),
    authorization: 'Bearer <redacted>',
  });
  st.counters.deliveries++;
  sendJson(ctx.res, 200, { received: records.length, records });
}

export function mountDeployteq(router: Router): void {
  router.add('GET', DEPLOYTEQ_PATHS.authorize, (ctx) => handleAuthorize(ctx, authorizeSpec));
  router.add('POST', DEPLOYTEQ_PATHS.decision, (ctx) => handleDecision(ctx, authorizeSpec));
  router.add('POST', DEPLOYTEQ_PATHS.token, (ctx) => handleTokenEndpoint(ctx, tokenSpec));
  router.add('POST', DEPLOYTEQ_PATHS.webhook, webhook);
  router.add('POST', DEPLOYTEQ_PATHS.webhookLegacy, webhook);
}
