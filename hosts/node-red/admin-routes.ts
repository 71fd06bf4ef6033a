/**
 * Editor ("admin") routes of the config nodes:
 *
 *   POST /oauth2-connectors/<type>/<id>/authorize   (needs <type>.write)  start the code flow
 *   GET  /oauth2-connectors/callback                (no auth: state-checked) the provider's redirect
 *   GET  /oauth2-connectors/<type>/<id>/status      (needs <type>.read)   authorized? scopes? expiry?
 *   POST /oauth2-connectors/<type>/<id>/test        (needs <type>.write)  client credentials / password
 *   POST /oauth2-connectors/<type>/<id>/disconnect  (needs <type>.write)  revoke (RFC 7009) and delete the tokens
 *   POST /oauth2-connectors/oauth2-client/<id>/seed-check (needs .write) which other nodes hold this refresh token
 *
 * The browser reaches the callback without the editor's bearer token, so the callback itself
 * cannot require a permission: it accepts only a state created by an authenticated start call,
 * single use, expiring after 10 minutes and bound to one config node, and the code exchange uses
 * PKCE S256. Unsaved settings and newly typed secrets arrive in the authenticated POST body, never
 * in a URL; the callback page never shows a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createAuthorizationRequest, parseAuthorizationCallback, type PendingAuthorization } from '../../lib/oauth2/authorize';
import { pushAuthorizationRequest } from '../../lib/oauth2/par';
import { changedEndpoints } from '../../lib/oauth2/endpoints';
import { OAuth2ConfigError, OAuth2Error } from '../../lib/oauth2/errors';
import { PendingAuthorizationStore } from '../../lib/oauth2/pending-authorizations';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { NODE_HOST } from '../../lib/hosts/node';
import type { TokenSet } from '../../lib/oauth2/types';
import { buildConfig, CONFIG_TYPES, CREDENTIALS, endpointsOf, holds, type BuiltConfig, type ConfigType, type Credentials, type Settings } from './builders';
import type { RevocationResult } from '../../lib/oauth2/revoke';
import { allConnections, connectionFor, disconnectOutcome, safeMessage, summarise, wiredGrant, type DisconnectOutcome, type TokenSummary } from './connection';
import type { AdminRequest, AdminResponse, Handler, NodeDefinition, RED } from './red';
import { tokenStoreFor, type StoredEntry } from './token-store';
import { json } from './admin-reply';
import { discoverRoute } from './discover-route';
import { registerForNode, withRegisteredSecret } from './registration';
import { withDpopKey } from './dpop-key';

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

function bodyOf(req: AdminRequest): { settings?: Settings; credentials?: Credentials; redirectUri?: string } {
  const body = req.body;
  return body && typeof body === 'object' ? (body as { settings?: Settings; credentials?: Credentials; redirectUri?: string }) : {};
}

/** The deployed definition of node `id` (settings, type), started or not; undefined when not deployed. */
function deployedDefinition(RED: RED, id: string): NodeDefinition | undefined {
  let found: NodeDefinition | undefined;
  RED.nodes.eachNode?.((node) => {
    if (node.id === id) found = node;
  });
  return found;
}

/**
 * The deployed config node `id` of exactly this type, if any, as the configuration a deploy built
 * from it. An id that belongs to a node of another type (a core node, another config type) is
 * refused: its stored secrets and its token store are not this route's to use.
 */
function deployedNode(RED: RED, type: ConfigType, id: string): { built?: BuiltConfig } | undefined {
  const definition = deployedDefinition(RED, id);
  const node = RED.nodes.getNode(id) as { type?: unknown } | null;
  const connection = connectionFor(id);
  const types = [definition?.type, node?.type, connection?.type].filter((t) => t !== undefined);
  if (types.some((t) => t !== type)) throw new TypeError(`node ${id} is not a ${type} configuration`);
  if (definition) {
    try {
      return { built: buildConfig(type, definition as Settings, (RED.nodes.getCredentials(id) ?? {}) as Credentials) };
    } catch {
      return {};
    }
  }
  return connection ? { built: connection.built } : undefined;
}

/**
 * The configuration of an editor request: the dialog's settings, its typed-in secrets, and for the
 * fields left empty (or the placeholder) the deployed node's stored ones. Stored secrets are lent
 * only to an existing node of exactly this type, and only with its deployed endpoints: a request
 * that changes an endpoint must carry the secrets itself.
 */
