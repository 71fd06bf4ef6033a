// deployteq-oauth2 + deployteq-webhook on Node-RED 4.1 (node-red-node-test-helper) against the
// provider sandbox: both grants, msg.url, Catch-able errors, one shared refresh for 200 messages
// across 4 nodes, reconnect-needed after a rejected refresh token, and tokens that survive a
// redeploy from the encrypted store.
import * as fs from 'node:fs';
import { startSandbox, type Sandbox } from '../../sandbox';
import { authorize, status } from './support/authorize';
import { assertNoSecrets, collectMessages, helper, NODES, tempUserDir, useSettings, waitFor, type Msg } from './support/helper';

const SECRET = 'dt-secret+%:&/x';
let sandbox: Sandbox;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  userDir = tempUserDir();
  useSettings(userDir);
  sandbox.reset();
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

const grants = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq ?? {};

function config(grantType: 'client_credentials' | 'authorization_code') {
  return {
    id: 'dt', type: 'deployteq-oauth2', name: 'Deployteq sandbox', clientId: 'dt-client', grantType, authBaseUrl: `${sandbox.url}/deployteq`,
    scopes: grantType === 'authorization_code' ? 'apps.webhook:execute offline_access' : 'apps.webhook:execute',
  };
}

function flow(grantType: 'client_credentials' | 'authorization_code', webhooks = 1, url?: string) {
  const nodes: Array<Record<string, unknown>> = [config(grantType)];
  for (let i = 1; i <= webhooks; i++) nodes.push({ id: `wh${i}`, type: 'deployteq-webhook', deployteq: 'dt', url: url ?? sandbox.webhookUrl(`hook-${i}`), wires: [['out']] });
  nodes.push({ id: 'out', type: 'helper' });
  nodes.push({ id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] });
  nodes.push({ id: 'caught', type: 'helper' });
  return nodes;
}

const creds = { dt: { clientSecret: SECRET } };
const CATCH = require('@node-red/nodes/core/common/25-catch.js');

async function load(nodes: Array<Record<string, unknown>>) {
  await helper.load([...NODES, CATCH], nodes, creds);
}

async function authorizeDt() {
  const page = await authorize('deployteq-oauth2', 'dt', config('authorization_code'), {});
  expect(page.status).toBe(200);
  expect(page.text).toContain('You may close this window');
}

test('client credentials: msg.payload becomes the webhook body; output has payload, statusCode, headers', async () => {
  await load(flow('client_credentials'));
  const got = collectMessages(helper.getNode('out'), 2);
  helper.getNode('wh1').receive({ payload: { firstname: 'Oauth', email: 'oauth2@deployteq.com' } });
  helper.getNode('wh1').receive({ payload: [{ email: 'a@x.test' }, { email: 'b@x.test' }] });
  const msgs = await got;
  expect(msgs.map((m) => m.statusCode)).toEqual([200, 200]);
  expect(msgs[0].headers['content-type']).toMatch(/json/);
  expect(msgs[0].payload.records[0]).toMatchObject({ email: 'oauth2@deployteq.com' });
  expect(sandbox.deliveries.map((d) => d.body)).toEqual([{ firstname: 'Oauth', email: 'oauth2@deployteq.com' }, [{ email: 'a@x.test' }, { email: 'b@x.test' }]]);
  expect(grants().client_credentials).toBe(1);
  expect(sandbox.counters.lastTokenRequestByProvider.deployteq?.clientAuth).toBe('client_secret_basic');
});

test('the endpoint comes from msg.url when the node has none', async () => {
  await load(flow('client_credentials', 1, ''));
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { n: 1 }, url: sandbox.webhookUrl('from-msg') });
  await got;
  expect(sandbox.deliveries[0].webhookId).toBe('from-msg');
});

