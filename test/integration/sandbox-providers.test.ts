/**
 * Both providers' documented flows, through the engine and the provider modules, against the
 * provider sandbox (a real HTTP server on 127.0.0.1 emulating what shared/reference documents).
 */
import { createAuthorizationRequest, parseAuthorizationCallback, parseImplicitFragment } from '../../lib/oauth2/authorize';
import { OAuth2ReauthorizationRequired } from '../../lib/oauth2/errors';
import { TokenManager } from '../../lib/oauth2/token-manager';
import { type GrantSpec } from '../../lib/oauth2/token-state';
import type { OAuth2Config, TokenSet } from '../../lib/oauth2/types';
import { deployteqOAuth2Config, triggerDeployteqWebhook } from '../../lib/providers/deployteq';
import { ProviderApiError } from '../../lib/providers/http-json';
import { SlidingWindowLimiter } from '../../lib/providers/rate-limiter';
import { zendeskChatOAuth2Config } from '../../lib/providers/zendesk-chat';
import { collect, ZendeskChatApi, type IncrementalPage } from '../../lib/providers/zendesk-chat/api';
import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../sandbox';
import { followAuthorize } from '../support/user-agent';

const REDIRECT = 'http://127.0.0.1:1/callback';
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ consent: 'auto-approve', maxLifetimeMs: 10 * 60_000 });
});
afterAll(() => sb?.close());
beforeEach(() => {
  sb.reset();
  sb.configure({ consent: 'auto-approve', rateLimit: false });
});

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];

async function authorizeWith(manager: TokenManager, config: OAuth2Config): Promise<TokenSet> {
  const pending = createAuthorizationRequest(config);
  const callback = await followAuthorize(pending.url, REDIRECT);
  const { code } = parseAuthorizationCallback(callback, { state: pending.state });
  return manager.exchangeCode({ code, redirectUri: pending.redirectUri, codeVerifier: pending.codeVerifier });
}

describe('Deployteq', () => {
  const base = () => `${sb.url}/deployteq`;

  it('client credentials: string expires_in and lowercase bearer normalised; 50 deliveries with one token', async () => {
    const manager = new TokenManager({
      config: deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'client_credentials', authBaseUrl: base(), scopes: ['apps.webhook:execute', 'offline_access'] }),
      grant: { type: 'client_credentials' },
    });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => triggerDeployteqWebhook(manager, sb.webhookUrl('wh-1'), { email: `user${i}@example.test` }, { authBaseUrl: base() })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const c = sb.counters;
    expect(c.tokenRequests).toBe(1);
    expect(c.deliveries).toBe(50);
    expect(c.lastTokenRequestByProvider.deployteq?.clientAuth).toBe('client_secret_basic');
    expect(c.lastTokenRequestByProvider.deployteq?.params.scope).toBe('apps.webhook:execute');
    const tokens = manager.tokens as TokenSet;
    expect(tokens.tokenType).toBe('Bearer');
    expect((tokens.expiresAt as number) - (tokens.obtainedAt as number)).toBe(3_600_000);
    expect(sb.deliveries.map((d) => (d.body as { email: string }).email).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `user${i}@example.test`).sort());
  });

  it('an array body is one request with many records', async () => {
    const manager = new TokenManager({ config: deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'client_credentials', authBaseUrl: base() }), grant: { type: 'client_credentials' } });
    const result = await triggerDeployteqWebhook(manager, sb.webhookUrl('wh-2'), [{ a: 1 }, { a: 2 }, { a: 3 }], { authBaseUrl: base() });
    expect((result.body as { received: number }).received).toBe(3);
    expect(sb.counters.webhookRequests).toBe(1);
  });

  it('authorization code with offline_access: expired token → refresh → delivery; rotated refresh token persisted first', async () => {
    const config = deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'authorization_code', authBaseUrl: base(), scopes: ['apps.webhook:execute', 'offline_access'], redirectUri: REDIRECT });
    const saved: TokenSet[] = [];
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' }, hooks: { onTokens: (t) => { saved.push(t); } } });
    const first = await authorizeWith(manager, config);
    expect(first.refreshToken).toBeTruthy();
    expect(first.scope).toBe('apps.webhook:execute offline_access');
    sb.expireAccessTokens('deployteq');
    const result = await triggerDeployteqWebhook(manager, sb.webhookUrl('wh-3'), { email: 'after-refresh@example.test' }, { authBaseUrl: base() });
    expect(result.status).toBe(200);
    expect(sb.counters.tokenRequestsByProviderGrant.deployteq.refresh_token).toBe(1);
    expect(saved).toHaveLength(2);
    expect(saved[1].refreshToken).not.toBe(first.refreshToken);
    expect(saved[1].refreshToken).toBe(manager.tokens?.refreshToken);
    // The old refresh token was rotated away: reusing it is a clear "reconnect".
    const stale = new TokenManager({ config, grant: { type: 'authorization_code' }, tokens: { ...first, expiresAt: 0 } });
    await expect(stale.getTokens()).rejects.toThrow(OAuth2ReauthorizationRequired);
  });

  it('authorization code without offline_access: no refresh token, expiry asks to reconnect', async () => {
    const config = deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'authorization_code', authBaseUrl: base(), redirectUri: REDIRECT });
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' } });
    const tokens = await authorizeWith(manager, config);
    expect(tokens.refreshToken).toBeUndefined();
    sb.expireAccessTokens('deployteq');
    await expect(triggerDeployteqWebhook(manager, sb.webhookUrl('wh-4'), { a: 1 }, { authBaseUrl: base() })).rejects.toThrow(/no refresh token.*Reconnect/);
  });

  it('a denied consent comes back as access_denied', async () => {
    sb.configure({ consent: 'auto-deny' });
    const config = deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'authorization_code', authBaseUrl: base(), redirectUri: REDIRECT });
    const pending = createAuthorizationRequest(config);
    const callback = await followAuthorize(pending.url, REDIRECT);
    expect(() => parseAuthorizationCallback(callback, { state: pending.state })).toThrow(/access_denied/);
  });

  it('webhook errors carry Deployteq\'s message; bad endpoints and bodies are refused before sending', async () => {
    const manager = new TokenManager({ config: deployteqOAuth2Config({ clientId: dt.clientId, clientSecret: dt.clientSecret as string, grant: 'client_credentials', authBaseUrl: base(), scopes: ['crm.customer:read'] }), grant: { type: 'client_credentials' } });
    const error = await triggerDeployteqWebhook(manager, sb.webhookUrl('wh-5'), { a: 1 }, { authBaseUrl: base() }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error.status).toBe(403);
    await expect(triggerDeployteqWebhook(manager, 'not a url', { a: 1 }, { authBaseUrl: base() })).rejects.toThrow(/not a valid URL/);
    await expect(triggerDeployteqWebhook(manager, sb.webhookUrl('x'), 'text', { authBaseUrl: base() })).rejects.toThrow(/JSON object or an array/);
    expect(() => deployteqOAuth2Config({ clientId: 'a', clientSecret: 'b', grant: 'client_credentials', scopes: ['admin'] })).toThrow(/Unknown Deployteq scope/);
  });
});

