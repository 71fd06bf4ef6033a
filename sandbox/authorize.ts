// The authorization endpoint shared by the providers: request checks, consent, the redirect back.
import { parseScope, unknownScope } from './grants';
import { mediaType, parseForm, readBody, redirect, sendHtml } from './http-util';
import { consentPage, errorPage } from './pages';
import type { Ctx } from './router';
import type { PendingAuthorization, SandboxState } from './state';
import { randomId } from './tokens';
import type { ProviderId } from './types';

export interface AuthorizeSpec {
  provider: ProviderId;
  label: string;
  /** Path the consent form posts to. */
  decisionPath: string;
  responseTypes: ReadonlyArray<'code' | 'token'>;
  redirectUriRequired: boolean;
  defaultScope: string[];
  /** null: any syntactically valid scope. */
  knownScopes: readonly string[] | null;
  /** 'required-for-public': public clients must send an S256 challenge. */
  pkce: 'optional' | 'required-for-public';
  /** The signed-in user who consents. */
  subject: (st: SandboxState) => string;
  /** RFC 9207 issuer added to responses, or null. */
  issuer: (ctx: Ctx) => string | null;
  /** Checks before the client is looked at; returns an error description for an error page. */
  precheck?: (params: URLSearchParams, st: SandboxState) => string | null;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Default rule: any http loopback URL (any port) without fragment or user info. */
export function isLoopbackRedirect(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname) && !uri.includes('#') && !u.username && !u.password;
}

export function redirectAllowed(registered: string[] | null, uri: string): boolean {
  return registered ? registered.includes(uri) : isLoopbackRedirect(uri);
}

function withParams(base: string, params: Record<string, string | undefined | null>, mode: 'query' | 'fragment'): string {
  const url = new URL(base);
  const extra = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) extra.append(k, v);
  if (mode === 'query') {
    for (const [k, v] of extra) url.searchParams.append(k, v);
  } else {
    url.hash = extra.toString();
  }
  return url.toString();
}

function showError(ctx: Ctx, spec: AuthorizeSpec, error: string, description: string, status = 400): void {
  sendHtml(ctx.res, status, errorPage(spec.label, error, description));
}

