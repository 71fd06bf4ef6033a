// Issue #15 items 1 and 2, on Node-RED 4.1 (test helper): a user with only `<type>.write` attacks
// every admin route (authorize, test, status, disconnect, callback) of every config type, for a
// node that is running, running without tokens, deployed but disabled, authorized before its first
// deploy, or unknown. Each attack points one endpoint setting (or all of them) at the second host
// 127.0.0.2, with the stored secrets borrowed or with a secret of its own. The second host must
// receive nothing: the stored tokens and secrets go only to endpoints the node was deployed or
// authorized with. Positive controls: the right settings still revoke at the provider.
import { startSandbox, type Sandbox } from '../../sandbox';
import { TokenStore, type StoredEntry } from '../../hosts/node-red/token-store';
import { authorize, HELPER_REDIRECT } from './support/authorize';
import { assertNoSecrets, helper, NODES, tempUserDir, useSettings } from './support/helper';

jest.setTimeout(120_000);

const EDITOR = new URL(HELPER_REDIRECT).origin;
const SECRETS: Record<Type, string> = { 'deployteq-oauth2': 'dt-secret+%:&/x', 'zendesk-chat-oauth2': 'zd-secret', 'oauth2-client': 'gen-secret' };
type Type = 'deployteq-oauth2' | 'zendesk-chat-oauth2' | 'oauth2-client';
type State = 'running' | 'running-empty' | 'disabled' | 'authorized-before-deploy' | 'unknown';
const TYPES: Type[] = ['deployteq-oauth2', 'zendesk-chat-oauth2', 'oauth2-client'];
const STATES: State[] = ['running', 'running-empty', 'disabled', 'authorized-before-deploy', 'unknown'];
const ID = 'victim';
let sandbox: Sandbox;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'auto-approve' });
});
beforeEach(() => {
  userDir = tempUserDir();
  useSettings(userDir);
  sandbox.reset();
  sandbox.configure({ consent: 'auto-approve', genericRevocation: 'on' });
});
afterEach(async () => {
  await helper.unload();
});
afterAll(async () => {
  await sandbox.close();
});

function settingsOf(type: Type): Record<string, unknown> {
  if (type === 'deployteq-oauth2') return { name: 'DT', clientId: 'dt-client', grantType: 'authorization_code', authBaseUrl: `${sandbox.url}/deployteq`, scopes: 'apps.webhook:execute offline_access' };
  if (type === 'zendesk-chat-oauth2') return { name: 'ZD', clientId: 'zd-client', grantType: 'authorization_code', host: 'current', subdomain: 'acme', baseUrl: `${sandbox.url}/zendesk`, scopes: 'read' };
  return {
    name: 'GEN',
    clientId: 'gen-client',
    grantType: 'authorization_code',
    clientAuth: 'basic',
    tokenUrl: `${sandbox.url}/generic/oauth2/token`,
    authorizationUrl: `${sandbox.url}/generic/oauth2/authorize`,
    revocationUrl: `${sandbox.url}/generic/oauth2/revoke`,
    scopes: 'read',
  };
}

/** Each way an attack can point the settings at the second host (one setting, or all of them). */
function attacks(type: Type): Array<[string, Record<string, unknown>]> {
  const foreign = sandbox.foreignUrl;
  const one: Array<[string, Record<string, unknown>]> =
    type === 'deployteq-oauth2'
      ? [['authBaseUrl', { authBaseUrl: foreign }]]
      : type === 'zendesk-chat-oauth2'
        ? [['baseUrl', { baseUrl: foreign }]]
        : [
            ['tokenUrl', { tokenUrl: `${foreign}/token` }],
            ['refreshUrl', { refreshUrl: `${foreign}/refresh` }],
            ['revocationUrl', { revocationUrl: `${foreign}/revoke?to=x` }],
            ['authorizationUrl', { authorizationUrl: `${foreign}/authorize` }],
            ['issuer', { issuer: foreign }],
            ['allowHttpHosts', { allowHttpHosts: '127.0.0.2', revocationUrl: `${foreign}/revoke` }],
          ];
  const all = Object.assign({}, ...one.map(([, s]) => s));
  return [...one, ['everything', all], ['everything, attacker client', { ...all, clientId: 'attacker' }]];
}

