/**
 * Editor ("admin") routes of the config nodes:
 *
 *   POST /oauth2-connectors/<type>/<id>/authorize   (needs <type>.write)  start the code flow
 *   GET  /oauth2-connectors/callback                (no auth: state-checked) the provider's redirect
 *   GET  /oauth2-connectors/<type>/<id>/status      (needs <type>.read)   authorized? scopes? expiry?
 *   POST /oauth2-connectors/<type>/<id>/test        (needs <type>.write)  client credentials / password
 *
 * The browser reaches the callback without the editor's bearer token, so the callback itself
 * cannot require a permission: it accepts only a state created by an authenticated start call,
 * single use, expiring after 10 minutes and bound to one config node, and the code exchange uses
 * PKCE S256. Unsaved settings and newly typed secrets arrive in the authenticated POST body, never
 * in a URL; the callback page never shows a token.
 */
import { createAuthorizationRequest, parseAuthorizationCallback, type PendingAuthorization } from '../../lib/oauth2/authorize';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { PendingAuthorizationStore } from '../../lib/oauth2/pending-authorizations';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { TokenSet } from '../../lib/oauth2/types';
import { BUILDERS, CONFIG_TYPES, CREDENTIALS, type BuiltConfig, type ConfigType, type Credentials, type Settings } from './builders';
import { connectionFor, safeMessage, storedSummary, summarise, type TokenSummary } from './connection';
import type { AdminRequest, AdminResponse, Handler, RED } from './red';
import { tokenStoreFor } from './token-store';

export const ROUTE_PREFIX = 'oauth2-connectors';
export const CALLBACK_PATH = `${ROUTE_PREFIX}/callback`;
const PENDING_TTL_MS = 10 * 60_000;
const PLACEHOLDER = '__PWRD__';

interface Owner {
  nodeId: string;
  type: ConfigType;
  built: BuiltConfig;
}

interface Attempt {
  status: 'pending' | 'success' | 'error';
  startedAt: number;
  finishedAt?: number;
  message?: string;
  tokens?: TokenSummary;
}

const pending = new PendingAuthorizationStore<Owner>(200);
const attempts = new Map<string, Attempt>();
const registered = new WeakSet<object>();

/** The admin root as a path with leading and trailing slash ("/" or "/admin/"). */
export function adminRoot(RED: RED): string {
  const root = typeof RED.settings.httpAdminRoot === 'string' ? RED.settings.httpAdminRoot : '/';
  return `/${root.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(res: AdminResponse, status: number, title: string, message: string): void {
  const ok = status < 400;
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#333}
h1{font-size:1.4em;color:${ok ? '#2e7d32' : '#c62828'}}</style></head>
<body><h1 id="result" data-status="${ok ? 'success' : 'error'}">${escapeHtml(title)}</h1><p id="message">${escapeHtml(message)}</p>
<p>You may close this window and return to the Node-RED editor.</p></body></html>`;
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(html);
}

function json(res: AdminResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

function bodyOf(req: AdminRequest): { settings?: Settings; credentials?: Credentials; redirectUri?: string } {
  const body = req.body;
  return body && typeof body === 'object' ? (body as { settings?: Settings; credentials?: Credentials; redirectUri?: string }) : {};
}

/** Typed-in secrets from the dialog win; the placeholder or an empty field means "the deployed one". */
function mergeCredentials(RED: RED, type: ConfigType, id: string, typed: Credentials | undefined): Credentials {
  const stored = (RED.nodes.getCredentials(id) ?? {}) as Credentials;
  const out: Credentials = {};
  for (const field of Object.keys(CREDENTIALS[type])) {
    const value = typed?.[field];
    out[field] = typeof value === 'string' && value !== '' && value !== PLACEHOLDER ? value : stored[field];
  }
  return out;
}

function checkRedirectUri(RED: RED, value: unknown): string {
  if (typeof value !== 'string' || !value) throw new TypeError('the redirect URI is missing');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError('the redirect URI is not a valid URL');
  }
  const expected = adminRoot(RED) + CALLBACK_PATH;
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== expected || url.search || url.hash || url.username || url.password) {
    throw new TypeError(`the redirect URI must be <editor address>${expected}`);
  }
  return url.toString();
}

function tokensOf(id: string, RED: RED): TokenSummary {
  const live = connectionFor(id);
  if (live) return live.summary();
  return storedSummary(RED, id) ?? { authorized: false, state: 'empty', hasRefreshToken: false };
}

/** Where new tokens go: the running config node (persisted by its hook) or, if not deployed yet, the store. */
async function installTokens(RED: RED, owner: Owner, tokens: TokenSet): Promise<void> {
  const live = connectionFor(owner.nodeId);
  if (live && live.type === owner.type && live.built?.fingerprint === owner.built.fingerprint) {
    await live.install(tokens);
    return;
  }
  await tokenStoreFor(RED.settings).write({ nodeId: owner.nodeId, fingerprint: owner.built.fingerprint, tokens, savedAt: Date.now() });
}

function fail(res: AdminResponse, error: unknown, status = 400): void {
  json(res, status, { error: safeMessage(error) });
}

