// Child process hosting a real oidc-provider (ESM-only) for the jest integration tests.
//
// Protocol (IPC, serialization 'json'):
//   parent -> child: first message is the config object (see OidcTestConfig in ../oidc-provider.ts)
//   child -> parent: { type: 'ready', issuer } once listening on 127.0.0.1:<random port>
//                    { type: 'error', message } if the provider could not be started
//
// The child stops itself when the IPC channel disconnects (parent gone) and after a hard maximum
// lifetime. It never prints to stdout; oidc-provider's notices/warnings are sent to stderr, which
// the parent captures and only shows when something goes wrong. Nothing here logs secrets or tokens.

import { createServer } from 'node:http';
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { format } from 'node:util';

const DEFAULT_MAX_LIFETIME_MS = 5 * 60 * 1000;
const CONFIG_WAIT_MS = 30 * 1000;
const ACCOUNT_ID = 'user-1';

// oidc-provider reports through console.info (stdout) / console.warn (stderr): keep stdout clean.
const toStderr = (...args) => {
  process.stderr.write(`${format(...args)}\n`);
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

function fatal(message) {
  try {
    if (process.connected) process.send({ type: 'error', message });
  } catch {
    // parent is gone, nothing to report to
  }
  toStderr(`[oidc-test-server] ${message}`);
  process.exit(1);
}

if (typeof process.send !== 'function') {
  toStderr('[oidc-test-server] must be started with child_process.fork (IPC channel required)');
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.on('uncaughtException', (err) => fatal(`uncaught exception: ${err?.stack ?? err}`));
process.on('unhandledRejection', (err) => fatal(`unhandled rejection: ${err?.stack ?? err}`));

const configWait = setTimeout(() => fatal('no config message received'), CONFIG_WAIT_MS);
const config = await new Promise((resolve) => process.once('message', resolve));
clearTimeout(configWait);

const maxLifetimeMs = Number.isFinite(config?.maxLifetimeMs) && config.maxLifetimeMs > 0
  ? config.maxLifetimeMs
  : DEFAULT_MAX_LIFETIME_MS;
setTimeout(() => {
  toStderr('[oidc-test-server] max lifetime reached, exiting');
  process.exit(0);
}, maxLifetimeMs);

// Loaded only now, after console has been redirected (the module warns at import time on some runtimes).
const { default: Provider, errors } = await import('oidc-provider');

// ---------------------------------------------------------------------------------------------
// Listen first (port 0) so the issuer can carry the real port, then attach the provider.
// ---------------------------------------------------------------------------------------------
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

// Signing keys for ID tokens etc. (also avoids oidc-provider's dev-keys warning).
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ecSigningKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const scopes = Array.isArray(config.scopes) && config.scopes.length
  ? config.scopes
  : ['openid', 'offline_access', 'api:read'];

const ttl = {
  AccessToken: 3600,
  AuthorizationCode: 60,
  ClientCredentials: 3600,
  Grant: 14 * 24 * 3600,
  IdToken: 3600,
  Interaction: 600,
  RefreshToken: 24 * 3600,
  Session: 14 * 24 * 3600,
  ...(config.ttl ?? {}),
};

const counters = { token: 0, byGrant: {}, byClientAuth: {}, api: 0 };
const resetCounters = () => {
  counters.token = 0;
  counters.byGrant = {};
  counters.byClientAuth = {};
  counters.api = 0;
};
const bump = (map, key) => {
  map[key] = (map[key] ?? 0) + 1;
};

async function findAccount(_ctx, id) {
  if (id !== ACCOUNT_ID) return undefined;
  return {
    accountId: ACCOUNT_ID,
    async claims() {
      return { sub: ACCOUNT_ID, email: `${ACCOUNT_ID}@example.test`, email_verified: true };
    },
  };
}

// RFC 7523 §2.1 (config.jwtBearer = { issuer, publicJwk, scopeClaim }): the assertion must verify with the
// service account's public key and carry iss, sub, aud = the token endpoint, iat, exp (at most an hour),
// a jti never seen before; its scopes come from the assertion's `scope` claim when scopeClaim is set
// (Google's way), else from the request. Answers a client-credentials-style access token.
function verifyAssertion(jwt, jwtBearer, tokenEndpoint) {
  const [h, p, sig] = String(jwt ?? '').split('.');
  if (!sig) throw new errors.InvalidGrant('the assertion is not a JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const key = createPublicKey({ key: jwtBearer.publicJwk, format: 'jwk' });
  const ok = header.alg === 'ES256'
    ? verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))
    : header.alg === 'RS256' && verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'));
  if (!ok) throw new errors.InvalidGrant('the assertion signature does not verify');
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== jwtBearer.issuer || !claims.sub) throw new errors.InvalidGrant('unknown issuer or no subject');
  if (claims.aud !== tokenEndpoint) throw new errors.InvalidGrant('the audience is not this token endpoint');
  if (!(claims.exp > now && claims.iat <= now + 60 && claims.exp - claims.iat <= 3600)) throw new errors.InvalidGrant('the assertion is expired or lives too long');
  if (!claims.jti || seenJti.has(claims.jti)) throw new errors.InvalidGrant('the assertion was used before (jti)');
  seenJti.add(claims.jti);
  return { claims, header };
}
const seenJti = new Set();

