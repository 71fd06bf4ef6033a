// When the engine-backed credentials ask for tokens, in a real n8n (2.41.1): the Advanced OAuth2
// credential's "token rejected" body rule (a 400 {"error":"token_expired"} gets one new token and one
// retry in our Deployteq node; an unrelated 400 gets none), `auto` client authentication (one failed
// attempt the first time, remembered in the credential, none after), and a refresh refused with
// 400 invalid_request that is not sent again (the password grant runs instead).
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';

jest.setTimeout(15 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const node = (name: string) => `${PACKAGE_NAME}.${name}`;
/** A secret whose RFC 6749 form-encoding differs from the raw value. */
const SPECIAL_SECRET = 'Se+cr/et=~@:x-2041';

function httpRequestMe(sandbox: Sandbox, credential: CredentialImport): Record<string, unknown> {
  return {
    name: 'Me',
    type: 'n8n-nodes-base.httpRequest',
    typeVersion: 4.2,
    credentials: { advancedOAuth2Api: { id: credential.id, name: credential.name } },
    parameters: { url: sandbox.endpoints.generic.me, authentication: 'predefinedCredentialType', nodeCredentialType: 'advancedOAuth2Api', options: {} },
  };
}

describe('token requests of the engine-backed credentials in a real n8n', () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 15 * 60_000 });
    harness.secret(dt.clientSecret, gen.clientSecret, SPECIAL_SECRET, DEFAULT_USERS.generic.password);
    await harness.setup();
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  it('body rule: 400 token_expired gets one new token and one retry; twice in a row fails; an unrelated 400 gets no token request', async () => {
    const credential: CredentialImport = {
      id: 'advRuleCredent01',
      name: 'Deployteq via advanced, body rule',
      type: 'advancedOAuth2Api',
      data: {
        grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.deployteq.token, clientId: dt.clientId, clientSecret: dt.clientSecret, clientAuthentication: 'basic', scope: 'apps.webhook:execute',
        headerName: 'Authorization', headerPrefix: 'Bearer', rejectedBodyPath: 'error', rejectedBodyValues: 'token_expired, invalid_token',
      },
    };
    await harness.importCredentials([credential]);
    const deployteq = (jsonBody: string) => ({
      name: 'Deployteq',
      type: node('deployteq'),
      typeVersion: 1,
      credentials: { advancedOAuth2Api: { id: credential.id, name: credential.name } },
      parameters: { authentication: 'advancedOAuth2', resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('rule'), bodySource: 'raw', jsonBody, delivery: 'perItem', options: {} },
    });
    const good = chainWorkflow('body rule good', [deployteq('{"email":"rule@example.test"}')]);
    // an array of non-objects: the webhook answers 400 {"error":"bad_request"}
    const bad = chainWorkflow('body rule bad', [deployteq('[1, 2]')]);
    await harness.importWorkflow(good);
    await harness.importWorkflow(bad);
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials ?? 0;
    const delivered = () => sandbox.deliveries.filter((d) => d.webhookId === 'rule').length;

    await harness.execute(String(good.id));
    expect(grants()).toBe(1);
    expect(delivered()).toBe(1);

    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'token-expired-body' });
    let webhooks = sandbox.counters.webhookRequests;
    await harness.execute(String(good.id));
    expect(grants()).toBe(2);
    expect(sandbox.counters.webhookRequests - webhooks).toBe(2);
    expect(delivered()).toBe(2);
    const stored = await harness.exportCredential(credential.id);
    harness.secret(String(stored.accessToken));

    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'token-expired-body', times: 2 });
    webhooks = sandbox.counters.webhookRequests;
    const twice = await harness.run(String(good.id));
    expect(twice.succeeded).toBe(false);
    expect(twice.output).toContain('HTTP 400: The access token expired');
    expect(grants()).toBe(3);
    expect(sandbox.counters.webhookRequests - webhooks).toBe(2);

    webhooks = sandbox.counters.webhookRequests;
    const unrelated = await harness.run(String(bad.id));
    expect(unrelated.succeeded).toBe(false);
    expect(unrelated.output).toContain('The body must be a JSON object or an array of objects');
    expect(grants()).toBe(3);
    expect(sandbox.counters.webhookRequests - webhooks).toBe(1);
  });

  it('auto client authentication (the default): raw Basic found with one failed attempt, remembered, no failed attempt the next time', async () => {
    sandbox.configure({ clients: { generic: [{ clientId: gen.clientId, clientSecret: SPECIAL_SECRET }] }, genericBasicDecoding: 'raw' });
    try {
      const credential: CredentialImport = {
        id: 'advAutoCredent02',
        name: 'Generic auto client auth',
        // no clientAuthentication: the default applies
        type: 'advancedOAuth2Api',
        data: { grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: SPECIAL_SECRET, scope: 'read', headerName: 'Authorization', headerPrefix: 'Bearer' },
      };
      await harness.importCredentials([credential]);
      const workflow = chainWorkflow('auto client auth', [httpRequestMe(sandbox, credential)]);
      await harness.importWorkflow(workflow);
      const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic.client_credentials ?? 0;
      const before = grants();

      const first = N8nHarness.items(await harness.execute(String(workflow.id)), 'Me');
      expect(first[0].json).toMatchObject({ client_id: gen.clientId, grant_type: 'client_credentials' });
      expect(grants() - before).toBe(2); // encoded Basic refused (invalid_client), raw Basic accepted
      expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_basic_raw');
      const stored = await harness.exportCredential(credential.id);
      harness.secret(String(stored.accessToken));
      expect(stored.clientAuthMethodUsed).toBe('basic-raw');

      // the token is revoked: the API answers 401, n8n runs preAuthentication again, which goes
      // straight to raw Basic
      sandbox.revokeAll('generic');
      const again = N8nHarness.items(await harness.execute(String(workflow.id)), 'Me');
      expect(again[0].json.grant_type).toBe('client_credentials');
      expect(grants() - before).toBe(3);
      expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_basic_raw');
    } finally {
      sandbox.configure({ clients: { generic: DEFAULT_CLIENTS.generic.map((c) => ({ ...c })) }, genericBasicDecoding: 'either' });
    }
  });

it('preAuthentication never sends a refresh token (n8n does not coordinate it): an expired token means one password grant, nothing kept to burn', async () => {
    const credential: CredentialImport = {
      id: 'advRefuseCrede03',
      name: 'Generic password, no refresh',
      type: 'advancedOAuth2Api',
      data: {
        grantType: 'password', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic',
        username: DEFAULT_USERS.generic.username, password: DEFAULT_USERS.generic.password, scope: 'read', headerName: 'Authorization', headerPrefix: 'Bearer',
      },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('no refresh', [httpRequestMe(sandbox, credential)]);
    await harness.importWorkflow(workflow);
    const count = (grant: string) => sandbox.counters.tokenRequestsByProviderGrant.generic[grant] ?? 0;
    const start = { password: count('password'), refresh: count('refresh_token') };

    await harness.execute(String(workflow.id));
    const first = await harness.exportCredential(credential.id);
    harness.secret(String(first.accessToken));
    expect(count('password') - start.password).toBe(1);
    expect(first.refreshToken ?? '').toBe('');

    sandbox.expireAccessTokens('generic');
    await harness.execute(String(workflow.id));
    expect(count('password') - start.password).toBe(2);
    expect(count('refresh_token') - start.refresh).toBe(0);
    const second = await harness.exportCredential(credential.id);
    harness.secret(String(second.accessToken));
    expect(second.refreshToken ?? '').toBe('');
    expect(sandbox.counters.refreshTokenReuse).toBe(0);
  });
});
