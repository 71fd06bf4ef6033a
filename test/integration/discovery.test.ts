// Issue #18 item 1: discovery from an API URL. A resource server on 127.0.0.1 answers 401 with
// `WWW-Authenticate: Bearer resource_metadata=…` (RFC 9728) and names a real oidc-provider as its
// authorization server, whose metadata (RFC 8414 / OpenID) gives the endpoints; the token request
// then carries `resource` (RFC 8707) and oidc-provider issues a token for that audience. Documents
// that describe another resource or another issuer are refused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoverFromApi, parseChallenges, resourceFits, resourceMetadataUrl } from '../../lib/oauth2/discovery';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { fetchTransport } from '../../lib/oauth2/fetch-transport';
import { createAuthorizationRequest } from '../../lib/oauth2/authorize';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { startProtectedResource, type ProtectedResource } from '../support/protected-resource';

jest.setTimeout(60_000);

let oidc: OidcTestServer;
let rs: ProtectedResource;
let rsBase = '';

const transport = fetchTransport;

beforeAll(async () => {
  rs = await startProtectedResource(() => oidc.issuer);
  rsBase = rs.base;
  oidc = await startOidcProvider({
    clients: [{ client_id: 'disc-client', client_secret: 'shh-secret-disc', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
    resourceIndicators: { resource: rs.apiUrl, scope: 'tools:read' },
    scopes: ['openid', 'tools:read'],
  });
});
afterAll(async () => {
  await oidc?.stop();
  await rs.close();
});
beforeEach(() => rs.reset());

describe('WWW-Authenticate parsing (RFC 9110 §11.6.1)', () => {
  it('reads several challenges, quoted and token values, escapes; names are case-insensitive', () => {
    expect(parseChallenges('Bearer realm="a, b", Resource_Metadata="https://x/.well-known/y", DPoP algs="ES256 RS256", Basic realm=simple')).toEqual([
      { scheme: 'bearer', params: { realm: 'a, b', resource_metadata: 'https://x/.well-known/y' } },
      { scheme: 'dpop', params: { algs: 'ES256 RS256' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
    expect(parseChallenges('Bearer error="a\\"b"')[0].params.error).toBe('a"b');
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('RFC 9728 §3.3: the resource a document describes', () => {
  it('must be on the metadata origin and contain the API URL', () => {
    const meta = 'https://api.example.test/.well-known/oauth-protected-resource/mcp';
    expect(resourceFits('https://api.example.test/mcp', meta, 'https://api.example.test/mcp')).toBe(true);
    expect(resourceFits('https://api.example.test/mcp', meta, 'https://api.example.test/mcp/tools/list')).toBe(true);
    expect(resourceFits('https://api.example.test/', meta, 'https://api.example.test/mcp')).toBe(true);
    expect(resourceFits('https://api.example.test/mcp', meta, 'https://api.example.test/mcpx')).toBe(false);
    expect(resourceFits('https://other.example.test/mcp', meta, 'https://api.example.test/mcp')).toBe(false);
    expect(resourceFits('https://api.example.test/mcp', 'https://evil.example.test/.well-known/oauth-protected-resource', 'https://api.example.test/mcp')).toBe(false);
    expect(resourceFits('https://api.example.test/mcp?x=1', meta, 'https://api.example.test/mcp')).toBe(false);
    expect(resourceFits(undefined, meta, 'https://api.example.test/mcp')).toBe(false);
    expect(resourceMetadataUrl('https://api.example.test/mcp/')).toBe('https://api.example.test/.well-known/oauth-protected-resource/mcp');
  });
});

describe('discovery from an API URL against oidc-provider', () => {
  it('the 401 leads to the resource metadata, then to the server metadata; the token is for the resource', async () => {
    const found = await discoverFromApi(`${rsBase}/mcp`, { transport });
    expect(found).toMatchObject({
      resource: `${rsBase}/mcp`,
      resourceMetadataUrl: `${rsBase}/.well-known/oauth-protected-resource/mcp`,
      issuer: oidc.issuer,
      tokenEndpoint: oidc.tokenEndpoint,
      authorizationEndpoint: oidc.authorizationEndpoint,
      revocationEndpoint: oidc.revocationEndpoint,
      scopes: ['tools:read'],
    });
    expect(found.tokenEndpointAuthMethods).toContain('client_secret_basic');
    expect(found.codeChallengeMethods).toContain('S256');
    expect(rs.asked[0]).toBe('/mcp'); // the API was asked once, without credentials

    // RFC 8707: the resource goes on the authorize URL and on the token request
    const config = { client: { clientId: 'disc-client', clientSecret: 'shh-secret-disc', method: 'basic' as const }, tokenUrl: found.tokenEndpoint, authorizationUrl: found.authorizationEndpoint, resource: found.resource, scopes: found.scopes };
    const authorize = createAuthorizationRequest({ ...config, redirectUri: 'http://127.0.0.1:9/cb' });
    expect(new URL(authorize.url).searchParams.get('resource')).toBe(`${rsBase}/mcp`);
    const tokens = await new TokenManager({ config, grant: { type: 'client_credentials' } }).getTokens();
    const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString()) as { aud: string; scope: string };
    expect(claims.aud).toBe(`${rsBase}/mcp`);
    expect(claims.scope).toBe('tools:read');
  });

  it('without a pointer in the 401, the well-known location of the API URL is used', async () => {
    rs.challenge = () => undefined;
    const found = await discoverFromApi(`${rsBase}/mcp`, { transport });
    expect(found.resourceMetadataUrl).toBe(`${rsBase}/.well-known/oauth-protected-resource/mcp`);
    expect(found.tokenEndpoint).toBe(oidc.tokenEndpoint);
  });

  it('refuses a document that describes another resource (RFC 9728 §3.3)', async () => {
    rs.metadata = () => ({ resource: 'https://elsewhere.example.test/mcp', authorization_servers: [oidc.issuer] });
    const error = await discoverFromApi(`${rsBase}/mcp`, { transport }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error).toMatchObject({ code: 'resource_mismatch' });
    expect((error as Error).message).toMatch(/not on its origin or does not contain the API URL/);
  });

  it('never follows a pointer to metadata on another origin; a document describing another origin is refused', async () => {
    let elsewhere = 0;
    const other = createServer((_req, res) => {
      elsewhere++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: `${rsBase}/mcp`, authorization_servers: [oidc.issuer] }));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
    try {
      const otherBase = `http://127.0.0.2:${(other.address() as AddressInfo).port}`;
      rs.challenge = () => `Bearer resource_metadata="${otherBase}/.well-known/oauth-protected-resource/mcp"`;
      rs.metadata = () => ({ resource: `${otherBase}/mcp`, authorization_servers: [oidc.issuer] });
      await expect(discoverFromApi(`${rsBase}/mcp`, { transport })).rejects.toMatchObject({ code: 'resource_mismatch' });
      expect(elsewhere).toBe(0);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses server metadata whose issuer is not the one named (RFC 8414 §3.3)', async () => {
    // the resource names the provider's issuer with a trailing path: its well-known documents name another issuer
    rs.metadata = (base) => ({ resource: `${base}/mcp`, authorization_servers: [`${oidc.issuer}/`] });
    await expect(discoverFromApi(`${rsBase}/mcp`, { transport })).rejects.toMatchObject({ code: 'issuer_mismatch' });
  });

  it('says so when the API advertises nothing', async () => {
    rs.challenge = () => undefined;
    rs.metadata = () => ({});
    await expect(discoverFromApi(`${rsBase}/mcp`, { transport })).rejects.toMatchObject({ code: 'metadata_not_found' });
  });

  it('an API URL that is not https (or loopback) is refused before anything is sent', async () => {
    await expect(discoverFromApi('http://api.example.test/mcp', { transport })).rejects.toThrow(/https/);
    expect(rs.asked).toEqual([]);
  });
});