export function registerAdminRoutes(RED: RED): void {
  const app = RED.httpAdmin;
  if (!app || registered.has(app)) return;
  registered.add(app);
  const permission = (p: string): Handler => (RED.auth?.needsPermission ? RED.auth.needsPermission(p) : (_req, _res, next) => next?.());

  for (const type of CONFIG_TYPES) {
    app.post(`/${ROUTE_PREFIX}/${type}/:id/authorize`, permission(`${type}.write`), (req, res) => {
      const id = req.params.id;
      const body = bodyOf(req);
      let request: PendingAuthorization;
      let built: BuiltConfig;
      try {
        const redirectUri = checkRedirectUri(RED, body.redirectUri);
        built = BUILDERS[type](body.settings ?? {}, mergeCredentials(RED, type, id, body.credentials));
        if (built.grantType !== 'authorization_code') throw new TypeError('"Authorize" is for the authorization code grant; use "Test" for this grant');
        request = createAuthorizationRequest(built.config, { redirectUri, ttlMs: PENDING_TTL_MS });
      } catch (error) {
        fail(res, error);
        return;
      }
      pending.add({ nodeId: id, type, built }, request);
      attempts.set(id, { status: 'pending', startedAt: Date.now() });
      json(res, 200, { authorizeUrl: request.url, redirectUri: request.redirectUri, expiresAt: request.expiresAt });
    });

    app.get(`/${ROUTE_PREFIX}/${type}/:id/status`, permission(`${type}.read`), (req, res) => {
      const id = req.params.id;
      json(res, 200, { attempt: attempts.get(id) ?? null, tokens: tokensOf(id, RED), callbackPath: adminRoot(RED) + CALLBACK_PATH });
    });

    app.post(`/${ROUTE_PREFIX}/${type}/:id/test`, permission(`${type}.write`), (req, res) => {
      const id = req.params.id;
      const body = bodyOf(req);
      let manager: TokenManager;
      try {
        const built = BUILDERS[type](body.settings ?? {}, mergeCredentials(RED, type, id, body.credentials));
        if (built.grantType !== 'client_credentials' && built.grantType !== 'password') throw new TypeError('"Test" is for the client credentials and password grants; use "Authorize" for this grant');
        manager = new TokenManager({ config: built.config, grant: built.grant });
      } catch (error) {
        fail(res, error);
        return;
      }
      manager.getTokens().then(
        (tokens) => {
          const lifetime = tokens.expiresAt !== undefined && tokens.obtainedAt !== undefined ? Math.round((tokens.expiresAt - tokens.obtainedAt) / 1000) : null;
          json(res, 200, { ok: true, scope: tokens.scope ?? null, expiresIn: lifetime, tokenType: tokens.tokenType, hasRefreshToken: !!tokens.refreshToken });
        },
        (error) => fail(res, manager.redact(safeMessage(error)), error instanceof OAuth2Error && error.status && error.status >= 500 ? 502 : 400),
      );
    });
  }

  app.get(`/${CALLBACK_PATH}`, (req, res) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (typeof v === 'string') q.set(k, v);
    const entry = pending.take(q.get('state'));
    if (!entry) {
      page(res, 400, 'Authorization failed', q.get('state')
        ? 'This authorization response is unknown, expired or was already used. Nothing was changed. Start again with "Authorize" in the editor.'
        : 'The authorization response has no state. Nothing was changed. Start again with "Authorize" in the editor.');
      return;
    }
    const { owner, request } = entry;
    const attempt = attempts.get(owner.nodeId) ?? { status: 'pending', startedAt: Date.now() };
    const finish = (status: 'success' | 'error', message: string, tokens?: TokenSummary) => {
      attempts.set(owner.nodeId, { ...attempt, status, message, tokens, finishedAt: Date.now() });
    };
    const manager = new TokenManager({ config: owner.built.config, grant: owner.built.grant });
    let code: string;
    try {
      ({ code } = parseAuthorizationCallback(q, { state: request.state, issuer: owner.built.config.issuer, requireIssuer: owner.built.config.requireIssuer, redactor: manager.redactor }));
    } catch (error) {
      const denied = error instanceof OAuth2Error && error.code === 'access_denied';
      const message = denied ? 'Access was denied at the provider. Nothing was changed.' : `${safeMessage(error, manager)} Nothing was changed.`;
      finish('error', message);
      page(res, 400, denied ? 'Authorization denied' : 'Authorization failed', message);
      return;
    }
    manager
      .exchangeCode({ code, redirectUri: request.redirectUri, codeVerifier: request.codeVerifier })
      .then(async (tokens) => {
        await installTokens(RED, owner, tokens);
        const summary = summarise(tokens, 'valid');
        finish('success', 'authorized', summary);
        page(res, 200, 'Authorized', `The credential is connected${tokens.scope ? ` (scopes: ${tokens.scope})` : ''}. The editor shows the result.`);
      })
      .catch((error) => {
        const message = `${safeMessage(error, manager)} Nothing was changed.`;
        finish('error', message);
        page(res, 400, 'Authorization failed', message);
      });
  });
}
