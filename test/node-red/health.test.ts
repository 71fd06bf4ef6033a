// Issue #10 on Node-RED 4.1 (test helper), against the provider sandbox: the oauth2-health node's
// messages over a credential's life, keep-alive of an idle credential (before the refresh token
// expires, at a set interval, backing off after failures), the Disconnect route (RFC 7009 revocation,
// then the tokens deleted here; a failed revocation reported), and "revoke when deleted".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { authorize, HELPER_REDIRECT, status } from './support/authorize';
import { assertNoSecrets, collectMessages, helper, NODES, tempUserDir, useSettings, waitFor, type Msg } from './support/helper';

jest.setTimeout(60_000);

const CATCH = require('@node-red/nodes/core/common/25-catch.js');
const SECRET = 'gen-secret';
let sandbox: Sandbox;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  userDir = tempUserDir();
  // keep-alive on a seconds scale: settings.js lowers its floor (5 minutes by default; see health-lifetimes.test.ts)
  useSettings(userDir, { oauth2Connectors: { keepAliveFloorSec: 1 } });
  sandbox.reset();
  sandbox.configure({ consent: 'auto-approve', genericExpiredTokenStyle: 'status-401', rotateRefreshTokens: true, refreshTokenLifetime: null, genericRevocation: 'on' });
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

const settings = (extra: Record<string, unknown> = {}) => ({
  name: 'Generic',
  grantType: 'authorization_code',
  authorizationUrl: `${sandbox.url}/generic/oauth2/authorize`,
  tokenUrl: `${sandbox.url}/generic/oauth2/token`,
  revocationUrl: `${sandbox.url}/generic/oauth2/revoke`,
  clientId: 'gen-client',
  clientAuth: 'basic',
  scopes: 'read',
  retry: '',
  maxRetries: '0',
  ...extra,
});

/** Every message the health node sent so far. */
let health: Msg[] = [];

