// n8nAuthorizedFetch over a fake n8n context that records what the node asks n8n to send:
// redirects (same origin followed, another origin refused), capped streamed bodies, the
// "token rejected" body rule of the Advanced OAuth2 credential, and redaction of the credential's
// actual secrets and tokens.
import { Readable } from 'node:stream';

import { OAuth2Error } from '../../../lib/oauth2/errors';
import { n8nAuthorizedFetch } from '../../../hosts/n8n/authorized-fetch';
import { MAX_REDIRECTS } from '../../../hosts/n8n/redirects';
import { endlessStream, fakeContext, json, type RecordedCall, type Reply } from './fake-context';

const API = 'https://api.example.test/v1/items';
const OAUTH = { type: 'deployteqOAuth2Api', oauth2: true };
const GENERIC = { type: 'advancedOAuth2Api', oauth2: false };

function oauthCredentials(token = 'AT-first-token-value'): Record<string, unknown> {
  return { clientId: 'id', clientSecret: 'client-secret-value', oauthTokenData: { access_token: token, refresh_token: 'RT-refresh-value' } };
}

async function failure(promise: Promise<unknown>): Promise<OAuth2Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OAuth2Error);
  return error as OAuth2Error;
}

describe('n8nAuthorizedFetch: what n8n is asked to send', () => {
  it('streams, never lets n8n follow a redirect, never lets it send credentials across origins', async () => {
    const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => json(200, { ok: true }) });
    const response = await n8nAuthorizedFetch(context, OAUTH).fetch({ url: API, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0].options).toMatchObject({ url: API, method: 'POST', encoding: 'stream', returnFullResponse: true, disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false, body: '{"a":1}' });
    expect(calls[0].additional).toEqual({ oauth2: { tokenType: 'Bearer' } });
  });
});

describe('n8nAuthorizedFetch: redirects', () => {
  const redirectThenOk = (first: Reply) => (_call: RecordedCall, index: number) => (index === 0 ? first : json(200, { ok: true }));

  it('follows a same-origin redirect, keeping method and body for 301/302/307/308', async () => {
    for (const status of [301, 302, 307, 308]) {
      const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: redirectThenOk({ status, headers: { location: '/v1/moved?x=1' } }) });
      const response = await n8nAuthorizedFetch(context, OAUTH).fetch({ url: API, method: 'POST', body: '{"a":1}' });
      expect(response.status).toBe(200);
      expect(calls.map((c) => [c.options.method, c.options.url, c.options.body])).toEqual([
        ['POST', API, '{"a":1}'],
        ['POST', 'https://api.example.test/v1/moved?x=1', '{"a":1}'],
      ]);
      expect(calls[1].options.disableFollowRedirect).toBe(true);
    }
  });

  it('303 turns the request into a GET without a body', async () => {
    const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: redirectThenOk({ status: 303, headers: { location: 'https://api.example.test/status/1' } }) });
    await n8nAuthorizedFetch(context, OAUTH).fetch({ url: API, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(calls[1].options).toMatchObject({ method: 'GET', url: 'https://api.example.test/status/1' });
    expect(calls[1].options.body).toBeUndefined();
    expect(calls[1].options.headers).toEqual({});
  });

  it('a redirect to another origin (host, port or scheme) is refused: nothing is sent there', async () => {
    for (const location of ['https://evil.example.test/v1/items', 'https://api.example.test:8443/v1', 'http://api.example.test/v1/items']) {
      const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: redirectThenOk({ status: 302, headers: { location } }) });
      const error = await failure(n8nAuthorizedFetch(context, OAUTH).fetch({ url: API }));
      expect(error.code).toBe('redirect_refused');
      expect(error.status).toBe(302);
      expect(error.message).toContain('redirected to another origin');
      expect(calls).toHaveLength(1);
    }
  });

  it('the refused target is shown without user name, password or query', async () => {
    const location = 'https://svc:PASSWORD-123@evil.example.test/hook?apikey=KEY-456#frag';
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: redirectThenOk({ status: 302, headers: { location } }) });
    const error = await failure(n8nAuthorizedFetch(context, OAUTH).fetch({ url: `${API}?token=QUERY-789` }));
    expect(error.message).toContain('https://evil.example.test/hook');
    expect(error.message).not.toMatch(/PASSWORD-123|KEY-456|QUERY-789|svc:/);
  });

  it(`at most ${MAX_REDIRECTS} redirects are followed`, async () => {
    const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: (_c, i) => ({ status: 307, headers: { location: `/v1/hop${i}` } }) });
    const error = await failure(n8nAuthorizedFetch(context, OAUTH).fetch({ url: API }));
    expect(error.code).toBe('redirect_refused');
    expect(error.message).toContain(`more than ${MAX_REDIRECTS} times`);
    expect(calls).toHaveLength(MAX_REDIRECTS + 1);
  });

  it('a 3xx without Location is returned as it is', async () => {
    const { context, calls } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => ({ status: 304, body: '' }) });
    expect((await n8nAuthorizedFetch(context, OAUTH).fetch({ url: API })).status).toBe(304);
    expect(calls).toHaveLength(1);
  });
});

