// Issue #8 items 1, 4 and 5, on Node-RED 4.1 (test helper): the editor's admin routes lend stored
// secrets only to an existing config node of exactly their type and only with its deployed
// endpoints; they refuse authorization URLs other than http(s); the redirect URI must be on the
// editor's own origin or one the admin listed in settings.js. The second host (127.0.0.2) counts
// every request that reaches it: a stolen secret would arrive there.
import { startSandbox, type Sandbox } from '../../sandbox';
import { HELPER_REDIRECT } from './support/authorize';
import { assertNoSecrets, helper, NODES, tempUserDir, useSettings } from './support/helper';

// a core config node holding a password (an MQTT broker); connects only when a node uses it
const MQTT = require('@node-red/nodes/core/network/10-mqtt.js');
const EDITOR = new URL(HELPER_REDIRECT).origin;
const SECRETS = { dt: 'dt-secret+%:&/x', mqtt: 'broker-password', gen: 'gen-secret' };
let sandbox: Sandbox;

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

const dtSettings = () => ({ clientId: 'dt-client', grantType: 'client_credentials', authBaseUrl: `${sandbox.url}/deployteq`, scopes: 'apps.webhook:execute' });
const genSettings = (extra: Record<string, unknown> = {}) => ({ clientId: 'gen-client', grantType: 'client_credentials', clientAuth: 'basic', tokenUrl: `${sandbox.url}/generic/oauth2/token`, authorizationUrl: `${sandbox.url}/generic/oauth2/authorize`, scopes: 'read', ...extra });
const post = (type: string, id: string, action: 'test' | 'authorize', body: Record<string, unknown>, origin = EDITOR) =>
  helper.request().post(`/oauth2-connectors/${type}/${id}/${action}`).set('Origin', origin).send({ redirectUri: HELPER_REDIRECT, ...body });

async function deployAll() {
  await helper.load([...NODES, MQTT], [
    { id: 'dt', type: 'deployteq-oauth2', ...dtSettings() },
    { id: 'gen', type: 'oauth2-client', ...genSettings() },
    { id: 'mq', type: 'mqtt-broker', name: 'Broker', broker: '127.0.0.1', port: '1', autoConnect: false },
  ], { dt: { clientSecret: SECRETS.dt }, gen: { clientSecret: SECRETS.gen }, mq: { user: 'svc', password: SECRETS.mqtt } });
}

