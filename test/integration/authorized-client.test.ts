// Issue #16 item 5: the token state (TokenKeeper) and the authorized client (AuthorizedClient) are
// separate parts; TokenManager composes them. Against the provider sandbox.
import { createAuthorizationRequest, parseAuthorizationCallback } from '../../lib/oauth2/authorize';
import { AuthorizedClient } from '../../lib/oauth2/authorized-client';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { TokenKeeper } from '../../lib/oauth2/token-state';
import type { OAuth2Config } from '../../lib/oauth2/types';
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
  sb.configure({ consent: 'auto-approve', rateLimit: false, genericExpiredTokenStyle: 'status-401', accessTokenLifetime: 3600 });
});

const config = (): OAuth2Config => ({
  client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  authorizationUrl: `${sb.url}/generic/oauth2/authorize`,
  redirectUri: REDIRECT,
  scopes: ['read'],
});
const grants = () => sb.counters.tokenRequestsByProviderGrant.generic;
const me = () => `${sb.url}/generic/api/me`;

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
  const errors: string[] = [];
  const manager = new TokenManager({ config: config(), grant: { type: 'authorization_code' }, hooks: { onError: (e) => errors.push(e.code) } });
  const authorize = async () => {
    const pending = createAuthorizationRequest(config());
    const { code } = parseAuthorizationCallback(await followAuthorize(pending.url, REDIRECT), { state: pending.state });
    await manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
  };
  await authorize();
  sb.addFault({ provider: 'generic', endpoint: 'api', kind: 'invalid-token', times: 1000 });
  await manager.fetch({ url: me() });
  await manager.fetch({ url: me() });
  expect(grants().refresh_token).toBe(1);
  expect(manager.rejectionBackoffUntil).toBeGreaterThan(Date.now());
  await authorize();
  expect(manager.rejectionBackoffUntil).toBeUndefined();
  await manager.fetch({ url: me() });
  // refreshed on rejection again: the back-off ended with the new authorization
  expect(grants().refresh_token).toBe(2);
  expect(errors.filter((c) => c === 'token_rejected')).toHaveLength(2);
});
