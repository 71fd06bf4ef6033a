// Issue #8 items 2 (the engine's side, which Node-RED uses) and 8: a credential never follows a
// redirect to another origin, and errors show URLs as scheme://host/path only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2ConfigError, OAuth2TransportError } from '../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../lib/oauth2/grants';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { startSandbox, type Sandbox } from '../../sandbox';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ maxLifetimeMs: 5 * 60_000 });
});
afterAll(() => sb?.close());
beforeEach(() => sb.reset());

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  retry: { maxRetries: 0 },
  ...extra,
});

it('the second host is there to count what reaches it', () => {
  expect(sb.foreignUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
});

it('a 302 to another origin is handed back, not followed: the other host receives nothing', async () => {
  const manager = new TokenManager({ config: config(), grant: { type: 'client_credentials' } });
  sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'redirect-cross-origin' });
  const response = await manager.fetch({ url: `${sb.url}/generic/api/me` });
  expect(response.status).toBe(302);
  expect(response.headers.location).toContain('127.0.0.2');
  expect(sb.counters.foreignRequests).toBe(0);
});

it('a token endpoint that redirects is an error, and the client secret does not follow', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(307, { location: `${sb.foreignUrl}/token` });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    const error = await clientCredentialsGrant({ config: config({ tokenUrl }) }).catch((e) => e);
    expect(error.code).toBe('http_error');
    expect(error.status).toBe(307);
    expect(sb.counters.foreignRequests).toBe(0);
  } finally {
    server.close();
  }
});

describe('URLs in errors: scheme://host/path, never user info or query', () => {
  it('an API URL with a password in it is refused before anything is sent, without repeating it', async () => {
    const manager = new TokenManager({ config: config(), grant: { type: 'client_credentials' } });
    const port = new URL(sb.url).port;
    const error = await manager.fetch({ url: `http://svc:S3cretPassw0rd@127.0.0.1:${port}/generic/api/me` }).catch((e) => e);
    expect(error).toBeInstanceOf(OAuth2ConfigError);
    expect(`${error.message} ${error.stack}`).not.toContain('S3cretPassw0rd');
    expect(sb.counters.tokenRequests).toBe(0);
  });

  it('a network failure names the host and path, not the query', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const manager = new TokenManager({ config: config(), grant: { type: 'client_credentials' } });
    await manager.getTokens();
    const error = await manager.fetch({ url: `http://127.0.0.1:${port}/v1/items?apikey=K3y-in-query&x=1` }).catch((e) => e);
    expect(error).toBeInstanceOf(OAuth2TransportError);
    expect(error.message).toContain(`http://127.0.0.1:${port}/v1/items`);
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('K3y-in-query');
  });

  it('a timeout names the host and path, not the query', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const error = await clientCredentialsGrant({ config: config({ tokenUrl: `http://127.0.0.1:${port}/token?client_secret=Q-S3cret`, timeoutMs: 200 }) }).catch((e) => e);
      expect(error.code).toBe('timeout');
      expect(error.message).toContain(`http://127.0.0.1:${port}/token within 200 ms`);
      expect(error.message).not.toContain('Q-S3cret');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