describe('Zendesk Chat', () => {
  const settings = () => ({ clientId: zd.clientId, clientSecret: zd.clientSecret, subdomain: 'acme', baseUrl: `${sb.url}/zendesk`, redirectUri: REDIRECT, scopes: ['read', 'write'] });

  function apiFor(grant: GrantSpec, tokens?: TokenSet, host: 'current' | 'legacy' = 'current') {
    const { apiBaseUrl, ...config } = zendeskChatOAuth2Config({ ...settings(), host, baseUrl: `${sb.url}/${host === 'current' ? 'zendesk' : 'zopim'}` });
    const manager = new TokenManager({ config, grant, tokens });
    return { manager, config, api: new ZendeskChatApi(manager, apiBaseUrl) };
  }

  it('authorization code with subdomain, body client auth, no expires_in; chats over every next_url page', async () => {
    const { manager, config, api } = apiFor({ type: 'authorization_code' });
    expect(new URL(createAuthorizationRequest(config).url).searchParams.get('subdomain')).toBe('acme');
    const tokens = await authorizeWith(manager, config);
    expect(tokens.expiresAt).toBeUndefined();
    expect(tokens.refreshToken).toBeTruthy();
    expect(sb.counters.lastTokenRequestByProvider.zendesk?.clientAuth).toBe('client_secret_post');
    const pages: number[] = [];
    for await (const page of api.chatPages()) pages.push(page.length);
    expect(pages).toEqual([50, 50, 50, 50, 50]);
    expect(sb.counters.apiRequests).toBe(5);
  });

  it('server-side expiry with unknown lifetime: 401 → one refresh with a single-use rotating token → retry', async () => {
    const { manager, config, api } = apiFor({ type: 'authorization_code' });
    const first = await authorizeWith(manager, config);
    sb.expireAccessTokens('zendesk');
    const chats = await collect(api.chatPages(), 120);
    expect(chats).toHaveLength(120);
    expect(sb.counters.tokenRequestsByProviderGrant.zendesk.refresh_token).toBe(1);
    expect(manager.tokens?.refreshToken).not.toBe(first.refreshToken);
    sb.expireAccessTokens('zendesk');
    await expect(api.account()).resolves.toBeTruthy();
    expect(sb.counters.tokenRequestsByProviderGrant.zendesk.refresh_token).toBe(2);
  });

  it('password grant: get, get many (docs object or array), search, incremental export, agents, departments, account', async () => {
    const user = DEFAULT_USERS.zendesk;
    const { api } = apiFor({ type: 'password', username: user.email, password: user.password });
    const [first] = await collect(api.chatPages(), 1);
    const chat = await api.getChat(first.id);
    expect(chat.id).toBe(first.id);
    const ids = (await collect(api.chatPages(), 3)).map((c) => c.id);
    expect((await api.getChats(ids)).map((c) => c.id).sort()).toEqual([...ids].sort());
    sb.configure({ docsAsArray: true });
    expect((await api.getChats(ids)).map((c) => c.id).sort()).toEqual([...ids].sort());
    const email = (chat.visitor as { email: string }).email;
    const hits = await collect(api.searchPages(`visitor_email:${email}`));
    expect(hits.map((h) => h.id)).toContain(chat.id);

    const pages: IncrementalPage[] = [];
    for await (const page of api.incrementalPages({ startTime: 0, limit: 100 })) pages.push(page);
    expect(pages.map((p) => p.count)).toEqual([100, 100, 50]);
    const exported = pages.flatMap((p) => p.chats.map((c) => c.id));
    expect(new Set(exported).size).toBe(250);
    const added = sb.addChat();
    const later: string[] = [];
    for await (const page of api.incrementalPages({ startTime: pages[2].endTime as number, startId: pages[2].endId })) later.push(...page.chats.map((c) => c.id));
    expect(later).toEqual([added.id]);

    const agents = await collect(api.agentPages(5));
    expect(agents).toHaveLength(12);
    expect(await api.getAgent(String(agents[0].id))).toMatchObject({ id: agents[0].id });
    expect(await api.me()).toMatchObject({ email: user.email });
    const departments = (await api.departments()) as Array<{ id: number }>;
    expect(departments).toHaveLength(4);
    expect(await api.getDepartment(String(departments[0].id))).toMatchObject({ id: departments[0].id });
    expect(await api.account()).toBeTruthy();
    await expect(api.getChat('no-such-chat')).rejects.toMatchObject({ status: 404 });
  });

  it('client credentials: no refresh token, the grant is re-run after a 401', async () => {
    const { manager, api } = apiFor({ type: 'client_credentials' });
    await api.account();
    expect(manager.tokens?.refreshToken).toBeUndefined();
    sb.expireAccessTokens('zendesk');
    await api.account();
    expect(sb.counters.tokenRequestsByProviderGrant.zendesk.client_credentials).toBe(2);
  });

  it('implicit grant (legacy, browser-only): the token comes back in the fragment', async () => {
    const { config } = apiFor({ type: 'authorization_code' });
    const pending = createAuthorizationRequest(config, { responseType: 'token' });
    expect(new URL(pending.url).searchParams.has('code_challenge')).toBe(false);
    const callback = await followAuthorize(pending.url, REDIRECT);
    const tokens = parseImplicitFragment(callback, { state: pending.state });
    expect(tokens.tokenType).toBe('Bearer');
    const manager = new TokenManager({ config, grant: { type: 'authorization_code' }, tokens });
    const implicitApi = new ZendeskChatApi(manager, `${sb.url}/zendesk/api/v2/chat`);
    await expect(implicitApi.account()).resolves.toBeTruthy();
  });

  it('the legacy zopim host works the same way', async () => {
    const { api } = apiFor({ type: 'client_credentials' }, undefined, 'legacy');
    expect(await collect(api.chatPages(), 60)).toHaveLength(60);
  });

  it('Basic client auth is refused by Zendesk: a clear invalid_client', async () => {
    const { apiBaseUrl: _unused, ...config } = zendeskChatOAuth2Config(settings());
    const manager = new TokenManager({ config: { ...config, client: { ...config.client, method: 'basic' } }, grant: { type: 'client_credentials' } });
    await expect(manager.getTokens()).rejects.toMatchObject({ code: 'invalid_client' });
  });

  it('429 with Retry-After is waited out; a client-side limiter avoids 429s altogether', async () => {
    sb.configure({ rateLimit: { limit: 4, windowMs: 1000 } });
    const { api } = apiFor({ type: 'client_credentials' });
    const results = await Promise.all(Array.from({ length: 6 }, () => api.account()));
    expect(results).toHaveLength(6);
    expect(sb.counters.rateLimited).toBeGreaterThan(0);

    sb.reset();
    sb.configure({ rateLimit: { limit: 4, windowMs: 1000 } });
    const { apiBaseUrl, ...config } = zendeskChatOAuth2Config(settings());
    const limited = new ZendeskChatApi(new TokenManager({ config, grant: { type: 'client_credentials' } }), apiBaseUrl, { limiter: new SlidingWindowLimiter(4, 1100) });
    await Promise.all(Array.from({ length: 6 }, () => limited.account()));
    expect(sb.counters.rateLimited).toBe(0);
    expect(sb.counters.apiRequests).toBe(6);
  });

  it('refuses to follow a page link to another host (the token stays home)', async () => {
    const { api } = apiFor({ type: 'client_credentials' });
    await expect(api.get('https://elsewhere.example/api/v2/chat/chats')).rejects.toThrow(/another host/);
  });

  it('bad settings are clear errors', () => {
    expect(() => zendeskChatOAuth2Config({ clientId: 'a', subdomain: 'not a subdomain!' })).toThrow(/subdomain is missing or invalid/);
    expect(() => zendeskChatOAuth2Config({ clientId: 'a', subdomain: 'acme', scopes: ['admin'] })).toThrow(/Unknown Zendesk Chat scope/);
  });
});
