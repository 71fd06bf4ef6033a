// Issue #15 items 4, 5 and 9, on Node-RED 4.1 (test helper), against a token server on 127.0.0.1
// that answers whatever refresh-token lifetime a test sets (as misbehaving providers do):
//   4. a refresh token said to live 1 s (or 0.001 s) does not pin keep-alive at a refresh a second;
//      one warning per refresh token, and the health message says "1 second", not "1 h";
//   5. `1e308`, "1e308" and 1e13 do not break the health node, and a stored infinite lifetime from
//      an older release (null on disk) is not taken for an expired refresh token;
//   9. two config nodes given the same refresh token: a warning at deploy, and the editor's check
//      names the other node.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenStore } from '../../hosts/node-red/token-store';
import { HELPER_REDIRECT } from './support/authorize';
import { collectMessages, helper, NODES, tempUserDir, useSettings, waitFor, type Msg } from './support/helper';

jest.setTimeout(60_000);

let server: Server;
let base = '';
/** The refresh-token lifetime the token server sends (as JSON: a number or a string). */
let refreshLifetime: unknown = 3600;
let tokenRequests = 0;
let refreshRequests = 0;
let userDir: string;
let health: Msg[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/token') {
        tokenRequests++;
        if (/grant_type=refresh_token/.test(body)) refreshRequests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"access_token":"at-${tokenRequests}-secretvalue","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-${tokenRequests}-secretvalue","refresh_token_expires_in":${JSON.stringify(refreshLifetime)}}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  userDir = tempUserDir();
  useSettings(userDir);
  tokenRequests = 0;
  refreshRequests = 0;
  health = [];
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const client = (extra: Record<string, unknown> = {}) => ({ id: 'oc', type: 'oauth2-client', name: 'Quirky', grantType: 'client_credentials', clientId: 'c1', clientAuth: 'basic', tokenUrl: `${base}/token`, ...extra });