describe('n8nAuthorizedFetch: bounded bodies', () => {
  it('an endless 2xx body stops at the limit with response_too_large, and the stream is destroyed', async () => {
    const endless = endlessStream();
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => ({ status: 200, body: endless.stream }) });
    const error = await failure(n8nAuthorizedFetch(context, OAUTH, { maxResponseBytes: 1024 * 1024 }).fetch({ url: `${API}?apikey=SECRET-1` }));
    expect(error.code).toBe('response_too_large');
    expect(error.message).toContain('https://api.example.test/v1/items is larger than 1 MB (1048576 bytes)');
    expect(error.message).not.toContain('SECRET-1');
    expect(endless.state.destroyed).toBe(true);
    expect(endless.state.sent).toBeLessThan(2 * 1024 * 1024);
  });

  it('an endless error body (a thrown 500) is read capped too', async () => {
    const endless = endlessStream();
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => ({ status: 500, body: endless.stream }) });
    const error = await failure(n8nAuthorizedFetch(context, OAUTH, { maxResponseBytes: 256 * 1024 }).fetch({ url: API }));
    expect(error.code).toBe('response_too_large');
    expect(error.status).toBe(500);
    expect(endless.state.destroyed).toBe(true);
  });

  it('a declared Content-Length above the limit fails before reading anything', async () => {
    let pulled = 0;
    const stream = new Readable({ read() { pulled++; this.push(null); } });
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => ({ status: 200, headers: { 'content-length': String(10 * 1024 * 1024) }, body: stream }) });
    const error = await failure(n8nAuthorizedFetch(context, OAUTH, { maxResponseBytes: 1024 * 1024 }).fetch({ url: API }));
    expect(error.code).toBe('response_too_large');
    expect(pulled).toBe(0);
  });

  it('bodies up to the limit arrive whole, error bodies included (as answers, not errors)', async () => {
    const big = 'x'.repeat(300_000);
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: (_c, i) => (i === 0 ? { status: 200, body: Readable.from([big.slice(0, 1000), big.slice(1000)]) } : json(404, { message: 'nope' })) });
    const fetch = n8nAuthorizedFetch(context, OAUTH, { maxResponseBytes: 300_000 });
    expect((await fetch.fetch({ url: API })).body.toString()).toBe(big);
    const missing = await fetch.fetch({ url: API });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toEqual({ message: 'nope' });
  });

  it('network errors (no response) stay errors', async () => {
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: oauthCredentials, answer: () => new Error('connect ECONNREFUSED 127.0.0.1:9') });
    await expect(n8nAuthorizedFetch(context, OAUTH).fetch({ url: API })).rejects.toThrow('ECONNREFUSED');
  });
});