test('errors reach a Catch node with the status code and a red ring; no secret in them', async () => {
  await load(flow('client_credentials'));
  const statuses: Msg[] = [];
  helper.getNode('wh1').on('call:status', (call: { args: Msg[] }) => statuses.push(call.args[0]));
  const caught = collectMessages(helper.getNode('caught'), 2);
  helper.getNode('wh1').receive({ payload: 'not an object' });
  sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'insufficient-scope' });
  helper.getNode('wh1').receive({ payload: { a: 1 } });
  const msgs = await caught;
  const byStatus = msgs.map((m) => m.error.message).sort();
  expect(byStatus.some((t: string) => /JSON object/.test(t))).toBe(true);
  expect(byStatus.some((t: string) => /HTTP 403/.test(t))).toBe(true);
  expect(msgs.find((m) => /403/.test(m.error.message))?.statusCode).toBe(403);
  await waitFor(() => statuses.some((s) => s.fill === 'red' && s.shape === 'ring'), 5000, 'red status');
  expect(statuses.some((s) => s.fill === 'blue' && s.text === 'requesting')).toBe(true);
  for (const s of statuses) expect((s.text ?? '').length).toBeLessThan(20);
  const tokens = helper.getNode('dt').connection.manager.tokens;
  assertNoSecrets(JSON.stringify({ msgs: msgs.map((m) => m.error), statuses, log: helper._logSpy.args }), [SECRET, encodeURIComponent(SECRET), tokens?.accessToken]);
});

test('authorization code: the editor flow stores tokens the webhook then uses', async () => {
  await load(flow('authorization_code'));
  const before = await status('deployteq-oauth2', 'dt');
  expect(before.tokens.authorized).toBe(false);
  await authorizeDt();
  const after = await status('deployteq-oauth2', 'dt');
  expect(after.attempt).toMatchObject({ status: 'success' });
  expect(after.tokens).toMatchObject({ authorized: true, scope: 'apps.webhook:execute offline_access', hasRefreshToken: true });
  expect(JSON.stringify(after)).not.toMatch(/access_token|refresh_token|accessToken"|refreshToken"/);
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { a: 1 } });
  expect((await got)[0].statusCode).toBe(200);
  expect(grants().authorization_code).toBe(1);
});

test('200 messages across 4 nodes while the token expires: one refresh, none lost, none twice', async () => {
  await load(flow('authorization_code', 4));
  await authorizeDt();
  const refreshesBefore = grants().refresh_token ?? 0;
  expect(sandbox.expireAccessTokens('deployteq')).toBeGreaterThan(0);
  let received = 0;
  helper.getNode('out').on('input', () => received++);
  const out = collectMessages(helper.getNode('out'), 200, 30_000);
  for (let i = 0; i < 200; i++) helper.getNode(`wh${(i % 4) + 1}`).receive({ payload: { seq: i } });
  const msgs = await out;
  await new Promise((r) => setTimeout(r, 300));
  expect(received).toBe(200);
  expect(sandbox.deliveries).toHaveLength(200);
  expect((grants().refresh_token ?? 0) - refreshesBefore).toBe(1);
  expect(msgs.every((m) => m.statusCode === 200)).toBe(true);
  const delivered = sandbox.deliveries.map((d) => (d.body as { seq: number }).seq).sort((a, b) => a - b);
  expect(delivered).toEqual(Array.from({ length: 200 }, (_, i) => i));
  const echoed = msgs.map((m) => m.payload.records[0].seq).sort((a: number, b: number) => a - b);
  expect(echoed).toEqual(Array.from({ length: 200 }, (_, i) => i));
});