async function load(extraNodes: Record<string, unknown>[] = []): Promise<void> {
  await helper.load(NODES, [
    client(),
    { id: 'h', type: 'oauth2-health', configNode: 'oc', warnDays: 7, wires: [['events']] },
    { id: 'events', type: 'helper' },
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${base}/api`, ret: 'obj', wires: [['out']] },
    { id: 'out', type: 'helper' },
    ...extraNodes,
  ], { oc: { clientSecret: 'client-secret-value' } });
  helper.getNode('events').on('input', (msg: Msg) => health.push(msg));
}

async function obtain(): Promise<void> {
  const out = collectMessages(helper.getNode('out'), 1, 10_000);
  helper.getNode('rq').receive({});
  expect((await out)[0].statusCode).toBe(200);
}

const warnings = (pattern: RegExp) => (helper._logSpy.args as unknown[][]).map((a) => JSON.stringify(a)).filter((t) => pattern.test(t));

describe('item 4: keep-alive has a floor', () => {
  it.each([1, 0.001])('refresh_token_expires_in %s: no keep-alive refresh within 6 s, one warning, "1 second"', async (lifetime) => {
    refreshLifetime = lifetime;
    await load();
    await obtain();
    await waitFor(() => health.some((m) => m.topic === 'refresh_token_expiring'), 5000, 'the expiry message');
    await new Promise((r) => setTimeout(r, 6000));
    expect(refreshRequests).toBe(0);
    expect(tokenRequests).toBe(1);
    expect(health.map((m) => m.topic)).toEqual(['obtained', 'refresh_token_expiring']);
    // 1 s: "expires in 1 second" (it said "1 h"); 1 ms: already past when the message is made
    expect(health[1].payload.message).toMatch(lifetime === 1 ? /expires in 1 second \(/ : /the refresh token has expired/);
    expect(warnings(/cannot keep this one alive/)).toHaveLength(1);
    expect(JSON.stringify([health, helper._logSpy.args])).not.toMatch(/secretvalue|client-secret-value/);
  });

  it('settings.js may lower the floor (tests, demos): then keep-alive refreshes, each time at most once per floor', async () => {
    useSettings(userDir, { oauth2Connectors: { keepAliveFloorSec: 2 } });
    refreshLifetime = 5;
    await load();
    await obtain();
    await waitFor(() => refreshRequests >= 2, 10_000, 'two keep-alive refreshes');
    const elapsedPerRefresh = health.filter((m) => m.topic === 'refreshed').map((m) => Date.parse(m.payload.at));
    for (let i = 1; i < elapsedPerRefresh.length; i++) expect(elapsedPerRefresh[i] - elapsedPerRefresh[i - 1]).toBeGreaterThanOrEqual(1900);
  });
});

describe('item 5: huge lifetimes', () => {
  it.each([1e308, '1e308', 1e13])('refresh_token_expires_in %s: every event arrives, with a valid date at most 10 years ahead', async (lifetime) => {
    refreshLifetime = lifetime;
    await load();
    await obtain();
    await waitFor(() => health.length >= 1, 5000, 'the obtained event');
    expect(health[0].topic).toBe('obtained');
    const at = Date.parse(health[0].payload.refreshExpiresAt);
    expect(at).toBeGreaterThan(Date.now() + 9 * 365 * 24 * 3600_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 10 * 365 * 24 * 3600_000 + 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // the health node's first expiry check
    expect(health.map((m) => m.topic)).toEqual(['obtained']);
  });

  it('a stored lifetime of an older release that became null on disk is "unknown", not "expired"', async () => {
    const store = new TokenStore({ userDir, credentialSecret: 'test-credential-secret' });
    // what an older release wrote for refresh_token_expires_in 1e308: Infinity, serialised as null
    const legacy = { accessToken: 'at-old-secretvalue', tokenType: 'Bearer', refreshToken: 'rt-old-secretvalue', obtainedAt: Date.now(), expiresAt: Date.now() + 3600_000, refreshExpiresAt: null as unknown as number };
    await helper.load(NODES, [client()], { oc: { clientSecret: 'client-secret-value' } });
    const built = helper.getNode('oc').connection.built;
    await helper.unload();
    useSettings(userDir);
    await store.write({ nodeId: 'oc', fingerprint: built.legacyFingerprint, tokens: legacy, savedAt: Date.now() });
    await load();
    await new Promise((r) => setTimeout(r, 1500));
    expect(health.map((m) => m.topic)).toEqual([]);
    expect(helper.getNode('oc').connection.summary()).toMatchObject({ authorized: true, hasRefreshToken: true });
    expect(helper.getNode('oc').connection.summary().refreshExpiresAt).toBeUndefined();
  });
});

describe('item 9: one refresh token given to two config nodes', () => {
  const seeded = (id: string, name: string) => client({ id, name, grantType: 'refresh_token' });
  const check = (id: string, refreshToken: string) =>
    helper.request().post(`/oauth2-connectors/oauth2-client/${id}/seed-check`).set('Origin', new URL(HELPER_REDIRECT).origin).send({ credentials: { refreshToken } });

  it('a warning at deploy naming both nodes; the editor check names the other node, never a token', async () => {
    await helper.load(NODES, [seeded('a1', 'First'), seeded('a2', 'Second'), seeded('a3', 'Third')], {
      a1: { clientSecret: 's', refreshToken: 'shared-seed-secretvalue' },
      a2: { clientSecret: 's', refreshToken: 'shared-seed-secretvalue' },
      a3: { clientSecret: 's', refreshToken: 'own-seed-secretvalue' },
    });
    const shared = warnings(/was given the same refresh token/);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatch(/a1 \(First\)|a2 \(Second\)/);
    expect((await check('new', 'shared-seed-secretvalue')).body).toEqual({ sharedWith: [{ id: 'a1', name: 'First' }, { id: 'a2', name: 'Second' }] });
    expect((await check('a3', '__PWRD__')).body).toEqual({ sharedWith: [] });
    expect((await check('a1', '__PWRD__')).body).toEqual({ sharedWith: [{ id: 'a2', name: 'Second' }] });
    expect((await check('a3', 'something else')).body).toEqual({ sharedWith: [] });
    expect(JSON.stringify(helper._logSpy.args)).not.toMatch(/secretvalue/);
  });
});