function registerJwtBearer(provider, jwtBearer) {
  provider.registerGrantType('urn:ietf:params:oauth:grant-type:jwt-bearer', async (ctx) => {
    const { claims, header } = verifyAssertion(ctx.oidc.params.assertion, jwtBearer, ctx.oidc.urlFor('token'));
    counters.jwtBearer = { kid: header.kid ?? null, alg: header.alg, sub: claims.sub, scopeClaim: claims.scope ?? null, scopeParam: ctx.oidc.params.scope ?? null };
    const scope = (jwtBearer.scopeClaim ? claims.scope : ctx.oidc.params.scope) ?? '';
    const token = new provider.ClientCredentials({ client: ctx.oidc.client, scope });
    ctx.body = { access_token: await token.save(), expires_in: token.expiration, token_type: 'Bearer', scope };
  }, ['assertion', 'scope']);
}

// RFC 8693 (config.tokenExchange = true): a subject token this provider issued (an access token or a
// client-credentials token, still valid) is traded for a new access token for the requested audience.
function registerTokenExchange(provider) {
  provider.registerGrantType('urn:ietf:params:oauth:grant-type:token-exchange', async (ctx) => {
    const { subject_token: subject, subject_token_type: subjectType, audience, requested_token_type: requested, scope, resource } = ctx.oidc.params;
    if (subjectType !== 'urn:ietf:params:oauth:token-type:access_token') throw new errors.InvalidRequest('unsupported subject_token_type');
    const found = (await provider.AccessToken.find(subject)) ?? (await provider.ClientCredentials.find(subject));
    if (!found || found.isExpired) throw new errors.InvalidGrant('the subject token is not valid here');
    counters.tokenExchange = { subjectClient: found.clientId, audience: audience ?? null, requested: requested ?? null, scope: scope ?? null, resource: resource ?? null };
    const token = new provider.ClientCredentials({ client: ctx.oidc.client, scope: scope ?? '' });
    ctx.body = { access_token: await token.save(), issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: token.expiration, scope: scope ?? '' };
  }, ['subject_token', 'subject_token_type', 'audience', 'requested_token_type', 'scope', 'resource', 'actor_token', 'actor_token_type']);
}

