// Issue #8 items 9 (engine part), 13, 14, 15 and 18: what the engine decides when a refresh is
// refused, when the API keeps rejecting tokens, when the API says "expired" in a body, when another
// instance rotated the refresh token first, and what it keeps redacted. Against the provider sandbox.
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import { OAuth2ReauthorizationRequired, type OAuth2Error } from '../../lib/oauth2/errors';
import { AuthorizedClient } from '../../lib/oauth2/authorized-client';
import { TokenManager, type TokenManagerOptions } from '../../lib/oauth2/token-manager';
import { TokenKeeper, type GrantSpec } from '../../lib/oauth2/token-state';
import type { OAuth2Config, TokenSet } from '../../lib/oauth2/types';
import { startSandbox, type Sandbox } from '../../sandbox';
import { followAuthorize } from '../support/user-agent';

const REDIRECT = 'http://127.0.0.1:1/callback';
const PASSWORD: GrantSpec = { type: 'password', username: 'user@example.test', password: 'user-pass' };
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ consent: 'auto-approve', maxLifetimeMs: 5 * 60_000 });
});
afterAll(() => sb?.close());
beforeEach(() => {
  sb.reset();
  sb.configure({ consent: 'auto-approve', rateLimit: false, genericExpiredTokenStyle: 'status-401', accessTokenLifetime: 3600 });
});

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  authorizationUrl: `${sb.url}/generic/oauth2/authorize`,
  redirectUri: REDIRECT,
  scopes: ['read'],
  ...extra,
});
const grants = () => sb.counters.tokenRequestsByProviderGrant.generic;
const me = () => `${sb.url}/generic/api/me`;

async function authorized(options: Partial<TokenManagerOptions> = {}): Promise<TokenManager> {
  const manager = new TokenManager({ config: config(), grant: { type: 'authorization_code' }, ...options });
  const pending = createAuthorizationRequest(config());
  const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
  await manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
  return manager;
}

describe('a refused refresh token is never sent again (item 18)', () => {
  it('password credential: refused with invalid_request ("Token has been revoked"): the password grant runs instead, once', async () => {
    const manager = new TokenManager({ config: config(), grant: PASSWORD });
    await manager.getTokens();
    sb.addFault({ provider: 'generic', endpoint: 'token', kind: 'refresh-invalid-request', times: 10 });
    await manager.getTokens({ forceRefresh: true });
    await manager.getTokens({ forceRefresh: true });
    // each refused refresh token was sent once; each refusal was followed by the password grant
    expect(grants().refresh_token).toBe(2);
    expect(grants().password).toBe(3);
    expect((await manager.fetch({ url: me() })).status).toBe(200);
  });

  it('authorization code: refused with invalid_request: "reconnect needed", said once, the refresh token is not sent again', async () => {
    const errors: OAuth2Error[] = [];
    const manager = await authorized({ hooks: { onError: (e) => errors.push(e) } });
    sb.addFault({ provider: 'generic', endpoint: 'token', kind: 'refresh-invalid-request', times: 10 });
    sb.expireAccessTokens('generic');
    const first = await manager.fetch({ url: me() }).catch((e) => e);
    expect(first).toBeInstanceOf(OAuth2ReauthorizationRequired);
    expect(first.message).toMatch(/refresh token was refused: invalid_request \(HTTP 400\), Token has been revoked/);
    const second = await manager.fetch({ url: me() }).catch((e) => e);
    expect(second).toBeInstanceOf(OAuth2ReauthorizationRequired);
    expect(grants().refresh_token).toBe(1);
    expect(errors.filter((e) => e.code === 'reauthorization_required')).toHaveLength(1);
  });

  it('a transient failure (503) keeps the refresh token for the next attempt', async () => {
    const manager = await authorized();
    sb.addFault({ provider: 'generic', endpoint: 'token', kind: 'unavailable-503', times: 3, retryAfter: 0 });
    await expect(manager.getTokens({ forceRefresh: true })).rejects.toThrow(/temporarily_unavailable/);
    const tokens = await manager.getTokens({ forceRefresh: true });
    expect(tokens.refreshToken).toBeTruthy();
    expect(sb.counters.refreshTokenReuse).toBe(0);
  });
});

describe('an API that rejects every token (item 15)', () => {
  it('30 messages: one refresh, then a back-off instead of a refresh per message', async () => {
    const errors: OAuth2Error[] = [];
    const manager = await authorized({ hooks: { onError: (e) => errors.push(e) } });
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 1000 });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await manager.fetch({ url: me() })).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(grants().refresh_token).toBe(1);
    expect(errors.filter((e) => e.code === 'token_rejected')).toHaveLength(1);
    expect(manager.rejectionBackoffUntil).toBeGreaterThan(Date.now());
  });

  it('client credentials: two token requests for 30 rejected calls; a good answer ends the back-off streak', async () => {
    // the engine's clock, not the machine's: a slow machine must not end the 50 ms back-off early
    let clock = Date.now();
    const manager = new TokenManager({ config: config(), grant: { type: 'client_credentials' }, reactive: { backoffMs: 50 }, now: () => clock });
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 30 });
    for (let i = 0; i < 30; i++) await manager.fetch({ url: me() });
    expect(grants().client_credentials).toBe(2);
    clock += 60;
    expect((await manager.fetch({ url: me() })).status).toBe(200);
  });
});

