// Issue #18 item 8 in Node-RED: the authorization code grant with a pushed authorization request
// (RFC 9126) against oidc-provider. Authorize pushes the request (client authenticated) and the
// editor gets a URL with only client_id and request_uri; the callback completes as always. A
// refused push is a clear error and opens nothing.
import { callback, HELPER_REDIRECT, startAuthorize, status } from './support/authorize';
import { helper, NODES, tempUserDir, useSettings } from './support/helper';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';

jest.setTimeout(60_000);

const SECRET = 'shh-secret-par+%';
let oidc: OidcTestServer;

beforeAll(async () => {
  oidc = await startOidcProvider({
    clients: [{ client_id: 'nr-par', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [HELPER_REDIRECT], scope: 'openid offline_access api:read' }],
  });
});
beforeEach(() => useSettings(tempUserDir()));
afterEach(async () => helper.unload());
afterAll(async () => oidc?.stop());

const settings = () => ({ grantType: 'authorization_code', clientId: 'nr-par', clientAuth: 'basic', tokenUrl: oidc.tokenEndpoint, authorizationUrl: oidc.authorizationEndpoint, pushedAuthorizationRequestUrl: oidc.metadata.pushed_authorization_request_endpoint as string, scopes: 'openid api:read' });

test('Authorize pushes the request; the browser URL carries only client_id and request_uri; the callback stores the tokens', async () => {
  await helper.load(NODES, [{ id: 'oc', type: 'oauth2-client', ...settings() }], { oc: { clientSecret: SECRET } });
  const start = await startAuthorize('oauth2-client', 'oc', settings(), { clientSecret: SECRET });
  const url = new URL(start.authorizeUrl);
  expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  expect(start.authorizeUrl).not.toContain('code_challenge');
  const page = await callback((await followAuthorize(start.authorizeUrl, HELPER_REDIRECT)).search);
  expect(page.status).toBe(200);
  expect((await status('oauth2-client', 'oc')).tokens).toMatchObject({ authorized: true });
});

test('a refused push (wrong secret) is a clear error and no URL to open', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const res = await helper.request().post('/oauth2-connectors/oauth2-client/n1/authorize').set('Origin', new URL(HELPER_REDIRECT).origin).send({ settings: settings(), credentials: { clientSecret: 'wrong-secret-par' }, redirectUri: HELPER_REDIRECT });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatch(/invalid_client/);
  expect(res.body.authorizeUrl).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toContain('wrong-secret-par');
});
