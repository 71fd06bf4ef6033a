// Issue #18 item 6 in Node-RED: oauth2-client with DPoP against oidc-provider requiring nonces. The
// config node's key is made once and kept in its encrypted token-store entry; Authorize binds the
// tokens to it; oauth2-request calls the userinfo endpoint with proofs; after a restart (flows
// loaded again from the same user dir) the same key still proves the stored tokens.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callback, HELPER_REDIRECT, startAuthorize } from './support/authorize';
import { collectMessages, helper, NODES, tempUserDir, useSettings } from './support/helper';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';

jest.setTimeout(60_000);

let oidc: OidcTestServer;

beforeAll(async () => {
  oidc = await startOidcProvider({
    clients: [{ client_id: 'nr-dpop', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [HELPER_REDIRECT], scope: 'openid offline_access' }],
    dpopNonce: true,
  });
});
afterAll(async () => oidc?.stop());

const settings = () => ({ grantType: 'authorization_code', clientId: 'nr-dpop', clientAuth: 'none', tokenUrl: oidc.tokenEndpoint, authorizationUrl: oidc.authorizationEndpoint, scopes: 'openid offline_access', dpop: true });
const flow = () => [
  { id: 'oc', type: 'oauth2-client', ...settings() },
  { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: oidc.metadata.userinfo_endpoint as string, ret: 'obj', wires: [['out']] },
  { id: 'out', type: 'helper' },
];

async function callUserinfo(): Promise<unknown> {
  const out = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive({});
  return (await out)[0].payload;
}

test('the key is kept encrypted with the tokens; calls carry proofs; a restart keeps the key the tokens are bound to', async () => {
  const userDir = tempUserDir();
  useSettings(userDir);
  await helper.load(NODES, flow());
  const start = await startAuthorize('oauth2-client', 'oc', settings());
  expect((await callback((await followAuthorize(start.authorizeUrl, HELPER_REDIRECT)).search)).status).toBe(200);
  expect(await callUserinfo()).toMatchObject({ sub: expect.any(String) });
  const dir = path.join(userDir, '.oauth2-connectors');
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('tokens-')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  expect(files).not.toMatch(/PRIVATE KEY|BEGIN/);

  await helper.unload();
  useSettings(userDir);
  await helper.load(NODES, flow()); // a restart: the stored tokens and the same key
  expect(await callUserinfo()).toMatchObject({ sub: expect.any(String) });
});