function buildFromRequest(RED: RED, type: ConfigType, id: string, body: { settings?: Settings; credentials?: Credentials }): BuiltConfig {
  const deployed = deployedNode(RED, type, id);
  const stored = deployed ? ((RED.nodes.getCredentials(id) ?? {}) as Credentials) : {};
  const credentials: Credentials = {};
  const borrowed: string[] = [];
  for (const [field, spec] of Object.entries(CREDENTIALS[type])) {
    const typed = body.credentials?.[field];
    if (typeof typed === 'string' && typed !== '' && typed !== PLACEHOLDER) {
      credentials[field] = typed;
    } else if (stored[field]) {
      credentials[field] = stored[field];
      if (spec.type === 'password') borrowed.push(field);
    }
  }
  const store = tokenStoreFor(RED.settings);
  const built = withDpopKey(store, id, buildConfig(type, body.settings ?? {}, withRegisteredSecret(store, id, type, body.settings ?? {}, credentials)));
  if (borrowed.length) {
    const again = `type the ${borrowed.join(', ')} again: stored secrets are used only with the deployed endpoints`;
    if (!deployed?.built) throw new TypeError(`the deployed configuration is not valid; ${again}`);
    const changed = changedEndpoints(endpointsOf(built), endpointsOf(deployed.built));
    if (changed.length) throw new TypeError(`the endpoints differ from the deployed ones (${changed.join(', ')}); ${again}`);
  }
  return built;
}

/** The origin the editor was reached at: the browser's Origin header, else the Host it asked for. */
function editorOrigin(req: AdminRequest): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && /^https?:\/\/[^/]+$/i.test(origin)) return origin.toLowerCase();
  const host = req.headers.host;
  if (typeof host !== 'string' || !host) return undefined;
  const protocol = req.protocol === 'https' ? 'https' : 'http';
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** Origins an admin allowed in settings.js (`oauth2Connectors: { redirectOrigins: [...] }`) for a reverse proxy. */
function configuredOrigins(RED: RED): string[] {
  const section = RED.settings.oauth2Connectors as { redirectOrigins?: unknown } | undefined;
  const list = section?.redirectOrigins;
  const values = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
  return values.flatMap((value) => {
    try {
      return [new URL(String(value)).origin];
    } catch {
      return [];
    }
  });
}

function checkRedirectUri(RED: RED, req: AdminRequest, value: unknown): string {
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
  const editor = editorOrigin(req);
  const configured = configuredOrigins(RED);
  if (url.origin !== editor && !configured.includes(url.origin)) {
    throw new TypeError(
      `the redirect URI must be on the editor's own origin (${editor ?? 'unknown'}) or on an origin listed in settings.js under oauth2Connectors.redirectOrigins (${configured.length ? configured.join(', ') : 'none listed'}); ${url.origin} is neither`,
    );
  }
  return url.toString();
}

/**
 * What the dialog shows: the running node's tokens, unless an Authorize with changed settings (not
 * deployed yet) stored newer ones under another fingerprint: those, marked `pendingDeploy` (the
 * running node keeps its own until the deploy).
 */
function tokensOf(id: string, RED: RED): TokenSummary {
  const live = connectionFor(id);
  const stored = tokenStoreFor(RED.settings).read(id);
  if (live && (!stored || !live.built || holds(stored, live.built))) return live.summary();
  if (stored?.tokens) return { ...summarise(stored.tokens, stored.reauthorizationRequired ? 'reauthorization_required' : 'valid'), ...(live ? { pendingDeploy: true } : {}) };
  return live?.summary() ?? { authorized: false, state: 'empty', hasRefreshToken: false };
}

/** Where new tokens go: the running config node (persisted by its hook) or, if not deployed yet, the store. */
async function installTokens(RED: RED, owner: Owner, tokens: TokenSet): Promise<void> {
  const live = connectionFor(owner.nodeId);
  if (live && live.type === owner.type && live.built?.fingerprint === owner.built.fingerprint) {
    await live.install(tokens);
    return;
  }
  await tokenStoreFor(RED.settings).write({ nodeId: owner.nodeId, fingerprint: owner.built.fingerprint, tokens, savedAt: Date.now(), dpopKey: owner.built.config.dpopKey });
}

