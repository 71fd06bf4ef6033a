// Bearer checks and fault handling for resource endpoints (Zendesk Chat API, generic API, webhooks).
import { applyApiShaping, isShortCircuit, sendShortCircuitFault } from './faults';
import { bearerToken, sendJson } from './http-util';
import type { Ctx } from './router';
import type { TokenRecord } from './tokens';
import type { FaultEndpoint, ProviderId } from './types';

const REASONS = {
  missing: 'No bearer token: send Authorization: Bearer <access token>',
  unknown: 'The access token is invalid',
  expired: 'The access token has expired',
  revoked: 'The access token has been revoked',
} as const;

/**
 * Applies the next queued fault for this endpoint. Returns true when a response was sent
 * (short-circuit fault); shaping faults only change the response format.
 */
export function applyResourceFault(ctx: Ctx, provider: ProviderId, endpoint: FaultEndpoint): boolean {
  const st = ctx.state;
  const fault = st.faults.peek(provider, endpoint);
  if (!fault) return false;
  st.faults.consume(fault);
  st.counters.faultsServed++;
  if (!isShortCircuit(fault.kind)) {
    applyApiShaping(ctx.res, fault);
    return false;
  }
  const request = { token: bearerToken(ctx.req), pathAndQuery: `${ctx.url.pathname}${ctx.url.search}`, foreignUrl: st.foreignUrl };
  if (sendShortCircuitFault(ctx.res, fault, endpoint === 'webhook' ? 'webhook' : 'api', '', request)) st.counters.rateLimited++;
  return true;
}

function challenge(error: 'invalid_token' | 'insufficient_scope', description: string, scope?: string): string {
  const scopePart = scope ? `, scope="${scope}"` : '';
  return `Bearer realm="sandbox", error="${error}", error_description="${description}"${scopePart}`;
}

/**
 * Verifies the bearer token of the request. On failure sends 401 (with
 * WWW-Authenticate: Bearer error="invalid_token") and returns null.
 */
export function requireBearer(ctx: Ctx, provider: ProviderId, style: 'api' | 'webhook'): TokenRecord | null {
  const token = bearerToken(ctx.req);
  const result = token ? ctx.state.tokens.checkAccess(token, provider) : ({ ok: false, reason: 'missing' } as const);
  if (result.ok) return result.record;
  const message = REASONS[result.reason];
  ctx.state.counters.bearerRejected[provider]++;
  if (result.reason === 'expired' && provider === 'generic' && ctx.state.config.genericExpiredTokenStyle === 'body-400') {
    sendJson(ctx.res, 400, { error: 'token_expired', message });
    return null;
  }
  const body = style === 'webhook' ? { error: 'unauthorized', message } : { error: 'invalid_token', error_description: message };
  sendJson(ctx.res, 401, body, { 'WWW-Authenticate': challenge('invalid_token', message) });
  return null;
}

/** Sends 403 insufficient_scope unless the token carries `scope`. Returns true when it is fine. */
export function requireScope(ctx: Ctx, record: TokenRecord, scope: string, style: 'api' | 'webhook'): boolean {
  if (record.scope.includes(scope)) return true;
  const message = `The access token lacks the scope ${scope}`;
  const body = style === 'webhook' ? { error: 'forbidden', message } : { error: 'insufficient_scope', error_description: message };
  sendJson(ctx.res, 403, body, { 'WWW-Authenticate': challenge('insufficient_scope', message, scope) });
  return false;
}