describe('expiry said in the body (item 14)', () => {
  beforeEach(() => sb.configure({ genericExpiredTokenStyle: 'body-400' }));
  const rule = { path: 'error', values: ['token_expired'] };

  it('400 {"error":"token_expired"} matches the rule: one refresh, one resend, 200', async () => {
    const manager = await authorized({ reactive: { body: rule } });
    sb.expireAccessTokens('generic');
    const response = await manager.fetch({ url: me() });
    expect(response.status).toBe(200);
    expect(grants().refresh_token).toBe(1);
  });

  it('an unrelated 400 costs no refresh', async () => {
    const manager = await authorized({ reactive: { body: rule } });
    const response = await manager.fetch({ url: `${sb.url}/generic/api/bad-request` });
    expect(response.status).toBe(400);
    expect(grants().refresh_token ?? 0).toBe(0);
  });

  it('without the rule the expired token is not recognised (the reason for the rule)', async () => {
    const manager = await authorized();
    sb.expireAccessTokens('generic');
    expect((await manager.fetch({ url: me() })).status).toBe(400);
    expect(grants().refresh_token ?? 0).toBe(0);
  });
});

describe('another instance rotated the refresh token first (item 9, engine part)', () => {
  it('the reload hook hands over the newest tokens: no reuse, no reconnect', async () => {
    let store: TokenSet | undefined;
    const hooks = { onTokens: (t: TokenSet) => { store = t; }, reload: () => store };
    const first = await authorized({ hooks });
    const stale = new TokenManager({ config: config(), grant: { type: 'authorization_code' }, tokens: first.tokens, hooks });
    await first.getTokens({ forceRefresh: true }); // rotates: the stale copy's refresh token is spent
    sb.expireAccessTokens('generic');
    expect((await stale.fetch({ url: me() })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      sb.expireAccessTokens('generic');
      expect((await (i % 2 ? first : stale).fetch({ url: me() })).status).toBe(200);
    }
    expect(sb.counters.refreshTokenReuse).toBe(0);
    expect(stale.state).not.toBe('reauthorization_required');
  });

  it('without the hook the stale copy burns the chain (the failure the hook prevents)', async () => {
    const first = await authorized();
    const stale = new TokenManager({ config: config(), grant: { type: 'authorization_code' }, tokens: first.tokens });
    await first.getTokens({ forceRefresh: true });
    await expect(stale.getTokens({ forceRefresh: true })).rejects.toThrow(OAuth2ReauthorizationRequired);
    expect(sb.counters.refreshTokenReuse).toBe(1);
  });
});

describe('credential secrets stay redacted for the credential\'s life (item 13)', () => {
  it('after 200 refreshes the password and the client secret are still redacted', async () => {
    const manager = new TokenManager({ config: config(), grant: PASSWORD });
    for (let i = 0; i < 200; i++) await manager.getTokens({ forceRefresh: true });
    expect(grants().refresh_token).toBe(199);
    expect(manager.redact('login user-pass with gen-secret')).toBe('login [redacted] with [redacted]');
  });
});

describe('the token state and the authorized client are separate parts (issue #16 item 5)', () => {
  it('two clients on one token state share its single flight: 20 parallel calls, one token request', async () => {
    const keeper = new TokenKeeper({ config: config(), grant: { type: 'client_credentials' } });
    const a = new AuthorizedClient(keeper, { config: config() });
    const b = new AuthorizedClient(keeper, { config: config(), reactive: { statuses: [401, 403] } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).fetch({ url: me() })));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(grants().client_credentials).toBe(1);
    expect(keeper.state).toBe('valid');
  });

  it('a rejected token is refreshed through the token state, once for all callers holding it', async () => {
    const keeper = new TokenKeeper({ config: config(), grant: { type: 'client_credentials' } });
    const client = new AuthorizedClient(keeper, { config: config() });
    await client.fetch({ url: me() });
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 5 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.fetch({ url: me() })));
    expect(answers.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(grants().client_credentials).toBe(2);
  });

  it('a new authorization ends the rejection back-off (TokenManager resets its client)', async () => {
    const errors: OAuth2Error[] = [];
    const manager = await authorized({ hooks: { onError: (e) => errors.push(e) } });
    sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 1000 });
    await manager.fetch({ url: me() });
    await manager.fetch({ url: me() });
    expect(grants().refresh_token).toBe(1);
    expect(manager.rejectionBackoffUntil).toBeGreaterThan(Date.now());
    const pending = createAuthorizationRequest(config());
    const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
    await manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
    expect(manager.rejectionBackoffUntil).toBeUndefined();
    await manager.fetch({ url: me() });
    // refreshed on rejection again: the back-off ended with the new authorization
    expect(grants().refresh_token).toBe(2);
    expect(errors.filter((e) => e.code === 'token_rejected')).toHaveLength(2);
  });
});