/**
 * The configuration that may revoke the tokens stored for a node that is not running: the deployed
 * definition (a disabled node) with its stored secrets, or the dialog's settings when they are
 * exactly those the tokens were authorized with (same client and every endpoint: the fingerprint).
 * Anything else gets nothing: the tokens never follow settings sent with the request.
 */
function revokerFor(RED: RED, type: ConfigType, id: string, body: { settings?: Settings; credentials?: Credentials }, entry: StoredEntry): BuiltConfig | undefined {
  const deployed = deployedNode(RED, type, id)?.built;
  if (deployed && holds(entry, deployed)) return deployed;
  let requested: BuiltConfig;
  try {
    requested = buildFromRequest(RED, type, id, body);
  } catch {
    return undefined;
  }
  return holds(entry, requested, false) ? requested : undefined;
}

/**
 * "Disconnect" in the editor: the running config node revokes and deletes its tokens; tokens stored
 * for a node not running (disabled, or authorized before its first deploy) are revoked only with the
 * configuration they were deployed or authorized with, and deleted in any case.
 */
async function disconnect(RED: RED, type: ConfigType, id: string, body: { settings?: Settings; credentials?: Credentials }): Promise<DisconnectOutcome> {
  deployedNode(RED, type, id); // refuses an id of another type
  const live = connectionFor(id);
  if (live && live.type === type) return live.disconnect();
  const store = tokenStoreFor(RED.settings);
  const entry = store.read(id);
  if (!entry?.tokens) {
    if (entry) await store.remove(id); // only a remembered refused client authentication
    return disconnectOutcome({ revoked: [], skipped: 'no_tokens' });
  }
  const built = revokerFor(RED, type, id, body, entry);
  let manager: TokenManager | undefined;
  let result: RevocationResult;
  if (!built) {
    result = { revoked: [], error: new OAuth2ConfigError('these settings are not the ones the tokens were deployed or authorized with, so the tokens were not sent anywhere') };
  } else {
    manager = new TokenManager({ config: built.config, grant: built.grant, tokens: entry.tokens, host: NODE_HOST });
    result = await manager.disconnect();
  }
  await store.remove(id);
  return disconnectOutcome(result, manager);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The other config nodes of `type` that hold the refresh token `typed` (or, for the placeholder,
 * node `id`'s stored one): as their typed-in seed (deployed) or as their current refresh token
 * (running). Two nodes with one refresh token spend each other's rotated token. Names only.
 */
function sharingSeed(RED: RED, type: ConfigType, id: string, typed: unknown): Array<{ id: string; name: string }> {
  const seed = typeof typed === 'string' && typed !== '' && typed !== PLACEHOLDER ? typed : deployedNode(RED, type, id) ? ((RED.nodes.getCredentials(id) ?? {}) as Credentials).refreshToken : undefined;
  if (!seed || seed.length > 16_384) return [];
  const wanted = digest(seed);
  const holders = new Map<string, string>();
  const same = (value: unknown) => typeof value === 'string' && value !== '' && timingSafeEqual(digest(value), wanted);
  RED.nodes.eachNode?.((node) => {
    if (node.type !== type || node.id === id) return;
    if (same(((RED.nodes.getCredentials(node.id) ?? {}) as Credentials).refreshToken)) holders.set(node.id, typeof node.name === 'string' && node.name ? node.name : node.id);
  });
  for (const connection of allConnections()) {
    const { id: other, type: otherType, name } = connection.identity;
    if (otherType === type && other !== id && same(connection.manager?.tokens?.refreshToken)) holders.set(other, name);
  }
  return [...holders].map(([holder, name]) => ({ id: holder, name }));
}

function fail(res: AdminResponse, error: unknown, status = 400): void {
  json(res, status, { error: safeMessage(error) });
}

type Route = (req: AdminRequest, res: AdminResponse) => void;

/** Authorize: a pending authorization request for the settings sent (or deployed), and the URL the editor opens. */
function authorizeRoute(RED: RED, type: ConfigType): Route {
  return (req, res) => {
    const id = req.params.id;
    const body = bodyOf(req);
    let request: PendingAuthorization;
    let built: BuiltConfig;
    try {
      const redirectUri = checkRedirectUri(RED, req, body.redirectUri);
      built = buildFromRequest(RED, type, id, body);
      if (built.grantType === 'device_code') {
        deviceAuthorize(RED, { nodeId: id, type, built }, res);
        return;
      }
      if (built.grantType !== 'authorization_code') throw new TypeError('"Authorize" is for the authorization code and device grants; use "Test" for this grant');
      request = createAuthorizationRequest(built.config, { redirectUri, ttlMs: PENDING_TTL_MS });
      // the editor opens this URL: only http(s), whatever the settings said
      if (!/^https?:\/\//i.test(request.url)) throw new TypeError('the authorization URL must be an https: URL');
    } catch (error) {
      fail(res, error);
      return;
    }
    const owner = { nodeId: id, type, built };
    pushed(owner, request).then(
      (sent) => {
        pending.add(owner, sent);
        attempts.set(id, { status: 'pending', startedAt: Date.now() });
        json(res, 200, { authorizeUrl: sent.url, redirectUri: sent.redirectUri, expiresAt: sent.expiresAt });
      },
      (error) => fail(res, error, error instanceof OAuth2Error && error.status && error.status >= 500 ? 502 : 400),
    );
  };
}

/** RFC 9126: with a pushed authorization request URL, the request goes there first (client authenticated) and the browser gets only its reference. */
async function pushed(owner: Owner, request: PendingAuthorization): Promise<PendingAuthorization> {
  const endpoint = owner.built.config.pushedAuthorizationRequestUrl;
  if (!endpoint) return request;
  // the manager's redactor knows the client's secrets: the push's errors are written without them
  const manager = new TokenManager({ config: owner.built.config, grant: owner.built.grant, host: NODE_HOST });
  return pushAuthorizationRequest({ config: owner.built.config, host: NODE_HOST, redactor: manager.redactor }, endpoint, request);
}

/** Register (RFC 7591): a client for the dialog's settings; its secrets stay in the runtime. */
function registerRoute(RED: RED): Route {
  return (req, res) => {
    const body = bodyOf(req);
    const settings = body.settings ?? {};
    let redirectUri: string | undefined;
    try {
      redirectUri = settings.grantType === 'authorization_code' ? checkRedirectUri(RED, req, body.redirectUri) : undefined;
    } catch (error) {
      fail(res, error);
      return;
    }
    registerForNode(tokenStoreFor(RED.settings), req.params.id, settings, redirectUri).then(
      (registered) => json(res, 200, registered),
      (error) => fail(res, error, error instanceof OAuth2Error && error.status && error.status >= 500 ? 502 : 400),
    );
  };
}

/** The device polls running, by node: a new Authorize ends the one before. */
const devicePolls = new Map<string, AbortController>();

/**
 * Authorize with the device grant (RFC 8628): the editor gets the user code and the verification
 * URIs to show (never the device code); the runtime polls until the user approved, denied or the
 * code expired, and installs the tokens as the callback does. The status route reports the outcome.
 */
function deviceAuthorize(RED: RED, owner: Owner, res: AdminResponse): void {
  const manager = new TokenManager({ config: owner.built.config, grant: owner.built.grant, host: NODE_HOST });
  manager.startDeviceAuthorization().then(
    (device) => {
      devicePolls.get(owner.nodeId)?.abort();
      const stop = new AbortController();
      devicePolls.set(owner.nodeId, stop);
      const attempt: Attempt = { status: 'pending', startedAt: Date.now() };
      attempts.set(owner.nodeId, attempt);
      json(res, 200, { device: { userCode: device.userCode, verificationUri: device.verificationUri, verificationUriComplete: device.verificationUriComplete, expiresAt: device.expiresAt } });
      const finish = (status: 'success' | 'error', message: string, tokens?: TokenSummary) => {
        if (devicePolls.get(owner.nodeId) === stop) devicePolls.delete(owner.nodeId);
        if (!stop.signal.aborted) attempts.set(owner.nodeId, { ...attempt, status, message, tokens, finishedAt: Date.now() });
      };
      manager
        .completeDeviceAuthorization(device, stop.signal)
        .then(async (tokens) => {
          await installTokens(RED, owner, tokens);
          finish('success', 'authorized', summarise(tokens, 'valid'));
        })
        .catch((error) => finish('error', `${safeMessage(error, manager)} Nothing was changed.`));
    },
    (error) => fail(res, manager.redact(safeMessage(error)), error instanceof OAuth2Error && error.status && error.status >= 500 ? 502 : 400),
  );
}

/** Test: one token request with the settings sent (a grant that runs without a user: client credentials, password, JWT bearer), answered without the token. */
function testRoute(RED: RED, type: ConfigType): Route {
  return (req, res) => {
    let manager: TokenManager;
    try {
      const built = buildFromRequest(RED, type, req.params.id, bodyOf(req));
      if (built.grant.type === 'authorization_code') throw new TypeError('"Test" is for the client credentials, password, JWT bearer and token exchange grants; use "Authorize" for this grant');
      if (built.exchangeSubject?.from === 'message') throw new TypeError('"Test" has no message whose subject token it could exchange: send one through an oauth2-request node');
      manager = new TokenManager({ config: built.config, grant: wiredGrant(built, req.params.id), host: NODE_HOST });
    } catch (error) {
      fail(res, error);
      return;
    }
    manager.getTokens().then(
      (tokens) => json(res, 200, testResult(tokens)),
      (error) => fail(res, manager.redact(safeMessage(error)), error instanceof OAuth2Error && error.status && error.status >= 500 ? 502 : 400),
    );
  };
}

/** What Test shows of a token set: never a token. */
function testResult(tokens: TokenSet): Record<string, unknown> {
  const lifetime = tokens.expiresAt !== undefined && tokens.obtainedAt !== undefined ? Math.round((tokens.expiresAt - tokens.obtainedAt) / 1000) : null;
  const refreshExpiresIn = tokens.refreshExpiresAt !== undefined ? Math.round((tokens.refreshExpiresAt - Date.now()) / 1000) : null;
  return { ok: true, scope: tokens.scope ?? null, expiresIn: lifetime, tokenType: tokens.tokenType, hasRefreshToken: !!tokens.refreshToken, refreshExpiresIn, clientAuthMethod: tokens.clientAuthMethod ?? null };
}

/** The authorization callback: checks state (and issuer), exchanges the code, installs the tokens, answers with a page. */
function callbackRoute(RED: RED): Route {
  return (req, res) => {
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
    const manager = new TokenManager({ config: owner.built.config, grant: owner.built.grant, host: NODE_HOST });
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
        finish('success', 'authorized', summarise(tokens, 'valid'));
        page(res, 200, 'Authorized', `The credential is connected${tokens.scope ? ` (scopes: ${tokens.scope})` : ''}. The editor shows the result.`);
      })
      .catch((error) => {
        const message = `${safeMessage(error, manager)} Nothing was changed.`;
        finish('error', message);
        page(res, 400, 'Authorization failed', message);
      });
  };
}

export function registerAdminRoutes(RED: RED): void {
  const app = RED.httpAdmin;
  if (!app || registered.has(app)) return;
  registered.add(app);
  const permission = (p: string): Handler => (RED.auth?.needsPermission ? RED.auth.needsPermission(p) : (_req, _res, next) => next?.());

  app.post(`/${ROUTE_PREFIX}/oauth2-client/discover`, permission('oauth2-client.write'), discoverRoute());
  app.post(`/${ROUTE_PREFIX}/oauth2-client/:id/register`, permission('oauth2-client.write'), registerRoute(RED));
  for (const type of CONFIG_TYPES) {
    const route = `/${ROUTE_PREFIX}/${type}/:id`;
    app.post(`${route}/authorize`, permission(`${type}.write`), authorizeRoute(RED, type));
    app.get(`${route}/status`, permission(`${type}.read`), (req, res) => {
      json(res, 200, { attempt: attempts.get(req.params.id) ?? null, tokens: tokensOf(req.params.id, RED), callbackPath: adminRoot(RED) + CALLBACK_PATH });
    });
    app.post(`${route}/test`, permission(`${type}.write`), testRoute(RED, type));
    if (CREDENTIALS[type].refreshToken) {
      app.post(`${route}/seed-check`, permission(`${type}.write`), (req, res) => {
        try {
          json(res, 200, { sharedWith: sharingSeed(RED, type, req.params.id, bodyOf(req).credentials?.refreshToken) });
        } catch (error) {
          fail(res, error);
        }
      });
    }
    app.post(`${route}/disconnect`, permission(`${type}.write`), (req, res) => {
      disconnect(RED, type, req.params.id, bodyOf(req)).then(
        (result) => json(res, 200, result),
        (error) => fail(res, error),
      );
    });
  }
  app.get(`/${CALLBACK_PATH}`, callbackRoute(RED));
}
