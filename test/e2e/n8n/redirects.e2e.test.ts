// Where a credential may go, proven in a real n8n (2.41.1): an API or webhook that answers with a
// redirect to another origin (the sandbox's second host, 127.0.0.2) never gets the token there and
// the execution fails with the redirect error; a same-origin redirect is followed; a token endpoint
// that redirects is not followed by preAuthentication; a webhook URL outside the Deployteq hosts is
// refused before anything is sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { advancedHttpWorkflow, chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';

jest.setTimeout(15 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const node = (name: string) => `${PACKAGE_NAME}.${name}`;

describe('redirects and webhook hosts in a real n8n', () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;

  const deployteqCredential = (id: string, authBase: () => Record<string, unknown>): CredentialImport => ({
    id,
    name: `Deployteq ${id}`,
    type: 'deployteqOAuth2Api',
    data: { grantType: 'clientCredentials', ...authBase(), clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'] },
  });
  const sandboxAuth = () => ({ authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq` });
  const deployteqNode = (credential: CredentialImport, endpointUrl: string) => ({
    name: 'Deployteq',
    type: node('deployteq'),
    typeVersion: 1,
    credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
    parameters: { resource: 'webhook', operation: 'trigger', endpointUrl, bodySource: 'raw', jsonBody: '{"email":"redirect@example.test"}', delivery: 'perItem', options: {} },
  });

  /** What reached the second host since `mark()`: every request, and those carrying a credential. */
  let marked = { all: 0, withCredentials: 0 };
  const mark = () => {
    marked = { all: sandbox.counters.foreignRequests, withCredentials: sandbox.counters.foreignRequestsWithCredentials };
  };
  const foreign = () => ({ all: sandbox.counters.foreignRequests - marked.all, withCredentials: sandbox.counters.foreignRequestsWithCredentials - marked.withCredentials });

  beforeEach(() => mark());

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 15 * 60_000 });
    expect(sandbox.foreignUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    harness.secret(dt.clientSecret, zd.clientSecret, gen.clientSecret, DEFAULT_USERS.zendesk.password);
    await harness.setup();
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  it('Deployteq webhook 302 to another host: no request reaches it, the execution fails with the redirect error', async () => {
    const credential = deployteqCredential('dtRedirectCred01', sandboxAuth);
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('dt cross redirect', [deployteqNode(credential, sandbox.webhookUrl('cross'))]);
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'redirect-cross-origin' });
    const served = sandbox.counters.faultsServed;

    const run = await harness.run(String(workflow.id));
    // the webhook was called (and answered with the redirect); the second host saw nothing
    expect(sandbox.counters.faultsServed - served).toBe(1);
    expect(foreign()).toEqual({ all: 0, withCredentials: 0 });
    expect(run.succeeded).toBe(false);
    expect(run.output).toContain('redirect_refused');
    expect(run.output).toContain(`${sandbox.foreignUrl}/deployteq/webhook/cross`);
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'cross')).toHaveLength(0);
  });

  it('Zendesk Chat API 302 to another host, with both credentials: nothing reaches it, the execution fails', async () => {
    const oauth: CredentialImport = {
      id: 'zdRedirectCred02',
      name: 'Zendesk CC redirect',
      type: 'zendeskChatOAuth2Api',
      data: { grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] },
    };
    const password: CredentialImport = {
      id: 'zdRedirectCred03',
      name: 'Zendesk password redirect',
      type: 'zendeskChatPasswordOAuth2Api',
      data: { subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, requestedScopes: ['read'] },
    };
    await harness.importCredentials([oauth, password]);
    const viaOAuth = chainWorkflow('zd cross oauth', [
      { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatOAuth2Api: { id: oauth.id, name: oauth.name } }, parameters: { authentication: 'oAuth2', resource: 'account', operation: 'get' } },
    ]);
    const viaPassword = chainWorkflow('zd cross password', [
      { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatPasswordOAuth2Api: { id: password.id, name: password.name } }, parameters: { authentication: 'password', resource: 'account', operation: 'get' } },
    ]);
    for (const workflow of [viaOAuth, viaPassword]) {
      await harness.importWorkflow(workflow);
      sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'redirect-cross-origin' });
      const served = sandbox.counters.faultsServed;
      const run = await harness.run(String(workflow.id));
      expect(sandbox.counters.faultsServed - served).toBe(1);
      expect(foreign()).toEqual({ all: 0, withCredentials: 0 });
      expect(run.succeeded).toBe(false);
      expect(run.output).toContain('redirect_refused');
    }
  });

  it('a same-origin redirect is followed: the webhook delivery and the API call succeed', async () => {
    const credential = deployteqCredential('dtRedirectCred04', sandboxAuth);
    const zendesk: CredentialImport = {
      id: 'zdRedirectCred05',
      name: 'Zendesk CC same origin',
      type: 'zendeskChatOAuth2Api',
      data: { grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] },
    };
    await harness.importCredentials([credential, zendesk]);
    const workflow = chainWorkflow('same origin redirects', [
      deployteqNode(credential, sandbox.webhookUrl('same')),
      { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatOAuth2Api: { id: zendesk.id, name: zendesk.name } }, parameters: { authentication: 'oAuth2', resource: 'account', operation: 'get' } },
    ]);
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'redirect-same-origin' });
    sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'redirect-same-origin' });
    const served = sandbox.counters.faultsServed;

    const result = await harness.execute(String(workflow.id));
    expect(sandbox.counters.faultsServed - served).toBe(2);
    const deliveries = sandbox.deliveries.filter((d) => d.webhookId === 'same');
    // a 307 keeps the method and the body
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].body).toEqual({ email: 'redirect@example.test' });
    expect(N8nHarness.items(result, 'Account')).toHaveLength(1);
    expect(foreign().all).toBe(0);
  });

  it('preAuthentication does not follow a token endpoint that redirects to another host', async () => {
    // a real HTTP server in front of the token endpoint that answers 307 to the second host
    const redirector = http.createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: `${sandbox.foreignUrl}/generic/oauth2/token` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const credential: CredentialImport = {
        id: 'advRedirectCre06',
        name: 'Advanced redirecting token URL',
        type: 'advancedOAuth2Api',
        data: {
          grantType: 'clientCredentials',
          tokenUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/generic/oauth2/token`,
          clientId: gen.clientId,
          clientSecret: gen.clientSecret,
          clientAuthentication: 'basic',
          headerName: 'Authorization',
          headerPrefix: 'Bearer',
        },
      };
      await harness.importCredentials([credential]);
      const workflow = advancedHttpWorkflow('token redirect', credential, sandbox.endpoints.generic.me);
      await harness.importWorkflow(workflow);
      const apiBefore = sandbox.counters.apiRequestsByProvider.generic;
      const run = await harness.run(String(workflow.id));
      expect(foreign().all).toBe(0);
      expect(run.succeeded).toBe(false);
      expect(run.output).toMatch(/HTTP 307/);
      expect(sandbox.counters.apiRequestsByProvider.generic - apiBefore).toBe(0);
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it('webhook hosts: a URL outside the Deployteq and allowed hosts is refused (NodeOperationError, nothing sent); the sandbox webhook is allowed', async () => {
    // the default auth host (auth.clang.cloud) is not loopback, so only Deployteq hosts are allowed
    const production = deployteqCredential('dtHostsCredent07', () => ({}));
    const sandboxed = deployteqCredential('dtHostsCredent08', sandboxAuth);
    await harness.importCredentials([production, sandboxed]);
    const foreignHttps = sandbox.foreignUrl.replace(/^http:/, 'https:');
    const fromItem = chainWorkflow('dt host from item', [
      { name: 'Target', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ url: `${foreignHttps}/deployteq/webhook/x` }), options: {} } },
      deployteqNode(production, '={{ $json.url }}'),
    ]);
    const plainHttp = chainWorkflow('dt host plain http', [deployteqNode(production, `${sandbox.foreignUrl}/deployteq/webhook/x`)]);
    const allowed = chainWorkflow('dt host sandbox', [deployteqNode(sandboxed, sandbox.webhookUrl('allowed'))]);
    for (const workflow of [fromItem, plainHttp, allowed]) await harness.importWorkflow(workflow);

    const refused = await harness.run(String(fromItem.id));
    expect(refused.succeeded).toBe(false);
    expect(refused.output).toContain('NodeOperationError');
    expect(refused.output).toContain('the webhook host 127.0.0.2 is not a Deployteq host');
    const http = await harness.run(String(plainHttp.id));
    expect(http.succeeded).toBe(false);
    expect(http.output).toContain('NodeOperationError');
    expect(http.output).toContain('must use https:');
    expect(foreign().all).toBe(0);

    await harness.execute(String(allowed.id));
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'allowed')).toHaveLength(1);
  });
});
