import { createHash } from 'node:crypto';
import { createAuthorizationRequest, parseAuthorizationCallback, parseImplicitFragment } from '../../lib/oauth2/authorize';
import { OAuth2CallbackError } from '../../lib/oauth2/errors';
import { PendingAuthorizationStore } from '../../lib/oauth2/pending-authorizations';
import type { OAuth2Config } from '../../lib/oauth2/types';

const config: OAuth2Config = {
  client: { clientId: 'cid', clientSecret: 's', method: 'body' },
  tokenUrl: 'https://as.test/token',
  authorizationUrl: 'https://as.test/authorize?tenant=x',
  redirectUri: 'https://app.test/cb',
  scopes: ['read', 'write'],
  extraAuthorizeParams: { subdomain: 'acme' },
};

describe('authorization request', () => {
  it('builds the URL with state, PKCE S256 and extra params', () => {
    const p = createAuthorizationRequest(config, { now: 0 });
    const url = new URL(p.url);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({ tenant: 'x', response_type: 'code', client_id: 'cid', redirect_uri: 'https://app.test/cb', scope: 'read write', subdomain: 'acme', code_challenge_method: 'S256' });
    expect(q.state).toBe(p.state);
    expect(p.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.code_challenge).toBe(createHash('sha256').update(p.codeVerifier as string).digest('base64url'));
    expect(p.expiresAt).toBe(600_000);
  });

  it('PKCE can be disabled by the provider config; every request gets a new state', () => {
    const a = createAuthorizationRequest({ ...config, pkce: false });
    const b = createAuthorizationRequest({ ...config, pkce: false });
    expect(new URL(a.url).searchParams.has('code_challenge')).toBe(false);
    expect(a.codeVerifier).toBeUndefined();
    expect(a.state).not.toBe(b.state);
  });

  it('refuses a missing authorization URL or redirect URI', () => {
    expect(() => createAuthorizationRequest({ ...config, authorizationUrl: undefined })).toThrow(/authorization URL is empty/);
    expect(() => createAuthorizationRequest({ ...config, redirectUri: undefined })).toThrow(/redirect URI is empty/);
  });
});

describe('authorization callback', () => {
  it('returns the code when state matches', () => {
    expect(parseAuthorizationCallback('https://app.test/cb?code=C1&state=S1', { state: 'S1' })).toEqual({ code: 'C1' });
  });

  it('surfaces provider errors such as access_denied', () => {
    expect(() => parseAuthorizationCallback('https://app.test/cb?error=access_denied&error_description=User+said+no&state=S1', { state: 'S1' }))
      .toThrow(/access_denied.*User said no/);
  });

  it('rejects a missing or wrong state, and a missing code', () => {
    expect(() => parseAuthorizationCallback('?code=C1', { state: 'S1' })).toThrow(/no state/);
    expect(() => parseAuthorizationCallback('?code=C1&state=S2', { state: 'S1' })).toThrow(/state_mismatch/);
    expect(() => parseAuthorizationCallback('?state=S1', { state: 'S1' })).toThrow(/no authorization code/);
  });

  it('compares iss exactly when present (RFC 9207)', () => {
    expect(parseAuthorizationCallback('?code=C&state=S&iss=https%3A%2F%2Fas.test', { state: 'S', issuer: 'https://as.test' })).toEqual({ code: 'C' });
    expect(() => parseAuthorizationCallback('?code=C&state=S&iss=https%3A%2F%2Fevil.test', { state: 'S', issuer: 'https://as.test' })).toThrow(OAuth2CallbackError);
    expect(parseAuthorizationCallback('?code=C&state=S', { state: 'S', issuer: 'https://as.test' })).toEqual({ code: 'C' });
    expect(() => parseAuthorizationCallback('?code=C&state=S', { state: 'S', issuer: 'https://as.test', requireIssuer: true })).toThrow(/no iss/);
  });

  it('parses an implicit-grant fragment, and its errors', () => {
    const t = parseImplicitFragment('https://app.test/cb#access_token=AT&token_type=bearer&scope=read&state=S&expires_in=60', { state: 'S' }, 0);
    expect(t).toEqual({ accessToken: 'AT', tokenType: 'Bearer', scope: 'read', obtainedAt: 0, expiresAt: 60_000 });
    expect(() => parseImplicitFragment('#error=access_denied&error_description=no&state=S', { state: 'S' })).toThrow(/access_denied/);
  });
});

describe('pending authorization store', () => {
  it('is single use, expires, and keeps the owner', () => {
    let now = 0;
    const store = new PendingAuthorizationStore<string>(10, () => now);
    const p = createAuthorizationRequest(config, { now: 0, ttlMs: 1000 });
    store.add('node-1', p);
    expect(store.take(p.state)?.owner).toBe('node-1');
    expect(store.take(p.state)).toBeUndefined();
    const q = createAuthorizationRequest(config, { now: 0, ttlMs: 1000 });
    store.add('node-1', q);
    now = 1000;
    expect(store.take(q.state)).toBeUndefined();
    expect(store.take(undefined)).toBeUndefined();
  });

  it('is bounded', () => {
    const store = new PendingAuthorizationStore<string>(3);
    for (let i = 0; i < 10; i++) store.add('n', createAuthorizationRequest(config));
    expect(store.size).toBe(3);
  });
});