const post = (type: Type, action: string, body: Record<string, unknown>) =>
  helper.request().post(`/oauth2-connectors/${type}/${ID}/${action}`).set('Origin', EDITOR).send({ redirectUri: HELPER_REDIRECT, ...body });

/** Sets up node `victim` of `type` in `state`; returns its stored token entry, if any. */
async function setUp(type: Type, state: State): Promise<StoredEntry | undefined> {
  const settings = settingsOf(type);
  const credentials = { clientSecret: SECRETS[type] };
  if (state === 'unknown' || state === 'authorized-before-deploy') {
    await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
    if (state === 'authorized-before-deploy') expect((await authorize(type, ID, settings, credentials)).status).toBe(200);
  } else {
    await helper.load(NODES, [{ id: ID, type, ...settings, ...(state === 'disabled' ? { d: true } : {}) }], { [ID]: credentials });
    // the disabled node is authorized with its deployed settings and stored secret (nothing typed)
    if (state !== 'running-empty') expect((await authorize(type, ID, settings, {})).status).toBe(200);
  }
  const entry = new TokenStore({ userDir, credentialSecret: 'test-credential-secret' }).read(ID);
  expect(!!entry).toBe(state !== 'unknown' && state !== 'running-empty');
  return entry;
}

describe.each(TYPES)('%s: no admin route sends anything to the second host', (type) => {
  it.each(STATES)('%s', async (state) => {
    const entry = await setUp(type, state);
    const store = new TokenStore({ userDir, credentialSecret: 'test-credential-secret' });
    const answers: unknown[] = [];
    const deployed = state !== 'unknown' && state !== 'authorized-before-deploy';
    for (const [what, changed] of attacks(type)) {
      const settings = { ...settingsOf(type), ...changed };
      for (const credentials of [{}, { clientSecret: '__PWRD__' }, { clientSecret: 'attacker-secret' }]) {
        const typed = 'clientSecret' in credentials && credentials.clientSecret !== '__PWRD__';
        const authorizeRes = await post(type, 'authorize', { settings, credentials });
        // a typed secret is the requester's own: Authorize only builds a URL, and Test may send that
        // secret where they choose (admin-route-secrets.test.ts), so Test is attacked with stored
        // ones; a node not deployed has none (its request would carry only what it typed itself)
        if (!typed && deployed) {
          const test = await post(type, 'test', { settings: { ...settings, grantType: 'client_credentials' }, credentials });
          expect([what, test.status]).toEqual([what, 400]);
          answers.push(test.body);
        }
        const disconnect = await post(type, 'disconnect', { settings, credentials });
        expect([what, disconnect.status]).toEqual([what, 200]);
        answers.push(authorizeRes.body, disconnect.body);
        if (state === 'running') {
          // the running node revokes with its deployed settings, whatever the request said
          expect(disconnect.body.outcome).toMatch(/^(revoked|no_revocation_endpoint|already_disconnected)$/);
        } else if (entry) {
          expect([what, disconnect.body.outcome]).toEqual([what, state === 'disabled' ? expect.stringMatching(/^(revoked|no_revocation_endpoint)$/) : 'provider_not_told']);
          await store.write({ ...entry, savedAt: Date.now() }); // the next attack finds the tokens again
        } else {
          expect(disconnect.body.outcome).toBe('already_disconnected');
        }
      }
    }
    const status = await helper.request().get(`/oauth2-connectors/${type}/${ID}/status`);
    const callback = await helper.request().get(`/oauth2-connectors/callback?state=forged&code=x&iss=${encodeURIComponent(sandbox.foreignUrl)}`);
    expect(callback.status).toBe(400);
    answers.push(status.body, callback.text);
    expect(sandbox.counters.foreignRequests).toBe(0);
    const text = JSON.stringify(answers);
    assertNoSecrets(text, Object.values(SECRETS));
    expect(text).not.toMatch(/(dt|zd|gen)(at|rt)_/);
    // every endpoint shown is scheme://host/path (item 8)
    expect(text).not.toMatch(/"endpoint":"[^"]*\?/);
  });
});

