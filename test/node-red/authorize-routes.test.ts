// The editor's admin routes on Node-RED 4.1 (test helper): authorize before deploy with unsaved
// settings and typed secrets, the redirect URI rule, and every bad callback (missing, wrong,
// reused, expired state; missing code; access_denied) ending in a clear page and no stored
// change. The "Test" button for client credentials and password grants. (adminAuth and a
// non-default httpAdminRoot are covered by runtime.test.ts on a real runtime.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { followAuthorize } from '../support/user-agent';
import { authorize, callback, HELPER_REDIRECT, startAuthorize, status } from './support/authorize';
import { collectMessages, helper, NODES, tempUserDir, useSettings } from './support/helper';

const SECRET = 'dt-secret+%:&/x';
/** The origin the editor's browser reached (sent as Origin with every editor POST). */
const EDITOR = new URL(HELPER_REDIRECT).origin;
let sandbox: Sandbox;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  userDir = tempUserDir();
  useSettings(userDir);
  sandbox.reset();
  sandbox.configure({ consent: 'auto-approve' });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

const settings = () => ({ name: 'Deployteq', clientId: 'dt-client', grantType: 'authorization_code', authBaseUrl: `${sandbox.url}/deployteq`, scopes: 'apps.webhook:execute offline_access' });

function storeFiles(): string[] {
  const dir = path.join(userDir, '.oauth2-connectors');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('tokens-')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
}

/** An empty runtime: the config node is not deployed yet (only the admin routes exist). */
async function emptyRuntime() {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
}

test('authorize before deploy: unsaved settings and the typed secret go in the POST body; the deployed node finds the tokens', async () => {
  await emptyRuntime();
  const start = await startAuthorize('deployteq-oauth2', 'new1', settings(), { clientSecret: SECRET });
  const url = new URL(start.authorizeUrl);
  expect(start.authorizeUrl).not.toContain(encodeURIComponent(SECRET));
  expect(start.authorizeUrl).not.toContain('secret');
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(url.searchParams.get('redirect_uri')).toBe(HELPER_REDIRECT);
  const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
  const page = await callback(redirect.search);
  expect(page.status).toBe(200);
  expect(page.text).toContain('You may close this window');
  expect(page.text).not.toMatch(/access_token|refresh_token/);
  const s = await status('deployteq-oauth2', 'new1');
  expect(s.attempt).toMatchObject({ status: 'success' });
  expect(s.tokens).toMatchObject({ authorized: true, hasRefreshToken: true, scope: 'apps.webhook:execute offline_access' });
  expect(storeFiles()).toHaveLength(1);
  expect(storeFiles()[0]).not.toContain(SECRET);
  await helper.unload();

  const tokenRequests = sandbox.counters.tokenRequests;
  await helper.load(NODES, [
    { id: 'new1', type: 'deployteq-oauth2', ...settings() },
    { id: 'wh', type: 'deployteq-webhook', deployteq: 'new1', url: sandbox.webhookUrl('x'), wires: [['out']] },
    { id: 'out', type: 'helper' },
  ], { new1: { clientSecret: SECRET } });
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('wh').receive({ payload: { a: 1 } });
  expect((await got)[0].statusCode).toBe(200);
  expect(sandbox.counters.tokenRequests).toBe(tokenRequests);
});

