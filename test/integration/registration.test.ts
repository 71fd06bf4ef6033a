// Issue #18 item 2: dynamic client registration (RFC 7591) against oidc-provider's registration
// endpoint: the registered client (secret and registration access token included) completes an
// authorization code flow with PKCE; a refused registration is the server's error code, and no
// secret appears in any error.
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { fetchTransport } from '../../lib/oauth2/fetch-transport';
import { registerClient, registrationAuthMethod } from '../../lib/oauth2/registration';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { followAuthorize } from '../support/user-agent';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1:1/registered-callback';
let oidc: OidcTestServer;

beforeAll(async () => {
  oidc = await startOidcProvider({ clients: [], registration: true, scopes: ['openid', 'offline_access', 'api:read'] });
});
afterAll(async () => oidc?.stop());

it('registers a confidential client that then completes a code flow with PKCE', async () => {
  const auth = registrationAuthMethod(oidc.metadata.token_endpoint_auth_methods_supported as string[]);
  expect(auth).toEqual({ registered: 'client_secret_basic', method: 'basic' });
  const client = await registerClient(oidc.metadata.registration_endpoint as string, { redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: auth.registered, client_name: 'Node-RED test' }, { transport: fetchTransport });
  expect(client).toMatchObject({ clientId: expect.any(String), clientSecret: expect.any(String), registrationAccessToken: expect.any(String), tokenEndpointAuthMethod: 'client_secret_basic' });
  const config = { client: { clientId: client.clientId, clientSecret: client.clientSecret, method: auth.method }, tokenUrl: oidc.tokenEndpoint, authorizationUrl: oidc.authorizationEndpoint, redirectUri: REDIRECT, scopes: ['openid', 'api:read'] };
  const pending = createAuthorizationRequest(config);
  const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
  const tokens = await new TokenManager({ config, grant: { type: 'authorization_code' } }).exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: pending.codeVerifier });
  expect(tokens.accessToken).toEqual(expect.any(String));
});

it('a refused registration is the server\'s error code, without secrets', async () => {
  const error = await registerClient(oidc.metadata.registration_endpoint as string, { redirect_uris: ['not a uri'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }, { transport: fetchTransport, initialAccessToken: 'shh-secret-initial-token' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OAuth2Error);
  expect((error as OAuth2Error).code).toMatch(/invalid_redirect_uri|invalid_client_metadata/);
  expect((error as Error).message).not.toContain('shh-secret-initial-token');
});

it('no client authentication the server offers but none: a public client', () => {
  expect(registrationAuthMethod(['private_key_jwt', 'none'])).toEqual({ registered: 'none', method: 'none' });
  expect(registrationAuthMethod(['client_secret_post'])).toEqual({ registered: 'client_secret_post', method: 'body' });
});