describe('stored secrets are lent only to a node of exactly the route type (item 4)', () => {
  it('a core MQTT broker\'s password is not lent to the oauth2-client Test route', async () => {
    await deployAll();
    const res = await post('oauth2-client', 'mq', 'test', { settings: { ...genSettings(), grantType: 'password', tokenUrl: `${sandbox.foreignUrl}/steal` }, credentials: { username: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/node mq is not a oauth2-client configuration/);
    expect(sandbox.counters.foreignRequests).toBe(0);
  });

  it('a Deployteq client secret is not lent to the oauth2-client routes (test or authorize)', async () => {
    await deployAll();
    const test = await post('oauth2-client', 'dt', 'test', { settings: { ...genSettings(), tokenUrl: `${sandbox.foreignUrl}/steal` }, credentials: {} });
    expect(test.status).toBe(400);
    const authorize = await post('oauth2-client', 'dt', 'authorize', { settings: { ...genSettings(), grantType: 'authorization_code', tokenUrl: `${sandbox.foreignUrl}/steal` }, credentials: {} });
    expect(authorize.status).toBe(400);
    expect(sandbox.counters.foreignRequests).toBe(0);
    assertNoSecrets(JSON.stringify([test.body, authorize.body]), Object.values(SECRETS));
  });

  it('the same node with a changed token URL: refused unless the secret is typed again', async () => {
    await deployAll();
    const borrowed = await post('oauth2-client', 'gen', 'test', { settings: genSettings({ tokenUrl: `${sandbox.foreignUrl}/steal` }), credentials: { clientSecret: '__PWRD__' } });
    expect(borrowed.status).toBe(400);
    expect(borrowed.body.error).toMatch(/endpoints differ from the deployed ones \(token URL\); type the clientSecret again/);
    expect(sandbox.counters.foreignRequests).toBe(0);
    const authorize = await post('oauth2-client', 'gen', 'authorize', { settings: genSettings({ grantType: 'authorization_code', authorizationUrl: `${sandbox.foreignUrl}/authorize` }), credentials: {} });
    expect(authorize.status).toBe(400);
    // with the secret typed in, the user sends their own secret where they choose
    const typed = await post('oauth2-client', 'gen', 'test', { settings: genSettings({ tokenUrl: `${sandbox.foreignUrl}/own` }), credentials: { clientSecret: 'typed-by-the-user' } });
    expect(typed.status).toBe(400);
    expect(sandbox.counters.foreignRequestsWithCredentials).toBe(1);
  });

  it('the same node with its deployed endpoints still uses its stored secret (Test and Authorize)', async () => {
    await deployAll();
    const test = await post('oauth2-client', 'gen', 'test', { settings: genSettings(), credentials: { clientSecret: '__PWRD__' } });
    expect(test.status).toBe(200);
    const dt = await post('deployteq-oauth2', 'dt', 'test', { settings: dtSettings(), credentials: {} });
    expect(dt.status).toBe(200);
    expect(sandbox.counters.tokenRequests).toBe(2);
  });

  it('a Deployteq node with a changed auth URL: refused without the secret', async () => {
    await deployAll();
    const res = await post('deployteq-oauth2', 'dt', 'test', { settings: { ...dtSettings(), authBaseUrl: sandbox.foreignUrl }, credentials: {} });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/type the clientSecret again/);
    expect(sandbox.counters.foreignRequests).toBe(0);
  });
});

describe('only http(s) authorization URLs (item 1)', () => {
  it.each(['javascript:alert(document.cookie)//', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox(1)'])('%s is refused by the authorize route', async (url) => {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const res = await post('oauth2-client', 'new', 'authorize', { settings: genSettings({ grantType: 'authorization_code', authorizationUrl: url }), credentials: { clientSecret: 'x-secret' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/authorization URL must be an https: URL/);
    expect(JSON.stringify(res.body)).not.toMatch(/alert\(|<script|etc\/passwd|msgbox/);
  });

  it('a deployed config node with such a URL is invalid: its status says so and it never starts a request', async () => {
    await helper.load(NODES, [{ id: 'bad', type: 'oauth2-client', ...genSettings({ grantType: 'authorization_code', authorizationUrl: 'javascript:alert(1)' }) }], { bad: { clientSecret: 'x-secret' } });
    const node = helper.getNode('bad');
    expect(node.connection.configError).toMatch(/authorization URL must be an https: URL/);
    expect(node.connection.summary().state).toBe('misconfigured');
  });

  it('plain http to a host that is not loopback is refused unless listed', async () => {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const res = await post('oauth2-client', 'new', 'test', { settings: genSettings({ tokenUrl: 'http://as.example.com/token' }), credentials: { clientSecret: 'x-secret' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/must use https:/);
  });
});

describe('the redirect URI must be on the editor\'s own origin (item 5)', () => {
  it('another host with the right path is refused, and the error says what is accepted', async () => {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const res = await post('oauth2-client', 'new', 'authorize', { settings: genSettings({ grantType: 'authorization_code' }), credentials: { clientSecret: 'x-secret' }, redirectUri: 'https://attacker.example/oauth2-connectors/callback' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/editor's own origin \(http:\/\/127\.0\.0\.1:1880\).*settings\.js under oauth2Connectors\.redirectOrigins \(none listed\); https:\/\/attacker\.example is neither/);
    expect(sandbox.counters.authorizeRequests).toBe(0);
  });

  it('without an Origin header, the Host the editor was reached at counts', async () => {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const res = await helper.request().post('/oauth2-connectors/oauth2-client/new/authorize').set('Host', 'nodered.lan:1880').send({ settings: genSettings({ grantType: 'authorization_code' }), credentials: { clientSecret: 'x-secret' }, redirectUri: 'http://nodered.lan:1880/oauth2-connectors/callback' });
    expect(res.status).toBe(200);
  });

  it('an origin listed in settings.js (a reverse proxy) is accepted', async () => {
    useSettings(tempUserDir(), { oauth2Connectors: { redirectOrigins: ['https://nodered.example.com'] } });
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    const res = await post('oauth2-client', 'new', 'authorize', { settings: genSettings({ grantType: 'authorization_code' }), credentials: { clientSecret: 'x-secret' }, redirectUri: 'https://nodered.example.com/oauth2-connectors/callback' });
    expect(res.status).toBe(200);
    expect(new URL(res.body.authorizeUrl).searchParams.get('redirect_uri')).toBe('https://nodered.example.com/oauth2-connectors/callback');
  });
});
