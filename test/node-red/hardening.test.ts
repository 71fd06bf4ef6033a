// Issue #8 on Node-RED 4.1 (test helper), against the provider sandbox: where tokens may go
// (msg.url policies, item 6), redirects never followed (item 2), endless answers (item 3), the body
// rule and auto client authentication in the oauth2-client settings (items 14, 17), unreadable
// stores (item 11) and the config node's own status (item 16). Every Catch-able error carries no
// secret; the second host (127.0.0.2) counts every request that reaches it.
import * as fs from 'node:fs';
import { TokenStore } from '../../hosts/node-red/token-store';
import { startSandbox, type Sandbox } from '../../sandbox';
import { assertNoSecrets, collectMessages, helper, NODES, tempUserDir, useSettings, waitFor, type Msg } from './support/helper';

const CATCH = require('@node-red/nodes/core/common/25-catch.js');
const SECRETS = ['dt-secret+%:&/x', 'gen-secret', 'seed-refresh-token-value'];
let sandbox: Sandbox;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  userDir = tempUserDir();
  useSettings(userDir);
  sandbox.reset();
  sandbox.configure({ genericExpiredTokenStyle: 'status-401', genericBasicDecoding: 'either' });
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

const dtConfig = (extra: Record<string, unknown> = {}) => ({ id: 'dt', type: 'deployteq-oauth2', name: 'Deployteq', clientId: 'dt-client', grantType: 'client_credentials', authBaseUrl: `${sandbox.url}/deployteq`, scopes: 'apps.webhook:execute', ...extra });
const genConfig = (extra: Record<string, unknown> = {}) => ({ id: 'oc', type: 'oauth2-client', name: 'Generic', grantType: 'client_credentials', tokenUrl: `${sandbox.url}/generic/oauth2/token`, clientId: 'gen-client', clientAuth: 'basic', scopes: 'read', ...extra });

async function load(nodes: Array<Record<string, unknown>>, creds: Record<string, Record<string, string>>) {
  await helper.load([...NODES, CATCH], [
    ...nodes,
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ], creds);
}

/** Sends one message into `node`; resolves with the output or the caught error message. */
async function run(node: string, msg: Msg): Promise<{ out?: Msg; caught?: Msg }> {
  const out = collectMessages(helper.getNode('out'), 1, 15_000).then((m) => ({ out: m[0] }));
  const caught = collectMessages(helper.getNode('caught'), 1, 15_000).then((m) => ({ caught: m[0] }));
  helper.getNode(node).receive(msg);
  return Promise.race([out, caught]);
}

function noSecretsIn(...values: unknown[]): void {
  assertNoSecrets(JSON.stringify(values) + JSON.stringify(helper._logSpy?.args ?? []), SECRETS);
}

