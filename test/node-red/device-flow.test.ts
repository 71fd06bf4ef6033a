// Issue #18 item 3 in Node-RED: oauth2-client with the device grant against oidc-provider's device
// flow. "Authorize" answers the user code and the verification URIs (never the device code); the
// user confirms on the provider's pages; the runtime polls and installs the tokens; a flow uses
// them. No redirect URI is involved.
import { useOidcFixture } from './support/oidc-fixture';
import { startAuthorize, status } from './support/authorize';
import { collectMessages, helper, NODES, waitFor } from './support/helper';
import { confirmDevice } from '../support/user-agent';

jest.setTimeout(90_000);

const fx = useOidcFixture(() => ({
  clients: [{ client_id: 'nr-device', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] }],
  deviceFlow: true,
  scopes: ['openid', 'api:read'],
}));

const settings = () => ({ grantType: 'device_code', tokenUrl: fx.oidc().tokenEndpoint, deviceAuthorizationUrl: fx.oidc().metadata.device_authorization_endpoint as string, clientId: 'nr-device', clientAuth: 'none', scopes: 'openid api:read' });

test('Authorize shows the user code; after the user confirms, the runtime has the tokens and a flow uses them', async () => {
  await helper.load(NODES, [
    { id: 'oc', type: 'oauth2-client', ...settings() },
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: fx.rs().apiUrl, ret: 'obj', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const start = (await startAuthorize('oauth2-client', 'oc', settings())) as unknown as { device: Record<string, unknown> };
  expect(Object.keys(start.device).sort()).toEqual(['expiresAt', 'userCode', 'verificationUri', 'verificationUriComplete']);
  expect(String(start.device.verificationUri)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/device$/);
  expect((await status('oauth2-client', 'oc')).attempt).toMatchObject({ status: 'pending' });
  expect(await confirmDevice(String(start.device.verificationUriComplete))).toMatch(/Sign-in Success/);
  const done = await waitFor(async () => {
    const s = await status('oauth2-client', 'oc');
    return s.attempt?.status === 'success' ? s : undefined;
  }, 30_000, 'the device authorization to finish');
  expect(done?.tokens).toMatchObject({ authorized: true, scope: 'openid api:read' });

  const out = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive({});
  expect((await out)[0].payload).toEqual({ ok: true });
  expect(fx.rs().bearers).toHaveLength(1);
});

test('without a device authorization URL, Authorize says what is missing; Test refuses the device grant', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const res = await helper.request().post('/oauth2-connectors/oauth2-client/n1/authorize').set('Origin', 'http://127.0.0.1:1880').send({ settings: { ...settings(), deviceAuthorizationUrl: '' }, credentials: {}, redirectUri: 'http://127.0.0.1:1880/oauth2-connectors/callback' });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatch(/device authorization URL/);
  const tested = await helper.request().post('/oauth2-connectors/oauth2-client/n1/test').send({ settings: settings(), credentials: {} });
  expect(tested.body.error).toMatch(/use "Authorize"/);
});
