// Issue #10 items 2, 3 and 4 (the engine's part): lifecycle events of a credential, the refresh
// token's lifetime, and RFC 7009 revocation, against the provider sandbox.
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import type { CredentialEvent } from '../../lib/oauth2/events';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { createServer, type Server } from 'node:http';
import { startSandbox, type Sandbox } from '../../sandbox';
import { followAuthorize } from '../support/user-agent';

const REDIRECT = 'http://127.0.0.1:1/callback';
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ consent: 'auto-approve', maxLifetimeMs: 5 * 60_000 });
});
afterAll(() => sb?.close());
beforeEach(() => {
  sb.reset();
  sb.configure({ consent: 'auto-approve', refreshTokenLifetime: null, genericRevocation: 'on', rotateRefreshTokens: true });
});

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  authorizationUrl: `${sb.url}/generic/oauth2/authorize`,
  redirectUri: REDIRECT,
  scopes: ['read'],
  retry: { maxRetries: 0 },
  ...extra,
});
const me = () => `${sb.url}/generic/api/me`;

async function authorized(extra: Partial<OAuth2Config> = {}, events: CredentialEvent[] = []): Promise<TokenManager> {
  const manager = new TokenManager({ config: config(extra), grant: { type: 'authorization_code' }, hooks: { onEvent: (e) => events.push(e) } });
  const pending = createAuthorizationRequest(config(extra));
  const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
  await manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
  return manager;
}

it('events: obtained, refreshed + rotated, refresh failed (will retry), recovered, reconnect needed; no secret in any', async () => {
  const events: CredentialEvent[] = [];
  const manager = await authorized({}, events);
  sb.expireAccessTokens('generic');
  await manager.fetch({ url: me() });
  sb.addFault({ provider: 'generic', endpoint: 'token', kind: 'unavailable-503', times: 1, retryAfter: 0 });
  await expect(manager.getTokens({ forceRefresh: true })).rejects.toThrow(/temporarily_unavailable/);
  await manager.getTokens({ forceRefresh: true });
  sb.revokeAll('generic');
  await expect(manager.getTokens({ forceRefresh: true })).rejects.toThrow(/reconnect/i);
  expect(events.map((e) => e.type)).toEqual(['obtained', 'refreshed', 'rotated', 'refresh_failed', 'refreshed', 'rotated', 'recovered', 'reconnect_needed']);
  expect(events.every((e) => e.at > 0 && e.message)).toBe(true);
  const text = JSON.stringify(events);
  for (const secret of ['gen-secret', 'gen_at_', 'gen_rt_']) expect(text).not.toContain(secret);
});

it('the refresh token\'s lifetime comes from refresh_token_expires_in and is kept when a refresh returns none', async () => {
  sb.configure({ refreshTokenLifetime: 3600, rotateRefreshTokens: false });
  const manager = await authorized();
  const first = manager.tokens?.refreshExpiresAt as number;
  expect(first).toBeGreaterThan(Date.now() + 3_590_000);
  expect(first).toBeLessThanOrEqual(Date.now() + 3_600_000);
  await manager.getTokens({ forceRefresh: true });
  expect(manager.tokens?.refreshExpiresAt).toBe(first);
});

it('an expired refresh token ends in "reconnect needed"', async () => {
  sb.configure({ refreshTokenLifetime: 1 });
  const manager = await authorized();
  await new Promise((r) => setTimeout(r, 1100));
  await expect(manager.getTokens({ forceRefresh: true })).rejects.toThrow(/expired.*reconnect/i);
});

describe('disconnect (RFC 7009)', () => {
  it('revokes at the endpoint from the metadata: the grant is gone at the provider, and here', async () => {
    const manager = await authorized({ issuer: `${sb.url}/generic` });
    const { accessToken } = manager.tokens as { accessToken: string };
    const result = await manager.disconnect();
    expect(result).toMatchObject({ endpoint: `${sb.url}/generic/oauth2/revoke`, revoked: ['refresh_token', 'access_token'] });
    expect(result.error).toBeUndefined();
    expect(sb.counters.revocationRequests).toBe(2);
    expect(sb.counters.tokensRevoked).toBeGreaterThanOrEqual(2);
    expect(manager.tokens).toBeUndefined();
    const stale = await fetch(me(), { headers: { authorization: `Bearer ${accessToken}` } });
    expect(stale.status).toBe(401);
  });

  it('a configured revocation URL is used without metadata', async () => {
    const manager = await authorized({ revocationUrl: `${sb.url}/generic/oauth2/revoke`, discovery: false });
    expect((await manager.disconnect()).revoked).toEqual(['refresh_token', 'access_token']);
  });

  it('revocation fails: a clear, secret-free error, and the tokens are forgotten here anyway', async () => {
    const manager = await authorized({ revocationUrl: `${sb.url}/generic/oauth2/revoke` });
    sb.configure({ genericRevocation: 'fail' });
    const result = await manager.disconnect();
    expect(result.revoked).toEqual([]);
    expect(result.error?.message).toMatch(/temporarily_unavailable \(HTTP 503\)/);
    expect(result.error?.message).not.toMatch(/gen-secret|gen_rt_|gen_at_/);
    expect(manager.tokens).toBeUndefined();
  });

  it('a server without a revocation endpoint: nothing revoked, no error, tokens forgotten', async () => {
    sb.configure({ genericRevocation: 'off' });
    const manager = await authorized({ issuer: `${sb.url}/generic` });
    const result = await manager.disconnect();
    expect(result).toEqual({ revoked: [], skipped: 'no_endpoint' });
    expect(manager.tokens).toBeUndefined();
  });

  it('a revocation endpoint the metadata puts on another origin is not sent the client credentials', async () => {
    // the token URL's server names a revocation endpoint on 127.0.0.2: nothing goes there
    const hits: string[] = [];
    const listen = (host: string, handler: Parameters<typeof createServer>[1]) =>
      new Promise<Server>((resolve) => {
        const server = createServer(handler).listen(0, host, () => resolve(server));
      });
    const other = await listen('127.0.0.2', (req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.authorization ? 'credentialed' : ''}`);
      res.end();
    });
    const otherUrl = `http://127.0.0.2:${(other.address() as { port: number }).port}/revoke`;
    const home = await listen('127.0.0.1', (_req, res) => {
      const port = (home.address() as { port: number }).port;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: `http://127.0.0.1:${port}`, token_endpoint: `http://127.0.0.1:${port}/token`, revocation_endpoint: otherUrl }));
    });
    try {
      const port = (home.address() as { port: number }).port;
      const manager = new TokenManager({
        config: config({ tokenUrl: `http://127.0.0.1:${port}/token`, issuer: `http://127.0.0.1:${port}` }),
        grant: { type: 'authorization_code' },
        tokens: { accessToken: 'at-cross', refreshToken: 'rt-cross', tokenType: 'Bearer', obtainedAt: Date.now() },
      });
      const result = await manager.disconnect();
      expect(hits).toEqual([]);
      expect(result.revoked).toEqual([]);
      expect(result.error?.message).toMatch(/another origin.*revocation URL/i);
      expect(result.error?.message).not.toMatch(/gen-secret|rt-cross|at-cross/);
      expect(manager.tokens).toBeUndefined();
    } finally {
      other.close();
      home.close();
    }
  });
});
