// The preAuthentication of the engine-backed credentials, run the way n8n runs it (`this` is an
// IHttpRequestHelper whose httpRequest behaves like n8n's: returnFullResponse, ignoreHttpStatusErrors,
// streamed bodies, no redirects followed) against the provider sandbox. Fast: no n8n process needed.
import { createHash, createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { DpopSigner } from '../../../lib/oauth2/dpop';
import { Readable } from 'node:stream';

import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { AdvancedOAuth2Api } from '../../../credentials/AdvancedOAuth2Api.credentials';
import { clearTokenFlights } from '../../../hosts/n8n/single-flight';
import { ZendeskChatPasswordOAuth2Api } from '../../../credentials/ZendeskChatPasswordOAuth2Api.credentials';
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { startOidcProvider, type OidcTestServer } from '../../support/oidc-provider';
import { startProtectedResource, type ProtectedResource } from '../../support/protected-resource';

const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const pub = DEFAULT_CLIENTS.generic.find((c) => c.public)!;
const zd = DEFAULT_CLIENTS.zendesk[0];

type Reply = { statusCode: number; headers: Record<string, string>; body: Buffer | Readable };

/** n8n's httpRequest as a preAuthentication sees it, over fetch; records every request. */
function n8nLikeHelper(sent: IHttpRequestOptions[], override?: (o: IHttpRequestOptions) => Reply | undefined): IHttpRequestHelper {
  const httpRequest = async (options: IHttpRequestOptions): Promise<Reply> => {
    sent.push(options);
    expect(options).toMatchObject({ returnFullResponse: true, ignoreHttpStatusErrors: true, encoding: 'stream', disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false });
    const canned = override?.(options);
    if (canned) return { ...canned, body: canned.body instanceof Readable ? canned.body : Readable.from([canned.body]) };
    const res = await fetch(options.url, { method: options.method, headers: options.headers as Record<string, string>, body: options.body as string, redirect: 'manual' });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { statusCode: res.status, headers, body: res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : Readable.from([]) };
  };
  return { helpers: { httpRequest } } as unknown as IHttpRequestHelper;
}

function advanced(sandbox: Sandbox, extra: Record<string, unknown> = {}): ICredentialDataDecryptedObject {
  return {
    grantType: 'password',
    tokenUrl: sandbox.endpoints.generic.token,
    clientId: gen.clientId,
    clientSecret: gen.clientSecret!,
    clientAuthentication: 'basic',
    username: DEFAULT_USERS.generic.username,
    password: DEFAULT_USERS.generic.password,
    scope: 'read',
    extraGrantParameters: '',
    grantBodyFormat: 'form',
    responsePathAccess: 'access_token',
    responsePathRefresh: 'refresh_token',
    responsePathExpiresIn: 'expires_in',
    responsePathType: 'token_type',
    defaultExpiresIn: 0,
    ...extra,
  } as ICredentialDataDecryptedObject;
}

describe('engine-backed n8n credentials: preAuthentication', () => {
  let sandbox: Sandbox;
  const credential = new AdvancedOAuth2Api();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 120_000 });
  });
  afterAll(async () => sandbox.close());
  beforeEach(() => {
    sandbox.reset();
    sandbox.configure({ clients: { generic: DEFAULT_CLIENTS.generic.map((c) => ({ ...c })) } });
    clearTokenFlights(); // the sandbox forgot its tokens: so does this process
  });

  it.each([
    ['basic', 'client_secret_basic'],
    ['basic-raw', 'client_secret_basic_raw'],
    ['body', 'client_secret_post'],
  ])('password grant with client authentication %s', async (method, seenAs) => {
    const sent: IHttpRequestOptions[] = [];
    // a secret that encodes differently in the RFC form and raw, so the two Basic modes differ
    sandbox.configure({ clients: { generic: [{ clientId: 'gen-client', clientSecret: 'se cret+%&' }] } });
    const out = await credential.preAuthentication.call(n8nLikeHelper(sent), advanced(sandbox, { clientAuthentication: method, clientSecret: 'se cret+%&', extraGrantParameters: 'audience=https://api.example.test' }));
    expect(out.accessToken).toEqual(expect.any(String));
    expect(out.refreshToken).toBe('');
    expect(out.tokenExpiresAt).toBeGreaterThan(Date.now());
    const last = sandbox.counters.lastTokenRequestByProvider.generic!;
    expect(last.grantType).toBe('password');
    expect(last.clientAuth).toBe(seenAs);
    expect(last.params.audience).toBe('https://api.example.test');
    expect(sent).toHaveLength(1);
  });

  it('public client (none): only client_id in the body', async () => {
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { clientId: pub.clientId, clientSecret: '', clientAuthentication: 'none' }));
    expect(out.accessToken).toEqual(expect.any(String));
    expect(sandbox.counters.lastTokenRequestByProvider.generic!.clientAuth).toBe('none');
  });

  it('client credentials grant', async () => {
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { grantType: 'clientCredentials' }));
    expect(out.accessToken).toEqual(expect.any(String));
    expect(sandbox.counters.tokenRequestsByProviderGrant.generic.client_credentials).toBe(1);
  });

  it('a stored refresh token is never sent and none is kept: a new token is always a new grant', async () => {
    // queue-mode workers all run preAuthentication: a rotating refresh token used by two of them is
    // reuse, and the server revokes the grant (issue #10)
    const sent: IHttpRequestOptions[] = [];
    const first = await credential.preAuthentication.call(n8nLikeHelper(sent), advanced(sandbox));
    expect(first.refreshToken).toBe('');
    // n8n asks again with the token it holds (its request failed with it): a new token
    const again = await credential.preAuthentication.call(n8nLikeHelper(sent), advanced(sandbox, { accessToken: first.accessToken, refreshToken: 'a-refresh-token-saved-by-an-older-version' }));
    expect(again.accessToken).toEqual(expect.any(String));
    expect(again.refreshToken).toBe('');
    expect(sent.map((o) => new URLSearchParams(String(o.body)).get('grant_type'))).toEqual(['password', 'password']);
    expect(sandbox.counters.tokenRequestsByProviderGrant.generic.refresh_token ?? 0).toBe(0);
  });

  it('one token request per lifetime in this process (issue #17 item 1): 20 calls at once share one grant; the calls that follow get its token; a call that failed with it gets a new one', async () => {
    sandbox.configure({ tokenDelayMs: { generic: 200 } });
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic.password ?? 0;
    const expired = 'an-expired-token-n8n-holds';
    const burst = await Promise.all(Array.from({ length: 20 }, () => credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: expired }))));
    expect(grants()).toBe(1);
    expect(new Set(burst.map((o) => o.accessToken)).size).toBe(1);
    // a later call still holding the expired token: the valid one, no request
    const later = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: expired }));
    expect(later.accessToken).toBe(burst[0].accessToken);
    expect(grants()).toBe(1);
    // calls that failed with the current token (revoked, or a 429: n8n cannot tell us): one new grant for all of them
    const renewed = await Promise.all(Array.from({ length: 5 }, () => credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: burst[0].accessToken }))));
    expect(grants()).toBe(2);
    expect(new Set(renewed.map((o) => o.accessToken))).toEqual(new Set([renewed[0].accessToken]));
    expect(renewed[0].accessToken).not.toBe(burst[0].accessToken);
    // the replaced tokens' holders get the current one
    expect((await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: burst[0].accessToken }))).accessToken).toBe(renewed[0].accessToken);
    expect(grants()).toBe(2);
    // a token this process does not know (another queue-mode worker saved it): a new grant, never ours handed over it
    await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: 'a-token-another-worker-saved' }));
    expect(grants()).toBe(3);
    // other settings (another scope) are another credential
    await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { accessToken: expired, scope: 'read write' }));
    expect(grants()).toBe(4);
    // a call with no token (the credential's Test, a first run) asks the server, whatever is held
    await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { scope: 'read write' }));
    expect(grants()).toBe(5);
    // a failed grant is shared by the calls waiting on it, and not kept
    const failing = await Promise.all(Array.from({ length: 3 }, () => credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { password: 'wrong-password-9', accessToken: expired })).catch((e: Error) => e)));
    expect(failing.every((e) => e instanceof Error && /invalid_grant/.test(e.message))).toBe(true);
    expect(grants()).toBe(6);
    sandbox.configure({ tokenDelayMs: { generic: 0 } });
  });

  it('401s per lifetime (issue #17 item 1): after the stored expiry, 20 calls at once: one carries the marker, the rest wait for the grant its 401 starts', async () => {
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic.password ?? 0;
    const held = { accessToken: 'a-token-past-its-stored-expiry', tokenExpiresAt: Date.now() - 1 };
    const call = (creds: ICredentialDataDecryptedObject) => credential.authenticate(creds, { url: 'https://api.example.test/x', headers: {} });
    const sentHeaders: string[] = [];
    const calls = Array.from({ length: 20 }, () => call(advanced(sandbox, held)).then((o) => sentHeaders.push(String((o.headers as Record<string, string>).Authorization))));
    await new Promise((r) => setTimeout(r, 100));
    expect(sentHeaders).toEqual(['expired']); // one call goes out with the marker (its 401 makes n8n run preAuthentication)
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, held));
    await Promise.all(calls);
    expect(grants()).toBe(1);
    expect(sentHeaders.slice(1)).toEqual(Array.from({ length: 19 }, () => `Bearer ${out.accessToken}`));
    // later calls that still load the replaced token: the current one, no marker, no request
    expect((await call(advanced(sandbox, held))).headers).toEqual({ Authorization: `Bearer ${out.accessToken}` });
    expect((await call(advanced(sandbox, { ...held, tokenExpiresAt: Date.now() + 60_000 }))).headers).toEqual({ Authorization: `Bearer ${out.accessToken}` });
    // the token n8n saved, before its expiry: sent as it is
    expect((await call(advanced(sandbox, { accessToken: out.accessToken, tokenExpiresAt: out.tokenExpiresAt }))).headers).toEqual({ Authorization: `Bearer ${out.accessToken}` });
    expect(grants()).toBe(1);

    // the marker's grant fails: the calls waiting on it send the marker too (each then fails as n8n reports it)
    const wrong = { ...held, password: 'wrong-password-7' };
    const waiting: string[] = [];
    const more = Array.from({ length: 3 }, () => call(advanced(sandbox, wrong)).then((o) => waiting.push(String((o.headers as Record<string, string>).Authorization))));
    await new Promise((r) => setTimeout(r, 100));
    expect(waiting).toEqual(['expired']);
    await expect(credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, wrong))).rejects.toThrow(/invalid_grant/);
    await Promise.all(more);
    expect(waiting).toEqual(['expired', 'expired', 'expired']);
  });

  it('response paths and the default lifetime apply to odd token responses', async () => {
    const odd = (): Reply => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ data: { jwt: 'odd-access-value-123' }, kind: 'bearer' })) });
    const before = Date.now();
    const out = await credential.preAuthentication.call(
      n8nLikeHelper([], odd),
      advanced(sandbox, { responsePathAccess: 'data.jwt', responsePathType: 'kind', defaultExpiresIn: 120 }),
    );
    expect(out.accessToken).toBe('odd-access-value-123');
    expect(Number(out.tokenExpiresAt)).toBeGreaterThanOrEqual(before + 120_000);
    expect(Number(out.tokenExpiresAt)).toBeLessThan(before + 130_000);
  });

  it('client_secret_jwt sends an HS256 assertion signed with the secret, and no secret', async () => {
    const sent: IHttpRequestOptions[] = [];
    const ok = (): Reply => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"access_token":"jwt-client-token-1","token_type":"Bearer"}') });
    await credential.preAuthentication.call(n8nLikeHelper(sent, ok), advanced(sandbox, { grantType: 'clientCredentials', clientAuthentication: 'client_secret_jwt', clientSecret: 'a-shared-secret-value' }));
    const params = new URLSearchParams(String(sent[0].body));
    expect(params.get('client_secret')).toBeNull();
    expect(params.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const [h, p, s] = String(params.get('client_assertion')).split('.');
    expect(createHmac('sha256', 'a-shared-secret-value').update(`${h}.${p}`).digest('base64url')).toBe(s);
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({ iss: gen.clientId, sub: gen.clientId, aud: sandbox.endpoints.generic.token });
  });

  it('private_key_jwt sends an RS256 assertion that verifies with the public key, with the key id', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sent: IHttpRequestOptions[] = [];
    const ok = (): Reply => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"access_token":"pkjwt-client-token-1","token_type":"Bearer"}') });
    const out = await credential.preAuthentication.call(
      n8nLikeHelper(sent, ok),
      advanced(sandbox, { grantType: 'clientCredentials', clientAuthentication: 'private_key_jwt', clientSecret: '', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), signingAlgorithm: 'auto', keyId: 'key-1', assertionAudience: 'https://as.example.test' }),
    );
    expect(out.accessToken).toBe('pkjwt-client-token-1');
    const params = new URLSearchParams(String(sent[0].body));
    expect(params.get('client_secret')).toBeNull();
    const [h, p, s] = String(params.get('client_assertion')).split('.');
    expect(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: 'key-1' });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({ iss: gen.clientId, aud: 'https://as.example.test' });
  });

  it('errors name the OAuth error and never contain the secret or password', async () => {
    const wrongSecret = 'wrong-secret-value-xyz';
    await expect(credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { clientSecret: wrongSecret }))).rejects.toThrow(/invalid_client/);
    const error = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { password: 'bad-password-1234' })).catch((e: Error) => e);
    expect(String((error as Error).message)).toMatch(/invalid_grant/);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toMatch(/bad-password-1234|wrong-secret-value-xyz|gen-secret/);
  });

  it('Zendesk Chat password credential: password grant with client credentials in the body, every time (no refresh token kept)', async () => {
    const zendesk = new ZendeskChatPasswordOAuth2Api();
    const data = {
      subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret!,
      username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, requestedScopes: ['read'],
    } as ICredentialDataDecryptedObject;
    const first = await zendesk.preAuthentication.call(n8nLikeHelper([]), data);
    expect(sandbox.counters.lastTokenRequestByProvider.zendesk).toMatchObject({ grantType: 'password', clientAuth: 'client_secret_post' });
    expect(first.tokenExpiresAt).toBe(0); // Zendesk sends no expires_in: lifetime unknown
    expect(first.refreshToken).toBe('');
    const second = await zendesk.preAuthentication.call(n8nLikeHelper([]), { ...data, accessToken: first.accessToken, refreshToken: 'zd-refresh-token-saved-earlier' } as ICredentialDataDecryptedObject);
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk).toMatchObject({ password: 2 });
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.refresh_token ?? 0).toBe(0);
    const res = await fetch(`${sandbox.url}/zendesk/api/v2/chat/account`, { headers: { authorization: `Bearer ${second.accessToken}` } });
    expect(res.status).toBe(200);
  });

  describe('auto client authentication, redirects and endless answers', () => {
    const special = 'Se+cr/et=~@:x';
    afterEach(() => sandbox.configure({ genericBasicDecoding: 'either' }));

    it('auto (the default) finds raw Basic with one failed attempt, saves it, and goes straight to it next time', async () => {
      sandbox.configure({ clients: { generic: [{ clientId: gen.clientId, clientSecret: special }] }, genericBasicDecoding: 'raw' });
      const data = advanced(sandbox, { grantType: 'clientCredentials', clientSecret: special });
      delete (data as Record<string, unknown>).clientAuthentication;
      const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic.client_credentials ?? 0;

      const firstSent: IHttpRequestOptions[] = [];
      const first = await credential.preAuthentication.call(n8nLikeHelper(firstSent), data);
      expect(first.accessToken).toEqual(expect.any(String));
      expect(first.clientAuthMethodUsed).toBe('basic-raw');
      expect(grants()).toBe(2); // encoded Basic refused (invalid_client), then raw Basic
      expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_basic_raw');

      const secondSent: IHttpRequestOptions[] = [];
      const second = await credential.preAuthentication.call(n8nLikeHelper(secondSent), { ...data, accessToken: first.accessToken, clientAuthMethodUsed: first.clientAuthMethodUsed } as ICredentialDataDecryptedObject);
      expect(second.clientAuthMethodUsed).toBe('basic-raw');
      expect(grants()).toBe(3); // no failed attempt, no metadata look-up
      expect(secondSent.map((o) => o.method)).toEqual(['POST']);
      expect(JSON.stringify(first) + JSON.stringify(firstSent.map((o) => o.url))).not.toContain(special);
    });

    it('an explicit method is used as it is and clears the remembered one', async () => {
      const out = await credential.preAuthentication.call(n8nLikeHelper([]), advanced(sandbox, { grantType: 'clientCredentials', clientAuthentication: 'body', clientAuthMethodUsed: 'basic-raw' }));
      expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_post');
      expect(out.clientAuthMethodUsed).toBe('');
    });

    it('a token endpoint that redirects is not followed: one request, an error naming the status', async () => {
      const sent: IHttpRequestOptions[] = [];
      const moved = (): Reply => ({ statusCode: 302, headers: { location: 'http://127.0.0.2:9/token' }, body: Buffer.from('moved') });
      const error = await credential.preAuthentication.call(n8nLikeHelper(sent, moved), advanced(sandbox, { grantType: 'clientCredentials', clientAuthentication: 'basic' })).catch((e: Error) => e);
      expect(String((error as Error).message)).toMatch(/HTTP 302/);
      expect(sent).toHaveLength(1);
    });

    it('an endless token answer stops at 1 MiB (response_too_large) and the stream is destroyed', async () => {
      let destroyed = false;
      let sentBytes = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const endless = (): Reply => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: new Readable({
          read() {
            sentBytes += chunk.length;
            this.push(chunk);
          },
          destroy(err, cb) {
            destroyed = true;
            cb(err);
          },
        }),
      });
      const error = await credential.preAuthentication.call(n8nLikeHelper([], endless), advanced(sandbox, { grantType: 'clientCredentials', clientAuthentication: 'basic' })).catch((e: Error) => e);
      expect(String((error as Error).message)).toMatch(/response_too_large.*1048576 bytes/);
      expect(destroyed).toBe(true);
      expect(sentBytes).toBeLessThan(2 * 1024 * 1024);
    });
  });
});

