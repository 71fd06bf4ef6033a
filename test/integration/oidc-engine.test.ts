/**
 * The engine against a real authorization server (oidc-provider in a child process on 127.0.0.1):
 * every client-auth placement, the authorization code flow driven headlessly, refresh rotation and
 * reuse, proactive refresh on short lifetimes, and single-flight under concurrency.
 */
import { formEncode } from '../../lib/oauth2/client-auth';
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import { OAuth2Error, OAuth2ProtocolError, OAuth2ReauthorizationRequired } from '../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../lib/oauth2/grants';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { type GrantSpec } from '../../lib/oauth2/token-state';
import type { ClientCredentialsConfig, OAuth2Config, TokenSet } from '../../lib/oauth2/types';
import { makeEcKeyPair, makeRsaKeyPair, startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';
import { pushAuthorizationRequest } from '../../lib/oauth2/par';

const SPECIAL_SECRET = 's3cr3t+%:&/value-long-enough-0123456789';
const HS_SECRET = 'hs256-shared-secret-with-at-least-32-bytes!';
const REDIRECT = 'http://127.0.0.1:1/callback';
const rsa = makeRsaKeyPair();
const ec = makeEcKeyPair();

let op: OidcTestServer;
let ttlOp: OidcTestServer;

const cc = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };

beforeAll(async () => {
  const clients = [
    { client_id: 'basic-client', client_secret: SPECIAL_SECRET, token_endpoint_auth_method: 'client_secret_basic' as const, ...cc },
    { client_id: 'post-client', client_secret: SPECIAL_SECRET, token_endpoint_auth_method: 'client_secret_post' as const, ...cc },
    { client_id: 'jwt-client', client_secret: HS_SECRET, token_endpoint_auth_method: 'client_secret_jwt' as const, token_endpoint_auth_signing_alg: 'HS256', ...cc },
    { client_id: 'rsa-client', token_endpoint_auth_method: 'private_key_jwt' as const, token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [rsa.publicJwk] }, ...cc },
    { client_id: 'ec-client', token_endpoint_auth_method: 'private_key_jwt' as const, token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [ec.publicJwk] }, ...cc },
    {
      client_id: 'public-client', token_endpoint_auth_method: 'none' as const, grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], redirect_uris: [REDIRECT], scope: 'openid offline_access api:read',
    },
    {
      client_id: 'code-client', client_secret: SPECIAL_SECRET, token_endpoint_auth_method: 'client_secret_basic' as const,
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [REDIRECT], scope: 'openid offline_access api:read',
    },
  ];
  [op, ttlOp] = await Promise.all([
    startOidcProvider({ clients }),
    startOidcProvider({ clients, ttl: { AccessToken: 2, ClientCredentials: 2 } }),
  ]);
});

afterAll(async () => {
  await Promise.all([op?.stop(), ttlOp?.stop()]);
});

function ccConfig(server: OidcTestServer, client: ClientCredentialsConfig): OAuth2Config {
  return { client, tokenUrl: server.tokenEndpoint, scopes: ['api:read'] };
}

async function callApi(manager: TokenManager, server: OidcTestServer): Promise<number> {
  return (await manager.fetch({ url: server.apiUrl })).status;
}

