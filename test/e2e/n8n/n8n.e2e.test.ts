// End to end in a real n8n (2.41.1 under Node 24): the built package is loaded as a community
// package, credentials and workflows are imported with the n8n CLI and executed with
// `n8n execute --rawOutput` against the provider sandbox on 127.0.0.1. The first run installs n8n
// into the tool cache (minutes); later runs reuse it.
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { advancedHttpWorkflow, chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';
import { sandboxCodeTokens } from './rest';

jest.setTimeout(25 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const PEOPLE = Array.from({ length: 12 }, (_, i) => ({ email: `person${i}@example.test`, firstname: `P${i}` }));

/** The tokens a user would get signing in at the sandbox. */
async function deployteqCodeTokens(sandbox: Sandbox): Promise<Record<string, unknown>> {
  const tokens = await sandboxCodeTokens(sandbox, 'deployteq', 'apps.webhook:execute offline_access');
  expect(tokens.refresh_token).toEqual(expect.any(String));
  return tokens;
}

const node = (name: string) => `${PACKAGE_NAME}.${name}`;

describe(`n8n end to end (real n8n, package ${PACKAGE_NAME})`, () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 25 * 60_000, consent: 'auto-approve', chatsPageSize: 40 });
    harness.secret(dt.clientSecret, zd.clientSecret, gen.clientSecret, DEFAULT_USERS.zendesk.password, DEFAULT_USERS.generic.password);
    await harness.setup();
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  /** A Deployteq client-credentials credential at the sandbox. */
  const deployteqClientCredentials = (id: string, name: string): CredentialImport => ({
    id,
    name,
    type: 'deployteqOAuth2Api',
    data: { grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'] },
  });

  it('Deployteq client credentials: every item delivered with the Bearer token, one token for all items and runs', async () => {
    const credential: CredentialImport = {
      id: 'dtccCredential01',
      name: 'Deployteq CC (sandbox)',
      type: 'deployteqOAuth2Api',
      data: {
        grantType: 'clientCredentials',
        authHost: 'custom',
        customAuthBaseUrl: `${sandbox.url}/deployteq`,
        clientId: dt.clientId,
        clientSecret: dt.clientSecret,
        requestedScopes: ['apps.webhook:execute', 'offline_access'],
      },
    };
    await harness.importCredentials([credential]);
    const creds = { deployteqOAuth2Api: { id: credential.id, name: credential.name } };
    const workflow = chainWorkflow('deployteq cc', [
      { name: 'People', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ people: PEOPLE }), options: {} } },
      { name: 'One per person', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'people', options: {} } },
      {
        name: 'Deployteq per item',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: creds,
        parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('per-item'), bodySource: 'item', delivery: 'perItem', options: { concurrency: 4 } },
      },
    ]);
    await harness.importWorkflow(workflow);

    const before = sandbox.counters;
    const result = await harness.execute(String(workflow.id));
    const out = N8nHarness.items(result, 'Deployteq per item');
    expect(out).toHaveLength(PEOPLE.length);
    expect(out.map((item) => item.pairedItem)).toEqual(PEOPLE.map((_, i) => [{ item: i }]));

    const deliveries = sandbox.deliveries.filter((d) => d.webhookId === 'per-item');
    expect(deliveries).toHaveLength(PEOPLE.length);
    expect(deliveries.every((d) => d.authorization === 'Bearer <redacted>')).toBe(true);
    expect(deliveries.map((d) => (d.body as { email: string }).email).sort()).toEqual(PEOPLE.map((p) => p.email).sort());
    const after = sandbox.counters;
    expect(after.tokenRequestsByProviderGrant.deployteq.client_credentials - (before.tokenRequestsByProviderGrant.deployteq.client_credentials ?? 0)).toBe(1);
    expect(after.lastTokenRequestByProvider.deployteq?.clientAuth).toMatch(/^client_secret_basic/);
    // offline_access is dropped for client credentials
    expect(after.lastTokenRequestByProvider.deployteq?.params.scope).toBe('apps.webhook:execute');
    expect(after.tokensInUrl).toBe(0);

    // a second run reuses the token n8n saved
    await harness.execute(String(workflow.id));
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'per-item')).toHaveLength(2 * PEOPLE.length);
    expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials).toBe(after.tokenRequestsByProviderGrant.deployteq.client_credentials);
  });

  it('Deployteq batches: items go as arrays of the batch size, with the full response', async () => {
    const credential = deployteqClientCredentials('dtccCredential02', 'Deployteq CC batch (sandbox)');
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('deployteq batch', [
      { name: 'People', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ people: PEOPLE }), options: {} } },
      { name: 'One per person', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'people', options: {} } },
      {
        name: 'Deployteq batches',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
        parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('batches'), bodySource: 'item', delivery: 'batch', batchSize: 5, options: { fullResponse: true } },
      },
    ]);
    await harness.importWorkflow(workflow);
    const result = await harness.execute(String(workflow.id));
    const out = N8nHarness.items(result, 'Deployteq batches');
    expect(out).toHaveLength(3);
    expect(out.map((item) => (item.pairedItem as unknown[]).length)).toEqual([5, 5, 2]);
    expect(out.every((item) => typeof item.json.statusCode === 'number' && item.json.headers)).toBe(true);
    // the batches go out in parallel after the first: compared whatever order they arrived in
    const deliveries = sandbox.deliveries.filter((d) => d.webhookId === 'batches');
    expect(deliveries.map((d) => (Array.isArray(d.body) ? d.body.length : -1)).sort()).toEqual([2, 5, 5]);
    const sent = deliveries.map((d) => (d.body as Array<{ email: string }>).map((p) => p.email));
    const wanted = [PEOPLE.slice(0, 5), PEOPLE.slice(5, 10), PEOPLE.slice(10)].map((batch) => batch.map((p) => p.email));
    expect(sent.sort((a, b) => a[0].localeCompare(b[0]))).toEqual(wanted.sort((a, b) => a[0].localeCompare(b[0])));
  });

  it('Deployteq limits (issue #17 item 3): batches split at 6 MB, an item over it fails alone, the count in the output, the daily cap\'s 429 fails once, naming it', async () => {
    const credential = deployteqClientCredentials('dtlimCredential1', 'Deployteq CC limits (sandbox)');
    await harness.importCredentials([credential]);
    const deployteq = (hook: string, delivery: 'batch' | 'perItem') => ({
      name: 'Deployteq',
      type: node('deployteq'),
      typeVersion: 1,
      onError: 'continueRegularOutput',
      credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
      parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl(hook), bodySource: 'item', delivery, batchSize: 100, options: { concurrency: 1 } },
    });
    const sized = (sizes: Array<[string, number]>) => [
      { name: 'Sizes', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ sizes: sizes.map(([name, size]) => ({ name, size })) }), options: {} } },
      { name: 'One per size', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'sizes', options: {} } },
      { name: 'Records', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: "={{ JSON.stringify({ name: $json.name, blob: 'x'.repeat($json.size) }) }}", options: {} } },
    ];
    // a and b: 3.1 MB each (not together); big: 6.05 MB (never sent); c: small
    const split = chainWorkflow('deployteq limits split', [...sized([['a', 3_100_000], ['b', 3_100_000], ['big', 6_050_000], ['c', 10]]), deployteq('limits', 'batch')]);
    await harness.importWorkflow(split);
    const before = sandbox.counters.deployteqWebhookCallsToday;
    const out = N8nHarness.items(await harness.execute(String(split.id)), 'Deployteq');
    expect(out.map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }], [{ item: 3 }]]);
    expect(out[2].json.error).toMatch(/the webhook body is 6\.1 MB; Deployteq accepts at most 6\.0 MB per call: nothing was sent/);
    expect([0, 1, 3].map((i) => out[i].json.deployteqRequestCount)).toEqual([before + 1, before + 2, before + 3]);
    const deliveries = sandbox.deliveries.filter((d) => d.webhookId === 'limits');
    expect(deliveries.map((d) => (d.body as Array<{ name: string }>).map((r) => r.name))).toEqual([['a'], ['b'], ['c']]);

    // the daily cap: the next call is the last one allowed
    const capped = chainWorkflow('deployteq limits cap', [...sized([['d', 10], ['e', 10]]), deployteq('cap', 'perItem')]);
    await harness.importWorkflow(capped);
    sandbox.configure({ deployteqDailyCap: sandbox.counters.deployteqWebhookCallsToday + 1 });
    const calls = sandbox.counters.webhookRequests;
    const last = N8nHarness.items(await harness.execute(String(capped.id)), 'Deployteq');
    sandbox.configure({ deployteqDailyCap: 50_000 });
    expect(last[0].json.error).toBeUndefined();
    expect(last[1].json).toMatchObject({ error: expect.stringMatching(/HTTP 429: the brand's daily limit of 50,000 webhook calls is reached \(\d+ calls today\); the call was not retried/), httpCode: '429' });
    expect(sandbox.counters.webhookRequests - calls).toBe(2);
  });

  it('Deployteq errors: NodeApiError with Deployteq\'s message; with continue-on-fail the other items still go', async () => {
    const credential = deployteqClientCredentials('dterrCredential7', 'Deployteq CC errors (sandbox)');
    await harness.importCredentials([credential]);
    const deployteq = (onError?: string) => ({
      name: 'Deployteq',
      type: node('deployteq'),
      typeVersion: 1,
      credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
      ...(onError ? { onError } : {}),
      parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('errors'), bodySource: 'item', delivery: 'perItem', options: { concurrency: 1 } },
    });
    const people = [
      { name: 'People', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ people: PEOPLE.slice(0, 3) }), options: {} } },
      { name: 'One per person', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'people', options: {} } },
    ];
    const tolerant = chainWorkflow('deployteq errors continue', [...people, deployteq('continueRegularOutput')]);
    const strict = chainWorkflow('deployteq errors stop', [...people, deployteq()]);
    await harness.importWorkflow(tolerant);
    await harness.importWorkflow(strict);

    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'insufficient-scope', times: 1 });
    const out = N8nHarness.items(await harness.execute(String(tolerant.id)), 'Deployteq');
    expect(out).toHaveLength(3);
    expect(out[0].json).toMatchObject({ error: expect.stringContaining('lacks the required scope'), httpCode: '403' });
    expect(out[1].json.error).toBeUndefined();
    expect(out[2].json.error).toBeUndefined();
    expect(out.map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);

    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'insufficient-scope', times: 1 });
    const failure = await harness.executeExpectingFailure(String(strict.id));
    expect(failure).toContain('NodeApiError');
    expect(failure).toContain('lacks the required scope');
  });

  it('Deployteq authorization code: an expired stored token is refreshed, the rotated refresh token is saved and works next run', async () => {
    const tokens = await deployteqCodeTokens(sandbox);
    harness.secret(String(tokens.access_token), String(tokens.refresh_token));
    const credential: CredentialImport = {
      id: 'dtcodeCredent003',
      name: 'Deployteq code (sandbox)',
      type: 'deployteqOAuth2Api',
      data: {
        grantType: 'authorizationCode',
        authHost: 'custom',
        customAuthBaseUrl: `${sandbox.url}/deployteq`,
        clientId: dt.clientId,
        clientSecret: dt.clientSecret,
        requestedScopes: ['apps.webhook:execute', 'offline_access'],
        oauthTokenData: tokens,
      },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('deployteq code', [
      {
        name: 'Deployteq',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
        parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('code'), bodySource: 'raw', jsonBody: '{"email":"refresh@example.test"}', delivery: 'perItem', options: {} },
      },
    ]);
    await harness.importWorkflow(workflow);

    const refreshes = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq.refresh_token ?? 0;
    expect(sandbox.expireAccessTokens('deployteq')).toBeGreaterThan(0);
    await harness.execute(String(workflow.id));
    expect(refreshes()).toBe(1);
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'code')).toHaveLength(1);
    const stored = (await harness.exportCredential(credential.id)).oauthTokenData as Record<string, unknown>;
    harness.secret(String(stored.access_token), String(stored.refresh_token));
    expect(stored.refresh_token).toEqual(expect.any(String));
    expect(stored.refresh_token).not.toBe(tokens.refresh_token);

    // the sandbox rejects a reused refresh token: a second refresh works only with the rotated one
    sandbox.expireAccessTokens('deployteq');
    await harness.execute(String(workflow.id));
    expect(refreshes()).toBe(2);
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'code')).toHaveLength(2);
  });

  it('Zendesk Chat (client credentials): get many follows next_url over several pages; incremental export', async () => {
    const credential: CredentialImport = {
      id: 'zdccCredential04',
      name: 'Zendesk Chat CC (sandbox)',
      type: 'zendeskChatOAuth2Api',
      data: { grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] },
    };
    await harness.importCredentials([credential]);
    const creds = { zendeskChatOAuth2Api: { id: credential.id, name: credential.name } };
    const workflow = chainWorkflow('zendesk chats', [
      { name: 'All chats', type: node('zendeskChat'), typeVersion: 1, credentials: creds, parameters: { authentication: 'oAuth2', resource: 'chat', operation: 'getAll', returnAll: true } },
      { name: 'First 90', type: node('zendeskChat'), typeVersion: 1, credentials: creds, executeOnce: true, parameters: { authentication: 'oAuth2', resource: 'chat', operation: 'getAll', returnAll: false, limit: 90 } },
      {
        name: 'Export',
        type: node('zendeskChat'),
        typeVersion: 1,
        credentials: creds,
        executeOnce: true,
        parameters: { authentication: 'oAuth2', resource: 'chat', operation: 'incrementalExport', startTime: '1970-01-01T00:00:00.000Z', returnAll: true },
      },
    ]);
    await harness.importWorkflow(workflow);
    // the first API call is answered 429 with Retry-After: 1; the node waits and repeats it
    sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'rate-limit-429', retryAfter: 1, times: 1 });
    const apiBefore = sandbox.counters.apiRequestsByProvider.zendesk;
    const limitedBefore = sandbox.counters.rateLimited;
    const result = await harness.execute(String(workflow.id));

    const all = N8nHarness.items(result, 'All chats');
    expect(all).toHaveLength(250);
    expect(new Set(all.map((c) => c.json.id)).size).toBe(250);
    expect(N8nHarness.items(result, 'First 90')).toHaveLength(90);
    const exported = N8nHarness.items(result, 'Export');
    expect(exported).toHaveLength(250);
    const updated = exported.map((c) => Number(c.json.update_timestamp ?? 0));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    // 250 chats at 40 a page = 7 pages; 90 = 3 pages; the export is one page of up to 1000; one 429 repeated
    expect(sandbox.counters.rateLimited - limitedBefore).toBe(1);
    expect(sandbox.counters.apiRequestsByProvider.zendesk - apiBefore).toBe(7 + 3 + 1 + 1);
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.client_credentials).toBe(1);
    expect(sandbox.counters.lastTokenRequestByProvider.zendesk?.clientAuth).toBe('client_secret_post');
  });

  it('Zendesk Chat with the password credential: account and agents', async () => {
    const credential: CredentialImport = {
      id: 'zdpwCredential05',
      name: 'Zendesk Chat password (sandbox)',
      type: 'zendeskChatPasswordOAuth2Api',
      data: { subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, requestedScopes: ['read'] },
    };
    await harness.importCredentials([credential]);
    const creds = { zendeskChatPasswordOAuth2Api: { id: credential.id, name: credential.name } };
    const workflow = chainWorkflow('zendesk password', [
      { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: creds, parameters: { authentication: 'password', resource: 'account', operation: 'get' } },
      { name: 'Agents', type: node('zendeskChat'), typeVersion: 1, credentials: creds, parameters: { authentication: 'password', resource: 'agent', operation: 'getAll', returnAll: true } },
    ]);
    await harness.importWorkflow(workflow);
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.zendesk.password ?? 0;
    const result = await harness.execute(String(workflow.id));
    expect(N8nHarness.items(result, 'Account')).toHaveLength(1);
    expect(N8nHarness.items(result, 'Agents')).toHaveLength(12);
    expect(grants()).toBe(1);
    await harness.execute(String(workflow.id));
    expect(grants()).toBe(1);
  });

  it('advanced OAuth2 credential, password grant, in n8n\'s own HTTP Request node: token saved, re-fetched after revocation', async () => {
    const credential: CredentialImport = {
      id: 'advpwCredentia06',
      name: 'Generic password (sandbox)',
      type: 'advancedOAuth2Api',
      data: {
        grantType: 'password',
        tokenUrl: sandbox.endpoints.generic.token,
        clientId: gen.clientId,
        clientSecret: gen.clientSecret,
        clientAuthentication: 'basic',
        username: DEFAULT_USERS.generic.username,
        password: DEFAULT_USERS.generic.password,
        scope: 'read',
        extraGrantParameters: 'audience=https://api.example.test',
        headerName: 'Authorization',
        headerPrefix: 'Bearer',
        testUrl: sandbox.endpoints.generic.me,
      },
    };
    await harness.importCredentials([credential]);
    const workflow = advancedHttpWorkflow('advanced http', credential, sandbox.endpoints.generic.me);
    await harness.importWorkflow(workflow);
    const count = (grant: string) => sandbox.counters.tokenRequestsByProviderGrant.generic[grant] ?? 0;

    const first = N8nHarness.items(await harness.execute(String(workflow.id)), 'Me');
    expect(first[0].json).toMatchObject({ sub: DEFAULT_USERS.generic.username, client_id: gen.clientId, grant_type: 'password', audience: 'https://api.example.test' });
    expect(count('password')).toBe(1);
    expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_basic');

    await harness.execute(String(workflow.id));
    expect(count('password')).toBe(1);

    // revoked at the server: the API answers 401, n8n runs preAuthentication again (the password
    // grant; no refresh token is kept) and retries
    sandbox.revokeAll('generic');
    const third = N8nHarness.items(await harness.execute(String(workflow.id)), 'Me');
    expect(third[0].json.sub).toBe(DEFAULT_USERS.generic.username);
    expect(count('password')).toBe(2);
    const stored = await harness.exportCredential(credential.id);
    expect(stored.accessToken).toEqual(expect.any(String));
  });

  it('advanced credential default lifetime: after it passes, the next request gets a new token although the server still accepts the old one', async () => {
    const credential: CredentialImport = {
      id: 'advlifeCredent08',
      name: 'Generic short lifetime (sandbox)',
      type: 'advancedOAuth2Api',
      data: {
        grantType: 'clientCredentials',
        tokenUrl: sandbox.endpoints.generic.token,
        clientId: gen.clientId,
        clientSecret: gen.clientSecret,
        clientAuthentication: 'body',
        scope: 'read',
        // the server's expires_in (3600) is ignored: the lifetime comes from the default
        responsePathExpiresIn: 'no.such.path',
        defaultExpiresIn: 2,
        headerName: 'Authorization',
        headerPrefix: 'Bearer',
      },
    };
    await harness.importCredentials([credential]);
    const workflow = advancedHttpWorkflow('advanced lifetime', credential, sandbox.endpoints.generic.me);
    await harness.importWorkflow(workflow);
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.generic.client_credentials ?? 0;
    const before = grants();
    expect(N8nHarness.items(await harness.execute(String(workflow.id)), 'Me')[0].json.grant_type).toBe('client_credentials');
    expect(grants() - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(N8nHarness.items(await harness.execute(String(workflow.id)), 'Me')[0].json.grant_type).toBe('client_credentials');
    expect(grants() - before).toBe(2);
    expect(sandbox.counters.lastTokenRequestByProvider.generic?.clientAuth).toBe('client_secret_post');
  });

  it('Zendesk Chat authorization code: stored tokens, expired at the server, refreshed by n8n with the secret in the body', async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const authorize = new URL(sandbox.endpoints.zendesk.authorize);
    authorize.search = new URLSearchParams({ response_type: 'code', client_id: zd.clientId, redirect_uri: redirectUri, scope: 'read', state: 'zd-state', subdomain: 'acme' }).toString();
    const consent = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(String(consent.headers.get('location'))).searchParams.get('code');
    expect(code).toBeTruthy();
    const tokenResponse = await fetch(sandbox.endpoints.zendesk.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: String(code), client_id: zd.clientId, client_secret: zd.clientSecret!, redirect_uri: redirectUri, scope: 'read' }).toString(),
    });
    const tokens = (await tokenResponse.json()) as Record<string, unknown>;
    expect(tokens.refresh_token).toEqual(expect.any(String));
    harness.secret(String(tokens.access_token), String(tokens.refresh_token));
    const credential: CredentialImport = {
      id: 'zdcodeCredenti09',
      name: 'Zendesk Chat code (sandbox)',
      type: 'zendeskChatOAuth2Api',
      data: { grantType: 'authorizationCode', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'], oauthTokenData: tokens },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('zendesk code', [
      { name: 'Departments', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatOAuth2Api: { id: credential.id, name: credential.name } }, parameters: { authentication: 'oAuth2', resource: 'department', operation: 'getAll', returnAll: true } },
    ]);
    await harness.importWorkflow(workflow);
    sandbox.expireAccessTokens('zendesk');
    const refreshes = () => sandbox.counters.tokenRequestsByProviderGrant.zendesk.refresh_token ?? 0;
    const before = refreshes();
    expect(N8nHarness.items(await harness.execute(String(workflow.id)), 'Departments')).toHaveLength(4);
    expect(refreshes() - before).toBe(1);
    expect(sandbox.counters.lastTokenRequestByProvider.zendesk?.clientAuth).toBe('client_secret_post');
  });

  it('Deployteq node with the advanced credential: RFC-encoded Basic for a secret with special characters, one token', async () => {
    const credential: CredentialImport = {
      id: 'dtadvCredentia10',
      name: 'Deployteq via advanced (sandbox)',
      type: 'advancedOAuth2Api',
      data: {
        grantType: 'clientCredentials',
        tokenUrl: sandbox.endpoints.deployteq.token,
        clientId: dt.clientId,
        clientSecret: dt.clientSecret,
        clientAuthentication: 'basic',
        scope: 'apps.webhook:execute',
        headerName: 'Authorization',
        headerPrefix: 'Bearer',
      },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('deployteq advanced', [
      { name: 'People', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ people: PEOPLE.slice(0, 4) }), options: {} } },
      { name: 'One per person', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'people', options: {} } },
      {
        name: 'Deployteq',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: { advancedOAuth2Api: { id: credential.id, name: credential.name } },
        parameters: { authentication: 'advancedOAuth2', resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('advanced'), bodySource: 'item', delivery: 'perItem', options: { concurrency: 3 } },
      },
    ]);
    await harness.importWorkflow(workflow);
    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials ?? 0;
    const before = grants();
    expect(N8nHarness.items(await harness.execute(String(workflow.id)), 'Deployteq')).toHaveLength(4);
    expect(sandbox.deliveries.filter((d) => d.webhookId === 'advanced')).toHaveLength(4);
    expect(grants() - before).toBe(1);
    // the secret holds + % : & /, so the RFC 6749 form-encoded Basic differs from the raw one
    expect(sandbox.counters.lastTokenRequestByProvider.deployteq?.clientAuth).toBe('client_secret_basic');
  });
});
