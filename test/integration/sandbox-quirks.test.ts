/**
 * Every row of the quirk table (shared/reference/generic-oauth2.md) against the sandbox's generic
 * authorization server with fault switches; then a sweep of every error message, hook report and
 * console line those runs produced for the client secret, access tokens and refresh tokens.
 */
import { formEncode } from '../../lib/oauth2/form-encoding';
import { OAuth2Error, OAuth2ProtocolError, OAuth2ReauthorizationRequired, OAuth2ResponseError } from '../../lib/oauth2/errors';
import { TokenManager, type TokenManagerOptions } from '../../lib/oauth2/token-manager';
import { type GrantSpec } from '../../lib/oauth2/token-state';
import type { OAuth2Config, TokenSet } from '../../lib/oauth2/types';
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Fault, type Sandbox } from '../../sandbox';

let sb: Sandbox;
const gen = DEFAULT_CLIENTS.generic.find((c) => c.clientSecret) as { clientId: string; clientSecret: string };
const user = DEFAULT_USERS.generic;

/** Everything the runs below produced that a user could see: messages, JSON, stacks, hook reports, console output. */
const outputs: string[] = [];
/** Every secret the runs handled: the client secret, the password, every issued token. */
const secrets = new Set<string>([
  gen.clientSecret,
  user.password,
  Buffer.from(`${gen.clientId}:${gen.clientSecret}`).toString('base64'),
  Buffer.from(`${encodeURIComponent(gen.clientId)}:${formEncode(gen.clientSecret)}`).toString('base64'),
]);
const consoleSpies: jest.SpyInstance[] = [];

beforeAll(async () => {
  sb = await startSandbox({ maxLifetimeMs: 10 * 60_000, rateLimit: false });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    consoleSpies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      outputs.push(args.map(String).join(' '));
    }));
  }
});
afterAll(async () => {
  consoleSpies.forEach((s) => s.mockRestore());
  await sb?.close();
});
beforeEach(() => sb.reset());

function config(extra: Partial<OAuth2Config> = {}): OAuth2Config {
  return {
    client: { clientId: gen.clientId, clientSecret: gen.clientSecret, method: 'basic' },
    tokenUrl: sb.endpoints.generic.token,
    scopes: ['read'],
    retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 5000 },
    ...extra,
  };
}

function manager(extra: Partial<OAuth2Config> = {}, grant: GrantSpec = { type: 'client_credentials' }, options: Partial<TokenManagerOptions> = {}): TokenManager {
  return new TokenManager({
    config: config(extra),
    grant,
    ...options,
    hooks: {
      onTokens: (t: TokenSet) => {
        secrets.add(t.accessToken);
        if (t.refreshToken) secrets.add(t.refreshToken);
      },
      onError: (error: OAuth2Error) => {
        outputs.push(`${error.message} ${JSON.stringify(error)}`);
      },
      ...options.hooks,
    },
  });
}

function fault(kind: Fault['kind'], extra: Partial<Fault> = {}): void {
  sb.addFault({ provider: 'generic', endpoint: 'token', kind, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<OAuth2Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof OAuth2Error)) throw new Error(`expected an OAuth2Error, got ${String(error)}`);
  outputs.push(error.message, JSON.stringify(error), String(error.stack));
  return error;
}

async function me(m: TokenManager): Promise<number> {
  return (await m.fetch({ url: sb.endpoints.generic.me })).status;
}