test('proactive: 200 messages across 4 nodes as the token reaches its expiry: one refresh, none lost, none twice', async () => {
  sandbox.configure({ accessTokenLifetime: { deployteq: 6 } });
  try {
    await load(flow('authorization_code', 4));
    await authorizeDt();
    // refreshed at most half the lifetime early: after 3 s the token counts as expiring (and the new one
    // stays fresh for another 3 s, longer than the burst takes)
    await new Promise((r) => setTimeout(r, 3100));
    const out = collectMessages(helper.getNode('out'), 200, 30_000);
    for (let i = 0; i < 200; i++) helper.getNode(`wh${(i % 4) + 1}`).receive({ payload: { seq: i } });
    const msgs = await out;
    expect(grants().refresh_token).toBe(1);
    expect(msgs.every((m) => m.statusCode === 200)).toBe(true);
    expect(sandbox.deliveries.map((d) => (d.body as { seq: number }).seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  } finally {
    sandbox.configure({ accessTokenLifetime: 3600 });
  }
});

test('a rejected refresh token: reconnect needed, Catch-able errors, no retry loop, state kept across redeploy', async () => {
  await load(flow('authorization_code'));
  await authorizeDt();
  sandbox.revokeAll('deployteq');
  const statuses: Msg[] = [];
  const notifications: Msg[] = [];
  const onComms = (event: Msg) => {
    if (String(event.topic).startsWith('notification/oauth2-connectors-')) notifications.push(event);
  };
  helper._events.on('comms', onComms);
  helper.getNode('wh1').on('call:status', (call: { args: Msg[] }) => statuses.push(call.args[0]));
  const configStatuses: Msg[] = [];
  helper.getNode('dt').on('call:status', (call: { args: Msg[] }) => configStatuses.push(call.args[0]));
  const caught = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('wh1').receive({ payload: { a: 1 } });
  const [first] = await caught;
  await waitFor(() => configStatuses.some((s) => s.text === 'reconnect needed' && s.fill === 'red' && s.shape === 'ring'), 5000, 'config node status');
  expect(first.error.message).toMatch(/reconnect/i);
  await waitFor(() => statuses.some((s) => s.text === 'reconnect needed' && s.fill === 'red'), 5000, 'reconnect status');
  expect(grants().refresh_token).toBe(1);
  // the editor is told once (config nodes have no visible status of their own)
  expect(notifications).toHaveLength(1);
  expect(notifications[0]).toMatchObject({ topic: 'notification/oauth2-connectors-dt', data: { type: 'error' } });
  expect(notifications[0].data.text).toMatch(/Reconnect needed for Deployteq sandbox/);
  helper._events.off('comms', onComms);
  const requests = sandbox.counters.tokenRequests;
  const caught2 = collectMessages(helper.getNode('caught'), 3);
  for (let i = 0; i < 3; i++) helper.getNode('wh1').receive({ payload: { i } });
  for (const m of await caught2) expect(m.error.message).toMatch(/reconnect/i);
  expect(sandbox.counters.tokenRequests).toBe(requests);
  expect((await status('deployteq-oauth2', 'dt')).tokens.state).toBe('reauthorization_required');
  // "Restart Flows": the reconnect-needed state comes back from the store without a token request
  await helper.unload();
  await load(flow('authorization_code'));
  expect((await status('deployteq-oauth2', 'dt')).tokens.state).toBe('reauthorization_required');
  const caught3 = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('wh1').receive({ payload: { again: true } });
  expect((await caught3)[0].error.message).toMatch(/reconnect/i);
  expect(sandbox.counters.tokenRequests).toBe(requests);
  // authorizing again clears it
  await authorizeDt();
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { ok: true } });
  expect((await got)[0].statusCode).toBe(200);
});

test('a rotated refresh token survives a redeploy: the next refresh is accepted', async () => {
  await load(flow('authorization_code'));
  await authorizeDt();
  sandbox.expireAccessTokens('deployteq');
  let got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { n: 1 } });
  await got;
  expect(grants().refresh_token).toBe(1);
  const files = fs.readdirSync(`${userDir}/.oauth2-connectors`).filter((f) => f.startsWith('tokens-'));
  expect(files).toHaveLength(1);
  await helper.unload();
  await load(flow('authorization_code'));
  sandbox.expireAccessTokens('deployteq');
  got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { n: 2 } });
  expect((await got)[0].statusCode).toBe(200);
  expect(grants().refresh_token).toBe(2);
  expect(sandbox.deliveries).toHaveLength(2);
});

