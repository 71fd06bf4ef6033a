// Endless answers in a real n8n (2.41.1): an API, a webhook or a token endpoint that never stops
// sending ('endless-body': the sandbox streams until the client hangs up, at most 120 s) must end
// the execution quickly with the size error, and n8n's memory must stay flat. The n8n process's peak
// RSS is sampled from /proc; a runaway process is killed by the harness above its limit.
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import { advancedHttpWorkflow, chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';

jest.setTimeout(15 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const node = (name: string) => `${PACKAGE_NAME}.${name}`;

/** Well under the sandbox's 120 s: the transfer must be stopped by the client. */
const QUICK_MS = 45_000;
/** Growth of the peak RSS over a normal run that still counts as flat. */
const FLAT_MB = 150;

describe('endless response bodies in a real n8n', () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;
  let baselineMb = 0;
  const zendesk: CredentialImport = {
    id: 'zdLimitCredent01',
    name: 'Zendesk CC limits',
    type: 'zendeskChatOAuth2Api',
    data: { grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: '', clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] },
  };
  const account = (options: Record<string, unknown>) => chainWorkflow(`zd account ${JSON.stringify(options)}`, [
    { name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatOAuth2Api: { id: zendesk.id, name: zendesk.name } }, parameters: { authentication: 'oAuth2', resource: 'account', operation: 'get', options } },
  ]);

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 15 * 60_000 });
    zendesk.data.baseUrl = `${sandbox.url}/zendesk`;
    harness.secret(dt.clientSecret, zd.clientSecret, gen.clientSecret, DEFAULT_USERS.generic.password);
    await harness.setup();
    await harness.importCredentials([zendesk]);
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  it('a normal run: the baseline of the n8n process memory', async () => {
    const workflow = account({});
    await harness.importWorkflow(workflow);
    const run = await harness.run(String(workflow.id));
    expect(run.succeeded).toBe(true);
    expect(run.peakRssMb).toBeGreaterThan(50);
    baselineMb = run.peakRssMb;
    console.log(`n8n execute, normal run: ${run.durationMs} ms, peak RSS ${run.peakRssMb} MiB`);
  });

  it('Zendesk Chat: an endless API answer ends the run with the size error; memory stays flat', async () => {
    const workflow = account({ maxResponseSizeMb: 1 });
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'endless-body' });
    const run = await harness.run(String(workflow.id), { timeoutMs: 150_000, rssLimitMb: baselineMb + 1500 });
    console.log(`n8n execute, endless API body: ${run.durationMs} ms, peak RSS ${run.peakRssMb} MiB (killed: ${run.killedForMemory})`);
    expect(run.killedForMemory).toBe(false);
    expect(run.succeeded).toBe(false);
    expect(run.output).toContain('NodeApiError');
    expect(run.output).toContain('response_too_large');
    expect(run.output).toContain('is larger than 1 MB');
    expect(run.durationMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(baselineMb + FLAT_MB);
  });

  it('Deployteq: an endless webhook answer ends the run with the size error', async () => {
    const credential: CredentialImport = {
      id: 'dtLimitCredent02',
      name: 'Deployteq limits',
      type: 'deployteqOAuth2Api',
      data: { grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'] },
    };
    await harness.importCredentials([credential]);
    const workflow = chainWorkflow('dt endless', [
      {
        name: 'Deployteq',
        type: node('deployteq'),
        typeVersion: 1,
        credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
        parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('endless'), bodySource: 'raw', jsonBody: '{"a":1}', delivery: 'perItem', options: { maxResponseSizeMb: 2 } },
      },
    ]);
    await harness.importWorkflow(workflow);
    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'endless-body' });
    const run = await harness.run(String(workflow.id), { timeoutMs: 150_000, rssLimitMb: baselineMb + 1500 });
    console.log(`n8n execute, endless webhook body: ${run.durationMs} ms, peak RSS ${run.peakRssMb} MiB (killed: ${run.killedForMemory})`);
    expect(run.killedForMemory).toBe(false);
    expect(run.succeeded).toBe(false);
    expect(run.output).toContain('response_too_large');
    expect(run.output).toContain('is larger than 2 MB');
    expect(run.durationMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(baselineMb + FLAT_MB);
  });

  it('preAuthentication: an endless token answer ends the run with the size error (1 MiB limit)', async () => {
    const credential: CredentialImport = {
      id: 'advLimitCreden03',
      name: 'Advanced endless token',
      type: 'advancedOAuth2Api',
      data: { grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic', headerName: 'Authorization', headerPrefix: 'Bearer' },
    };
    await harness.importCredentials([credential]);
    const workflow = advancedHttpWorkflow('token endless', credential, sandbox.endpoints.generic.me);
    await harness.importWorkflow(workflow);
    // n8n's HTTP Request node runs preAuthentication a second time after any failure: both endless
    sandbox.addFault({ provider: 'generic', endpoint: 'token', kind: 'endless-body', times: 2 });
    const tokenRequests = sandbox.counters.tokenRequestsByProvider.generic;
    const run = await harness.run(String(workflow.id), { timeoutMs: 150_000, rssLimitMb: baselineMb + 1500 });
    console.log(`n8n execute, endless token body: ${run.durationMs} ms, peak RSS ${run.peakRssMb} MiB (killed: ${run.killedForMemory})`);
    expect(run.killedForMemory).toBe(false);
    expect(run.succeeded).toBe(false);
    expect(run.output).toContain('response_too_large');
    expect(run.output).toContain('1048576 bytes');
    expect(run.durationMs).toBeLessThan(QUICK_MS);
    expect(run.peakRssMb).toBeLessThan(baselineMb + FLAT_MB);
    expect(sandbox.counters.tokenRequestsByProvider.generic - tokenRequests).toBe(2);
    expect(sandbox.counters.apiRequestsByProvider.generic).toBe(0);
  });
});
