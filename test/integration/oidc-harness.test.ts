// Proves the oidc-provider test harness with raw fetch calls (no client engine involved).
import { createHash, createHmac, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';

import {
  makeEcKeyPair,
  makeRsaKeyPair,
  startOidcProvider,
  type OidcTestServer,
  type TestKeyPair,
} from '../support/oidc-provider';
import { CookieJar, followAuthorize } from '../support/user-agent';
import { formEncode } from '../../lib/oauth2/form-encoding';

const SPECIAL_SECRET = 's3cr3t+%:&/value-long-enough-0123456789';
// Contains reserved characters but no '%': the raw form decodes without error, to a different secret.
const PLUS_SECRET = 'plus+secret:with&reserved/chars-0123456789abcdef';
const HS_SECRET = 'hs256-shared-secret-that-is-long-enough-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');
/** application/x-www-form-urlencoded encoding of a single value (RFC 6749 Appendix B). */
const basicRfc = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
const basicRaw = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

type TokenResponse = {
  status: number;
  body: {
    access_token?: string;
    refresh_token?: string;
    id_token?: string;
    token_type?: string;
    expires_in?: number;
    scope?: string;
    error?: string;
    error_description?: string;
  };
  wwwAuthenticate: string | null;
};

async function tokenRequest(
  server: OidcTestServer,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<TokenResponse> {
  const res = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as TokenResponse['body'],
    wwwAuthenticate: res.headers.get('www-authenticate'),
  };
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

function authorizeUrl(server: OidcTestServer, params: Record<string, string>): string {
  const url = new URL(server.authorizationEndpoint);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

type Jwt = { header?: Record<string, unknown>; payload: Record<string, unknown> };

function signJwt({ header = {}, payload }: Jwt, alg: string, key: KeyObject | string, kid?: string): string {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT', ...(kid ? { kid } : {}), ...header }));
  const input = `${head}.${b64url(JSON.stringify(payload))}`;
  let signature: Buffer;
  if (alg === 'HS256') signature = createHmac('sha256', key as string).update(input).digest();
  else if (alg === 'ES256') signature = sign('sha256', Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  else signature = sign('sha256', Buffer.from(input), key as KeyObject);
  return `${input}.${b64url(signature)}`;
}

function assertionClaims(clientId: string, aud: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: clientId, sub: clientId, aud, jti: randomUUID(), iat: now, exp: now + 60, ...extra };
}

const assertionParams = (assertion: string): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: assertion,
});

