// Issue #18 item 5: token exchange (RFC 8693) in the engine against oidc-provider taught the grant:
// a client-credentials token of one client is traded by another for a token for an audience; the
// subject can come as a value or from a getter asked at each exchange; a subject the server does not
// know is invalid_grant, and no error holds the subject token.
import { OAuth2Error } from '../../lib/oauth2/errors';
import { TOKEN_TYPE } from '../../lib/oauth2/grants';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';

jest.setTimeout(60_000);

let oidc: OidcTestServer;
const SUBJECT_SECRET = 'shh-secret-subject';
const EXCHANGE_SECRET = 'shh-secret-exchanger';

beforeAll(async () => {
  oidc = await startOidcProvider({
    clients: [
      { client_id: 'subject-client', client_secret: SUBJECT_SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
      { client_id: 'exchanger', client_secret: EXCHANGE_SECRET, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], response_types: [], redirect_uris: [] },
    ],
    tokenExchange: true,
    scopes: ['openid', 'api:read'],
  });
});
afterAll(async () => oidc?.stop());

const subjectManager = () => new TokenManager({ config: { client: { clientId: 'subject-client', clientSecret: SUBJECT_SECRET, method: 'basic' }, tokenUrl: oidc.tokenEndpoint, scopes: ['api:read'], discovery: false }, grant: { type: 'client_credentials' } });
const exchanger = (subjectToken: string | (() => Promise<string>), extra: Record<string, string> = {}) =>
  new TokenManager({
    config: { client: { clientId: 'exchanger', clientSecret: EXCHANGE_SECRET, method: 'basic' }, tokenUrl: oidc.tokenEndpoint, scopes: ['api:read'], discovery: false },
    grant: { type: 'token_exchange', exchange: { subjectToken, audience: 'https://downstream.example.test', requestedTokenType: TOKEN_TYPE.accessToken, ...extra } },
  });

it('a subject token is traded for a token for the audience', async () => {
  const subject = await subjectManager().getAccessToken();
  const tokens = await exchanger(subject).getTokens();
  expect(tokens.accessToken).not.toBe(subject);
  expect((await oidc.counters()).tokenExchange).toEqual({ subjectClient: 'subject-client', audience: 'https://downstream.example.test', requested: TOKEN_TYPE.accessToken, scope: 'api:read', resource: null });
});

it('from a getter: the other credential\'s current token is asked for at each exchange', async () => {
  const source = subjectManager();
  let asked = 0;
  const m = exchanger(async () => {
    asked++;
    return source.getAccessToken();
  });
  await m.getTokens();
  await m.getTokens({ forceRefresh: true });
  expect(asked).toBe(2);
});

it('a subject token the server does not know: invalid_grant, and the message holds no subject token', async () => {
  const bogus = 'not-a-token-this-server-issued-0123456789';
  const error = await exchanger(bogus).getTokens().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OAuth2Error);
  expect(error).toMatchObject({ code: 'invalid_grant' });
  expect((error as Error).message).not.toContain(bogus);
});
