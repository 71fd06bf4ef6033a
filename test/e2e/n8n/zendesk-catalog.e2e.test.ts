// The Zendesk Chat node's catalog-derived operations in a real n8n (2.41.1): one workflow, imported
// and executed with the n8n CLI against the sandbox, runs a dozen of the read operations added with
// the catalog (their parameters as the derived properties name them, values from expressions too)
// and an old-style workflow with the parameters of the first node version.
import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../../sandbox';
import { chainWorkflow, N8nHarness, PACKAGE_NAME, type CredentialImport } from './harness';

jest.setTimeout(15 * 60_000);

const zd = DEFAULT_CLIENTS.zendesk[0];
const node = (name: string) => `${PACKAGE_NAME}.${name}`;

describe(`Zendesk Chat catalog operations in a real n8n (package ${PACKAGE_NAME})`, () => {
  const harness = new N8nHarness();
  let sandbox: Sandbox;
  const credential: CredentialImport = {
    id: 'zdcatCredential1',
    name: 'Zendesk Chat catalog (sandbox)',
    type: 'zendeskChatOAuth2Api',
    data: {},
  };
  const zendesk = (name: string, parameters: Record<string, unknown>) => ({
    name,
    type: node('zendeskChat'),
    typeVersion: 1,
    executeOnce: true,
    credentials: { zendeskChatOAuth2Api: { id: credential.id, name: credential.name } },
    parameters: { authentication: 'oAuth2', ...parameters },
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 15 * 60_000 });
    harness.secret(zd.clientSecret);
    await harness.setup();
    credential.data = { grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, requestedScopes: ['read'] };
    await harness.importCredentials([credential]);
  });

  afterAll(async () => {
    await sandbox?.close();
    harness.cleanup();
  });

  it('runs the new read operations through the derived properties', async () => {
    const workflow = chainWorkflow('zendesk catalog', [
      zendesk('Me', { resource: 'agent', operation: 'getMe' }),
      zendesk('By email', { resource: 'agent', operation: 'getByEmail', email: 'agent@acme.test' }),
      zendesk('Bans', { resource: 'ban', operation: 'getAll', returnAll: true }),
      zendesk('Goals', { resource: 'goal', operation: 'getAll', limit: 2 }),
      zendesk('Goal', { resource: 'goal', operation: 'get', goalId: "={{ $('Goals').last().json.id }}" }),
      zendesk('Chats', { resource: 'chat', operation: 'getAll', limit: 3 }),
      zendesk('By IDs', { resource: 'chat', operation: 'getByIds', chatIds: "={{ $('Chats').all().map(item => item.json.id).join(',') }}" }),
      zendesk('Visitor', { resource: 'visitor', operation: 'get', visitorId: "={{ $('Chats').first().json.visitor.id }}" }),
      zendesk('Routing', { resource: 'routingSettings', operation: 'get' }),
      zendesk('Trigger', { resource: 'trigger', operation: 'get', triggerName: 'Greet returning visitors' }),
      zendesk('Skill', { resource: 'skill', operation: 'getByName', skillName: 'German' }),
      zendesk('Timeline', { resource: 'agentTimeline', operation: 'incrementalExport', startTime: '1970-01-01T00:00:00.000Z', returnAll: true }),
      zendesk('Conversions', { resource: 'conversion', operation: 'incrementalExport', startTime: '1970-01-01T00:00:00.000Z', additionalFields: { fields: 'conversions(id,goal_id)' }, limit: 10 }),
    ]);
    await harness.importWorkflow(workflow);
    const result = await harness.execute(String(workflow.id));
    const items = (name: string) => N8nHarness.items(result, name).map((item) => item.json);

    // client credentials act as the admin who created the client
    expect(items('Me')).toEqual([expect.objectContaining({ email: 'admin@acme.test' })]);
    expect(items('By email')).toEqual([expect.objectContaining({ email: 'agent@acme.test', display_name: 'Alex Agent' })]);
    const bans = items('Bans');
    expect(bans).toHaveLength(15);
    expect(new Set(bans.map((b) => b.type))).toEqual(new Set(['ip_address', 'visitor']));
    const goals = items('Goals');
    expect(goals).toHaveLength(2);
    expect(items('Goal')).toEqual([goals[1]]);
    const chats = items('Chats');
    expect(chats).toHaveLength(3);
    expect(items('By IDs').map((c) => c.id).sort()).toEqual(chats.map((c) => c.id).sort());
    expect(items('Visitor')).toEqual([expect.objectContaining({ id: (chats[0].visitor as { id: string }).id, banned: expect.any(Boolean) })]);
    expect(items('Routing')).toEqual([expect.objectContaining({ routing_mode: 'assigned' })]);
    expect(items('Trigger')).toEqual([expect.objectContaining({ name: 'Greet returning visitors' })]);
    expect(items('Skill')).toEqual([expect.objectContaining({ name: 'German', members: expect.any(Array) })]);
    const timeline = items('Timeline');
    expect(timeline).toHaveLength(12 * 8);
    expect(timeline.every((e) => /\.\d{6}Z$/.test(String(e.start_time)))).toBe(true);
    expect(items('Conversions')).toHaveLength(10);
    expect(items('Conversions').every((c) => Object.keys(c).sort().join() === 'goal_id,id')).toBe(true);
    expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.client_credentials).toBe(1);
  });

  it('a workflow saved with the first version\'s parameters still runs', async () => {
    // the parameters as the hand-written node (before the catalog) stored them
    const workflow = chainWorkflow('zendesk v1 params', [
      zendesk('Chat', { resource: 'chat', operation: 'get', chatId: '={{ "" }}' }),
    ]);
    // a get with an empty ID fails clearly; then the old list/search/export parameters work
    await harness.importWorkflow(workflow);
    expect(await harness.executeExpectingFailure(String(workflow.id))).toMatch(/chat ID is empty/);

    const old = chainWorkflow('zendesk v1 lists', [
      zendesk('Search', { resource: 'chat', operation: 'search', query: 'type:chat', returnAll: false, limit: 5 }),
      zendesk('Export', { resource: 'chat', operation: 'incrementalExport', startTime: '1970-01-01T00:00:00.000Z', returnAll: false, limit: 30 }),
      zendesk('Departments', { resource: 'department', operation: 'getAll', returnAll: true }),
      zendesk('Department', { resource: 'department', operation: 'get', departmentId: "={{ $('Departments').first().json.id }}" }),
      zendesk('Account', { resource: 'account' }),
    ]);
    await harness.importWorkflow(old);
    const result = await harness.execute(String(old.id));
    const items = (name: string) => N8nHarness.items(result, name).map((item) => item.json);
    expect(items('Search')).toHaveLength(5);
    expect(items('Search').every((r) => r.type === 'chat')).toBe(true);
    expect(items('Export')).toHaveLength(30);
    expect(items('Departments')).toHaveLength(4);
    expect(items('Department')).toEqual([items('Departments')[0]]);
    // no operation saved: the default (get) of the account resource
    expect(items('Account')).toEqual([expect.objectContaining({ account_key: 'acme-sandbox-account' })]);
  });
});
