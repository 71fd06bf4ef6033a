// zendesk-chat-oauth2 + zendesk-chat on Node-RED 4.1 against the sandbox's Zendesk Chat API:
// every operation of the catalog (answering as the engine does), flows saved with the earlier
// operation names and fields, the three output modes, the legacy host, and authorization code via
// the editor routes. The sandbox data set is deterministic: 250 chats (pages of 50), 12 agents,
// 4 departments.
import { TokenManager } from '../../lib/oauth2/token-manager';
import { zendeskChatOAuth2Config } from '../../lib/providers/zendesk-chat';
import { ZendeskChatApi, type ZendeskChatValues } from '../../lib/providers/zendesk-chat/api';
import { ZENDESK_CHAT_CATALOG } from '../../lib/providers/zendesk-chat/catalog';
import { startSandbox, type Sandbox } from '../../sandbox';
import { authorize } from './support/authorize';
import { collectMessages, helper, NODES, tempUserDir, useSettings, type Msg } from './support/helper';

let sandbox: Sandbox;
const CATCH = require('@node-red/nodes/core/common/25-catch.js');

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  useSettings(tempUserDir());
  sandbox.reset();
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

function zconfig(extra: Record<string, unknown> = {}) {
  return { id: 'zd', type: 'zendesk-chat-oauth2', name: 'Zendesk sandbox', host: 'current', subdomain: 'acme', baseUrl: `${sandbox.url}/zendesk`, clientId: 'zd-client', grantType: 'password', scopes: 'read', ...extra };
}
const creds = { zd: { clientSecret: 'zd-secret', username: 'agent@acme.test', password: 'agent-pass' } };

async function run(settings: Record<string, unknown>, input: Msg, count: number, config = zconfig()): Promise<Msg[]> {
  const flow = [
    config,
    { id: 'z1', type: 'zendesk-chat', zendesk: 'zd', wires: [['out']], ...settings },
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  await helper.load([...NODES, CATCH], flow, creds);
  const got = collectMessages(helper.getNode('out'), count);
  const caught = collectMessages(helper.getNode('caught'), 1).then((m) => {
    throw new Error(`caught: ${m[0].error.message}`);
  });
  caught.catch(() => undefined);
  helper.getNode('z1').receive(input);
  return Promise.race([got, caught]);
}

test('chat get many follows next_url: all in one message', async () => {
  const [msg] = await run({ resource: 'chat', operation: 'getMany', outputMode: 'all', limit: 0 }, {}, 1);
  expect(msg.payload).toHaveLength(250);
  expect(msg.count).toBe(250);
  expect(new Set(msg.payload.map((c: Msg) => c.id)).size).toBe(250);
  expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(5);
  expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.password).toBe(1);
});

test('chat get many: one message per page', async () => {
  const msgs = await run({ resource: 'chat', operation: 'getMany', outputMode: 'page' }, {}, 5);
  expect(msgs.map((m) => m.payload.length)).toEqual([50, 50, 50, 50, 50]);
  expect(msgs.map((m) => m.page)).toEqual([0, 1, 2, 3, 4]);
});

test('chat get many: one message per chat, limited', async () => {
  const msgs = await run({ resource: 'chat', operation: 'getMany', outputMode: 'item', limit: 7 }, {}, 7);
  expect(msgs.every((m) => typeof m.payload.id === 'string')).toBe(true);
  expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(1);
});

test('chat get, and get many by ids', async () => {
  const [list] = await run({ resource: 'chat', operation: 'getMany', limit: 3 }, {}, 1);
  const ids = list.payload.map((c: Msg) => c.id);
  await helper.unload();
  const [one] = await run({ resource: 'chat', operation: 'get' }, { payload: ids[1] }, 1);
  expect(one.payload.id).toBe(ids[1]);
  await helper.unload();
  const [many] = await run({ resource: 'chat', operation: 'getMany' }, { ids }, 1);
  expect(many.payload.map((c: Msg) => c.id).sort()).toEqual([...ids].sort());
});