describe('where a token may go (item 6)', () => {
  it('deployteq-webhook: msg.url to another host is refused, nothing is sent; the Deployteq domains and the node\'s own host are allowed', async () => {
    await load([dtConfig(), { id: 'wh', type: 'deployteq-webhook', deployteq: 'dt', url: '', wires: [['out']] }], { dt: { clientSecret: SECRETS[0] } });
    const foreign = await run('wh', { payload: { a: 1 }, url: `${sandbox.foreignUrl}/deployteq/webhook/x` });
    expect(foreign.caught?.error.message).toMatch(/url_not_allowed.*127\.0\.0\.2 over http: is refused/);
    const plain = await run('wh', { payload: { a: 1 }, url: 'http://webhook.myclang.com/x' });
    expect(plain.caught?.error.message).toMatch(/must use https:/);
    const evil = await run('wh', { payload: { a: 1 }, url: 'https://evil.example/x' });
    expect(evil.caught?.error.message).toMatch(/evil\.example is not a Deployteq host/);
    expect(sandbox.counters.foreignRequests).toBe(0);
    expect(sandbox.counters.tokenRequests).toBe(0);
    const own = await run('wh', { payload: { a: 1 }, url: sandbox.webhookUrl('own') });
    expect(own.out?.statusCode).toBe(200);
    noSecretsIn(foreign, plain, evil);
  });

  it('deployteq-webhook: an allowed host listed in the config node', async () => {
    await load([dtConfig({ allowedHosts: 'hooks.partner.example, *.deployteq.net' }), { id: 'wh', type: 'deployteq-webhook', deployteq: 'dt', url: '', wires: [['out']] }], { dt: { clientSecret: SECRETS[0] } });
    // listed but unreachable here (closed network): the refusal is about the policy, so it is not refused
    const listed = await run('wh', { payload: { a: 1 }, url: 'https://hooks.partner.example/x' });
    expect(listed.caught?.error.message).not.toMatch(/url_not_allowed/);
    const unlisted = await run('wh', { payload: { a: 1 }, url: 'https://webhook.myclang.com/x' });
    expect(unlisted.caught?.error.message).toMatch(/url_not_allowed/);
  });

  it('oauth2-request: msg.url to another host only when listed or when "Any host" is ticked', async () => {
    const request = (extra: Record<string, unknown>) => ({ id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: '', ret: 'obj', wires: [['out']], ...extra });
    await load([genConfig(), request({})], { oc: { clientSecret: SECRETS[1] } });
    const refused = await run('rq', { url: `${sandbox.foreignUrl}/api` });
    expect(refused.caught?.error.message).toMatch(/msg\.url points at 127\.0\.0\.2, which this node does not allow; nothing was sent/);
    expect(sandbox.counters.foreignRequests).toBe(0);
    expect(sandbox.counters.tokenRequests).toBe(0);
    await helper.unload();
    await load([genConfig(), request({ allowedHosts: '127.0.0.2' })], { oc: { clientSecret: SECRETS[1] } });
    expect((await run('rq', { url: `${sandbox.foreignUrl}/api` })).out?.statusCode).toBe(404);
    await helper.unload();
    await load([genConfig(), request({ anyHost: true })], { oc: { clientSecret: SECRETS[1] } });
    expect((await run('rq', { url: `${sandbox.foreignUrl}/api` })).out?.statusCode).toBe(404);
    expect(sandbox.counters.foreignRequestsWithCredentials).toBe(2);
  });
});

describe('redirects and endless answers (items 2 and 3)', () => {
  it('a 302 to another origin comes back as the answer: nothing reaches the other host', async () => {
    await load([genConfig(), { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'txt', wires: [['out']] }], { oc: { clientSecret: SECRETS[1] } });
    sandbox.addFault({ provider: 'generic', endpoint: 'api', kind: 'redirect-cross-origin' });
    const result = await run('rq', {});
    expect(result.out?.statusCode).toBe(302);
    expect(sandbox.counters.foreignRequests).toBe(0);
  });

  it('an endless API answer fails the message with response_too_large at the configured limit', async () => {
    await load([genConfig({ maxResponseMB: '1' }), { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'txt', wires: [['out']] }], { oc: { clientSecret: SECRETS[1] } });
    sandbox.addFault({ provider: 'generic', endpoint: 'api', kind: 'endless-body' });
    const result = await run('rq', {});
    expect(result.caught?.error.message).toMatch(/response_too_large.*larger than 1048576 bytes/);
    expect(result.caught?.error.code).toBe('response_too_large');
  });
});