describe('n8nAuthorizedFetch: the "token rejected" body rule (Advanced OAuth2 credential)', () => {
  const advanced = (extra: Record<string, unknown> = {}) => () => ({
    clientId: 'id', clientSecret: 'client-secret-value', accessToken: 'AT-generic-value', refreshToken: '', rejectedBodyPath: 'error', rejectedBodyValues: 'token_expired, invalid_token', ...extra,
  });
  const expired = json(400, { error: 'token_expired' });

  it('a matching answer makes n8n run preAuthentication once (expirable token emptied) and the request is sent again', async () => {
    const { context, calls } = fakeContext({ credentialType: GENERIC.type, credentials: advanced(), answer: (_c, i) => (i === 0 ? expired : json(200, { ok: true })) });
    const response = await n8nAuthorizedFetch(context, GENERIC).fetch({ url: API, method: 'POST', body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(2);
    expect(calls[0].additional).toBeUndefined();
    const forced = calls[1].additional?.credentialsDecrypted;
    expect(forced).toMatchObject({ id: 'cred-1', name: 'Test credential', type: GENERIC.type });
    expect(forced?.data).toMatchObject({ accessToken: '', clientSecret: 'client-secret-value', rejectedBodyPath: 'error' });
    expect(calls[1].options).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('only once: a second matching answer is returned as it is', async () => {
    const { context, calls } = fakeContext({ credentialType: GENERIC.type, credentials: advanced(), answer: () => expired });
    const response = await n8nAuthorizedFetch(context, GENERIC).fetch({ url: API });
    expect(response.status).toBe(400);
    expect(calls).toHaveLength(2);
  });

  it('an unrelated 400, or a credential without the rule, never forces a new token', async () => {
    const unrelated = fakeContext({ credentialType: GENERIC.type, credentials: advanced(), answer: () => json(400, { error: 'invalid_input' }) });
    expect((await n8nAuthorizedFetch(unrelated.context, GENERIC).fetch({ url: API })).status).toBe(400);
    expect(unrelated.calls).toHaveLength(1);
    const noRule = fakeContext({ credentialType: GENERIC.type, credentials: advanced({ rejectedBodyPath: '' }), answer: () => expired });
    expect((await n8nAuthorizedFetch(noRule.context, GENERIC).fetch({ url: API })).status).toBe(400);
    expect(noRule.calls).toHaveLength(1);
    const oauth = fakeContext({ credentialType: OAUTH.type, credentials: () => ({ ...oauthCredentials(), ...advanced()() }), answer: () => expired });
    expect((await n8nAuthorizedFetch(oauth.context, OAUTH).fetch({ url: API })).status).toBe(400);
    expect(oauth.calls).toHaveLength(1);
  });

  it('parallel requests that all meet the expired token force preAuthentication once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { context, calls } = fakeContext({
      credentialType: GENERIC.type,
      credentials: advanced(),
      // the first three requests are all answered "expired", after all three were sent
      answer: async (_call, index) => {
        if (index > 2) return json(200, { ok: true });
        if (index === 2) release();
        await gate;
        return expired;
      },
    });
    const fetch = n8nAuthorizedFetch(context, GENERIC);
    const results = await Promise.all([1, 2, 3].map(() => fetch.fetch({ url: API })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(calls.filter((c) => c.additional?.credentialsDecrypted)).toHaveLength(1);
    expect(calls).toHaveLength(6);
  });
});

describe('n8nAuthorizedFetch: redaction of the actual secrets', () => {
  it('redacts the stored token, the token n8n refreshed meanwhile, the client secret and the password', async () => {
    let token = 'AT-first-token-value';
    const { context, credentialReads } = fakeContext({
      credentialType: GENERIC.type,
      credentials: () => ({ clientSecret: 'S3cr3t-client-value', password: 'pa55word-value', accessToken: token }),
      answer: () => {
        token = 'AT-refreshed-by-n8n'; // n8n ran preAuthentication after a 401 and saved a new token
        return json(401, { message: `the access token ${token} is not valid` });
      },
    });
    const fetch = n8nAuthorizedFetch(context, GENERIC);
    const response = await fetch.fetch({ url: API });
    expect(credentialReads()).toBeGreaterThanOrEqual(2);
    const text = fetch.redact(`${response.body.toString()} AT-first-token-value S3cr3t-client-value pa55word-value`);
    expect(text).not.toMatch(/AT-refreshed-by-n8n|AT-first-token-value|S3cr3t-client-value|pa55word-value/);
    expect(text).toContain('the access token [redacted] is not valid');
  });

  it('redacts the OAuth2 token data of n8n OAuth2 credentials', async () => {
    const { context } = fakeContext({ credentialType: OAUTH.type, credentials: () => oauthCredentials('AT-oauth-stored-1'), answer: () => json(401, { message: 'token AT-oauth-stored-1 refused' }) });
    const fetch = n8nAuthorizedFetch(context, OAUTH);
    const response = await fetch.fetch({ url: API });
    expect(fetch.redact(response.body.toString())).toBe('{"message":"token [redacted] refused"}');
    expect(fetch.redact('RT-refresh-value client-secret-value')).toBe('[redacted] [redacted]');
  });
});