test('chat search follows next_url', async () => {
  const [msg] = await run({ resource: 'chat', operation: 'search', query: 'type:chat' }, {}, 1);
  expect(msg.payload.length).toBeGreaterThan(50);
  expect(msg.payload.every((r: Msg) => r.type === 'chat')).toBe(true);
});

test('incremental export continues until a short page and reports where it ended', async () => {
  const [msg] = await run({ resource: 'chat', operation: 'incremental', startTime: '0', pageSize: 100 }, {}, 1);
  expect(msg.payload).toHaveLength(250);
  expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(3);
  expect(typeof msg.incremental.endTime).toBe('number');
  expect(typeof msg.incremental.endId).toBe('string');
});

test('agents: get many and get', async () => {
  const [all] = await run({ resource: 'agent', operation: 'getMany' }, {}, 1);
  expect(all.payload).toHaveLength(12);
  await helper.unload();
  const [one] = await run({ resource: 'agent', operation: 'get', itemId: String(all.payload[2].id) }, {}, 1);
  expect(one.payload.id).toBe(all.payload[2].id);
});

test('departments: get many and get; account get', async () => {
  const all = await run({ resource: 'department', operation: 'getMany', outputMode: 'item' }, {}, 4);
  expect(new Set(all.map((m) => m.payload.id)).size).toBe(4);
  await helper.unload();
  const [one] = await run({ resource: 'department', operation: 'get' }, { payload: all[0].payload.id }, 1);
  expect(one.payload.id).toBe(all[0].payload.id);
  await helper.unload();
  const [account] = await run({ resource: 'account', operation: 'get' }, {}, 1);
  expect(account.payload).toBeTruthy();
  expect(typeof account.payload).toBe('object');
});

test('legacy host (zopim) with client credentials', async () => {
  const [msg] = await run({ resource: 'account', operation: 'get' }, {}, 1, zconfig({ host: 'legacy', baseUrl: `${sandbox.url}/zopim`, grantType: 'client_credentials' }));
  expect(msg.payload).toBeTruthy();
  expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.client_credentials).toBe(1);
  expect(sandbox.counters.lastTokenRequestByProvider.zendesk?.clientAuth).toBe('client_secret_post');
});

test('authorization code through the editor routes, then the API', async () => {
  const config = zconfig({ grantType: 'authorization_code', scopes: 'read chat' });
  const flow = [config, { id: 'z1', type: 'zendesk-chat', zendesk: 'zd', resource: 'account', operation: 'get', wires: [['out']] }, { id: 'out', type: 'helper' }];
  await helper.load(NODES, flow, { zd: { clientSecret: 'zd-secret' } });
  const page = await authorize('zendesk-chat-oauth2', 'zd', config);
  expect(page.status).toBe(200);
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('z1').receive({});
  expect((await got)[0].payload).toBeTruthy();
  expect(sandbox.counters.tokenRequestsByProviderGrant.zendesk.authorization_code).toBe(1);
});

test('429 with Retry-After is waited out (bounded) and the page is fetched once more', async () => {
  sandbox.addFault({ provider: 'zendesk', endpoint: 'api', kind: 'rate-limit-429', retryAfter: 1 });
  const [msg] = await run({ resource: 'account', operation: 'get' }, {}, 1);
  expect(msg.payload).toBeTruthy();
  expect(sandbox.counters.rateLimited).toBe(1);
  expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(2);
});

test('a missing ID fails the message for a Catch node', async () => {
  await expect(run({ resource: 'chat', operation: 'get' }, {}, 1)).rejects.toThrow(/chat ID is empty/);
});

// ---- the catalog in Node-RED ---------------------------------------------------------------------

type List = Array<Record<string, unknown>>;