async function load(extra: Record<string, unknown> = {}, healthSettings: Record<string, unknown> = {}): Promise<void> {
  await helper.load([...NODES, CATCH], [
    { id: 'oc', type: 'oauth2-client', ...settings(extra) },
    { id: 'h', type: 'oauth2-health', configNode: 'oc', warnDays: 7, wires: [['events']], ...healthSettings },
    { id: 'events', type: 'helper' },
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${sandbox.url}/generic/api/me`, ret: 'obj', wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ], { oc: { clientSecret: SECRET } });
  health = [];
  helper.getNode('events').on('input', (msg: Msg) => health.push(msg));
}

async function connect(extra: Record<string, unknown> = {}): Promise<void> {
  const page = await authorize('oauth2-client', 'oc', settings(extra));
  expect(page.status).toBe(200);
}

async function run(): Promise<{ out?: Msg; caught?: Msg }> {
  const out = collectMessages(helper.getNode('out'), 1, 15_000).then((m) => ({ out: m[0] }));
  const caught = collectMessages(helper.getNode('caught'), 1, 15_000).then((m) => ({ caught: m[0] }));
  helper.getNode('rq').receive({});
  return Promise.race([out, caught]);
}

const topics = () => health.map((m) => m.topic);
const refreshes = () => sandbox.counters.tokenRequestsByProviderGrant.generic?.refresh_token ?? 0;
const storeFiles = () => {
  const dir = path.join(userDir, '.oauth2-connectors');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('tokens-')) : [];
};
const disconnect = (id = 'oc', type = 'oauth2-client', body: Record<string, unknown> = { settings: settings(), credentials: {} }) =>
  helper.request().post(`/oauth2-connectors/${type}/${id}/disconnect`).set('Origin', new URL(HELPER_REDIRECT).origin).send(body);

/** The client secret and every token the sandbox issued (they all start with gen_at_ / gen_rt_). */
function noSecrets(): void {
  const text = JSON.stringify(health) + JSON.stringify(helper._logSpy?.args ?? []);
  assertNoSecrets(text, [SECRET]);
  expect(text).not.toMatch(/gen_(at|rt)_/);
}

describe('oauth2-health', () => {
  it('one message per event: obtained, expiring, refreshed, rotated, refresh failed, recovered, reconnect needed; no secret', async () => {
    sandbox.configure({ refreshTokenLifetime: 3 * 24 * 3600, rotateRefreshTokens: false });
    await load();
    await connect();
    await waitFor(() => topics().includes('refresh_token_expiring'), 5000, 'the expiry warning');
    expect(topics()).toEqual(['obtained', 'refresh_token_expiring']);
    const warning = health[1].payload;
    expect(warning).toMatchObject({ event: 'refresh_token_expiring', configNode: { id: 'oc', type: 'oauth2-client', name: 'Generic' } });
    expect(warning.message).toMatch(/expires in 3 days/);
    expect(Date.parse(warning.refreshExpiresAt)).toBeGreaterThan(Date.now() + 2.9 * 24 * 3600_000);

    sandbox.expireAccessTokens('generic');
    expect((await run()).out?.statusCode).toBe(200);
    // no new refresh token: its expiry stays, and so does the single warning
    expect(topics()).toEqual(['obtained', 'refresh_token_expiring', 'refreshed']);

    sandbox.configure({ rotateRefreshTokens: true, refreshTokenLifetime: null });
    sandbox.addFault({ provider: 'generic', endpoint: 'token', kind: 'unavailable-503', times: 1, retryAfter: 0 });
    sandbox.expireAccessTokens('generic');
    expect((await run()).caught?.error.message).toMatch(/temporarily_unavailable/);
    expect((await run()).out?.statusCode).toBe(200);
    expect(topics().slice(3)).toEqual(['refresh_failed', 'refreshed', 'rotated', 'recovered']);

    sandbox.revokeAll('generic');
    expect((await run()).caught?.error.message).toMatch(/reconnect/i);
    await waitFor(() => topics().includes('reconnect_needed'), 5000, 'reconnect needed');
    expect(health.every((m) => typeof m.payload.at === 'string' && m.payload.message && m.payload.configNode.id === 'oc')).toBe(true);
    noSecrets();
  });

  it('"all" watches every config node; "Only" filters the events', async () => {
    await load({}, { configNode: '', events: 'reconnect_needed refresh_failed' });
    await connect();
    sandbox.addFault({ provider: 'generic', endpoint: 'token', kind: 'unavailable-503', times: 1, retryAfter: 0 });
    sandbox.expireAccessTokens('generic');
    await run();
    await waitFor(() => health.length === 1, 5000, 'one event');
    expect(topics()).toEqual(['refresh_failed']);
  });
});

describe('keep-alive of an idle credential (no flow running)', () => {
  it('refreshes before the refresh token expires', async () => {
    sandbox.configure({ refreshTokenLifetime: 5 });
    await load();
    await connect();
    const obtained = Date.now();
    await waitFor(() => refreshes() >= 1, 8000, 'a keep-alive refresh');
    // due a fifth of the 5 s lifetime ahead of the expiry
    expect(Date.now() - obtained).toBeLessThan(5000);
    await waitFor(() => topics().includes('rotated'), 3000, 'the rotation event');
    const s = await status('oauth2-client', 'oc');
    expect(s.tokens).toMatchObject({ authorized: true, hasRefreshToken: true });
    expect(s.tokens.refreshExpiresAt as number).toBeGreaterThan(Date.now());
    noSecrets();
  });

  it('refreshes at the set interval', async () => {
    await load({ keepAliveHours: '0.001' });
    await connect();
    await waitFor(() => refreshes() >= 2, 12_000, 'two keep-alive refreshes (every 3.6 s)');
    expect(sandbox.counters.refreshTokenReuse).toBe(0);
  });

  it('backs off after a failure instead of retrying every second', async () => {
    await load({ keepAliveHours: '0.0005' });
    await connect();
    sandbox.addFault({ provider: 'generic', endpoint: 'token', kind: 'unavailable-503', times: 100, retryAfter: 0 });
    await waitFor(() => topics().includes('refresh_failed'), 6000, 'the first failed keep-alive');
    const tokenRequests = sandbox.counters.tokenRequests;
    await new Promise((r) => setTimeout(r, 5000));
    expect(sandbox.counters.tokenRequests).toBe(tokenRequests);
  });
});

describe('Disconnect (RFC 7009)', () => {
  it('revokes at the provider, deletes the tokens here, tells the health node', async () => {
    await load();
    await connect();
    expect(storeFiles()).toHaveLength(1);
    expect((await run()).out?.statusCode).toBe(200);
    const res = await disconnect();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revoked: ['refresh_token', 'access_token'], message: 'the tokens were revoked at the provider and deleted here' });
    expect(sandbox.counters.revocationRequests).toBe(2);
    expect(storeFiles()).toHaveLength(0);
    expect((await status('oauth2-client', 'oc')).tokens).toMatchObject({ authorized: false });
    await waitFor(() => topics().includes('disconnected'), 3000, 'the disconnected event');
    // the grant is gone at the provider: nothing to refresh with; the flow asks for a new authorization
    expect((await run()).caught?.error.message).toMatch(/authoriz/i);
    noSecrets();
  });

  it('the provider refuses: the tokens are still deleted here, with a clear message', async () => {
    await load();
    await connect();
    sandbox.configure({ genericRevocation: 'fail' });
    const res = await disconnect();
    expect(res.status).toBe(200);
    expect(res.body.revoked).toEqual([]);
    expect(res.body.message).toMatch(/did not confirm the revocation \(.*temporarily_unavailable.*\); the tokens were deleted here: revoke the access at the provider/);
    expect(storeFiles()).toHaveLength(0);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('tokens of a node not deployed yet: revoked with the dialog\'s settings and deleted', async () => {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const page = await authorize('oauth2-client', 'new1', settings(), { clientSecret: SECRET });
    expect(page.status).toBe(200);
    expect(storeFiles()).toHaveLength(1);
    const res = await disconnect('new1', 'oauth2-client', { settings: settings(), credentials: { clientSecret: SECRET } });
    expect(res.body).toMatchObject({ revoked: ['refresh_token', 'access_token'] });
    expect(storeFiles()).toHaveLength(0);
  });

  it('refuses an id of another type and needs no secret from the editor for a deployed node', async () => {
    await load();
    await connect();
    const wrong = await disconnect('rq', 'oauth2-client');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/not a oauth2-client configuration/);
    expect(sandbox.counters.revocationRequests).toBe(0);
  });

  it('"revoke when deleted": removing the config node in a deploy revokes its tokens', async () => {
    await load({ revokeOnRemove: true });
    await connect();
    await helper.setFlows([{ id: 'other', type: 'helper' }], 'full');
    await waitFor(() => sandbox.counters.revocationRequests === 2, 5000, 'revocation on removal');
    expect(storeFiles()).toHaveLength(0);
  });

  it('without the setting, removing the node deletes the tokens here only', async () => {
    await load();
    await connect();
    await helper.setFlows([{ id: 'other', type: 'helper' }], 'full');
    await waitFor(() => storeFiles().length === 0, 5000, 'the store entry removed');
    expect(sandbox.counters.revocationRequests).toBe(0);
  });
});
