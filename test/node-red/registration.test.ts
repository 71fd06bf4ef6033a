// Issue #18 item 2 in Node-RED: "Register" (RFC 7591) against oidc-provider's registration endpoint,
// found through the API's metadata. The editor gets the client ID and client authentication, never
// the secret, which the runtime keeps encrypted; Authorize then works with no secret typed; the kept
// secret is never lent to settings that send credentials to another server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callback, HELPER_REDIRECT, startAuthorize, status } from './support/authorize';
import { useOidcFixture } from './support/oidc-fixture';
import { helper, NODES } from './support/helper';
import { followAuthorize } from '../support/user-agent';

jest.setTimeout(60_000);

const fx = useOidcFixture((rs) => ({ clients: [], registration: true, resourceIndicators: { resource: rs.apiUrl, scope: 'api:read' }, scopes: ['openid', 'offline_access', 'api:read'] }));

const register = (id: string, settings: Record<string, unknown>) =>
  helper.request().post(`/oauth2-connectors/oauth2-client/${id}/register`).set('Origin', new URL(HELPER_REDIRECT).origin).send({ settings, redirectUri: HELPER_REDIRECT });
const storeText = () => {
  const dir = path.join(fx.userDir(), '.oauth2-connectors');
  return fs.readdirSync(dir).filter((f) => f.startsWith('tokens-')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
};

test('Register gives the dialog a client ID, keeps the secret in the runtime, and Authorize works without a typed secret', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const discovered = (await helper.request().post('/oauth2-connectors/oauth2-client/discover').send({ url: fx.rs().apiUrl })).body.settings as Record<string, string>;
  const settings = { grantType: 'authorization_code', discoverFrom: fx.rs().apiUrl, ...discovered, scopes: 'openid api:read', name: 'registered' };
  const res = await register('oc', settings);
  expect(res.status).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(['clientAuth', 'clientId', 'secretKept', 'tokenUrl']);
  expect(res.body).toMatchObject({ clientAuth: 'basic', secretKept: true, tokenUrl: fx.oidc().tokenEndpoint });
  expect(storeText()).not.toMatch(/client_secret|registration_access_token/);

  const start = await startAuthorize('oauth2-client', 'oc', { ...settings, clientId: res.body.clientId, clientAuth: 'basic' }, {});
  const page = await callback((await followAuthorize(start.authorizeUrl, HELPER_REDIRECT)).search);
  expect(page.status).toBe(200);
  expect((await status('oauth2-client', 'oc')).tokens).toMatchObject({ authorized: true });
});

test('the kept secret is not lent to settings that send credentials elsewhere', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const settings = { grantType: 'client_credentials', issuer: fx.oidc().issuer, tokenUrl: fx.oidc().tokenEndpoint, scopes: 'api:read' };
  const res = await register('cc', settings);
  expect(res.body).toMatchObject({ secretKept: true });
  // the same client, its token URL pointed at another server: no secret goes there
  const elsewhere = await helper.request().post('/oauth2-connectors/oauth2-client/cc/test').send({ settings: { ...settings, clientId: res.body.clientId, clientAuth: 'basic', tokenUrl: `${fx.rs().base}/token` }, credentials: {} });
  expect(elsewhere.status).toBe(400);
  expect(fx.rs().bearers).toEqual([]);
  // with the server it was registered at, Test gets a token
  const tested = await helper.request().post('/oauth2-connectors/oauth2-client/cc/test').send({ settings: { ...settings, clientId: res.body.clientId, clientAuth: 'basic' }, credentials: {} });
  expect(tested.body).toMatchObject({ ok: true });
});

test('without a way to the server, or a server without registration, Register says so', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  expect((await register('x', { grantType: 'authorization_code' })).body.error).toMatch(/needs the API URL \(Discover\) or the issuer/);
  expect((await register('x', { grantType: 'password', issuer: fx.oidc().issuer })).body.error).toMatch(/is for the authorization code, device code and client credentials grants/);
});
