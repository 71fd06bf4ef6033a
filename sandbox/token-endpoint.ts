// The shared token-endpoint pipeline: count, record, apply faults, authenticate, run the grant.
import type { IncomingMessage } from 'node:http';
import { describeClientAuth, type ClientAuthResult } from './client-auth';
import { isShortCircuit, REFRESH_ONLY, sendShortCircuitFault, sendTokenResponse } from './faults';
import { mediaType, OAuthError, parseForm, readBody, sendOAuthError, type ParsedForm } from './http-util';
import type { Ctx } from './router';
import type { SandboxState } from './state';
import type { ClientRegistration, LastTokenRequest, ProviderId } from './types';

export interface GrantInput {
  st: SandboxState;
  client: ClientRegistration;
  params: Map<string, string>;
  /** The 'refresh-without-refresh-token' fault is active for this request. */
  suppressRotation: boolean;
}

export interface GrantResult {
  body: Record<string, unknown>;
  lifetime: number;
}

export type GrantHandler = (input: GrantInput) => GrantResult;

export interface TokenEndpointSpec {
  provider: ProviderId;
  /** 'refresh' = the generic separate refresh endpoint (counted separately). */
  counter: 'token' | 'refresh';
  authenticate: (req: IncomingMessage, form: ParsedForm, st: SandboxState) => ClientAuthResult;
  grants: Record<string, GrantHandler>;
}

const SECRET_PARAMS = new Set(['client_secret', 'password', 'code', 'code_verifier', 'refresh_token', 'client_assertion', 'assertion', 'access_token']);
const MULTI_PARAMS = ['resource', 'audience'];

function recordRequest(ctx: Ctx, spec: TokenEndpointSpec, form: ParsedForm): LastTokenRequest {
  const { method, clientId } = describeClientAuth(ctx.req, form);
  const params: Record<string, string> = {};
  for (const name of form.order) params[name] = SECRET_PARAMS.has(name) ? '<redacted>' : (form.params.get(name) ?? '');
  const record: LastTokenRequest = {
    provider: spec.provider,
    path: ctx.url.pathname,
    receivedAt: new Date().toISOString(),
    grantType: form.params.get('grant_type') ?? null,
    clientAuth: method,
    clientId,
    contentType: ctx.req.headers['content-type'] ?? null,
    paramNames: [...form.order],
    params,
  };
  ctx.state.counters.lastTokenRequest = record;
  ctx.state.counters.lastTokenRequestByProvider[spec.provider] = record;
  return record;
}

/** The secret half of an HTTP Basic header (RFC 6749 §2.3.1 form-encoded or raw), for the echo fault. */
function basicSecret(header: string | undefined): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const pair = Buffer.from(match[1], 'base64').toString('utf8');
  const secret = pair.slice(pair.indexOf(':') + 1);
  try {
    return decodeURIComponent(secret.replace(/\+/g, ' '));
  } catch {
    return secret;
  }
}

export async function handleTokenEndpoint(ctx: Ctx, spec: TokenEndpointSpec): Promise<void> {
  const { req, res, state: st } = ctx;
  const text = (await readBody(req)).toString('utf8');
  const isForm = mediaType(req) === 'application/x-www-form-urlencoded';
  const form = parseForm(isForm ? text : '', MULTI_PARAMS);
  const grantType = form.params.get('grant_type');
  if (spec.counter === 'token') st.countTokenRequest(spec.provider, grantType);
  else st.counters.refreshEndpointRequests++;
  const record = recordRequest(ctx, spec, form);
  const delay = st.config.tokenDelayMs[spec.provider];
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

  const fault = st.faults.peek(spec.provider, 'token', (kind) => !REFRESH_ONLY.has(kind) || grantType === 'refresh_token');
  if (fault && isShortCircuit(fault.kind)) {
    st.faults.consume(fault);
    st.counters.faultsServed++;
    const sent = form.params.get('refresh_token') ?? form.params.get('client_secret') ?? basicSecret(req.headers.authorization);
    if (sendShortCircuitFault(res, fault, 'token', form.params.get('scope') ?? '', { token: sent })) st.counters.rateLimited++;
    return;
  }
  try {
    if (!isForm) throw new OAuthError(400, 'invalid_request', 'The token request body must be application/x-www-form-urlencoded');
    if (form.duplicates.length) throw new OAuthError(400, 'invalid_request', `Parameters must not repeat: ${form.duplicates.join(', ')}`);
    const auth = spec.authenticate(req, form, st);
    record.clientAuth = auth.method;
    record.clientId = auth.client.clientId;
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'The grant_type parameter is missing');
    const handler = Object.prototype.hasOwnProperty.call(spec.grants, grantType) ? spec.grants[grantType] : undefined;
    if (!handler) throw new OAuthError(400, 'unsupported_grant_type', `The grant type "${grantType}" is not supported here`);
    const shaping = fault ? fault.kind : null;
    const result = handler({ st, client: auth.client, params: form.params, suppressRotation: shaping === 'refresh-without-refresh-token' });
    if (fault) {
      st.faults.consume(fault);
      st.counters.faultsServed++;
    }
    sendTokenResponse(res, result.body, shaping, result.lifetime);
  } catch (err) {
    if (err instanceof OAuthError) {
      sendOAuthError(res, err);
      return;
    }
    throw err;
  }
}

/** Drops undefined members so JSON key order stays as written. */
export function compact(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}