test('after Authorize the status shows the new authorization at once, not the deployed node\'s older token (issue #11 item 4)', async () => {
  // deployed with client credentials: a token without a refresh token is in use
  const zd = { name: 'Zendesk', clientId: 'zd-client', host: 'current', subdomain: 'acme', baseUrl: `${sandbox.url}/zendesk`, grantType: 'client_credentials', scopes: 'read' };
  await helper.load(NODES, [
    { id: 'z1', type: 'zendesk-chat-oauth2', ...zd },
    { id: 'zc', type: 'zendesk-chat', zendesk: 'z1', resource: 'account', operation: 'get', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ], { z1: { clientSecret: 'zd-secret' } });
  const got = collectMessages(helper.getNode('out'), 1);
  helper.getNode('zc').receive({});
  await got;
  expect((await status('zendesk-chat-oauth2', 'z1')).tokens).toMatchObject({ authorized: true, hasRefreshToken: false });
  // the user switches the dialog to the code grant and authorizes, not deployed yet
  const page = await authorize('zendesk-chat-oauth2', 'z1', { ...zd, grantType: 'authorization_code' });
  expect(page.status).toBe(200);
  const after = await status('zendesk-chat-oauth2', 'z1');
  expect(after.tokens).toMatchObject({ authorized: true, hasRefreshToken: true, pendingDeploy: true });
  // the running node keeps its own token until the deploy
  expect(helper.getNode('z1').connection.summary()).toMatchObject({ hasRefreshToken: false });
});

test('the redirect URI must be the editor callback; Authorize is only for the code grant', async () => {
  await emptyRuntime();
  const bad = await helper.request().post('/oauth2-connectors/deployteq-oauth2/n1/authorize').set('Origin', EDITOR).send({ settings: settings(), credentials: { clientSecret: SECRET }, redirectUri: 'http://127.0.0.1:1880/elsewhere' });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatch(/redirect URI/);
  const cc = await helper.request().post('/oauth2-connectors/deployteq-oauth2/n1/authorize').set('Origin', EDITOR).send({ settings: { ...settings(), grantType: 'client_credentials' }, credentials: { clientSecret: SECRET }, redirectUri: HELPER_REDIRECT });
  expect(cc.status).toBe(400);
  expect(cc.body.error).toMatch(/Test/);
  expect(sandbox.counters.authorizeRequests).toBe(0);
});

describe('bad callbacks: a clear page and nothing stored', () => {
  async function expectNothingStored(id: string) {
    expect(storeFiles()).toEqual([]);
    expect((await status('deployteq-oauth2', id)).tokens.authorized).toBe(false);
    expect(sandbox.counters.tokenRequests).toBe(0);
  }

  test('missing state', async () => {
    await emptyRuntime();
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    const page = await callback(`?code=${redirect.searchParams.get('code')}`);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/has no state/);
    await expectNothingStored('n1');
  });

  test('wrong state', async () => {
    await emptyRuntime();
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    const page = await callback(`?code=${redirect.searchParams.get('code')}&state=forged-state-value`);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/unknown, expired or was already used/);
    await expectNothingStored('n1');
    expect((await status('deployteq-oauth2', 'n1')).attempt).toMatchObject({ status: 'pending' });
  });

  test('reused state: the second use is refused and changes nothing', async () => {
    await emptyRuntime();
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    expect((await callback(redirect.search)).status).toBe(200);
    const before = storeFiles();
    const requests = sandbox.counters.tokenRequests;
    const again = await callback(redirect.search);
    expect(again.status).toBe(400);
    expect(again.text).toMatch(/already used/);
    expect(storeFiles()).toEqual(before);
    expect(sandbox.counters.tokenRequests).toBe(requests);
  });

  test('expired state (older than 10 minutes)', async () => {
    await emptyRuntime();
    // the authorization request is created "11 minutes ago"
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now - 11 * 60_000);
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    jest.restoreAllMocks();
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    const page = await callback(redirect.search);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/expired/);
    await expectNothingStored('n1');
  });

  test('missing code', async () => {
    await emptyRuntime();
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    const state = new URL(start.authorizeUrl).searchParams.get('state');
    const page = await callback(`?state=${state}`);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/no authorization code/);
    await expectNothingStored('n1');
    expect((await status('deployteq-oauth2', 'n1')).attempt).toMatchObject({ status: 'error' });
  });

  test('error=access_denied from the provider', async () => {
    sandbox.configure({ consent: 'auto-deny' });
    await emptyRuntime();
    const start = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    const redirect = await followAuthorize(start.authorizeUrl, HELPER_REDIRECT);
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const page = await callback(redirect.search);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/Access was denied/);
    await expectNothingStored('n1');
    const s = await status('deployteq-oauth2', 'n1');
    expect(s.attempt).toMatchObject({ status: 'error' });
    expect(String(s.attempt?.message)).toMatch(/denied/);
  });

  test('an authorized node stays as it was after a bad callback', async () => {
    await emptyRuntime();
    const ok = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    expect((await callback((await followAuthorize(ok.authorizeUrl, HELPER_REDIRECT)).search)).status).toBe(200);
    const before = storeFiles();
    sandbox.configure({ consent: 'auto-deny' });
    const denied = await startAuthorize('deployteq-oauth2', 'n1', settings(), { clientSecret: SECRET });
    expect((await callback((await followAuthorize(denied.authorizeUrl, HELPER_REDIRECT)).search)).status).toBe(400);
    expect(storeFiles()).toEqual(before);
    expect((await status('deployteq-oauth2', 'n1')).tokens.authorized).toBe(true);
  });
});

