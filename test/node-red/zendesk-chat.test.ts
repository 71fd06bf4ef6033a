// zendesk-chat-oauth2 + zendesk-chat on Node-RED 4.1 against the sandbox's Zendesk Chat API:
// every resource/operation, the three output modes, the legacy host, and authorization code via
// the editor routes. The sandbox data set is deterministic: 250 chats (pages of 50), 12 agents,
// 4 departments.
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
