// Issue #18 item 4: the JWT bearer assertion grant (RFC 7523 §2.1) against a real oidc-provider
// that verifies the assertion (signature with the service account's public key, iss, sub, aud = its
// token endpoint, iat/exp at most an hour, a fresh jti) — RS256 and ES256 keys, scopes in the
// request or (Google's way) in the assertion. Every token request signs a new assertion.
import { generateKeyPairSync } from 'node:crypto';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { clientAuthParts } from '../../lib/oauth2/client-auth';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { JwtBearerAssertion } from '../../lib/oauth2/jwt';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';

jest.setTimeout(60_000);

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const keys = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
};
const pem = (alg: keyof typeof keys) => keys[alg].privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const servers: Partial<Record<string, OidcTestServer>> = {};

async function server(alg: keyof typeof keys, scopeClaim = false): Promise<OidcTestServer> {
  const name = `${alg}-${scopeClaim}`;
  servers[name] ??= await startOidcProvider({
    clients: [{ client_id: 'sa-client', token_endpoint_auth_method: 'none', grant_types: [GRANT], response_types: [], redirect_uris: [] }],
    jwtBearer: { issuer: 'robot@project.iam.example.test', publicJwk: keys[alg].publicKey.export({ format: 'jwk' }), scopeClaim },
    scopes: ['openid', 'api:read'],
  });
  return servers[name] as OidcTestServer;
}
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
});

const assertion = (alg: keyof typeof keys, extra: Partial<JwtBearerAssertion> = {}): JwtBearerAssertion => ({ issuer: 'robot@project.iam.example.test', signing: { alg, key: pem(alg), kid: `kid-${alg}` }, ...extra });
const manager = (as: OidcTestServer, a: JwtBearerAssertion) =>
  new TokenManager({ config: { client: { clientId: 'sa-client', method: 'none' }, tokenUrl: as.tokenEndpoint, scopes: ['api:read'], discovery: false }, grant: { type: 'jwt_bearer', assertion: a } });

describe.each(['RS256', 'ES256'] as const)('%s key', (alg) => {
  it('the server verifies the assertion and issues a token; each token request signs a new one (fresh jti)', async () => {
    const as = await server(alg);
    const m = manager(as, assertion(alg));
    const first = await m.getTokens();
    expect(first).toMatchObject({ tokenType: 'Bearer', scope: 'api:read' });
    expect((await as.counters()).jwtBearer).toEqual({ kid: `kid-${alg}`, alg, sub: 'robot@project.iam.example.test', scopeClaim: null, scopeParam: 'api:read' });
    const second = await m.getTokens({ forceRefresh: true }); // the server refuses a jti it has seen
    expect(second.accessToken).not.toBe(first.accessToken);
  });
});

it('scopes in the assertion (Google service accounts): no scope parameter; a subject to act for', async () => {
  const as = await server('RS256', true);
  await manager(as, assertion('RS256', { scopeClaim: true, subject: 'user@example.test' })).getTokens();
  expect((await as.counters()).jwtBearer).toMatchObject({ sub: 'user@example.test', scopeClaim: 'api:read', scopeParam: null });
});

it('a key the server does not know, or another audience: invalid_grant, and the message holds no key or assertion', async () => {
  const as = await server('RS256');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const error = await manager(as, { issuer: 'robot@project.iam.example.test', signing: { alg: 'RS256', key: other } }).getTokens().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OAuth2Error);
  expect((error as OAuth2Error).code).toBe('invalid_grant');
  expect((error as Error).message).not.toMatch(/PRIVATE KEY|eyJ/);
  await expect(manager(as, assertion('RS256', { audience: 'https://elsewhere.example.test' })).getTokens()).rejects.toMatchObject({ code: 'invalid_grant' });
});

it('without a client (RFC 7523: client authentication is optional) nothing of a client is sent', () => {
  expect(clientAuthParts({ clientId: '', method: 'none' }, 'https://as.example.test/token')).toEqual({ headers: {}, params: {} });
  expect(() => clientAuthParts({ clientId: '', method: 'basic', clientSecret: 'x' }, 'https://as.example.test/token')).toThrow(/client ID is empty/);
});