describe('oidc-provider test harness', () => {
  let server: OidcTestServer;
  let rsa: TestKeyPair;
  let ec: TestKeyPair;

  beforeAll(async () => {
    rsa = makeRsaKeyPair();
    ec = makeEcKeyPair();
    server = await startOidcProvider({
      clients: [
        {
          client_id: 'basic-client',
          client_secret: SPECIAL_SECRET,
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          scope: 'api:read',
        },
        {
          client_id: 'plus-client',
          client_secret: PLUS_SECRET,
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        {
          client_id: 'post-client',
          client_secret: SPECIAL_SECRET,
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        {
          client_id: 'public-client',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [REDIRECT_URI],
        },
        {
          client_id: 'jwt-secret-client',
          client_secret: HS_SECRET,
          token_endpoint_auth_method: 'client_secret_jwt',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        {
          client_id: 'short-secret-jwt-client',
          client_secret: 'short',
          token_endpoint_auth_method: 'client_secret_jwt',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        {
          client_id: 'pkjwt-client',
          token_endpoint_auth_method: 'private_key_jwt',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
        },
        {
          client_id: 'pkjwt-es256-pinned',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
        },
      ],
      rotateRefreshToken: true,
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('publishes endpoints from discovery', () => {
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tokenEndpoint).toBe(`${server.issuer}/token`);
    expect(server.authorizationEndpoint).toBe(`${server.issuer}/auth`);
    expect(server.revocationEndpoint).toBe(`${server.issuer}/token/revocation`);
    expect(server.apiUrl).toBe(`${server.issuer}/__test/api`);
  });

  describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
    it('accepts the form-urlencoded Basic header and counts the token request', async () => {
      await server.resetCounters();
      const res = await tokenRequest(
        server,
        { grant_type: 'client_credentials', scope: 'api:read' },
        { authorization: basicRfc('basic-client', SPECIAL_SECRET) },
      );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
      expect(typeof res.body.access_token).toBe('string');
      expect(res.body.scope).toBe('api:read');
      const counters = await server.counters();
      expect(counters.token).toBe(1);
      expect(counters.byGrant).toEqual({ client_credentials: 1 });
      expect(counters.byClientAuth).toEqual({ client_secret_basic: 1 });
    });

    it('rejects the raw base64(id:secret) header when the secret contains "%"', async () => {
      // '%:&' is not a valid percent-escape: oidc-provider fails to decode the credentials and
      // answers invalid_request (400), not invalid_client.
      const res = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRaw('basic-client', SPECIAL_SECRET) },
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toMatch(/not properly encoded/);
      expect(res.body.access_token).toBeUndefined();
    });

    it('rejects the raw header with invalid_client when the secret only has "+ : & /"', async () => {
      // Decodes fine but '+' becomes a space, so the secret does not match.
      const raw = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRaw('plus-client', PLUS_SECRET) },
      );
      expect(raw.status).toBe(401);
      expect(raw.body.error).toBe('invalid_client');
      expect(raw.wwwAuthenticate).toMatch(/^Basic /);

      const rfc = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRfc('plus-client', PLUS_SECRET) },
      );
      expect(rfc.status).toBe(200);
    });

    it('rejects a wrong secret with 401 invalid_client and a Basic challenge', async () => {
      const res = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRfc('basic-client', 'wrong-secret') },
      );
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.wwwAuthenticate).toMatch(/^Basic realm=/);
    });

    it('strictClientAuth (default): a client_secret_basic client may not put the secret in the body', async () => {
      await server.resetCounters();
      const res = await tokenRequest(server, {
        grant_type: 'client_credentials',
        client_id: 'basic-client',
        client_secret: SPECIAL_SECRET,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.error_description).toMatch(/registered for client_secret_basic but authenticated with client_secret_post/);
      expect(await server.counters()).toMatchObject({ token: 1, byClientAuth: { client_secret_post: 1 } });
    });

    it('client_secret_post takes the secret verbatim in the form body (and not in a Basic header)', async () => {
      const res = await tokenRequest(server, {
        grant_type: 'client_credentials',
        client_id: 'post-client',
        client_secret: SPECIAL_SECRET,
      });
      expect(res.status).toBe(200);
      const basic = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRfc('post-client', SPECIAL_SECRET) },
      );
      expect([basic.status, basic.body.error]).toEqual([401, 'invalid_client']);
    });
  });

  describe('protected resource /__test/api', () => {
    it('accepts a client_credentials token and rejects garbage with invalid_token', async () => {
      const tok = await tokenRequest(
        server,
        { grant_type: 'client_credentials', scope: 'api:read' },
        { authorization: basicRfc('basic-client', SPECIAL_SECRET) },
      );
      await server.resetCounters();

      const ok = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${tok.body.access_token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ sub: null, client_id: 'basic-client', scope: 'api:read', kind: 'ClientCredentials' });

      const bad = await fetch(server.apiUrl, { headers: { authorization: 'Bearer not-a-real-token' } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

      const none = await fetch(server.apiUrl);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

      expect((await server.counters()).api).toBe(3);
    });

    it('rejects a token after it is revoked at the revocation endpoint', async () => {
      const tok = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicRfc('basic-client', SPECIAL_SECRET) },
      );
      const accessToken = tok.body.access_token as string;
      const revoke = await fetch(server.revocationEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicRfc('basic-client', SPECIAL_SECRET),
        },
        body: new URLSearchParams({ token: accessToken }).toString(),
      });
      expect(revoke.status).toBe(200);
      const res = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(res.status).toBe(401);
    });
  });

  describe('authorization code + PKCE (public client)', () => {
    it('returns a code that is exchanged with the code_verifier', async () => {
      const { verifier, challenge } = pkcePair();
      const state = randomUUID();
      const callback = await followAuthorize(
        authorizeUrl(server, {
          client_id: 'public-client',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid api:read',
          state,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        REDIRECT_URI,
      );
      expect(callback.searchParams.get('error')).toBeNull();
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('iss')).toBe(server.issuer);
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();

      await server.resetCounters();
      const tok = await tokenRequest(server, {
        grant_type: 'authorization_code',
        client_id: 'public-client',
        code: code as string,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(tok.status).toBe(200);
      expect(tok.body.id_token).toBeTruthy();
      expect(tok.body.refresh_token).toBeUndefined(); // no offline_access requested
      expect(await server.counters()).toMatchObject({ token: 1, byGrant: { authorization_code: 1 } });

      const api = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${tok.body.access_token}` } });
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ sub: 'user-1', client_id: 'public-client', kind: 'AccessToken' });
    });

    it('requires PKCE for public clients', async () => {
      const callback = await followAuthorize(
        authorizeUrl(server, {
          client_id: 'public-client',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          state: 'no-pkce',
        }),
        REDIRECT_URI,
      );
      expect(callback.searchParams.get('error')).toBe('invalid_request');
    });

    it('issues refresh tokens for offline_access and rejects reuse of a rotated one', async () => {
      const { verifier, challenge } = pkcePair();
      // No prompt=consent: the server normalises that so offline_access is honoured.
      const callback = await followAuthorize(
        authorizeUrl(server, {
          client_id: 'public-client',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid offline_access api:read',
          state: 's1',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        REDIRECT_URI,
      );
      const tok = await tokenRequest(server, {
        grant_type: 'authorization_code',
        client_id: 'public-client',
        code: callback.searchParams.get('code') as string,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(tok.status).toBe(200);
      expect(tok.body.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'api:read']));
      const firstRefresh = tok.body.refresh_token as string;
      expect(firstRefresh).toBeTruthy();

      await server.resetCounters();
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        client_id: 'public-client',
        refresh_token: firstRefresh,
      });
      expect(refreshed.status).toBe(200);
      const secondRefresh = refreshed.body.refresh_token as string;
      expect(secondRefresh).toBeTruthy();
      expect(secondRefresh).not.toBe(firstRefresh);

      const reuse = await tokenRequest(server, {
        grant_type: 'refresh_token',
        client_id: 'public-client',
        refresh_token: firstRefresh,
      });
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');

      // Reuse detection revoked the whole grant: the rotated token and its access token are dead too.
      const afterRevoke = await tokenRequest(server, {
        grant_type: 'refresh_token',
        client_id: 'public-client',
        refresh_token: secondRefresh,
      });
      expect(afterRevoke.status).toBe(400);
      expect(afterRevoke.body.error).toBe('invalid_grant');
      const api = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
      expect(api.status).toBe(401);

      expect(await server.counters()).toMatchObject({ token: 3, byGrant: { refresh_token: 3 } });
    });

    it('keeps an SSO session in a shared cookie jar', async () => {
      const jar = new CookieJar();
      for (const state of ['a', 'b']) {
        const { challenge } = pkcePair();
        const callback = await followAuthorize(
          authorizeUrl(server, {
            client_id: 'public-client',
            response_type: 'code',
            redirect_uri: REDIRECT_URI,
            scope: 'openid',
            state,
            code_challenge: challenge,
            code_challenge_method: 'S256',
          }),
          REDIRECT_URI,
          { jar },
        );
        expect(callback.searchParams.get('code')).toBeTruthy();
      }
    });

    it('x_test_deny=1 ends with error=access_denied', async () => {
      const { challenge } = pkcePair();
      const callback = await followAuthorize(
        authorizeUrl(server, {
          client_id: 'public-client',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          state: 'deny-me',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          x_test_deny: '1',
        }),
        REDIRECT_URI,
      );
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('state')).toBe('deny-me');
      expect(callback.searchParams.get('code')).toBeNull();
    });

    it('throws a clear error when the flow does not reach the redirect URI', async () => {
      await expect(
        followAuthorize(
          authorizeUrl(server, { client_id: 'unknown-client', response_type: 'code', redirect_uri: REDIRECT_URI }),
          REDIRECT_URI,
        ),
      ).rejects.toThrow(/stopped at http:\/\/127\.0\.0\.1:\d+\/auth with HTTP 400 after 1 hop\(s\).*invalid_client/);
    });
  });

  describe('JWT client authentication (observed requirements)', () => {
    it('private_key_jwt: RS256 and ES256 with aud = token endpoint or issuer', async () => {
      for (const aud of [server.tokenEndpoint, server.issuer, [server.issuer, 'https://other.example']]) {
        const rs = signJwt({ payload: assertionClaims('pkjwt-client', aud) }, 'RS256', rsa.privateKey, rsa.publicJwk.kid);
        expect((await tokenRequest(server, assertionParams(rs))).status).toBe(200);
      }
      const es = signJwt({ payload: assertionClaims('pkjwt-client', server.tokenEndpoint) }, 'ES256', ec.privateKey);
      expect((await tokenRequest(server, assertionParams(es))).status).toBe(200);
    });

    it('private_key_jwt: rejects a foreign aud, a replayed jti and a missing exp/jti', async () => {
      const foreign = signJwt({ payload: assertionClaims('pkjwt-client', 'https://other.example/token') }, 'RS256', rsa.privateKey);
      const r1 = await tokenRequest(server, assertionParams(foreign));
      expect([r1.status, r1.body.error]).toEqual([401, 'invalid_client']);

      const once = signJwt({ payload: assertionClaims('pkjwt-client', server.tokenEndpoint) }, 'RS256', rsa.privateKey);
      expect((await tokenRequest(server, assertionParams(once))).status).toBe(200);
      const replay = await tokenRequest(server, assertionParams(once));
      expect([replay.status, replay.body.error]).toEqual([401, 'invalid_client']);

      const noExp = signJwt({ payload: assertionClaims('pkjwt-client', server.tokenEndpoint, { exp: undefined }) }, 'RS256', rsa.privateKey);
      expect((await tokenRequest(server, assertionParams(noExp))).body.error).toBe('invalid_client');
      const noJti = signJwt({ payload: assertionClaims('pkjwt-client', server.tokenEndpoint, { jti: undefined }) }, 'RS256', rsa.privateKey);
      expect((await tokenRequest(server, assertionParams(noJti))).body.error).toBe('invalid_client');
    });

    it('private_key_jwt: token_endpoint_auth_signing_alg pins the alg', async () => {
      const rs = signJwt({ payload: assertionClaims('pkjwt-es256-pinned', server.tokenEndpoint) }, 'RS256', rsa.privateKey);
      const res = await tokenRequest(server, assertionParams(rs));
      expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
      const es = signJwt({ payload: assertionClaims('pkjwt-es256-pinned', server.tokenEndpoint) }, 'ES256', ec.privateKey);
      expect((await tokenRequest(server, assertionParams(es))).status).toBe(200);
    });

    it('client_secret_jwt: HS256 keyed with the client secret', async () => {
      const hs = signJwt({ payload: assertionClaims('jwt-secret-client', server.tokenEndpoint) }, 'HS256', HS_SECRET);
      expect((await tokenRequest(server, assertionParams(hs))).status).toBe(200);
      const wrong = signJwt({ payload: assertionClaims('jwt-secret-client', server.tokenEndpoint) }, 'HS256', 'another-secret');
      expect((await tokenRequest(server, assertionParams(wrong))).body.error).toBe('invalid_client');
    });

    it('client_secret_jwt: a 5-character secret is accepted (no minimum length enforced)', async () => {
      const hs = signJwt({ payload: assertionClaims('short-secret-jwt-client', server.tokenEndpoint) }, 'HS256', 'short');
      expect((await tokenRequest(server, assertionParams(hs))).status).toBe(200);
    });
  });
});

describe('oidc-provider test harness: per-server options', () => {
  it('deny: true ends every authorization with access_denied', async () => {
    const server = await startOidcProvider({
      deny: true,
      clients: [{
        client_id: 'public-client',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
      }],
    });
    try {
      const { challenge } = pkcePair();
      const callback = await followAuthorize(
        authorizeUrl(server, {
          client_id: 'public-client',
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          state: 'x',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        REDIRECT_URI,
      );
      expect(callback.searchParams.get('error')).toBe('access_denied');
    } finally {
      await server.stop();
    }
  });

  it('short ClientCredentials ttl: the resource rejects the token once expired', async () => {
    const server = await startOidcProvider({
      ttl: { ClientCredentials: 1 },
      clients: [{
        client_id: 'cc',
        client_secret: SPECIAL_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      }],
    });
    try {
      const tok = await tokenRequest(server, { grant_type: 'client_credentials' }, { authorization: basicRfc('cc', SPECIAL_SECRET) });
      expect(tok.body.expires_in).toBe(1);
      await new Promise((r) => setTimeout(r, 2100));
      const res = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${tok.body.access_token}` } });
      expect(res.status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('strictClientAuth: false shows oidc-provider\'s native behaviour (basic and post interchangeable)', async () => {
    const server = await startOidcProvider({
      strictClientAuth: false,
      clients: [{
        client_id: 'cc',
        client_secret: SPECIAL_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      }],
    });
    try {
      const post = await tokenRequest(server, { grant_type: 'client_credentials', client_id: 'cc', client_secret: SPECIAL_SECRET });
      expect(post.status).toBe(200);
      // Both at once is always an error.
      const both = await tokenRequest(
        server,
        { grant_type: 'client_credentials', client_id: 'cc', client_secret: SPECIAL_SECRET },
        { authorization: basicRfc('cc', SPECIAL_SECRET) },
      );
      expect([both.status, both.body.error]).toEqual([400, 'invalid_request']);
    } finally {
      await server.stop();
    }
  });

  it('rejects invalid client metadata at start-up with a clear error', async () => {
    await expect(startOidcProvider({
      clients: [{ client_id: 'broken', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
    })).rejects.toThrow(/failed to start: provider configuration rejected/);
  });
});
