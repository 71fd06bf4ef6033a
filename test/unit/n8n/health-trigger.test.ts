// The OAuth2 Credential Health Trigger's poll() in a stand-in for n8n's poll context: n8n's
// `helpers.refreshOAuth2Token` (which saves the new token) for oAuth2Api credentials, n8n's
// `helpers.httpRequest` under the engine for preAuthentication credentials. Checks the items, that
// each poll makes at most one token request, that the engine credentials' grant never uses (and
// rotates) the stored refresh token, that a test run remembers nothing, and that no token or secret
// reaches an item or the static data.
import type { IDataObject, IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';

import { OAuth2CredentialHealthTrigger } from '../../../nodes/OAuth2CredentialHealthTrigger/OAuth2CredentialHealthTrigger.node';
import { OAUTH2_CREDENTIALS, PREAUTH_CREDENTIALS } from '../../../nodes/OAuth2CredentialHealthTrigger/snapshot';

const SECRETS = ['dt-secret-XYZ', 'AT-one-123456', 'RT-one-123456', 'AT-two-123456', 'RT-two-123456', 'gen-secret-XYZ', 'wrong-secret-XYZ', 'agent-pass-XYZ', 'RT-stored-XYZ'];

interface Harness {
  context: IPollFunctions;
  staticData: IDataObject;
  refreshCalls: unknown[];
  httpCalls: IHttpRequestOptions[];
  data: Record<string, unknown>;
}

function harness(options: {
  type: string;
  data: Record<string, unknown>;
  parameters?: IDataObject;
  mode?: 'trigger' | 'manual';
  refresh?: (h: Harness) => Promise<unknown>;
  token?: (request: IHttpRequestOptions) => { status: number; body: unknown };
}): Harness {
  const parameters: IDataObject = { authentication: options.type, check: 'whenExpired', warnDays: 7, keepAlive: false, keepAliveIntervalHours: 0, ...options.parameters };
  const h: Harness = { staticData: {}, refreshCalls: [], httpCalls: [], data: options.data } as unknown as Harness;
  h.context = {
    getWorkflowStaticData: () => h.staticData,
    getMode: () => options.mode ?? 'trigger',
    getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
    getCredentials: async () => JSON.parse(JSON.stringify(h.data)),
    getNode: () => ({ id: 'n1', name: 'Health', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { [options.type]: { id: 'cred-7', name: 'My credential' } } }),
    helpers: {
      async refreshOAuth2Token(this: unknown, type: string) {
        expect(this).toBe(h.context); // n8n's helper reads the credential through `this`
        expect(type).toBe(options.type);
        h.refreshCalls.push(type);
        return await options.refresh!(h);
      },
      async httpRequest(request: IHttpRequestOptions) {
        h.httpCalls.push(request);
        const answer = options.token!(request);
        return { statusCode: answer.status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(answer.body)) };
      },
    },
  } as unknown as IPollFunctions;
  return h;
}

const trigger = new OAuth2CredentialHealthTrigger();
const run = async (h: Harness) => (await trigger.poll.call(h.context))?.[0].map((item) => item.json) ?? [];

function expectNoSecrets(...values: unknown[]) {
  const text = JSON.stringify(values);
  expect(SECRETS.filter((secret) => text.includes(secret))).toEqual([]);
}

const formOf = (request: IHttpRequestOptions) => new URLSearchParams(String(request.body));