/** The engine's own answer for an operation (the same sandbox, a password-grant token). */
function engineApi(): ZendeskChatApi {
  const { apiBaseUrl, ...config } = zendeskChatOAuth2Config({ clientId: 'zd-client', clientSecret: 'zd-secret', subdomain: 'acme', baseUrl: `${sandbox.url}/zendesk`, scopes: ['read'] });
  return new ZendeskChatApi(new TokenManager({ config, grant: { type: 'password', username: 'agent@acme.test', password: 'agent-pass' } }), apiBaseUrl);
}

/** Values for every catalog operation, found in the sandbox's data. */
async function valuesForEveryOperation(api: ZendeskChatApi): Promise<Record<string, ZendeskChatValues>> {
  const chats = (await api.run('chat:getAll', {}, { limit: 2 })) as List;
  const agents = (await api.run('agent:getAll')) as List;
  const bans = (await api.run('ban:getAll')) as List;
  const departments = (await api.run('department:getAll')) as List;
  const goals = (await api.run('goal:getAll')) as List;
  const skills = (await api.run('skill:getAll')) as List;
  return {
    'account:get': {},
    'agent:get': { agentId: agents[2].id },
    'agent:getAll': {},
    'agent:getByEmail': { email: agents[3].email },
    'agent:getMe': {},
    'agentTimeline:incrementalExport': { startTime: 0 },
    'ban:get': { banId: bans[1].id },
    'ban:getAll': {},
    'chat:get': { chatId: chats[0].id },
    'chat:getAll': {},
    'chat:getByIds': { chatIds: chats.map((c) => c.id).join(',') },
    'chat:search': { query: 'type:offline_msg' },
    'chat:incrementalExport': { startTime: 0 },
    'conversion:incrementalExport': { startTime: 0 },
    'department:get': { departmentId: departments[2].id },
    'department:getAll': {},
    'department:getByName': { departmentName: 'Support' },
    'departmentEvent:incrementalExport': { startTime: 0 },
    'goal:get': { goalId: goals[1].id },
    'goal:getAll': {},
    'role:get': { roleId: 1 },
    'role:getAll': {},
    'routingSettings:get': {},
    'shortcut:get': { shortcutName: 'greeting' },
    'shortcut:getAll': {},
    'skill:get': { skillId: skills[2].id },
    'skill:getAll': {},
    'skill:getByName': { skillName: 'Dutch' },
    'trigger:get': { triggerName: 'Tag VIP visitors' },
    'trigger:getAll': {},
    'visitor:get': { visitorId: ((chats[1].visitor ?? {}) as Record<string, unknown>).id },
  };
}

test('every catalog operation runs in the node, with the values as the editor saves them, and answers as the engine does', async () => {
  const api = engineApi();
  const values = await valuesForEveryOperation(api);
  expect(Object.keys(values).sort()).toEqual(ZENDESK_CHAT_CATALOG.map((op) => `${op.resource}:${op.operation}`).sort());
  for (const op of ZENDESK_CHAT_CATALOG) {
    const key = `${op.resource}:${op.operation}`;
    const expected = await api.run(op, values[key]);
    // the editor saves every field of the operation as text
    const params = Object.fromEntries(op.params.map((p) => [p.name, values[key][p.name] === undefined ? '' : String(values[key][p.name])]));
    const [msg] = await run({ resource: op.resource, operation: op.operation, params, outputMode: 'all' }, {}, 1);
    await helper.unload();
    expect({ key, payload: msg.payload }).toEqual({ key, payload: expected });
    if (op.returns === 'list') expect(msg.count).toBe((expected as unknown[]).length);
    if (op.returns === 'list') expect((expected as unknown[]).length).toBeGreaterThan(0);
  }
});