describe('Advanced OAuth2 credential: discovery from an API URL (issue #18 item 1)', () => {
  let oidc: OidcTestServer;
  let rs: ProtectedResource;
  const credential = new AdvancedOAuth2Api();
  const creds = (extra: Record<string, unknown> = {}) =>
    ({ grantType: 'clientCredentials', tokenUrl: '', discoveryUrl: rs.apiUrl, clientId: 'n8n-disc', clientSecret: 'shh-secret-n8n-disc', clientAuthentication: 'basic', scope: '', ...extra }) as ICredentialDataDecryptedObject;

  beforeAll(async () => {
    rs = await startProtectedResource(() => oidc.issuer);
    oidc = await startOidcProvider({
      clients: [{ client_id: 'n8n-disc', client_secret: 'shh-secret-n8n-disc', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
      resourceIndicators: { resource: rs.apiUrl, scope: 'tools:read' },
      scopes: ['openid', 'tools:read'],
    });
  });
  afterAll(async () => {
    await oidc?.stop();
    await rs.close();
  });

  it('an empty token URL is discovered over n8n\'s HTTP client; the token is for the resource, with its scopes; once per process', async () => {
    const sent: IHttpRequestOptions[] = [];
    const out = await credential.preAuthentication.call(n8nLikeHelper(sent), creds());
    const claims = JSON.parse(Buffer.from(String(out.accessToken).split('.')[1], 'base64url').toString()) as { aud: string; scope: string };
    expect(claims).toMatchObject({ aud: rs.apiUrl, scope: 'tools:read' });
    const token = new URLSearchParams(String(sent[sent.length - 1].body));
    expect(token.get('resource')).toBe(rs.apiUrl);
    expect(sent.slice(0, -1).every((o) => o.method === 'GET' && !JSON.stringify(o.headers ?? {}).toLowerCase().includes('authorization'))).toBe(true);
    const asked = rs.asked.length;
    await credential.preAuthentication.call(n8nLikeHelper([]), creds());
    expect(rs.asked.length).toBe(asked); // cached in this process
    // the discovered settings are the ones authenticate keys its tokens by: a replaced token's holder gets the current one
    const second = await credential.preAuthentication.call(n8nLikeHelper([]), creds({ accessToken: out.accessToken }));
    const header = await credential.authenticate(creds({ accessToken: out.accessToken, tokenExpiresAt: Date.now() + 60_000 }), { url: rs.apiUrl, headers: {} });
    expect(header.headers).toEqual({ Authorization: `Bearer ${second.accessToken}` });
  });

  it('a refused discovery fails the token request with what was refused, and no secret', async () => {
    rs.metadata = () => ({ resource: 'https://elsewhere.example.test/mcp', authorization_servers: [oidc.issuer] });
    try {
      const error = await credential.preAuthentication.call(n8nLikeHelper([]), creds({ allowHttpHosts: '127.0.0.1:1' /* another cache key: discovered afresh */ })).catch((e: Error) => e);
      expect(String((error as Error).message)).toMatch(/resource_mismatch.*not on its origin/);
      expect(String((error as Error).message)).not.toContain('shh-secret-n8n-disc');
    } finally {
      rs.reset();
    }
  });
});

describe('Advanced OAuth2 credential: JWT bearer grant (issue #18 item 4)', () => {
  let oidc: OidcTestServer;
  const credential = new AdvancedOAuth2Api();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    oidc = await startOidcProvider({
      clients: [{ client_id: 'n8n-sa', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], response_types: [], redirect_uris: [] }],
      jwtBearer: { issuer: 'robot@n8n.iam.example.test', publicJwk: publicKey.export({ format: 'jwk' }), scopeClaim: true },
      scopes: ['openid', 'api:read'],
    });
  });
  afterAll(async () => oidc?.stop());

  it('a service-account JSON key fills the issuer, key, key ID and token URL; scopes go in the assertion', async () => {
    const key = JSON.stringify({ type: 'service_account', client_email: 'robot@n8n.iam.example.test', private_key: pem, private_key_id: 'sa-key-1', token_uri: oidc.tokenEndpoint });
    const sent: IHttpRequestOptions[] = [];
    const out = await credential.preAuthentication.call(n8nLikeHelper(sent), { grantType: 'jwtBearer', tokenUrl: '', clientId: 'n8n-sa', clientAuthentication: 'none', serviceAccountSecretJson: key, scope: 'api:read' } as ICredentialDataDecryptedObject);
    expect(out.accessToken).toEqual(expect.any(String));
    expect((await oidc.counters()).jwtBearer).toEqual({ kid: 'sa-key-1', alg: 'ES256', sub: 'robot@n8n.iam.example.test', scopeClaim: 'api:read', scopeParam: null });
    const body = new URLSearchParams(String(sent[sent.length - 1].body));
    expect(body.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(sent[sent.length - 1].url).toBe(oidc.tokenEndpoint);
  });

  it('the fields alone, and a broken key file, give a token or a clear error with no key in it', async () => {
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), { grantType: 'jwtBearer', tokenUrl: oidc.tokenEndpoint, clientId: 'n8n-sa', clientAuthentication: 'none', jwtIssuer: 'robot@n8n.iam.example.test', jwtPrivateKey: pem, jwtScopeClaim: true, scope: 'api:read' } as ICredentialDataDecryptedObject);
    expect(out.accessToken).toEqual(expect.any(String));
    const error = await credential.preAuthentication.call(n8nLikeHelper([]), { grantType: 'jwtBearer', tokenUrl: oidc.tokenEndpoint, clientId: 'n8n-sa', serviceAccountSecretJson: '{"private_key":"-----BEGIN PRIVATE KEY-----abc"' } as ICredentialDataDecryptedObject).catch((e: Error) => e);
    expect(String((error as Error).message)).toMatch(/not JSON/);
    expect(String((error as Error).message)).not.toMatch(/BEGIN PRIVATE KEY/);
  });
});