test('control: a store holding the pre-rotation refresh token is rejected by the sandbox (reuse detection is real)', async () => {
  await load(flow('authorization_code'));
  await authorizeDt();
  const dir = `${userDir}/.oauth2-connectors`;
  const file = fs.readdirSync(dir).find((f) => f.startsWith('tokens-')) as string;
  const beforeRotation = fs.readFileSync(`${dir}/${file}`);
  sandbox.expireAccessTokens('deployteq');
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh1').receive({ payload: { n: 1 } });
  await got;
  expect(grants().refresh_token).toBe(1);
  expect(fs.readFileSync(`${dir}/${file}`).equals(beforeRotation)).toBe(false);
  await helper.unload();
  // put the old (already used) refresh token back, as a runtime without durable storage would have it
  fs.writeFileSync(`${dir}/${file}`, beforeRotation);
  await load(flow('authorization_code'));
  sandbox.expireAccessTokens('deployteq');
  const caught = collectMessages(helper.getNode('caught'), 1);
  helper.getNode('wh1').receive({ payload: { n: 2 } });
  expect((await caught)[0].error.message).toMatch(/reconnect/i);
  expect(grants().refresh_token).toBe(2);
  expect(sandbox.deliveries).toHaveLength(1);
});

test('deleting the config node and deploying removes its stored tokens', async () => {
  await load(flow('authorization_code'));
  await authorizeDt();
  const dir = `${userDir}/.oauth2-connectors`;
  expect(fs.readdirSync(dir).filter((f) => f.startsWith('tokens-'))).toHaveLength(1);
  await helper.setFlows([{ id: 'out', type: 'helper' }], 'full');
  await waitFor(() => fs.readdirSync(dir).filter((f) => f.startsWith('tokens-')).length === 0, 5000, 'token file removal');
});

describe("Deployteq's documented limits (issue #17 item 3)", () => {
  async function send(payload: unknown): Promise<{ out?: Msg; caught?: Msg }> {
    const out = collectMessages(helper.getNode('out'), 1, 15_000).then((m) => ({ out: m[0] }));
    const caught = collectMessages(helper.getNode('caught'), 1, 15_000).then((m) => ({ caught: m[0] }));
    helper.getNode('wh1').receive({ payload });
    return Promise.race([out, caught]);
  }

  test('a body over 6 MB fails before anything is sent; 6 MB exactly goes', async () => {
    await helper.load([...NODES, CATCH], flow('client_credentials'), { dt: { clientSecret: SECRET } });
    const over = await send({ blob: 'x'.repeat(6_000_000) });
    expect(over.caught?.error.message).toMatch(/the webhook body is 6\.0 MB; Deployteq accepts at most 6\.0 MB per call: nothing was sent/);
    expect(sandbox.counters.webhookRequests).toBe(0);
    expect(sandbox.counters.tokenRequests).toBe(0);
    const exact = await send({ blob: 'x'.repeat(6_000_000 - '{"blob":""}'.length) });
    expect([exact.caught?.error?.message, exact.out?.statusCode]).toEqual([undefined, 200]);
  });

  test('msg.requestCount counts the brand\'s calls; the daily cap\'s 429 fails at once, naming the cap', async () => {
    sandbox.configure({ deployteqDailyCap: 2 });
    await helper.load([...NODES, CATCH], flow('client_credentials'), { dt: { clientSecret: SECRET } });
    expect((await send({ n: 1 })).out?.requestCount).toBe(1);
    expect((await send({ n: 2 })).out?.requestCount).toBe(2);
    const capped = await send({ n: 3 });
    expect(capped.caught?.error.message).toMatch(/429: the brand's daily limit of 50,000 webhook calls is reached \(3 calls today\); the call was not retried/);
    expect(capped.caught).toMatchObject({ statusCode: 429, requestCount: 3 });
    expect(sandbox.counters.webhookRequests).toBe(3);
  });

  test('a 429 with Retry-After is still retried as asked', async () => {
    sandbox.configure({ deployteqDailyCap: 50_000 });
    await helper.load([...NODES, CATCH], flow('client_credentials'), { dt: { clientSecret: SECRET } });
    sandbox.addFault({ provider: 'deployteq', endpoint: 'webhook', kind: 'rate-limit-429', times: 1, retryAfter: 0 });
    expect((await send({ n: 1 })).out?.statusCode).toBe(200);
    expect(sandbox.counters.webhookRequests).toBe(2);
  });
});