export function handleAuthorize(ctx: Ctx, spec: AuthorizeSpec): void {
  const { state: st, url, res } = ctx;
  st.countAuthorize(spec.provider);
  const q = url.searchParams;
  for (const name of new Set(q.keys())) {
    if (q.getAll(name).length > 1) return showError(ctx, spec, 'invalid_request', `The parameter "${name}" was given more than once.`);
  }
  const pre = spec.precheck?.(q, st);
  if (pre) return showError(ctx, spec, 'invalid_request', pre);

  const clientId = q.get('client_id');
  if (!clientId) return showError(ctx, spec, 'invalid_request', 'The client_id parameter is missing.');
  const client = st.findClient(spec.provider, clientId);
  if (!client) return showError(ctx, spec, 'invalid_client', 'Unknown client_id.');

  const registered = st.redirectUrisFor(spec.provider, client);
  const sent = q.get('redirect_uri');
  let redirectUri: string;
  if (sent !== null) {
    if (!redirectAllowed(registered, sent)) {
      return showError(ctx, spec, 'invalid_request', 'The redirect_uri is not registered for this client (registered URIs match exactly; by default any http://127.0.0.1:<port>/ or http://localhost:<port>/ URL).');
    }
    redirectUri = sent;
  } else if (spec.redirectUriRequired) {
    return showError(ctx, spec, 'invalid_request', 'The redirect_uri parameter is required.');
  } else if (registered && registered.length) {
    redirectUri = registered[0];
  } else {
    return showError(ctx, spec, 'invalid_request', 'No redirect_uri was given and the client has no registered redirect URI.');
  }

  const responseType = q.get('response_type');
  const stateParam = q.get('state') ?? undefined;
  const issuer = spec.issuer(ctx);
  const mode = responseType === 'token' && spec.responseTypes.includes('token') ? 'fragment' : 'query';
  const fail = (error: string, description: string): void =>
    redirect(res, withParams(redirectUri, { error, error_description: description, state: stateParam, iss: issuer }, mode));

  if (!responseType) return fail('invalid_request', 'The response_type parameter is missing');
  if (!(spec.responseTypes as readonly string[]).includes(responseType)) {
    return fail('unsupported_response_type', `response_type must be ${spec.responseTypes.join(' or ')}`);
  }
  const scope = parseScope(q.get('scope')) ?? spec.defaultScope;
  const bad = unknownScope(scope, spec.knownScopes, client);
  if (bad !== null) return fail('invalid_scope', `The scope "${bad}" is unknown or not allowed for this client`);

  let challenge: string | null = null;
  let method: 'S256' | 'plain' | null = null;
  if (responseType === 'code') {
    challenge = q.get('code_challenge');
    const m = q.get('code_challenge_method');
    if (challenge !== null) {
      if (!CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge must be 43-128 unreserved characters');
      if (m !== null && m !== 'S256' && m !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain');
      method = m === 'S256' ? 'S256' : 'plain';
    } else if (m !== null) {
      return fail('invalid_request', 'code_challenge_method was given without code_challenge');
    }
    if (spec.pkce === 'required-for-public' && client.public) {
      if (challenge === null) return fail('invalid_request', 'PKCE is required for public clients: send code_challenge');
      if (method !== 'S256') return fail('invalid_request', 'Public clients must use code_challenge_method=S256');
    }
  }

  const pending: Omit<PendingAuthorization, 'expiresAt'> = {
    provider: spec.provider,
    clientId: client.clientId,
    clientName: client.name ?? client.clientId,
    redirectUri,
    redirectUriSent: sent !== null,
    responseType: responseType as 'code' | 'token',
    scope,
    state: stateParam,
    codeChallenge: challenge,
    codeChallengeMethod: method,
    subject: spec.subject(st),
    issuer,
  };
  switch (st.config.consent) {
    case 'auto-approve':
      return complete(ctx, { ...pending, expiresAt: Date.now() }, true);
    case 'auto-deny':
      return complete(ctx, { ...pending, expiresAt: Date.now() }, false);
    default: {
      const id = randomId(18);
      st.addInteraction(id, pending);
      sendHtml(
        res,
        200,
        consentPage({
          providerLabel: spec.label,
          clientName: pending.clientName,
          clientId: client.clientId,
          user: pending.subject,
          scope,
          redirectUri,
          action: spec.decisionPath,
          interactionId: id,
        }),
      );
    }
  }
}

/** POST of the consent form. The interaction id is single use. */
export async function handleDecision(ctx: Ctx, spec: AuthorizeSpec): Promise<void> {
  const body = (await readBody(ctx.req)).toString('utf8');
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
    return showError(ctx, spec, 'invalid_request', 'The consent form must be posted as application/x-www-form-urlencoded.');
  }
  const form = parseForm(body);
  const decision = form.params.get('decision');
  if (decision !== 'approve' && decision !== 'deny') return showError(ctx, spec, 'invalid_request', 'decision must be approve or deny.');
  const id = form.params.get('interaction');
  const pending = id ? ctx.state.takeInteraction(id) : undefined;
  if (!pending || pending.provider !== spec.provider) {
    return showError(ctx, spec, 'invalid_request', 'Unknown, already used or expired consent interaction.');
  }
  complete(ctx, pending, decision === 'approve');
}

function complete(ctx: Ctx, pending: PendingAuthorization, approved: boolean): void {
  const st = ctx.state;
  const mode = pending.responseType === 'token' ? 'fragment' : 'query';
  if (!approved) {
    redirect(
      ctx.res,
      withParams(pending.redirectUri, { error: 'access_denied', error_description: 'The user denied the authorization request', state: pending.state, iss: pending.issuer }, mode),
    );
    return;
  }
  const grant = { provider: pending.provider, clientId: pending.clientId, scope: pending.scope, subject: pending.subject, chainId: st.tokens.newChain(), extras: {} };
  if (pending.responseType === 'code') {
    const code = st.tokens.createCode(
      {
        ...grant,
        redirectUri: pending.redirectUri,
        redirectUriSent: pending.redirectUriSent,
        codeChallenge: pending.codeChallenge,
        codeChallengeMethod: pending.codeChallengeMethod,
      },
      st.config.codeLifetimeSeconds,
    );
    redirect(ctx.res, withParams(pending.redirectUri, { code, state: pending.state, iss: pending.issuer }, 'query'));
    return;
  }
  const token = st.tokens.issue('access', { ...grant, grantType: 'implicit' }, st.config.accessTokenLifetime[pending.provider]);
  redirect(ctx.res, withParams(pending.redirectUri, { access_token: token, token_type: 'Bearer', scope: pending.scope.join(' '), state: pending.state }, 'fragment'));
}