describe('Advanced OAuth2 credential: token exchange (issue #18 item 5)', () => {
  let oidc: OidcTestServer;
  const credential = new AdvancedOAuth2Api();

  beforeAll(async () => {
    oidc = await startOidcProvider({
      clients: [
        { client_id: 'n8n-subject', client_secret: 'shh-secret-n8n-subject', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
        { client_id: 'n8n-exchanger', client_secret: 'shh-secret-n8n-exchanger', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], response_types: [], redirect_uris: [] },
      ],
      tokenExchange: true,
      scopes: ['openid', 'api:read'],
    });
  });
  afterAll(async () => oidc?.stop());

  it('the typed subject token is exchanged for a token for the audience; the subject never appears in an error', async () => {
    const subject = (await credential.preAuthentication.call(n8nLikeHelper([]), { grantType: 'clientCredentials', tokenUrl: oidc.tokenEndpoint, clientId: 'n8n-subject', clientSecret: 'shh-secret-n8n-subject', clientAuthentication: 'basic', scope: 'api:read' } as ICredentialDataDecryptedObject)).accessToken as string;
    const exchange = { grantType: 'tokenExchange', tokenUrl: oidc.tokenEndpoint, clientId: 'n8n-exchanger', clientSecret: 'shh-secret-n8n-exchanger', clientAuthentication: 'basic', subjectToken: subject, audience: 'https://downstream.example.test', scope: 'api:read' };
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), exchange as ICredentialDataDecryptedObject);
    expect(out.accessToken).not.toBe(subject);
    expect((await oidc.counters()).tokenExchange).toMatchObject({ subjectClient: 'n8n-subject', audience: 'https://downstream.example.test' });
    const bogus = 'a-subject-token-nobody-issued-0123456789';
    const error = await credential.preAuthentication.call(n8nLikeHelper([]), { ...exchange, subjectToken: bogus } as ICredentialDataDecryptedObject).catch((e: Error) => e);
    expect(String((error as Error).message)).toMatch(/invalid_grant/);
    expect(String((error as Error).message)).not.toContain(bogus);
  });
});