describe('Test button', () => {
  test('client credentials: granted scopes and lifetime, nothing secret in the answer', async () => {
    await emptyRuntime();
    const res = await helper.request().post('/oauth2-connectors/deployteq-oauth2/n1/test').send({ settings: { ...settings(), grantType: 'client_credentials', scopes: 'apps.webhook:execute' }, credentials: { clientSecret: SECRET } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, scope: 'apps.webhook:execute', expiresIn: 3600, tokenType: 'Bearer', hasRefreshToken: false, refreshExpiresIn: null, clientAuthMethod: null });
  });

  test('password grant (Zendesk Chat) and a wrong secret', async () => {
    await emptyRuntime();
    const zd = { clientId: 'zd-client', host: 'current', subdomain: 'acme', baseUrl: `${sandbox.url}/zendesk`, grantType: 'password', scopes: 'read' };
    const ok = await helper.request().post('/oauth2-connectors/zendesk-chat-oauth2/z1/test').send({ settings: zd, credentials: { clientSecret: 'zd-secret', username: 'agent@acme.test', password: 'agent-pass' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, scope: 'read', hasRefreshToken: true, refreshExpiresIn: null });
    // a provider that says how long its refresh tokens live: the Test result shows it (issue #10)
    sandbox.configure({ refreshTokenLifetime: { zendesk: 30 * 86400 } });
    const lived = await helper.request().post('/oauth2-connectors/zendesk-chat-oauth2/z1/test').send({ settings: zd, credentials: { clientSecret: 'zd-secret', username: 'agent@acme.test', password: 'agent-pass' } });
    expect(lived.body.refreshExpiresIn).toBeGreaterThan(30 * 86400 - 5);
    expect(lived.body.refreshExpiresIn).toBeLessThanOrEqual(30 * 86400);
    const bad = await helper.request().post('/oauth2-connectors/zendesk-chat-oauth2/z1/test').send({ settings: zd, credentials: { clientSecret: 'wrong-secret-value', username: 'agent@acme.test', password: 'agent-pass' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/invalid_client/);
    expect(JSON.stringify(bad.body)).not.toContain('wrong-secret-value');
  });

  test('uses the deployed secret when the dialog sends the placeholder', async () => {
    await helper.load(NODES, [{ id: 'dep', type: 'deployteq-oauth2', ...settings(), grantType: 'client_credentials' }], { dep: { clientSecret: SECRET } });
    const res = await helper.request().post('/oauth2-connectors/deployteq-oauth2/dep/test').send({ settings: { ...settings(), grantType: 'client_credentials', scopes: 'apps.webhook:execute' }, credentials: { clientSecret: '__PWRD__' } });
    expect(res.status).toBe(200);
  });
});
