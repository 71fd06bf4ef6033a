// Issue #8 item 17: the default client authentication works on servers that decode Basic (RFC
// 6749 §2.3.1) and on servers that compare it raw, remembers what worked, and uses RFC 8414
// metadata when the server publishes it. Against the provider sandbox and an independent server
// from npm (@node-oauth/oauth2-server), both real HTTP servers on 127.0.0.1.
import { OAuth2ProtocolError } from '../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../lib/oauth2/grants';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { startSandbox, type Sandbox } from '../../sandbox';
import { startNodeOAuthServer, type NodeOAuthServer } from '../support/node-oauth-server';

/** An Azure-style secret and an e-mail-like client id: both change under form encoding. */
const CLIENT = { id: 'app@tenant.example', secret: 'Az~8Q+/=sec:ret' };

let sb: Sandbox;
let nodeOAuth: NodeOAuthServer;
beforeAll(async () => {
  sb = await startSandbox({ maxLifetimeMs: 5 * 60_000 });
  nodeOAuth = await startNodeOAuthServer(CLIENT);
});
afterAll(async () => {
  await sb?.close();
  await nodeOAuth?.close();
});
beforeEach(() => {
  sb.reset();
  sb.configure({ clients: { generic: [{ clientId: CLIENT.id, clientSecret: CLIENT.secret }] }, genericBasicDecoding: 'either', genericAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'] });
});

const sandboxConfig = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: CLIENT.id, clientSecret: CLIENT.secret },
  tokenUrl: `${sb.url}/generic/oauth2/token`,
  discovery: false,
  ...extra,
});

describe('auto (the default when no method is given)', () => {
  it('a server that compares Basic raw: encoded Basic is refused once, raw Basic works and is remembered', async () => {
    sb.configure({ genericBasicDecoding: 'raw' });
    const manager = new TokenManager({ config: sandboxConfig(), grant: { type: 'client_credentials' } });
    const tokens = await manager.getTokens();
    expect(tokens.clientAuthMethod).toBe('basic-raw');
    expect(manager.clientAuthMethod).toBe('basic-raw');
    expect(sb.counters.tokenRequests).toBe(2);
    expect(sb.counters.lastTokenRequest?.clientAuth).toBe('client_secret_basic_raw');
    await manager.getTokens({ forceRefresh: true });
    expect(sb.counters.tokenRequests).toBe(3);
    // a new manager (a restart) starts from the stored tokens and goes straight to raw Basic
    const restarted = new TokenManager({ config: sandboxConfig(), grant: { type: 'client_credentials' }, tokens: { ...tokens, expiresAt: 0 } });
    await restarted.getTokens();
    expect(sb.counters.tokenRequests).toBe(4);
  });

  it('a server that decodes Basic (RFC form only): the first attempt works', async () => {
    sb.configure({ genericBasicDecoding: 'form' });
    const tokens = await new TokenManager({ config: sandboxConfig(), grant: { type: 'client_credentials' } }).getTokens();
    expect(tokens.clientAuthMethod).toBe('basic');
    expect(sb.counters.tokenRequests).toBe(1);
  });

  it('a wrong secret: every method is tried once, then one clear error naming them', async () => {
    const config = sandboxConfig({ client: { clientId: CLIENT.id, clientSecret: 'wrong+secret' } });
    const error = await clientCredentialsGrant({ config, clientAuth: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(OAuth2ProtocolError);
    expect(error.code).toBe('invalid_client');
    expect(error.message).toMatch(/refused with every method tried \(Basic header \(RFC 6749 encoded\), Basic header \(raw\), credentials in the body\)/);
    expect(error.message).not.toContain('wrong+secret');
    expect(sb.counters.tokenRequests).toBe(3);
  });

  it('RFC 8414 metadata that lists only client_secret_post: the body at once, no Basic attempt', async () => {
    // the sandbox publishes its metadata at /.well-known/oauth-authorization-server/generic (issuer …/generic)
    sb.configure({ genericAuthMethods: ['client_secret_post'] });
    const config = sandboxConfig({ discovery: true, issuer: `${sb.url}/generic` });
    const tokens = await new TokenManager({ config, grant: { type: 'client_credentials' } }).getTokens();
    expect(tokens.clientAuthMethod).toBe('body');
    expect(sb.counters.tokenRequests).toBe(1);
    expect(sb.counters.lastTokenRequest?.clientAuth).toBe('client_secret_post');
  });

  it('without metadata the same server costs a refused Basic attempt first (what the metadata saves)', async () => {
    sb.configure({ genericAuthMethods: ['client_secret_post'] });
    const tokens = await new TokenManager({ config: sandboxConfig(), grant: { type: 'client_credentials' } }).getTokens();
    expect(tokens.clientAuthMethod).toBe('body');
    expect(sb.counters.tokenRequests).toBe(3);
  });

  it('explicit methods stay explicit: basic on a raw server fails with the encoding hint, nothing else is tried', async () => {
    sb.configure({ genericBasicDecoding: 'raw' });
    const error = await clientCredentialsGrant({ config: sandboxConfig({ client: { clientId: CLIENT.id, clientSecret: CLIENT.secret, method: 'basic' } }) }).catch((e) => e);
    expect(error.code).toBe('invalid_client');
    expect(error.hint).toMatch(/compare the Basic header without decoding/);
    expect(sb.counters.tokenRequests).toBe(1);
  });
});

describe('an independent server from npm (@node-oauth/oauth2-server, raw Basic)', () => {
  const config = (): OAuth2Config => ({ client: { clientId: CLIENT.id, clientSecret: CLIENT.secret }, tokenUrl: nodeOAuth.tokenUrl });

  it('auto gets a token and calls the API; the encoded form was refused exactly once', async () => {
    const before = { ...nodeOAuth.counts };
    const manager = new TokenManager({ config: config(), grant: { type: 'client_credentials' } });
    const response = await manager.fetch({ url: nodeOAuth.apiUrl });
    expect(response.status).toBe(200);
    expect(manager.clientAuthMethod).toBe('basic-raw');
    expect(nodeOAuth.counts.invalidClient - before.invalidClient).toBe(1);
    expect(nodeOAuth.counts.token - before.token).toBe(2);
  });

  it('the password grant with refresh-token rotation, under auto', async () => {
    const manager = new TokenManager({ config: config(), grant: { type: 'password', username: 'user@example.test', password: 'user-pass' } });
    const first = await manager.getTokens();
    expect(first.refreshToken).toBeTruthy();
    const second = await manager.getTokens({ forceRefresh: true });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await manager.fetch({ url: nodeOAuth.apiUrl })).status).toBe(200);
  });

  it('the old default (encoded Basic) fails there: the case auto exists for', async () => {
    const error = await clientCredentialsGrant({ config: { ...config(), client: { ...config().client, method: 'basic' } } }).catch((e) => e);
    expect(error.code).toBe('invalid_client');
  });
});