describe('OAuth2 Credential Health Trigger, poll()', () => {
  it('Deployteq sign-in, Every Poll: n8n refreshes; a refused refresh is one reconnect_needed item; nothing secret is emitted or kept', async () => {
    const h = harness({
      type: 'deployteqOAuth2Api',
      parameters: { check: 'everyPoll' },
      data: { grantType: 'authorizationCode', clientId: 'dt-client', clientSecret: 'dt-secret-XYZ', oauthTokenData: { access_token: 'AT-one-123456', refresh_token: 'RT-one-123456', expires_in: '3600' } },
      refresh: async (self) => {
        if (self.refreshCalls.length === 1) {
          self.data = { ...self.data, oauthTokenData: { access_token: 'AT-two-123456', refresh_token: 'RT-two-123456', expires_in: '3600', n8n_expires_at: String(Date.now() + 3600_000) } };
          return self.data.oauthTokenData;
        }
        throw Object.assign(new Error('The credential "My credential" needs to be reconnected.'), { failure: { cause: 'credential-invalid' } });
      },
    });
    expect(await run(h)).toEqual([]);
    const items = await run(h);
    expect(h.refreshCalls).toHaveLength(2);
    expect(items).toEqual([
      {
        event: 'reconnect_needed',
        status: 'reconnect_needed',
        previousStatus: 'healthy',
        reason: 'refresh_token_refused',
        message: expect.stringMatching(/^The token server refused the refresh token \(invalid_grant\).*reconnect it/),
        credential: { id: 'cred-7', name: 'My credential', type: 'deployteqOAuth2Api' },
        checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        tokenRequest: 'refresh',
        tokenRequestReason: 'every_poll',
        error: { code: 'invalid_grant' },
      },
    ]);
    // the refused token is not sent again, and nothing is emitted again
    expect(await run(h)).toEqual([]);
    expect(h.refreshCalls).toHaveLength(2);
    expectNoSecrets(items, h.staticData);
    expect(JSON.stringify(h.staticData)).not.toMatch(/"(access|refresh)_token"/);
  });

  it('Advanced OAuth2, client credentials with a wrong secret: one token request per poll, token_request_failed, then recovered once fixed', async () => {
    let secret = 'wrong-secret-XYZ';
    const h = harness({
      type: 'advancedOAuth2Api',
      data: { grantType: 'clientCredentials', tokenUrl: 'https://auth.example.test/token', clientId: 'gen', clientSecret: secret, clientAuthentication: 'basic', accessToken: '', refreshToken: 'RT-stored-XYZ', tokenExpiresAt: 0 },
      token: (request) => {
        const auth = String((request.headers as Record<string, string>).authorization ?? '');
        const ok = Buffer.from(auth.slice(6), 'base64').toString() === 'gen:gen-secret-XYZ';
        return ok ? { status: 200, body: { access_token: 'AT-one-123456', token_type: 'Bearer', expires_in: 600 } } : { status: 401, body: { error: 'invalid_client' } };
      },
    });
    const failed = await run(h);
    expect(h.httpCalls).toHaveLength(1);
    expect(formOf(h.httpCalls[0]).get('grant_type')).toBe('client_credentials');
    expect(formOf(h.httpCalls[0]).has('refresh_token')).toBe(false);
    expect(failed).toEqual([expect.objectContaining({ event: 'token_request_failed', tokenRequest: 'grant', error: { code: 'invalid_client', httpStatus: 401 } })]);
    expect(await run(h)).toEqual([]); // unchanged credential: no new request within the hour
    expect(h.httpCalls).toHaveLength(1);
    secret = 'gen-secret-XYZ';
    h.data = { ...h.data, clientSecret: secret };
    const back = await run(h);
    expect(h.httpCalls).toHaveLength(2);
    expect(back).toEqual([expect.objectContaining({ event: 'recovered', status: 'healthy', previousStatus: 'token_request_failed', tokenRequestReason: 'retry' })]);
    expectNoSecrets(failed, back, h.staticData);
  });

  it('Advanced OAuth2 with auto client authentication: the search costs one request per poll and is remembered', async () => {
    const h = harness({
      type: 'advancedOAuth2Api',
      parameters: { check: 'everyPoll' },
      data: { grantType: 'clientCredentials', tokenUrl: 'https://auth.example.test/token', clientId: 'gen', clientSecret: 'gen-secret-XYZ', clientAuthentication: 'auto', accessToken: '' },
      token: (request) => (formOf(request).get('client_secret') === 'gen-secret-XYZ' ? { status: 200, body: { access_token: 'AT-one-123456', expires_in: 60 } } : { status: 401, body: { error: 'invalid_client' } }),
    });
    expect(await run(h)).toEqual([]); // basic refused: try the body next time
    expect(h.httpCalls).toHaveLength(1);
    expect(await run(h)).toEqual([]);
    expect(h.httpCalls).toHaveLength(2);
    expect(formOf(h.httpCalls[1]).get('client_id')).toBe('gen');
    expect((h.staticData.health as IDataObject).clientAuth).toEqual({ learned: 'body' });
    await run(h);
    expect(h.httpCalls).toHaveLength(3);
    expect(formOf(h.httpCalls[2]).get('client_secret')).toBe('gen-secret-XYZ');
  });

  it('Zendesk Chat password credential: its own password grant, never the stored refresh token', async () => {
    const h = harness({
      type: 'zendeskChatPasswordOAuth2Api',
      parameters: { check: 'everyPoll' },
      data: { subdomain: 'acme', host: 'current', baseUrl: 'https://zd.example.test', clientId: 'zd', clientSecret: 'zd-secret', username: 'agent@acme.test', password: 'agent-pass-XYZ', requestedScopes: ['read'], accessToken: 'AT-one-123456', refreshToken: 'RT-stored-XYZ', tokenExpiresAt: 0 },
      token: () => ({ status: 200, body: { access_token: 'AT-two-123456', refresh_token: 'RT-two-123456', token_type: 'Bearer' } }),
    });
    expect(await run(h)).toEqual([]);
    expect(h.httpCalls).toHaveLength(1);
    const form = formOf(h.httpCalls[0]);
    expect(form.get('grant_type')).toBe('password');
    expect(form.has('refresh_token')).toBe(false);
    expect(h.httpCalls[0].url).toBe('https://zd.example.test/oauth2/chat/token');
    expectNoSecrets(h.staticData);
  });

  it('a test run ("Fetch Test Event") outputs the current status and remembers nothing', async () => {
    const h = harness({ type: 'zendeskChatOAuth2Api', mode: 'manual', data: { grantType: 'authorizationCode', clientSecret: 'dt-secret-XYZ' } });
    const items = await run(h);
    expect(items).toEqual([expect.objectContaining({ event: 'status', status: 'reconnect_needed', reason: 'not_connected', message: expect.stringMatching(/not connected/) })]);
    expect(h.staticData).toEqual({});
  });
});

it('Credential Type offers exactly the credentials the trigger declares (the literal option list n8n\'s lint wants)', () => {
  const { description } = new OAuth2CredentialHealthTrigger();
  const authentication = description.properties.find((p) => p.name === 'authentication') as { options: Array<{ value: string }>; default: string };
  const values = authentication.options.map((o) => o.value);
  expect([...values].sort()).toEqual([...OAUTH2_CREDENTIALS, ...PREAUTH_CREDENTIALS].sort());
  expect((description.credentials ?? []).map((c) => c.name).sort()).toEqual([...values].sort());
  expect(values).toContain(authentication.default);
});