describe('oauth2-client settings (items 14 and 17)', () => {
  it('the body rule: 400 {"error":"token_expired"} refreshes once; an unrelated 400 does not', async () => {
    sandbox.configure({ genericExpiredTokenStyle: 'body-400' });
    await load([
      genConfig({ rejectedBodyPath: 'error', rejectedBodyValues: 'token_expired, invalid_token' }),
      { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: '', allowedHosts: '127.0.0.1', ret: 'obj', wires: [['out']] },
    ], { oc: { clientSecret: SECRETS[1] } });
    expect((await run('rq', { url: `${sandbox.url}/generic/api/me` })).out?.statusCode).toBe(200);
    sandbox.expireAccessTokens('generic');
    expect((await run('rq', { url: `${sandbox.url}/generic/api/me` })).out?.statusCode).toBe(200);
    expect(sandbox.counters.tokenRequests).toBe(2);
    expect((await run('rq', { url: `${sandbox.url}/generic/api/bad-request` })).out?.statusCode).toBe(400);
    expect(sandbox.counters.tokenRequests).toBe(2);
  });

  it('a body path without values is a clear configuration error', async () => {
    await load([genConfig({ rejectedBodyPath: 'error' })], { oc: { clientSecret: SECRETS[1] } });
    expect(helper.getNode('oc').connection.configError).toMatch(/body rule needs at least one value/);
  });

  it('auto client authentication (the new default) against a raw-Basic server; the method shows in the status route', async () => {
    sandbox.configure({ genericBasicDecoding: 'raw', clients: { generic: [{ clientId: 'gen-client', clientSecret: 'gen+se/cret=' }] } });
    try {
      const config = genConfig({ clientAuth: undefined });
      await load([config, { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'obj', wires: [['out']] }], { oc: { clientSecret: 'gen+se/cret=' } });
      expect((await run('rq', {})).out?.statusCode).toBe(200);
      const status = await helper.request().get('/oauth2-connectors/oauth2-client/oc/status');
      expect(status.body.tokens).toMatchObject({ authorized: true, clientAuthMethod: 'basic-raw' });
      expect(sandbox.counters.tokenRequests).toBe(2);
    } finally {
      sandbox.configure({ clients: { generic: [{ clientId: 'gen-client', clientSecret: 'gen-secret' }, { clientId: 'gen-public', public: true }] } });
    }
  });
});

describe('the store and the status (items 11 and 16)', () => {
  it('the config node shows "authorized" after its first token', async () => {
    await load([genConfig(), { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'obj', wires: [['out']] }], { oc: { clientSecret: SECRETS[1] } });
    const statuses: Msg[] = [];
    helper.getNode('oc').on('call:status', (call: { args: Msg[] }) => statuses.push(call.args[0]));
    expect((await run('rq', {})).out?.statusCode).toBe(200);
    await waitFor(() => statuses.some((s) => s.fill === 'green' && s.text === 'authorized'), 5000, 'green status');
    expect(statuses[statuses.length - 1]).toMatchObject({ fill: 'green', text: 'authorized' });
  });

  it.each([
    ['garbage', (file: string) => fs.writeFileSync(file, 'not json at all')],
    ['a truncated file', (file: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 60))],
    ['a file written with another credential key', (file: string) => fs.writeFileSync(file, fs.readFileSync(file.replace(/\.json$/, '.other'), 'utf8'))],
  ])('%s: a warning names the config node, and the superseded typed-in refresh token is never sent', async (_label, damage) => {
    const store = new TokenStore({ userDir, credentialSecret: 'test-credential-secret' });
    const tokens = { accessToken: 'stored-access-token-value', refreshToken: 'stored-refresh-token-value', tokenType: 'Bearer', obtainedAt: Date.now(), expiresAt: Date.now() - 1000 };
    await store.write({ nodeId: 'oc', fingerprint: 'whatever', tokens, savedAt: Date.now() });
    const foreignStore = new TokenStore({ userDir: tempUserDir(), credentialSecret: 'another-key' });
    await foreignStore.write({ nodeId: 'oc', fingerprint: 'x', tokens, savedAt: 1 });
    fs.copyFileSync(foreignStore.fileFor('oc'), store.fileFor('oc').replace(/\.json$/, '.other'));
    damage(store.fileFor('oc'));
    await load([
      genConfig({ name: 'Seeded client', grantType: 'refresh_token' }),
      { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'obj', wires: [['out']] },
    ], { oc: { clientSecret: SECRETS[1], refreshToken: SECRETS[2] } });
    const warnings = (helper._logSpy.args as unknown[][]).map((a) => JSON.stringify(a)).filter((t) => /could not be read/.test(t));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/oauth2-client:oc.*Seeded client/);
    const result = await run('rq', {});
    expect(result.caught?.error.message).toMatch(/stored tokens could not be read.*authorize again/i);
    expect(sandbox.counters.tokenRequests).toBe(0);
    noSecretsIn(warnings, result);
  });
});