describe('client authentication against oidc-provider', () => {
  it('client_secret_basic with a secret containing + % : & / (RFC form-encoded)', async () => {
    const before = await op.counters();
    const tokens = await clientCredentialsGrant({ config: ccConfig(op, { clientId: 'basic-client', clientSecret: SPECIAL_SECRET, method: 'basic' }) });
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
    const after = await op.counters();
    expect(after.byClientAuth.client_secret_basic).toBe((before.byClientAuth.client_secret_basic ?? 0) + 1);
  });

  it('raw Basic is rejected by the strict server with a clear error', async () => {
    const attempt = clientCredentialsGrant({ config: ccConfig(op, { clientId: 'basic-client', clientSecret: SPECIAL_SECRET, method: 'basic-raw' }) });
    await expect(attempt).rejects.toBeInstanceOf(OAuth2ProtocolError);
    // oidc-provider says the Basic credentials are not properly form-encoded
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    await expect(attempt).rejects.toThrow(/encoded/);
  });

  it('a wrong secret is a clear invalid_client error', async () => {
    const attempt = clientCredentialsGrant({ config: ccConfig(op, { clientId: 'basic-client', clientSecret: 'not-the-secret', method: 'basic' }) });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_client', status: 401 });
    await expect(attempt).rejects.toThrow(/check the client ID and secret/);
  });

  it.each([
    ['client_secret_post', { clientId: 'post-client', clientSecret: SPECIAL_SECRET, method: 'body' }],
    ['client_secret_jwt', { clientId: 'jwt-client', clientSecret: HS_SECRET, method: 'client_secret_jwt' }],
    ['private_key_jwt RS256', { clientId: 'rsa-client', method: 'private_key_jwt', privateKey: rsa.privateKeyPem, keyId: rsa.publicJwk.kid }],
    ['private_key_jwt ES256', { clientId: 'ec-client', method: 'private_key_jwt', privateKey: ec.privateKeyPem, keyId: ec.publicJwk.kid }],
  ] as Array<[string, ClientCredentialsConfig]>)('%s gets a token that the API accepts', async (_name, client) => {
    const manager = new TokenManager({ config: ccConfig(op, client), grant: { type: 'client_credentials' } });
    expect(await callApi(manager, op)).toBe(200);
  });

  it('private_key_jwt with the issuer as the configured aud', async () => {
    const client: ClientCredentialsConfig = { clientId: 'rsa-client', method: 'private_key_jwt', privateKey: rsa.privateKeyPem, assertionAudience: op.issuer };
    await expect(clientCredentialsGrant({ config: ccConfig(op, client) })).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('a wrong private key is refused as invalid_client', async () => {
    const client: ClientCredentialsConfig = { clientId: 'rsa-client', method: 'private_key_jwt', privateKey: makeRsaKeyPair().privateKeyPem };
    await expect(clientCredentialsGrant({ config: ccConfig(op, client) })).rejects.toMatchObject({ code: 'invalid_client' });
  });
});

function codeConfig(server: OidcTestServer, client: ClientCredentialsConfig): OAuth2Config {
  return {
    client,
    tokenUrl: server.tokenEndpoint,
    authorizationUrl: server.authorizationEndpoint,
    redirectUri: REDIRECT,
    scopes: ['openid', 'offline_access', 'api:read'],
    extraAuthorizeParams: { prompt: 'consent' },
  };
}

async function authorize(server: OidcTestServer, manager: TokenManager, config: OAuth2Config): Promise<TokenSet> {
  const pending = createAuthorizationRequest(config);
  const callback = await followAuthorize(pending.url, REDIRECT);
  const { code } = parseAuthorizationCallback(callback, { state: pending.state, issuer: server.issuer, requireIssuer: true });
  return manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
}

describe('authorization code flow, driven headlessly', () => {
  it('public client + PKCE: authorize, exchange, call the API, refresh with rotation, reuse is a clear invalid_grant', async () => {
    const config = codeConfig(op, { clientId: 'public-client', method: 'none' });
    const persisted: Array<{ reason: string; refreshToken?: string }> = [];
    const manager = new TokenManager({
      config, grant: { type: 'authorization_code' },
      hooks: { onTokens: async (t, e) => { persisted.push({ reason: e.reason, refreshToken: t.refreshToken }); } },
    });
    const first = await authorize(op, manager, config);
    expect(first.refreshToken).toBeTruthy();
    expect(await callApi(manager, op)).toBe(200);

    const second = await manager.getTokens({ forceRefresh: true });
    expect(second.refreshToken).toBeTruthy();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(persisted.map((p) => p.reason)).toEqual(['authorize', 'refresh']);
    expect(persisted[1].refreshToken).toBe(second.refreshToken);

    // Another holder of the old (rotated) refresh token: reuse is refused.
    const stale = new TokenManager({ config, grant: { type: 'authorization_code' }, tokens: { ...first, expiresAt: 0 } });
    const reuse = stale.getTokens();
    await expect(reuse).rejects.toBeInstanceOf(OAuth2ReauthorizationRequired);
    await expect(reuse).rejects.toThrow(/reconnect/i);
    expect(stale.state).toBe('reauthorization_required');
    // It fails fast afterwards: no further token requests.
    const before = (await op.counters()).token;
    await expect(stale.getTokens()).rejects.toBeInstanceOf(OAuth2ReauthorizationRequired);
    expect((await op.counters()).token).toBe(before);
  });

  it('confidential client with Basic auth and the identical redirect_uri', async () => {
    const config = codeConfig(op, { clientId: 'code-client', clientSecret: SPECIAL_SECRET, method: 'basic' });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    await authorize(op, manager, config);
    expect(await callApi(manager, op)).toBe(200);
  });

  it('pushed authorization request (RFC 9126): the browser carries only client_id and request_uri; the code flow completes', async () => {
    const config = { ...codeConfig(op, { clientId: 'code-client', clientSecret: SPECIAL_SECRET, method: 'basic' }), pushedAuthorizationRequestUrl: op.metadata.pushed_authorization_request_endpoint as string };
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    const pending = await pushAuthorizationRequest({ config }, config.pushedAuthorizationRequestUrl, createAuthorizationRequest(config));
    const sent = new URL(pending.url);
    expect([...sent.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(sent.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state, issuer: op.issuer, requireIssuer: true });
    await manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
    expect(await callApi(manager, op)).toBe(200);
    // a wrong secret is refused at the push, before the browser is involved
    const wrong = { ...config, client: { ...config.client, clientSecret: 'wrong-secret-value' } };
    await expect(pushAuthorizationRequest({ config: wrong }, config.pushedAuthorizationRequestUrl, createAuthorizationRequest(wrong))).rejects.toMatchObject({ code: 'invalid_client' });
  });

  it('a different redirect_uri at the exchange is refused (RFC 6749 §4.1.3)', async () => {
    const config = codeConfig(op, { clientId: 'public-client', method: 'none' });
    const pending = createAuthorizationRequest(config);
    const callback = await followAuthorize(pending.url, REDIRECT);
    const { code } = parseAuthorizationCallback(callback, { state: pending.state });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    await expect(manager.exchangeCode({ code, redirectUri: 'http://127.0.0.1:1/other', codeVerifier: pending.codeVerifier }))
      .rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('a wrong PKCE verifier is refused', async () => {
    const config = codeConfig(op, { clientId: 'public-client', method: 'none' });
    const pending = createAuthorizationRequest(config);
    const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    await expect(manager.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: 'x'.repeat(43) })).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('a denied authorization surfaces access_denied', async () => {
    const config = { ...codeConfig(op, { clientId: 'public-client', method: 'none' }), extraAuthorizeParams: { x_test_deny: '1' } };
    const pending = createAuthorizationRequest(config);
    const callback = await followAuthorize(pending.url, REDIRECT);
    expect(() => parseAuthorizationCallback(callback, { state: pending.state, issuer: op.issuer })).toThrow(/access_denied/);
  });
});

describe('proactive refresh on short lifetimes (2 s tokens)', () => {
  it('refreshes before expiry: calls across three lifetimes never see a 401', async () => {
    const config = codeConfig(ttlOp, { clientId: 'public-client', method: 'none' });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    await authorize(ttlOp, manager, config);
    const before = await ttlOp.counters();
    const statuses: number[] = [];
    const deadline = Date.now() + 5000;
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      statuses.push(await callApi(manager, ttlOp));
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await ttlOp.counters();
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refreshes = (after.byGrant.refresh_token ?? 0) - (before.byGrant.refresh_token ?? 0);
    // ~5 s of calls with a refresh at half of each 2 s lifetime: about five, never one per call.
    expect(refreshes).toBeGreaterThanOrEqual(2);
    expect(refreshes).toBeLessThan(statuses.length / 2);
  });

  it('client credentials re-runs the grant before expiry', async () => {
    const manager = new TokenManager({ config: ccConfig(ttlOp, { clientId: 'basic-client', clientSecret: SPECIAL_SECRET, method: 'basic' }), grant: { type: 'client_credentials' } });
    const before = await ttlOp.counters();
    expect(await callApi(manager, ttlOp)).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await callApi(manager, ttlOp)).toBe(200);
    const after = await ttlOp.counters();
    expect((after.byGrant.client_credentials ?? 0) - (before.byGrant.client_credentials ?? 0)).toBe(2);
  });
});

describe('single flight', () => {
  const grant: GrantSpec = { type: 'client_credentials' };

  it('100 concurrent calls on an expired token make exactly 1 token request', async () => {
    let offset = 0;
    const manager = new TokenManager({
      config: ccConfig(op, { clientId: 'basic-client', clientSecret: SPECIAL_SECRET, method: 'basic' }),
      grant,
      now: () => Date.now() + offset,
    });
    await manager.getTokens();
    offset = 24 * 3600 * 1000; // the held token is now past its expiry
    await op.resetCounters();
    const statuses = await Promise.all(Array.from({ length: 100 }, () => callApi(manager, op)));
    const counters = await op.counters();
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(counters.token).toBe(1);
    expect(counters.api).toBe(100);
  });

  it('100 concurrent calls rejected with 401 (token expired at the server) share 1 refresh and retry once each', async () => {
    const config = codeConfig(ttlOp, { clientId: 'code-client', clientSecret: SPECIAL_SECRET, method: 'basic' });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    const tokens = await authorize(ttlOp, manager, config);
    // The manager is not told the lifetime: only the API's 401 can tell it the token expired.
    await manager.setTokens({ ...tokens, expiresAt: undefined });
    await new Promise((r) => setTimeout(r, 2300));
    await ttlOp.resetCounters();
    const statuses = await Promise.all(Array.from({ length: 100 }, () => callApi(manager, ttlOp)));
    const counters = await ttlOp.counters();
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(counters.token).toBe(1);
    expect(counters.byGrant.refresh_token).toBe(1);
    expect(counters.api).toBe(200);
  });

  it('a revoked grant ends in "reconnect", once, without retry loops', async () => {
    const config = codeConfig(op, { clientId: 'code-client', clientSecret: SPECIAL_SECRET, method: 'basic' });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    const tokens = await authorize(op, manager, config);
    const revoke = await fetch(op.revocationEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`code-client:${formEncode(SPECIAL_SECRET)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: tokens.refreshToken as string, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    await op.resetCounters();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => callApi(manager, op)));
    const counters = await op.counters();
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof OAuth2ReauthorizationRequired)).toBe(true);
    expect(counters.token).toBe(1);
    expect(manager.state).toBe('reauthorization_required');
  });

  it('errors carry no secret', async () => {
    const manager = new TokenManager({ config: ccConfig(op, { clientId: 'basic-client', clientSecret: 'wrong' + SPECIAL_SECRET, method: 'basic' }), grant });
    const error = (await manager.getTokens().catch((e) => e)) as OAuth2Error;
    expect(error).toBeInstanceOf(OAuth2Error);
    const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
    expect(text).not.toContain(SPECIAL_SECRET);
  });
});
