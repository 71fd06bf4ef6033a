// Issue #18 item 5 in Node-RED: oauth2-client with the token exchange grant (RFC 8693) against
// oidc-provider taught the grant. The subject token comes from another configuration node (its
// current token, asked at each exchange) or from each message (`msg.subjectToken`, one exchanged
// token per subject while valid, never passed on with the message). "Test" works for the former and
// says why it cannot for the latter.
import { useOidcFixture } from './support/oidc-fixture';
import { assertNoSecrets, collectMessages, helper, NODES } from './support/helper';
import { TokenManager } from '../../lib/oauth2/token-manager';

jest.setTimeout(60_000);

const SUBJECT_SECRET = 'shh-secret-nr-subject';
const EXCHANGE_SECRET = 'shh-secret-nr-exchanger';
const fx = useOidcFixture(() => ({
  clients: [
    { client_id: 'nr-subject', client_secret: SUBJECT_SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
    { client_id: 'nr-exchanger', client_secret: EXCHANGE_SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], response_types: [], redirect_uris: [] },
  ],
  tokenExchange: true,
  scopes: ['openid', 'api:read'],
}));

const source = () => ({ id: 'src', type: 'oauth2-client', grantType: 'client_credentials', tokenUrl: fx.oidc().tokenEndpoint, clientId: 'nr-subject', clientAuth: 'basic', scopes: 'api:read' });
const exchanger = (extra: Record<string, unknown>) => ({ id: 'ex', type: 'oauth2-client', grantType: 'token_exchange', tokenUrl: fx.oidc().tokenEndpoint, clientId: 'nr-exchanger', clientAuth: 'basic', audience: 'https://downstream.example.test', scopes: 'api:read', ...extra });
const flow = (extra: Record<string, unknown>) => [
  source(),
  exchanger(extra),
  { id: 'rq', type: 'oauth2-request', client: 'ex', method: 'GET', url: fx.rs().apiUrl, ret: 'obj', wires: [['out']] },
  { id: 'out', type: 'helper' },
];
const creds = { src: { clientSecret: SUBJECT_SECRET }, ex: { clientSecret: EXCHANGE_SECRET } };

test("from another configuration: its current token is exchanged; Test does the same", async () => {
  await helper.load(NODES, flow({ subjectFrom: 'client', subjectClient: 'src' }), creds);
  const out = collectMessages(helper.getNode('out'), 1);
  helper.getNode('rq').receive({});
  expect((await out)[0].payload).toEqual({ ok: true });
  expect((await fx.oidc().counters()).tokenExchange).toMatchObject({ subjectClient: 'nr-subject', audience: 'https://downstream.example.test' });
  const tested = await helper.request().post('/oauth2-connectors/oauth2-client/ex/test').send({ settings: exchanger({ subjectFrom: 'client', subjectClient: 'src' }), credentials: { clientSecret: EXCHANGE_SECRET } });
  expect(tested.body).toMatchObject({ ok: true });
});

test('from the message: one exchange per subject while its token is valid; the subject is not passed on; Test says it cannot', async () => {
  await helper.load(NODES, flow({ subjectFrom: 'message' }), creds);
  const subject = await new TokenManager({ config: { client: { clientId: 'nr-subject', clientSecret: SUBJECT_SECRET, method: 'basic' }, tokenUrl: fx.oidc().tokenEndpoint, scopes: ['api:read'] }, grant: { type: 'client_credentials' } }).getAccessToken();
  const before = (await fx.oidc().counters()).byGrant['urn:ietf:params:oauth:grant-type:token-exchange'] ?? 0;
  const out = collectMessages(helper.getNode('out'), 2);
  helper.getNode('rq').receive({ subjectToken: subject });
  helper.getNode('rq').receive({ subjectToken: subject });
  const msgs = await out;
  expect(msgs.map((m) => m.payload)).toEqual([{ ok: true }, { ok: true }]);
  expect(msgs.every((m) => !('subjectToken' in m))).toBe(true);
  assertNoSecrets(JSON.stringify(msgs), [subject]);
  expect(((await fx.oidc().counters()).byGrant['urn:ietf:params:oauth:grant-type:token-exchange'] ?? 0) - before).toBe(1);
  const tested = await helper.request().post('/oauth2-connectors/oauth2-client/ex/test').send({ settings: exchanger({ subjectFrom: 'message' }), credentials: { clientSecret: EXCHANGE_SECRET } });
  expect(tested.body.error).toMatch(/no message whose subject token/);
});