test('new operations: msg.params and msg.payload fill the fields; one message per item', async () => {
  const [me] = await run({ resource: 'agent', operation: 'getMe' }, {}, 1);
  expect(me.payload).toMatchObject({ email: 'agent@acme.test' });
  await helper.unload();
  const [byEmail] = await run({ resource: 'agent', operation: 'getByEmail' }, { payload: 'admin@acme.test' }, 1);
  expect(byEmail.payload).toMatchObject({ email: 'admin@acme.test', display_name: 'Ada Admin' });
  await helper.unload();
  const [trigger] = await run({ resource: 'trigger', operation: 'get', params: { triggerName: 'Offer help on pricing' } }, { params: { triggerName: 'Tag VIP visitors' } }, 1);
  expect(trigger.payload).toMatchObject({ name: 'Tag VIP visitors' });
  await helper.unload();
  const bans = await run({ resource: 'ban', operation: 'getAll', outputMode: 'item', pageSize: 4 }, {}, 15);
  expect(new Set(bans.map((m) => m.payload.id)).size).toBe(15);
  expect(bans.map((m) => m.page)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
  await helper.unload();
  const [routing] = await run({ resource: 'routingSettings', operation: 'get' }, {}, 1);
  expect(routing.payload).toMatchObject({ routing_mode: 'assigned' });
  await helper.unload();
  await expect(run({ resource: 'skill', operation: 'getByName' }, {}, 1)).rejects.toThrow(/skill name is empty: set it on the node or send it as msg.payload/);
});

test('agent timeline export: per page, and continued from msg.incremental in microseconds', async () => {
  const pages = await run({ resource: 'agentTimeline', operation: 'incrementalExport', params: { startTime: '0' }, pageSize: 50, outputMode: 'page' }, {}, 2);
  expect(pages.map((m) => m.payload.length)).toEqual([50, 46]);
  expect(pages[1].incremental.endTime).toBeGreaterThan(1e15);
  expect(pages[1].incremental.endId).toBeUndefined();
  await helper.unload();
  // a cursor from the middle, fed back as msg.startTime (microseconds, told apart by size)
  const [rest] = await run({ resource: 'agentTimeline', operation: 'incrementalExport', pageSize: 50 }, { startTime: pages[0].incremental.endTime }, 1);
  expect(rest.payload).toEqual(pages[1].payload);
  expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(2 + 1);
});

test('a flow saved before the catalog (getMany with chat IDs, incremental with its fields, an ID field) still works', async () => {
  const api = engineApi();
  const chosen = ((await api.run('chat:getAll', {}, { limit: 3 })) as List).map((c) => String(c.id));
  const departments = (await api.run('department:getAll')) as List;
  // the settings exactly as the earlier editor saved them: no params, the old field names
  const old = { itemId: '', ids: '', query: '', startTime: '', pageSize: 1000, fields: '', limit: 0, outputMode: 'all' };
  const [byIds] = await run({ ...old, resource: 'chat', operation: 'getMany', ids: chosen.join(', ') }, {}, 1);
  expect(byIds.payload.map((c: Msg) => c.id).sort()).toEqual([...chosen].sort());
  await helper.unload();
  const [list] = await run({ ...old, resource: 'chat', operation: 'getMany', limit: 5 }, {}, 1);
  expect(list.payload).toHaveLength(5);
  await helper.unload();
  const [exported] = await run({ ...old, resource: 'chat', operation: 'incremental', startTime: '0', pageSize: 100, fields: 'chats(id,update_timestamp)' }, {}, 1);
  expect(exported.payload).toHaveLength(250);
  expect(Object.keys(exported.payload[0]).sort()).toEqual(['id', 'update_timestamp']);
  await helper.unload();
  const [department] = await run({ ...old, resource: 'department', operation: 'get', itemId: String(departments[1].id) }, {}, 1);
  expect(department.payload).toEqual(departments[1]);
  await helper.unload();
  const [agents] = await run({ ...old, resource: 'agent', operation: 'getMany' }, {}, 1);
  expect(agents.payload).toHaveLength(12);
});

test('an unknown operation fails the message clearly', async () => {
  await expect(run({ resource: 'chat', operation: 'delete' }, {}, 1)).rejects.toThrow(/Unknown operation chat delete/);
});
