// Issue #18 item 6: DPoP (RFC 9449) in the engine against oidc-provider requiring nonces. The code
// flow's token requests carry proofs and answer use_dpop_nonce once; the tokens are DPoP-bound; API
// calls (oidc-provider's userinfo, which checks proof, ath and binding) send `DPoP <token>` with a
// proof and answer the nonce challenge; the same token without a proof, or with another key, is refused.
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import { DpopSigner, generateDpopKey, htuOf } from '../../lib/oauth2/dpop';
import { fetchTransport } from '../../lib/oauth2/fetch-transport';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1:1/dpop-callback';
let oidc: OidcTestServer;

beforeAll(async () => {
  oidc = await startOidcProvider({
    clients: [{ client_id: 'dpop-client', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [REDIRECT], scope: 'openid offline_access api:read' }],
    dpopNonce: true,
  });
});
afterAll(async () => oidc?.stop());

it('a DPoP-bound code flow: token requests and API calls carry proofs and answer the nonce challenges', async () => {
  const dpopKey = generateDpopKey();
  const config = { client: { clientId: 'dpop-client', method: 'none' as const }, tokenUrl: oidc.tokenEndpoint, authorizationUrl: oidc.authorizationEndpoint, redirectUri: REDIRECT, scopes: ['openid', 'offline_access', 'api:read'], dpopKey, discovery: false };
  const manager = new TokenManager({ config, grant: { type: 'authorization_code' }, transport: fetchTransport });
  const pending = createAuthorizationRequest(config);
  const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
  const before = (await oidc.counters()).token;
  const tokens = await manager.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: pending.codeVerifier });
  expect(tokens.tokenType).toBe('DPoP');
  expect((await oidc.counters()).token - before).toBe(2); // the first answered use_dpop_nonce
  const userinfo = oidc.metadata.userinfo_endpoint as string;
  const me = await manager.fetch({ url: userinfo });
  expect(me.status).toBe(200);
  expect(JSON.parse(me.body.toString()).sub).toEqual(expect.any(String));
  // refresh: a proof again, the nonce already known
  const refreshed = await manager.getTokens({ forceRefresh: true });
  expect(refreshed.tokenType).toBe('DPoP');
  expect((await manager.fetch({ url: userinfo })).status).toBe(200);

  // the token alone, or with another key's proof, is refused
  const bare = await fetch(userinfo, { headers: { authorization: `DPoP ${refreshed.accessToken}` } });
  expect([400, 401]).toContain(bare.status); // refused: no proof
  const other = new DpopSigner(generateDpopKey());
  const stolen = await fetch(userinfo, { headers: { authorization: `DPoP ${refreshed.accessToken}`, dpop: other.proof('GET', userinfo, refreshed.accessToken) } });
  expect([400, 401]).toContain(stolen.status); // refused: the proof is not of the key the token is bound to
});

it('proofs: typ dpop+jwt, the public key, htm, htu without query, ath of the token; a P-256 key only', () => {
  const signer = new DpopSigner(generateDpopKey());
  const [h, p] = signer.proof('post', 'https://api.example.test/x?y=1#z', 'token-value').split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
  expect(header.jwk.d).toBeUndefined();
  expect(claims).toMatchObject({ htm: 'POST', htu: 'https://api.example.test/x', ath: expect.any(String), jti: expect.any(String) });
  expect(htuOf('https://a.example/p?q#f')).toBe('https://a.example/p');
  expect(() => new DpopSigner('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----')).toThrow(/DPoP key/);
});
