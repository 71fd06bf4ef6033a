// Every credential's "Test" run by a real n8n server (2.41.1 under Node 24): `n8n start` from the
// tool cache with a fresh user folder and this package loaded, the owner set up through the REST
// API, then POST /rest/credentials/test — what the credential dialog's "Test" button calls — against
// the provider sandbox, with right and wrong secrets. Also the Zendesk Chat Trigger in an active
// workflow: n8n's own poller emits the chats the sandbox added. One server for the whole file.
//
// REST routes (n8n 2.41.1, node_modules/n8n/dist): POST /rest/owner/setup (controllers/owner.controller.js),
// POST /rest/login (controllers/auth.controller.js), POST /rest/credentials, GET /rest/credentials/:id,
// POST /rest/credentials/test (credentials/credentials.controller.js → credentials.service.js
// testWithCredentials → services/credentials-tester.service.js), POST /rest/workflows and
// POST /rest/workflows/:id/activate (workflows/workflows.controller.js), GET /rest/executions and
// GET /rest/executions/:id (executions/executions.controller.js).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { PACKAGE_NAME } from './harness';
import { n8nServerScript as n8nScript, N8nRest, sandboxCodeTokens, unflatten, type N8nServer } from './rest';

jest.setTimeout(10 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const WRONG_SECRET = 'wrong-secret-Qx7';
const WRONG_PASSWORD = 'wrong-password-Qx7';
const OWNER = { email: 'owner@example.test', firstName: 'Test', lastName: 'Owner', password: 'Owner-pass-2041' };

interface TestResult {
  status: string;
  message: string;
}

describe(`credential tests in a real n8n server (package ${PACKAGE_NAME})`, () => {
  let sandbox: Sandbox;
  let server: N8nServer | undefined;
  let rest: N8nRest;
  let work: string;
  /** n8n's stand-in for a secret in credential data it hands out (n8n-workflow CREDENTIAL_BLANKING_VALUE). */
  let blankingValue: string;
  const secrets = new Set<string>([dt.clientSecret!, zd.clientSecret!, gen.clientSecret!, DEFAULT_USERS.zendesk.password, DEFAULT_USERS.generic.password, WRONG_SECRET, WRONG_PASSWORD, OWNER.password]);
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const started = Date.now();
    // seeded chats lie before "now - 2 h", so a trigger starting 10 minutes ago sees only added chats
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 8 * 60_000, consent: 'auto-approve', now: Date.now() - 2 * 3600_000 });
    const dist = path.join(__dirname, '..', '..', '..', 'dist', 'credentials', 'ZendeskChatOAuth2Api.credentials.js');
    if (!fs.existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
    const n8n = n8nScript.ensureN8n();
    blankingValue = (require(path.join(n8n.dir, 'node_modules', 'n8n-workflow')) as { CREDENTIAL_BLANKING_VALUE: string }).CREDENTIAL_BLANKING_VALUE;
    expect(blankingValue).toMatch(/^__n8n_BLANK_VALUE_/);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-credtest-'));
    const userFolder = n8nScript.createUserFolder(path.join(work, 'user'));
    // info: the leak check below then also covers what n8n logs about credential tests and polls
    const env = await n8nScript.n8nEnv(userFolder, { N8N_LOG_LEVEL: 'info' });
    server = await n8nScript.startN8nServer(n8n, env, { maxLifetimeMs: 7 * 60_000 });
    timings.serverReadyMs = Date.now() - started;
    rest = new N8nRest(server.url, 'credential-tests-browser');
    const login = await rest.signIn(OWNER);
    expect(login.email).toBe(OWNER.email);
  });

  afterAll(async () => {
    await server?.stop();
    n8nScript.stopAll();
    await sandbox?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    process.stdout.write(`credential-tests timings: ${JSON.stringify(timings)}\n`);
  });

  /** Creates the credential (as the dialog's Save does) and returns its id. */
  async function create(type: string, data: Record<string, unknown>): Promise<string> {
    const created = await rest.call<{ id: string }>('POST', '/credentials', { name: `${type} ${Date.now()}`, type, data });
    expect(created.id).toEqual(expect.any(String));
    return created.id;
  }

  /** What the dialog's Test button does: the stored credential's id with the data in the form. */
  async function runTest(id: string, type: string, data: Record<string, unknown>): Promise<TestResult> {
    const result = await rest.call<TestResult>('POST', '/credentials/test', { credentials: { id, name: type, type, data } });
    for (const value of secrets) expect(result.message.includes(value)).toBe(false);
    return result;
  }

  /** Creates a credential and tests it with `data`, then with each variant of it. */
  async function testCases(type: string, data: Record<string, unknown>, variants: Array<Record<string, unknown>> = []): Promise<TestResult[]> {
    const id = await create(type, data);
    const results = [await runTest(id, type, data)];
    for (const variant of variants) results.push(await runTest(id, type, { ...data, ...variant }));
    return results;
  }

  /** The tokens of a sign-in at the sandbox, added to the leak check. */
  async function codeTokens(provider: 'deployteq' | 'zendesk', scope: string): Promise<Record<string, unknown>> {
    const tokens = await sandboxCodeTokens(sandbox, provider, scope);
    for (const key of ['access_token', 'refresh_token']) if (typeof tokens[key] === 'string') secrets.add(tokens[key]);
    return tokens;
  }

  const deployteq = () => ({ grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'] });
  const zendesk = () => ({ grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] });

  it('Deployteq, client credentials: n8n fetches a token (Basic client auth) and passes; a wrong secret fails at the token endpoint', async () => {
    const before = sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials ?? 0;
    const [good, bad] = await testCases('deployteqOAuth2Api', deployteq(), [{ clientSecret: WRONG_SECRET }]);
    expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(bad.status).toBe('Error');
    expect(bad.message).toMatch(/^Failed to acquire OAuth2 access token: Client authentication failed/);
    expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials - before).toBe(2);
    expect(sandbox.counters.lastTokenRequestByProvider.deployteq?.clientAuth).toMatch(/^client_secret_basic/);
  });

  it('Deployteq, authorization code: fails without a token; passes with the token the sign-in stored', async () => {
    const data = { ...deployteq(), grantType: 'authorizationCode', requestedScopes: ['apps.webhook:execute', 'offline_access'] };
    // (the editor shows "connected" instead of a Test button for sign-in credentials; the API still answers)
    const [notConnected] = await testCases('deployteqOAuth2Api', data);
    expect(notConnected).toEqual({ status: 'Error', message: 'Unable to sign without access token' });

    const tokens = await codeTokens('deployteq', 'apps.webhook:execute offline_access');
    const tokenRequests = sandbox.counters.tokenRequests;
    const [connected] = await testCases('deployteqOAuth2Api', { ...data, oauthTokenData: tokens });
    expect(connected).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(sandbox.counters.tokenRequests).toBe(tokenRequests); // the stored token was used
    // Deployteq has no read-only API: this passes on any stored token, valid or not (see the credential)
  });

  it('Zendesk Chat, client credentials: token (body client auth) then GET /account passes; a wrong secret fails', async () => {
    const api = sandbox.counters.apiRequestsByProvider.zendesk;
    const [good, bad] = await testCases('zendeskChatOAuth2Api', zendesk(), [{ clientSecret: WRONG_SECRET }]);
    expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(sandbox.counters.apiRequestsByProvider.zendesk - api).toBe(1); // the account read
    expect(sandbox.counters.lastTokenRequestByProvider.zendesk?.clientAuth).toMatch(/^client_secret_post/);
    expect(bad.status).toBe('Error');
    expect(bad.message).toMatch(/^Failed to acquire OAuth2 access token: Client authentication failed/);
  });

  it('Zendesk Chat, authorization code: fails without a token; passes with a stored token (as the dialog sends it back); fails once the grant is revoked', async () => {
    const data = { ...zendesk(), grantType: 'authorizationCode' };
    const [notConnected] = await testCases('zendeskChatOAuth2Api', data);
    expect(notConnected).toEqual({ status: 'Error', message: 'Unable to sign without access token' });

    const tokens = await codeTokens('zendesk', 'read');
    const id = await create('zendeskChatOAuth2Api', { ...data, oauthTokenData: tokens });
    // the stored data as the API hands it out: secrets blanked, the token only as `true`
    const stored = await rest.call<{ data: Record<string, unknown> }>('GET', `/credentials/${id}?includeData=true`);
    expect(stored.data.oauthTokenData).toBe(true);
    expect(stored.data.clientSecret).toBe(blankingValue);
    // sent back with n8n's blanking value in place of the token, n8n tests with the stored token
    const resent = { ...stored.data, oauthTokenData: blankingValue };
    const api = sandbox.counters.apiRequestsByProvider.zendesk;
    expect(await runTest(id, 'zendeskChatOAuth2Api', resent)).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(sandbox.counters.apiRequestsByProvider.zendesk - api).toBe(1);

    // revoked at the provider: the account read gets 401, n8n's refresh is refused, the test fails
    sandbox.revokeAll('zendesk');
    const refreshes = sandbox.counters.tokenRequestsByProviderGrant.zendesk.refresh_token ?? 0;
    const revoked = await runTest(id, 'zendeskChatOAuth2Api', resent);
    expect(revoked).toEqual({ status: 'Error', message: expect.stringMatching(/needs to be reconnected/) });
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.refresh_token - refreshes).toBe(1);
  });

  it('Zendesk Chat password credential: passes; a wrong client secret and a wrong password fail with the OAuth2 error and a hint', async () => {
    const data = { subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, requestedScopes: ['read'] };
    const [good, badSecret, badPassword] = await testCases('zendeskChatPasswordOAuth2Api', data, [{ clientSecret: WRONG_SECRET }, { password: WRONG_PASSWORD }]);
    expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(badSecret.status).toBe('Error');
    expect(badSecret.message).toMatch(/^OAuth2 token failed: invalid_client \(HTTP 401\)\..*check the client ID and secret/);
    expect(badPassword.status).toBe('Error');
    expect(badPassword.message).toMatch(/^OAuth2 token failed: invalid_grant \(HTTP 400\)\..*wrong username or password/);
  });

  it('Advanced OAuth2: the token from its own engine opens the test URL; a wrong secret fails with the OAuth2 error and a hint', async () => {
    const data = { grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic', scope: 'read', testUrl: `${sandbox.url}/generic/api/me` };
    const api = sandbox.counters.apiRequestsByProvider.generic;
    const [good, bad] = await testCases('advancedOAuth2Api', data, [{ clientSecret: WRONG_SECRET }]);
    expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(sandbox.counters.apiRequestsByProvider.generic - api).toBeGreaterThanOrEqual(1);
    expect(bad.status).toBe('Error');
    expect(bad.message).toMatch(/^OAuth2 token failed: invalid_client \(HTTP 401\)\..*check the client ID and secret/);
  });

  it('Advanced OAuth2 without a Test URL: the test is the token request alone (passes; a wrong secret fails with the OAuth2 error); no API is called', async () => {
    const data = { grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic', scope: 'read', testUrl: '' };
    const id = await create('advancedOAuth2Api', data);
    const before = sandbox.counters;
    const good = await runTest(id, 'advancedOAuth2Api', data);
    const after = sandbox.counters;
    expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(after.tokenRequestsByProviderGrant.generic.client_credentials - (before.tokenRequestsByProviderGrant.generic.client_credentials ?? 0)).toBe(1);
    expect(after.apiRequestsByProvider.generic).toBe(before.apiRequestsByProvider.generic);
    const bad = await runTest(id, 'advancedOAuth2Api', { ...data, clientSecret: WRONG_SECRET });
    expect(bad.status).toBe('Error');
    expect(bad.message).toMatch(/^OAuth2 token failed: invalid_client \(HTTP 401\)\..*check the client ID and secret/);
    expect(sandbox.counters.apiRequestsByProvider.generic).toBe(before.apiRequestsByProvider.generic);
  });

  it('Zendesk Chat Trigger, active workflow: n8n polls on activation and again a minute later, emitting exactly the chats the sandbox added', async () => {
    const started = Date.now();
    const credentialId = await create('zendeskChatOAuth2Api', zendesk());
    const first = [sandbox.addChat(), sandbox.addChat()];
    const workflow = await rest.call<{ id: string; versionId: string }>('POST', '/workflows', {
      name: 'Zendesk Chat Trigger e2e',
      active: false,
      nodes: [
        {
          id: 'trigger-1',
          name: 'New chats',
          type: `${PACKAGE_NAME}.zendeskChatTrigger`,
          typeVersion: 1,
          position: [0, 0],
          parameters: { authentication: 'oAuth2', pollTimes: { item: [{ mode: 'everyMinute' }] }, startFrom: 'date', startDate: new Date(Date.now() - 10 * 60_000).toISOString() },
          credentials: { zendeskChatOAuth2Api: { id: credentialId, name: 'zendesk' } },
        },
      ],
      connections: {},
      settings: { executionOrder: 'v1' },
    });
    await rest.call('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });

    const emitted = async (count: number): Promise<Array<Array<Record<string, unknown>>>> => {
      const deadline = Date.now() + 100_000;
      for (;;) {
        const list = await rest.call<{ results: Array<{ id: string; status: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: workflow.id }))}`);
        const done = list.results.filter((e) => e.status === 'success' || e.status === 'error');
        if (done.length >= count) {
          const runs = [];
          for (const execution of [...done].sort((a, b) => Number(a.id) - Number(b.id))) {
            expect(execution.status).toBe('success');
            const full = await rest.call<{ data: string }>('GET', `/executions/${execution.id}`);
            runs.push(triggerItems(unflatten(full.data), 'New chats'));
          }
          return runs;
        }
        if (Date.now() > deadline) throw new Error(`only ${done.length} of ${count} trigger executions within 100 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };

    // the poll n8n runs when it activates the workflow
    const [onActivation] = await emitted(1);
    expect(onActivation.map((chat) => chat.id)).toEqual(first.map((chat) => chat.id));
    timings.triggerActivationPollMs = Date.now() - started;

    // the next scheduled poll (every minute) emits only what changed since
    await new Promise((r) => setTimeout(r, 1100));
    const later = sandbox.addChat();
    const runs = await emitted(2);
    expect(runs[1].map((chat) => chat.id)).toEqual([later.id]);
    timings.triggerScheduledPollMs = Date.now() - started;
    await rest.call('POST', `/workflows/${workflow.id}/deactivate`, {});
  });

  it('n8n printed no secret or token while testing and polling', () => {
    const text = `${server!.output()}\n${rest.seen.join('\n')}`;
    const leaked = [...secrets].filter((value) => text.includes(value));
    expect(leaked.length).toBe(0);
  });
});

/** The JSON of the items a node output on its first run (main output 0). */
function triggerItems(data: Record<string, unknown>, nodeName: string): Array<Record<string, unknown>> {
  const runData = (data.resultData as { runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>> }).runData;
  const runs = runData[nodeName];
  if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
  return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}
