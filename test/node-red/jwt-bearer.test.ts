// Issue #18 item 4 in Node-RED: oauth2-client with the JWT bearer grant (a service account) against
// a real oidc-provider that verifies the assertion. "Test" gets a token without a user; a flow's
// oauth2-request sends the token to an API; the private key never reaches a message, status or log.
import { useOidcFixture } from './support/oidc-fixture';
import { generateKeyPairSync } from 'node:crypto';
import { assertNoSecrets, collectMessages, helper, NODES } from './support/helper';

jest.setTimeout(60_000);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const fx = useOidcFixture(() => ({
  clients: [{ client_id: 'nr-sa', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], response_types: [], redirect_uris: [] }],
  jwtBearer: { issuer: 'robot@nr.iam.example.test', publicJwk: publicKey.export({ format: 'jwk' }) },
  scopes: ['openid', 'api:read'],
}));

const settings = () => ({ grantType: 'jwt_bearer', tokenUrl: fx.oidc().tokenEndpoint, clientId: 'nr-sa', clientAuth: 'none', jwtIssuer: 'robot@nr.iam.example.test', jwtSubject: 'user@example.test', jwtKeyId: 'k1', scopes: 'api:read' });

test('"Test" runs the JWT bearer grant with the dialog\'s settings and key; a flow sends the token to the API', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const tested = await helper.request().post('/oauth2-connectors/oauth2-client/n1/test').send({ settings: settings(), credentials: { jwtPrivateKey: PEM } });
  expect(tested.status).toBe(200);
  expect(tested.body).toMatchObject({ ok: true, scope: 'api:read' });
  expect((await fx.oidc().counters()).jwtBearer).toEqual({ kid: 'k1', alg: 'RS256', sub: 'user@example.test', scopeClaim: null, scopeParam: 'api:read' });
  assertNoSecrets(JSON.stringify(tested.body), [PEM]);

  await helper.unload();
  await helper.load(NODES, [
    { id: 'oc', type: 'oauth2-client', ...settings() },
    { id: 'rq', type: 'oauth2-request', client: 'oc', method: 'GET', url: fx.rs().apiUrl, ret: 'obj', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ], { oc: { jwtPrivateKey: PEM.replace(/\n/g, '') } }); // as the editor's one-line input saves it
  const out = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive({});
  const [msg] = await out;
  expect(msg.payload).toEqual({ ok: true });
  expect(fx.rs().bearers).toHaveLength(1);
  assertNoSecrets(JSON.stringify(msg), [PEM, fx.rs().bearers[0].slice(7)]);
});

test('a missing key or issuer is a clear configuration error', async () => {
  await helper.load(NODES, [{ id: 'other', type: 'helper' }]);
  const noKey = await helper.request().post('/oauth2-connectors/oauth2-client/n1/test').send({ settings: settings(), credentials: {} });
  expect(noKey.body.error).toMatch(/needs a private key/);
  const noIssuer = await helper.request().post('/oauth2-connectors/oauth2-client/n1/test').send({ settings: { ...settings(), jwtIssuer: '' }, credentials: { jwtPrivateKey: PEM } });
  expect(noIssuer.body.error).toMatch(/needs an issuer/);
});
