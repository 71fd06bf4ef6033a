// oauth2-client + oauth2-request on Node-RED 4.1: against the sandbox's generic authorization
// server (client credentials, password, body client auth with extra parameters, reactive refresh,
// non-2xx handling) and against a real oidc-provider (authorization code with PKCE S256 through
// the editor routes; the server checks the verifier, so an injected code fails).
import { startSandbox, type Sandbox } from '../../sandbox';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';
import { authorize, callback, HELPER_REDIRECT, startAuthorize, status } from './support/authorize';
import { collectMessages, helper, NODES, tempUserDir, useSettings, type Msg } from './support/helper';

let sandbox: Sandbox;
let op: OidcTestServer;
const CATCH = require('@node-red/nodes/core/common/25-catch.js');

beforeAll(async () => {
  [sandbox, op] = await Promise.all([
    startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' }),
    startOidcProvider({
      clients: [{
        client_id: 'nr-public', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'], redirect_uris: [HELPER_REDIRECT], scope: 'openid offline_access api:read',
      }],
    }),
  ]);
});
beforeEach(() => {
  useSettings(tempUserDir());
  sandbox.reset();
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await Promise.all([sandbox.close(), op.stop()]);
});

function generic(extra: Record<string, unknown> = {}) {
  return { id: 'oc', type: 'oauth2-client', name: 'Generic sandbox', grantType: 'client_credentials', tokenUrl: `${sandbox.url}/generic/oauth2/token`, clientId: 'gen-client', clientAuth: 'basic', scopes: 'read', pkce: true, ...extra };
}

async function load(config: Record<string, unknown>, request: Record<string, unknown>, creds: Record<string, string>) {
  await helper.load([...NODES, CATCH], [
    config,
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'obj', ...request, wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ], { oc: creds });
}

async function one(input: Msg = {}): Promise<Msg> {
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive(input);
  return (await got)[0];
}

const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic ?? {};

test('client credentials, Basic auth: parsed JSON, statusCode, headers', async () => {
  await load(generic(), {}, { clientSecret: 'gen-secret' });
  const msg = await one();
  expect(msg.statusCode).toBe(200);
  expect(msg.headers['content-type']).toMatch(/json/);
  expect(typeof msg.payload).toBe('object');
  expect(msg.responseUrl).toBe(`${sandbox.url}/generic/api/me`);
  expect(grants().client_credentials).toBe(1);
  expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_basic');
  expect(sandbox.counters.tokensInUrl).toBe(0);
});

test('password grant, credentials in the body, extra token parameters, text output', async () => {
  await load(
    generic({ grantType: 'password', clientAuth: 'body', extraTokenParams: '{"audience":"https://api.example.test"}' }),
    { ret: 'txt' },
    { clientSecret: 'gen-secret', username: 'user@example.test', password: 'user-pass' },
  );
  const msg = await one();
  expect(typeof msg.payload).toBe('string');
  expect(JSON.parse(msg.payload)).toBeTruthy();
  const last = sandbox.counters.lastTokenRequestByProvider.generic;
  expect(last?.grantType).toBe('password');
  expect(last?.clientAuth).toBe('client_secret_post');
  expect(last?.params.audience).toBe('https://api.example.test');
});

test('a rejected token is renewed once and the request retried; method and URL from msg', async () => {
  await load(generic(), { method: 'use', url: '', allowedHosts: '127.0.0.1' }, { clientSecret: 'gen-secret' });
  await one({ method: 'GET', url: `${sandbox.url}/generic/api/me` });
  sandbox.expireAccessTokens('generic');
  const msg = await one({ method: 'GET', url: `${sandbox.url}/generic/api/me` });
  expect(msg.statusCode).toBe(200);
  expect(grants().client_credentials).toBe(2);
});

test('non-2xx: sent on like the core node, or failed for a Catch node when asked', async () => {
  await load(generic(), {}, { clientSecret: 'gen-secret' });
  sandbox.addFault({ provider: 'generic', endpoint: 'api', kind: 'insufficient-scope' });
  expect((await one()).statusCode).toBe(403);
  await helper.unload();
  await load(generic(), { failOnError: true }, { clientSecret: 'gen-secret' });
  sandbox.addFault({ provider: 'generic', endpoint: 'api', kind: 'insufficient-scope' });
  const caught = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('rq').receive({});
  const [msg] = await caught;
  expect(msg.error.message).toMatch(/HTTP 403/);
  expect(msg.statusCode).toBe(403);
});

test('a token error fails the message clearly (wrong client secret)', async () => {
  await load(generic(), {}, { clientSecret: 'not-the-secret' });
  const caught = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('rq').receive({});
  const [msg] = await caught;
  expect(msg.error.message).toMatch(/invalid_client/);
  expect(msg.error.message).not.toContain('not-the-secret');
});

test('response checks from the editor apply to token responses', async () => {
  await load(generic({ validations: '[{"path":"scope","equals":"admin","message":"the admin scope was not granted"}]' }), {}, { clientSecret: 'gen-secret' });
  const caught = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('rq').receive({});
  expect((await caught)[0].error.message).toMatch(/the admin scope was not granted/);
});