describe('the right configuration still revokes (positive controls)', () => {
  it('item 1: a disabled node revokes with its deployed definition, not the revocation URL in the request', async () => {
    const entry = await setUp('oauth2-client', 'disabled');
    expect(entry?.tokens?.refreshToken).toBeTruthy();
    const res = await post('oauth2-client', 'disconnect', { settings: { ...settingsOf('oauth2-client'), revocationUrl: `${sandbox.foreignUrl}/revoke` }, credentials: {} });
    expect(res.body).toMatchObject({ outcome: 'revoked', revoked: ['refresh_token', 'access_token'], endpoint: `${sandbox.url}/generic/oauth2/revoke` });
    expect(sandbox.counters.revocationRequests).toBe(2);
    expect(sandbox.counters.foreignRequests).toBe(0);
  });

  it('item 2: a node authorized before its first deploy revokes only with the settings it was authorized with', async () => {
    await setUp('oauth2-client', 'authorized-before-deploy');
    const attacker = await post('oauth2-client', 'disconnect', { settings: { ...settingsOf('oauth2-client'), clientId: 'attacker', revocationUrl: `${sandbox.foreignUrl}/revoke` }, credentials: { clientSecret: 'anything' } });
    expect(attacker.body).toMatchObject({ outcome: 'provider_not_told', revoked: [] });
    expect(attacker.body.message).toMatch(/the provider was not told .*not the ones the tokens were deployed or authorized with.*deleted here/);
    expect(sandbox.counters.foreignRequests).toBe(0);
    expect(new TokenStore({ userDir, credentialSecret: 'test-credential-secret' }).read(ID)).toBeUndefined();

    await helper.unload();
    useSettings((userDir = tempUserDir()));
    await setUp('oauth2-client', 'authorized-before-deploy');
    const owner = await post('oauth2-client', 'disconnect', { settings: settingsOf('oauth2-client'), credentials: { clientSecret: SECRETS['oauth2-client'] } });
    expect(owner.body).toMatchObject({ outcome: 'revoked', revoked: ['refresh_token', 'access_token'] });
    expect(sandbox.counters.revocationRequests).toBe(2);
  });

  it('item 7: a second Disconnect says "already disconnected", not "no revocation endpoint"', async () => {
    await setUp('oauth2-client', 'running');
    expect((await post('oauth2-client', 'disconnect', {})).body.outcome).toBe('revoked');
    const again = await post('oauth2-client', 'disconnect', {});
    expect(again.body).toMatchObject({ outcome: 'already_disconnected', revoked: [] });
    expect(again.body.message).toMatch(/^already disconnected/);
    expect(sandbox.counters.revocationRequests).toBe(2);
  });

  it('item 8: the answer shows the revocation endpoint without its query string', async () => {
    const settings = { ...settingsOf('oauth2-client'), revocationUrl: `${sandbox.url}/generic/oauth2/revoke?tenant=t1&sig=abc` };
    await helper.load(NODES, [{ id: ID, type: 'oauth2-client', ...settings }], { [ID]: { clientSecret: SECRETS['oauth2-client'] } });
    expect((await authorize('oauth2-client', ID, settings, {})).status).toBe(200);
    const res = await post('oauth2-client', 'disconnect', {});
    expect(res.body).toMatchObject({ outcome: 'revoked', endpoint: `${sandbox.url}/generic/oauth2/revoke` });
    expect(JSON.stringify(res.body)).not.toMatch(/tenant|sig=/);
  });
});
