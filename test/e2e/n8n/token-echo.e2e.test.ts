// A provider that quotes the access token in its error ("the access token AT-… is not valid") must
// not put that token into n8n's output or execution data. Real n8n (2.41.1): the first token is
// seeded (so it is known), the API answers 'echo-token' twice (n8n refreshes after the first 401 and
// retries), and the token n8n stored afterwards is the one the sandbox saw last. Neither appears in
// anything n8n printed nor in its database.
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';

jest.setTimeout(15 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const node = (name: string) => `${PACKAGE_NAME}.${name}`;

async function tokenRequest(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

function formBasic(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

describe('tokens echoed by a provider stay out of n8n output and execution data', () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 15 * 60_000 });
    harness.secret(dt.clientSecret, zd.clientSecret, DEFAULT_USERS.zendesk.password);
    await harness.setup();
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  it('Deployteq (n8n OAuth2 credential): neither the seeded nor the refreshed token appears anywhere', async () => {
    const seeded = await tokenRequest(sandbox.endpoints.deployteq.token, { grant_type: 'client_credentials', scope: 'apps.webhook:execute' }, { authorization: formBasic(dt.clientId, dt.clientSecret!) });
    const first = String(seeded.access_token);
    const credential: CredentialImport = {
      id: 'dtEchoCredent001',
      name: 'Deployteq echo',
      type: 'deployteqOAuth2Api',
      data: {
        grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'],
        oauthTokenData: seeded,
      },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('deployteq echo', [
      {
        name: 'Deployteq',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
        parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('echo'), bodySource: 'raw', jsonBody: '{"email":"echo@example.test"}', delivery: 'perItem', options: {} },
      },
    ]);
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'echo-token', times: 2 });
    const grants = sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials ?? 0;
    const webhooks = sandbox.counters.webhookRequests;

    const run = await harness.run(String(workflow.id));
    const stored = (await harness.exportCredential(credential.id)).oauthTokenData as Record<string, unknown>;
    const last = String(stored.access_token);
    harness.secret(first, last);
    expect(run.succeeded).toBe(false);
    expect(sandbox.counters.webhookRequests - webhooks).toBe(2);
    // n8n refreshed once after the first 401: the second answer echoed the new token
    expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials - grants).toBe(1);
    expect(last).not.toBe(first);
    expect({ printed: run.printed(last), stored: harness.storedInDatabase(last) }).toEqual({ printed: false, stored: false });
    expect({ printed: run.printed(first), stored: harness.storedInDatabase(first) }).toEqual({ printed: false, stored: false });
    expect(run.output).toContain('the access token [redacted] is not valid for this account');
  });

  it('Zendesk Chat (password credential): neither the seeded nor the re-fetched token appears anywhere', async () => {
    const seeded = await tokenRequest(sandbox.endpoints.zendesk.token, {
      grant_type: 'password', client_id: zd.clientId, client_secret: zd.clientSecret!, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, scope: 'read',
    });
    const first = String(seeded.access_token);
    const credential: CredentialImport = {
      id: 'zdEchoCredent002',
      name: 'Zendesk password echo',
      type: 'zendeskChatPasswordOAuth2Api',
      data: {
        subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, requestedScopes: ['read'],
        accessToken: first, refreshToken: String(seeded.refresh_token), tokenExpiresAt: 0,
      },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('zendesk echo', [
      { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatPasswordOAuth2Api: { id: credential.id, name: credential.name } }, parameters: { authentication: 'password', resource: 'account', operation: 'get' } },
    ]);
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'echo-token', times: 2 });
    const grants = sandbox.counters.tokenRequestsByProviderGrant.zendesk.password ?? 0;

    const run = await harness.run(String(workflow.id));
    const stored = await harness.exportCredential(credential.id);
    const last = String(stored.accessToken);
    harness.secret(first, last, String(seeded.refresh_token));
    expect(run.succeeded).toBe(false);
    // n8n ran preAuthentication after the first 401 (the password grant): the second answer echoed the new token
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.password - grants).toBe(1);
    expect(last).not.toBe(first);
    expect({ printed: run.printed(last), stored: harness.storedInDatabase(last) }).toEqual({ printed: false, stored: false });
    expect({ printed: run.printed(first), stored: harness.storedInDatabase(first) }).toEqual({ printed: false, stored: false });
    expect(run.output).toContain('the access token [redacted] is not valid for this account');
  });
});