describe('quirk table', () => {
  it('"expires_in": "3600" → 3600 s', async () => {
    fault('expires-in-string');
    const t = await manager().getTokens();
    expect((t.expiresAt as number) - (t.obtainedAt as number)).toBe(3_600_000);
  });

  it('no expires_in → unknown lifetime (reactive refresh), or the configured default', async () => {
    fault('no-expires-in');
    const m = manager();
    expect((await m.getTokens()).expiresAt).toBeUndefined();
    sb.expireAccessTokens('generic');
    expect(await me(m)).toBe(200);
    expect(sb.counters.tokenRequests).toBe(2);
    fault('no-expires-in');
    const d = await manager({ defaultExpiresInSec: 120 }).getTokens();
    expect((d.expiresAt as number) - (d.obtainedAt as number)).toBe(120_000);
  });

  it('token_type "bearer" or missing → Bearer', async () => {
    for (const kind of ['token-type-lowercase', 'token-type-missing'] as const) {
      fault(kind);
      const m = manager();
      expect((await m.getTokens()).tokenType).toBe('Bearer');
      expect(await me(m)).toBe(200);
    }
  });

  it('unknown token_type → sent with the configured prefix, never in the URL', async () => {
    fault('token-type-unknown');
    const m = manager();
    expect((await m.getTokens()).tokenType).not.toBe('Bearer');
    expect(await me(m)).toBe(200);
    expect(sb.counters.tokensInUrl).toBe(0);
    const custom = manager({ tokenPlacement: { headerName: 'X-Api-Token', prefix: '' } });
    expect(await me(custom)).toBe(401); // the sandbox wants Authorization: Bearer; the custom header really was used
  });

  it('JSON with text/plain content type → parsed', async () => {
    fault('json-as-text-plain');
    expect((await manager().getTokens()).accessToken).toBeTruthy();
  });

  it('form-urlencoded token response → parsed', async () => {
    fault('form-encoded-response');
    const t = await manager().getTokens();
    expect(t.accessToken).toBeTruthy();
    expect(t.expiresAt).toBeGreaterThan(Date.now());
  });

  it('200 {"error": …} → OAuth error', async () => {
    fault('error-in-200');
    const error = await failure(manager().getTokens());
    expect(error).toBeInstanceOf(OAuth2ProtocolError);
    expect(error.status).toBe(200);
    expect(error.code).toBe('invalid_grant');
  });

  it('200 without access_token → clear error', async () => {
    fault('missing-access-token');
    const error = await failure(manager().getTokens());
    expect(error).toBeInstanceOf(OAuth2ResponseError);
    expect(error.message).toMatch(/no access_token/);
  });

  it('HTML error page (502 from a proxy) → clear error with status; retried per policy', async () => {
    fault('html-502');
    await manager().getTokens(); // one 502, then the retry succeeds (client credentials is repeatable)
    expect(sb.counters.tokenRequests).toBe(2);
    sb.reset();
    fault('html-502', { times: 5 });
    const error = await failure(manager().getTokens());
    expect(error.message).toMatch(/HTTP 502 with an HTML page \(text\/html/);
    expect(sb.counters.tokenRequests).toBe(3); // first try + 2 retries, then it stops
  });

  it('a 502 on refresh is not retried (a rotating refresh token may already be burnt)', async () => {
    const m = manager({}, { type: 'password', username: user.username, password: user.password });
    await m.getTokens();
    sb.reset();
    fault('html-502');
    const error = await failure(m.getTokens({ forceRefresh: true }));
    expect(error.status).toBe(502);
    expect(sb.counters.tokenRequests).toBe(1);
  });

  it('429 / 503 with Retry-After → wait and retry (bounded), also on refresh', async () => {
    fault('rate-limit-429', { retryAfter: 1 });
    fault('unavailable-503', { retryAfter: 1 });
    const m = manager({}, { type: 'password', username: user.username, password: user.password });
    await m.getTokens();
    expect(sb.counters.tokenRequests).toBe(3);
    fault('rate-limit-429', { retryAfter: 1 });
    await m.getTokens({ forceRefresh: true });
    expect(sb.counters.tokenRequestsByGrant.refresh_token).toBe(2);
    fault('rate-limit-429', { retryAfter: 3600 });
    const error = await failure(m.getTokens({ forceRefresh: true }));
    expect(error.status).toBe(429); // a wait longer than maxDelayMs is not honoured: fail clearly instead
  });

  it('refresh returns no refresh_token → the old one is kept and still works', async () => {
    const m = manager({}, { type: 'password', username: user.username, password: user.password });
    const first = await m.getTokens();
    fault('refresh-without-refresh-token');
    const second = await m.getTokens({ forceRefresh: true });
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    const third = await m.getTokens({ forceRefresh: true });
    expect(third.refreshToken).not.toBe(first.refreshToken);
  });

  it('refresh token reused after rotation → invalid_grant: clear "reconnect" message', async () => {
    const code = manager({}, { type: 'password', username: user.username, password: user.password });
    const first = await code.getTokens();
    await code.getTokens({ forceRefresh: true });
    const stale = manager({}, { type: 'authorization_code' }, { tokens: { ...first, expiresAt: 0 } });
    const error = await failure(stale.getTokens());
    expect(error).toBeInstanceOf(OAuth2ReauthorizationRequired);
    expect(error.message).toMatch(/reconnect the credential/i);
  });

  it('password grant falls back to the grant when its refresh token is rejected', async () => {
    const m = manager({}, { type: 'password', username: user.username, password: user.password });
    await m.getTokens();
    sb.revokeAll('generic');
    expect(await me(m)).toBe(200);
    expect(sb.counters.tokenRequestsByGrant).toMatchObject({ password: 2, refresh_token: 1 });
  });

  it('invalid_token challenge → one refresh, one retry; insufficient_scope → no refresh', async () => {
    const m = manager();
    await m.getTokens();
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token' });
    expect(await me(m)).toBe(200);
    expect(sb.counters.tokenRequests).toBe(2);
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'insufficient-scope' });
    expect(await me(m)).toBe(403);
    expect(sb.counters.tokenRequests).toBe(2);
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 5 });
    expect(await me(m)).toBe(401); // refreshed once, retried once, then the 401 is the answer: no loop
    expect(sb.counters.tokenRequests).toBe(3);
  });

  it('invalid_client → actionable error', async () => {
    fault('invalid-client');
    const error = await failure(manager().getTokens());
    expect(error.code).toBe('invalid_client');
    expect(error.hint).toMatch(/client ID and secret/);
  });

  it('a separate refresh URL, extra token and refresh parameters, and JSON bodies', async () => {
    sb.configure({ genericRefreshEndpoint: true });
    const m = manager(
      { refreshUrl: sb.endpoints.generic.refresh, extraTokenParams: { audience: 'https://api.example' }, extraRefreshParams: { resource: 'https://api.example/r' } },
      { type: 'password', username: user.username, password: user.password },
    );
    await m.getTokens();
    expect(sb.counters.lastTokenRequest?.params.audience).toBe('https://api.example');
    await m.getTokens({ forceRefresh: true });
    expect(sb.counters.refreshEndpointRequests).toBe(1);
    expect(sb.counters.lastTokenRequest?.params.resource).toBe('https://api.example/r');
    expect(sb.counters.lastTokenRequest?.params.audience).toBeUndefined();
  });

  it('raw Basic and body placements are what the server sees', async () => {
    await manager({ client: { clientId: gen.clientId, clientSecret: gen.clientSecret, method: 'body' } }).getTokens();
    expect(sb.counters.lastTokenRequest?.clientAuth).toBe('client_secret_post');
    await manager({ client: { clientId: gen.clientId, clientSecret: gen.clientSecret, method: 'basic-raw' } }).getTokens();
    expect(sb.counters.lastTokenRequest?.clientAuth).toMatch(/^client_secret_basic/);
  });

  it('beforeTokenRequest can change the request; a failing onTokens keeps the tokens and reports', async () => {
    const reports: string[] = [];
    const m = manager({}, { type: 'client_credentials' }, {
      hooks: {
        beforeTokenRequest: (req) => { req.params.audience = 'from-hook'; },
        onTokens: () => { throw new Error('disk full'); },
        onError: (e) => { reports.push(e.code); outputs.push(e.message); },
      },
    });
    const t = await m.getTokens();
    secrets.add(t.accessToken);
    expect(sb.counters.lastTokenRequest?.params.audience).toBe('from-hook');
    expect(reports).toEqual(['persist_failed']);
    expect(m.tokens?.accessToken).toBe(t.accessToken);
    expect(await me(m)).toBe(200);
  });
});

describe('no secret in any output', () => {
  it('none of the messages, hook reports and console lines above contains a secret or token', () => {
    expect(outputs.length).toBeGreaterThan(15);
    expect(secrets.size).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const text of outputs) for (const secret of secrets) if (text.includes(secret)) leaks.push(text.slice(0, 80));
    expect(leaks).toEqual([]);
  });
});