test('token placement: a custom header without prefix is what the API receives', async () => {
  // the sandbox API only accepts "Authorization: Bearer": a custom placement is rejected, which
  // shows the token went elsewhere (and never into the URL)
  await load(generic({ headerName: 'X-Access-Token', headerPrefix: '' }), {}, { clientSecret: 'gen-secret' });
  const msg = await one();
  expect(msg.statusCode).toBe(401);
  expect(grants().client_credentials).toBe(2);
  expect(sandbox.counters.tokensInUrl).toBe(0);
});

test('generic authorization code through the editor routes, separate refresh URL, rotation kept across a redeploy', async () => {
  const settings = generic({ grantType: 'authorization_code', authorizationUrl: `${sandbox.url}/generic/oauth2/authorize`, refreshUrl: `${sandbox.url}/generic/oauth2/refresh`, scopes: 'read offline_access' });
  await load(settings, {}, { clientSecret: 'gen-secret' });
  expect((await authorize('oauth2-client', 'oc', settings, { clientSecret: 'gen-secret' })).status).toBe(200);
  expect((await one()).statusCode).toBe(200);
  sandbox.expireAccessTokens('generic');
  expect((await one()).statusCode).toBe(200);
  expect(sandbox.counters.refreshEndpointRequests).toBe(1);
  await helper.unload();
  await load(settings, {}, { clientSecret: 'gen-secret' });
  sandbox.expireAccessTokens('generic');
  expect((await one()).statusCode).toBe(200);
  expect(sandbox.counters.refreshEndpointRequests).toBe(2);
  expect(grants().authorization_code).toBe(1);
});

test('refresh-token-only grant: a pasted refresh token is used once, then the rotated one from the store', async () => {
  // a refresh token obtained elsewhere (here: a password grant straight at the sandbox)
  const res = await fetch(`${sandbox.url}/generic/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('gen-client:gen-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'password', username: 'user@example.test', password: 'user-pass', scope: 'read offline_access' }),
  });
  const pasted = ((await res.json()) as { refresh_token: string }).refresh_token;
  expect(pasted).toBeTruthy();
  const settings = generic({ grantType: 'refresh_token', scopes: 'read offline_access' });
  await load(settings, {}, { clientSecret: 'gen-secret', refreshToken: pasted });
  expect((await one()).statusCode).toBe(200);
  expect(grants().refresh_token).toBe(1);
  // the pasted token is spent (rotation); after a redeploy the stored rotated one must be used
  await helper.unload();
  await load(settings, {}, { clientSecret: 'gen-secret', refreshToken: pasted });
  sandbox.expireAccessTokens('generic');
  expect((await one()).statusCode).toBe(200);
  expect(grants().refresh_token).toBe(2);
});

describe('authorization code with PKCE against oidc-provider', () => {
  const oidcSettings = () => ({
    name: 'OIDC', grantType: 'authorization_code', authorizationUrl: op.authorizationEndpoint, tokenUrl: op.tokenEndpoint,
    clientId: 'nr-public', clientAuth: 'none', scopes: 'openid offline_access api:read', pkce: true, issuer: op.issuer,
  });

  async function loadOidc() {
    await helper.load([...NODES, CATCH], [
      { id: 'oc', type: 'oauth2-client', ...oidcSettings() },
      { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: op.apiUrl, ret: 'obj', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], {});
  }

  test('happy path: the editor flow stores tokens, the request node uses them', async () => {
    await loadOidc();
    const start = await startAuthorize('oauth2-client', 'oc', oidcSettings());
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    expect(redirect.searchParams.get('iss')).toBe(op.issuer);
    const page = await callback(redirect.search);
    expect(page.status).toBe(200);
    expect((await status('oauth2-client', 'oc')).tokens).toMatchObject({ authorized: true, hasRefreshToken: true });
    const msg = await one();
    expect(msg.statusCode).toBe(200);
    expect((await op.counters()).byGrant.authorization_code).toBe(1);
  });

  test('the server checks the verifier: a code injected into another pending authorization fails', async () => {
    await loadOidc();
    const a = await startAuthorize('oauth2-client', 'oc', oidcSettings());
    const b = await startAuthorize('oauth2-client', 'oc', oidcSettings());
    const redirectA = await followAuthorize(a.authorizeUrl, HELPER_REDIRECT);
    const stateB = new URL(b.authorizeUrl).searchParams.get('state');
    const injected = await callback(`?code=${encodeURIComponent(redirectA.searchParams.get('code') as string)}&state=${stateB}&iss=${encodeURIComponent(op.issuer)}`);
    expect(injected.status).toBe(400);
    expect(injected.text).toMatch(/invalid_grant/);
    expect((await status('oauth2-client', 'oc')).tokens.authorized).toBe(false);
  });

  test('without PKCE the server refuses the public client; the callback page says so', async () => {
    await loadOidc();
    const start = await startAuthorize('oauth2-client', 'oc', { ...oidcSettings(), pkce: false });
    expect(new URL(start.authorizeUrl).searchParams.get('code_challenge')).toBeNull();
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
    const page = await callback(redirect.search);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/invalid_request/);
    expect((await status('oauth2-client', 'oc')).tokens.authorized).toBe(false);
  });
});
