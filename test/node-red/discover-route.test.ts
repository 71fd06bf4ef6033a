// Issue #18 item 1 in Node-RED: the generic client's "Discover" admin route. The runtime reads a
// protected resource's metadata (RFC 9728) and its authorization server's (a real oidc-provider),
// and answers with what it found and the settings that fill the dialog; then a flow deployed with
// those settings gets a token for the resource (RFC 8707). Refusals come back as clear errors.
import { useOidcFixture } from './support/oidc-fixture';
import { helper, NODES, collectMessages } from './support/helper';

jest.setTimeout(60_000);

const SECRET = 'shh-secret-nr-disc';
const fx = useOidcFixture((rs) => ({
  clients: [{ client_id: 'nr-disc', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
  resourceIndicators: { resource: rs.apiUrl, scope: 'tools:read' },
  scopes: ['openid', 'tools:read'],
}));

const discover = (body: unknown) => helper.request().post('/oauth2-connectors/oauth2-client/discover').send(body);

test('Discover answers the settings for the dialog and what it found; a flow with them gets a token for the resource', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const res = await discover({ url: fx.rs().apiUrl });
  expect(res.status).toBe(200);
  expect(res.body.settings).toEqual({ tokenUrl: fx.oidc().tokenEndpoint, authorizationUrl: fx.oidc().authorizationEndpoint, revocationUrl: fx.oidc().revocationEndpoint, pushedAuthorizationRequestUrl: fx.oidc().metadata.pushed_authorization_request_endpoint, issuer: fx.oidc().issuer, resource: fx.rs().apiUrl, scopes: 'tools:read' });
  expect(res.body.found).toMatchObject({ issuer: fx.oidc().issuer, resource: fx.rs().apiUrl, registration: false, deviceFlow: false, pushedAuthorization: expect.any(String) });
  expect(res.body.found.pkceMethods).toContain('S256');

  await helper.unload();
  await helper.load(NODES, [
    { id: 'oc', type: 'oauth2-client', grantType: 'client_credentials', clientId: 'nr-disc', clientAuth: 'basic', discoverFrom: fx.rs().apiUrl, ...res.body.settings },
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: fx.rs().apiUrl, ret: 'obj', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ], { oc: { clientSecret: SECRET } });
  const out = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive({});
  expect((await out)[0].payload).toEqual({ ok: true });
  expect(fx.rs().bearers).toHaveLength(1);
  const claims = JSON.parse(Buffer.from(fx.rs().bearers[0].replace(/^Bearer /, '').split('.')[1], 'base64url').toString()) as { aud: string; scope: string };
  expect(claims).toMatchObject({ aud: fx.rs().apiUrl, scope: 'tools:read' });
});

test('refusals and bad input are clear errors', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  expect((await discover({})).body.error).toMatch(/Enter the API URL/);
  expect((await discover({ url: 'http://api.example.test/mcp' })).body.error).toMatch(/https/);
  fx.rs().metadata = () => ({ resource: 'https://elsewhere.example.test/mcp', authorization_servers: [fx.oidc().issuer] });
  const refused = await discover({ url: fx.rs().apiUrl });
  expect(refused.status).toBe(400);
  expect(refused.body.error).toMatch(/resource_mismatch/);
});