let provider;
try {
  provider = new Provider(issuer, {
    clients: Array.isArray(config.clients) ? config.clients : [],
    jwks: {
      keys: [
        { ...signingKey, kid: 'test-rs256', alg: 'RS256', use: 'sig' },
        { ...ecSigningKey, kid: 'test-es256', alg: 'ES256', use: 'sig' },
      ],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
    },
    extraParams: ['x_test_deny'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      deviceFlow: { enabled: config.deviceFlow === true },
      registration: { enabled: config.registration === true },
      // RFC 9449: with config.dpopNonce every DPoP proof must carry the server's nonce (use_dpop_nonce first)
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: (ctx) => config.dpopNonce === true || (config.dpopNonce === 'token' && ctx.oidc?.route === 'token') },
      // RFC 8707: one resource server (config.resourceIndicators = { resource, scope }) whose tokens are JWTs for it
      ...(config.resourceIndicators ? {
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, indicator) => {
            if (indicator !== config.resourceIndicators.resource) throw new errors.InvalidTarget();
            return { scope: config.resourceIndicators.scope, audience: indicator, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
          },
        },
      } : {}),
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    findAccount,
    // Deterministic: a refresh token whenever the client may use the refresh_token grant and
    // offline_access is part of the granted scope (see offline_access normalisation below).
    issueRefreshToken: async (_ctx, client, source) => (
      client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access')
    ),
    rotateRefreshToken: config.rotateRefreshToken !== false,
    pkce: {
      required: (_ctx, client) => client.clientAuthMethod === 'none',
    },
    ttl,
    clientBasedCORS: () => true,
    // JSON instead of an HTML error page, so a headless user agent can report a clear error.
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = { error: out.error, error_description: out.error_description };
    },
  });
  provider.proxy = false;
  if (config.jwtBearer) registerJwtBearer(provider, config.jwtBearer);
  if (config.tokenExchange) registerTokenExchange(provider);

  // Static clients are validated lazily; force it now so a bad metadata set fails at startup.
  for (const client of Array.isArray(config.clients) ? config.clients : []) {
    await provider.Client.find(client.client_id);
  }
} catch (err) {
  fatal(`provider configuration rejected: ${err?.message ?? err}${err?.error_description ? ` (${err.error_description})` : ''}`);
}

const paths = {
  authorization: provider.pathFor('authorization'),
  token: provider.pathFor('token'),
  par: provider.pathFor('pushed_authorization_request'),
  revocation: provider.pathFor('revocation'),
  introspection: provider.pathFor('introspection'),
};

// ---------------------------------------------------------------------------------------------
// offline_access normalisation: oidc-provider silently drops offline_access unless the request
// carries prompt=consent. To make refresh-token issuance deterministic, add 'consent' to the
// prompt of any authorization request asking for offline_access (unless prompt=none).
// ---------------------------------------------------------------------------------------------
function normaliseOfflineAccess(params) {
  const scope = (params.get('scope') ?? '').split(' ');
  if (!scope.includes('offline_access')) return false;
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompts.includes('consent') || prompts.includes('none')) return false;
  prompts.push('consent');
  params.set('prompt', prompts.join(' '));
  return true;
}

async function readRawBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 56 * 1024) throw new Error('request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = body;
}

async function handleInteraction(ctx) {
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    json(ctx, 400, { error: err?.error ?? 'invalid_request', error_description: err?.error_description ?? err?.message });
    return;
  }
  const { prompt, params, session, grantId } = details;

  if (config.deny === true || params.x_test_deny === '1') {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'End-User denied the request (test server)',
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }

  if (prompt.name === 'login') {
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: ACCOUNT_ID },
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }

  if (prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const configured = new Set(scopes);
    const requested = String(params.scope ?? '').split(' ').filter((s) => configured.has(s));
    const missing = prompt.details.missingOIDCScope ?? [];
    const oidcScope = [...new Set([...requested, ...missing])];
    if (oidcScope.length) grant.addOIDCScope(oidcScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    if (prompt.details.missingResourceScopes) {
      for (const [indicator, scope] of Object.entries(prompt.details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scope.join(' '));
      }
    }
    if (prompt.details.rar) {
      for (const detail of prompt.details.rar) grant.addRar(detail);
    }
    const savedGrantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, {
      consent: { grantId: savedGrantId },
    }, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return;
  }

  json(ctx, 501, { error: 'server_error', error_description: `unsupported prompt ${prompt.name}` });
}

async function handleApi(ctx) {
  counters.api += 1;
  const match = /^Bearer[ ]+([^ ]+)$/i.exec(ctx.get('authorization') ?? '');
  let token;
  if (match) {
    try {
      token = (await provider.AccessToken.find(match[1])) ?? (await provider.ClientCredentials.find(match[1]));
    } catch {
      token = undefined;
    }
  }
  if (!token || token.isExpired) {
    ctx.set('WWW-Authenticate', match
      ? 'Bearer error="invalid_token", error_description="the access token is invalid or expired"'
      : 'Bearer error="invalid_token", error_description="no bearer token provided"');
    json(ctx, 401, { error: 'invalid_token' });
    return;
  }
  json(ctx, 200, {
    sub: token.accountId ?? null,
    client_id: token.clientId,
    scope: token.scope ?? '',
    kind: token.kind,
  });
}