describe('Advanced OAuth2 credential: DPoP (issue #18 item 6)', () => {
  let oidc: OidcTestServer;
  const credential = new AdvancedOAuth2Api();

  beforeAll(async () => {
    oidc = await startOidcProvider({
      clients: [{ client_id: 'n8n-dpop', client_secret: 'shh-secret-n8n-dpop', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' }],
      dpopNonce: 'token',
      scopes: ['openid', 'api:read'],
    });
  });
  afterAll(async () => oidc?.stop());

  it('the first token makes the key, n8n saves it; the token is bound to it; each call carries a proof of that request', async () => {
    const creds = { grantType: 'clientCredentials', tokenUrl: oidc.tokenEndpoint, clientId: 'n8n-dpop', clientSecret: 'shh-secret-n8n-dpop', clientAuthentication: 'basic', scope: 'api:read', dpop: true, headerPrefix: 'Bearer' } as ICredentialDataDecryptedObject;
    const out = await credential.preAuthentication.call(n8nLikeHelper([]), creds);
    expect(out).toMatchObject({ tokenType: 'DPoP', dpopPrivateKey: expect.stringContaining('PRIVATE KEY') });
    const signer = new DpopSigner(String(out.dpopPrivateKey));
    const introspected = await fetch(oidc.introspectionEndpoint, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('n8n-dpop:shh-secret-n8n-dpop').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: String(out.accessToken) }).toString() });
    expect(((await introspected.json()) as { cnf?: { jkt?: string } }).cnf?.jkt).toBe(signer.thumbprint);

    const saved = { ...creds, ...out } as ICredentialDataDecryptedObject;
    const sent = await credential.authenticate(saved, { url: 'https://api.example.test/items?page=2', method: 'POST', headers: {} });
    const headers = sent.headers as Record<string, string>;
    expect(headers.Authorization).toBe(`DPoP ${out.accessToken}`);
    const [h, p, s] = headers.DPoP.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: header.jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({ htm: 'POST', htu: 'https://api.example.test/items', ath: createHash('sha256').update(String(out.accessToken)).digest('base64url') });
    // the next token keeps the saved key
    clearTokenFlights();
    const again = await credential.preAuthentication.call(n8nLikeHelper([]), saved);
    expect(again.dpopPrivateKey).toBe(out.dpopPrivateKey);
  });
});