// How the client authenticated, judged from the raw request (before oidc-provider sees it).
function clientAuthPlacement(ctx, form) {
  const authorization = ctx.get('authorization');
  if (/^basic /i.test(authorization)) {
    let clientId;
    try {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i !== -1) clientId = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20'));
    } catch {
      clientId = undefined; // undecodable: oidc-provider will reject it with its own error
    }
    return { method: 'client_secret_basic', clientId };
  }
  if (form.has('client_assertion')) {
    let method = 'private_key_jwt';
    try {
      const header = JSON.parse(Buffer.from(form.get('client_assertion').split('.')[0], 'base64url').toString('utf8'));
      if (typeof header.alg === 'string' && header.alg.startsWith('HS')) method = 'client_secret_jwt';
    } catch {
      // malformed assertion, leave the guess
    }
    return { method, clientId: form.get('client_id') ?? undefined };
  }
  if (form.has('client_secret')) return { method: 'client_secret_post', clientId: form.get('client_id') ?? undefined };
  if (authorization) return { method: 'other', clientId: form.get('client_id') ?? undefined };
  return { method: 'none', clientId: form.get('client_id') ?? undefined };
}

// oidc-provider treats client_secret_basic and client_secret_post as interchangeable for a
// client registered with either. With strictClientAuth (default) the registered placement is
// enforced, so tests can tell whether a client engine used the header or the body.
async function strictPlacementError(placement) {
  if (config.strictClientAuth === false || !placement.clientId) return undefined;
  if (placement.method !== 'client_secret_basic' && placement.method !== 'client_secret_post') return undefined;
  let client;
  try {
    client = await provider.Client.find(placement.clientId);
  } catch {
    return undefined;
  }
  if (!client) return undefined;
  const registered = client.clientAuthMethod;
  if ((registered === 'client_secret_basic' || registered === 'client_secret_post') && registered !== placement.method) {
    return `client is registered for ${registered} but authenticated with ${placement.method} (strictClientAuth)`;
  }
  return undefined;
}

const clientAuthPaths = new Set([paths.token, paths.revocation, paths.introspection, paths.par]);

provider.use(async (ctx, next) => {
  const { path, method } = ctx;

  if (path === '/__test/counters' && method === 'GET') {
    json(ctx, 200, counters);
    return;
  }
  if (path === '/__test/counters/reset' && method === 'POST') {
    resetCounters();
    ctx.status = 204;
    return;
  }
  if (path === '/__test/api') {
    await handleApi(ctx);
    return;
  }
  if (method === 'GET' && /^\/interaction\/[^/]+$/.test(path)) {
    await handleInteraction(ctx);
    return;
  }

  if (path === paths.authorization && method === 'GET') {
    const params = new URLSearchParams(ctx.querystring);
    if (normaliseOfflineAccess(params)) ctx.querystring = params.toString();
    await next();
    return;
  }

  const isForm = method === 'POST' && ctx.is('application/x-www-form-urlencoded');
  if (!isForm || !(clientAuthPaths.has(path) || path === paths.authorization)) {
    if (path === paths.token && method === 'POST') {
      counters.token += 1;
      bump(counters.byGrant, 'unknown');
    }
    await next();
    return;
  }

  // Read the form ourselves; oidc-provider then uses req.body (it logs a one-time notice about
  // that to stderr).
  let form;
  try {
    form = new URLSearchParams(await readRawBody(ctx.req));
  } catch (err) {
    json(ctx, 400, { error: 'invalid_request', error_description: err?.message });
    return;
  }
  if (path === paths.authorization || path === paths.par) normaliseOfflineAccess(form);
  ctx.req.body = form.toString();

  if (clientAuthPaths.has(path)) {
    const placement = clientAuthPlacement(ctx, form);
    if (path === paths.token) {
      counters.token += 1;
      bump(counters.byGrant, form.get('grant_type') || 'unknown');
      bump(counters.byClientAuth, placement.method);
    }
    const mismatch = await strictPlacementError(placement);
    if (mismatch) {
      if (placement.method === 'client_secret_basic') {
        ctx.set('WWW-Authenticate', `Basic realm="${issuer}", error="invalid_client"`);
      }
      json(ctx, 401, { error: 'invalid_client', error_description: mismatch });
      return;
    }
  }

  await next();
});

handler = provider.callback();
process.send({ type: 'ready', issuer });
