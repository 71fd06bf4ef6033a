// Issue #8 items 1 and 8: which URLs a credential may be sent to, and how URLs appear in errors.
import { createAuthorizationRequest } from '../../lib/oauth2/authorize';
import { validateConfig } from '../../lib/oauth2/config';
import { OAuth2ConfigError } from '../../lib/oauth2/errors';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { checkEndpointUrl, hostMatches, isLoopbackHost, safeUrl, scrubUrls } from '../../lib/oauth2/urls';

const HOSTILE = ['javascript:alert(document.cookie)//', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox(1)', 'ftp://example.com/token'];

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'c', clientSecret: 's3cr3t-value', method: 'basic' },
  tokenUrl: 'https://as.example.com/token',
  ...extra,
});

describe('endpoint URLs (https only; http for loopback and allowed hosts)', () => {
  it.each(HOSTILE)('refuses %s for every endpoint', (url) => {
    expect(() => checkEndpointUrl(url, 'The token URL')).toThrow(OAuth2ConfigError);
    for (const key of ['tokenUrl', 'refreshUrl', 'authorizationUrl'] as const) {
      expect(() => validateConfig(config({ [key]: url }))).toThrow(/must be an https: URL|not a valid URL/);
      expect(() => new TokenManager({ config: config({ [key]: url }), grant: { type: 'client_credentials' } })).toThrow(OAuth2ConfigError);
    }
    expect(() => createAuthorizationRequest(config({ authorizationUrl: url, redirectUri: 'https://app/cb' }))).toThrow(OAuth2ConfigError);
  });

  it('plain http only for loopback and for hosts listed as allowed', () => {
    expect(checkEndpointUrl('http://127.0.0.1:8080/token', 'x').hostname).toBe('127.0.0.1');
    expect(checkEndpointUrl('http://localhost/token', 'x').hostname).toBe('localhost');
    expect(checkEndpointUrl('http://[::1]:9/token', 'x').hostname).toBe('[::1]');
    expect(() => checkEndpointUrl('http://as.internal/token', 'The token URL')).toThrow(/must use https:.*as\.internal is not/);
    expect(checkEndpointUrl('http://as.internal/token', 'x', { allowHttpHosts: ['as.internal'] }).hostname).toBe('as.internal');
    expect(checkEndpointUrl('http://a.corp.example/token', 'x', { allowHttpHosts: ['*.corp.example'] }).hostname).toBe('a.corp.example');
    expect(() => checkEndpointUrl('http://corp.example/token', 'x', { allowHttpHosts: ['*.corp.example'] })).toThrow(OAuth2ConfigError);
  });

  it('refuses a user name or password in an endpoint, without repeating it', () => {
    let error: Error | undefined;
    try {
      checkEndpointUrl('https://svc:P4ssw0rd-in-url@as.example.com/token', 'The token URL');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/must not contain a user name or password/);
    expect(error?.message).not.toContain('P4ssw0rd-in-url');
  });

  it('the redirect URI of an authorization request must be http(s)', () => {
    expect(() => createAuthorizationRequest(config({ authorizationUrl: 'https://as/authorize' }), { redirectUri: 'javascript:alert(1)' })).toThrow(/redirect URI must be an http/);
  });

  it('loopback and host patterns', () => {
    expect(['127.0.0.1', '127.5.6.7', 'localhost', 'api.localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['127.0.0.1.evil.com', '128.0.0.1', 'localhost.evil.com', '10.0.0.1'].some(isLoopbackHost)).toBe(false);
    expect(hostMatches('webhook.myclang.com', ['*.myclang.com'])).toBe(true);
    expect(hostMatches('myclang.com', ['*.myclang.com'])).toBe(false);
    expect(hostMatches('evilmyclang.com', ['*.myclang.com'])).toBe(false);
    expect(hostMatches('WEBHOOK.MyClang.com.', ['webhook.myclang.com'])).toBe(true);
  });
});

describe('URLs in error text carry scheme://host/path only', () => {
  it('safeUrl drops user info, query and fragment', () => {
    expect(safeUrl('https://svc:PASSWORD@api.example.com/v1/x?apikey=K3Y&a=1#frag')).toBe('https://api.example.com/v1/x');
    expect(safeUrl('javascript:alert(1)')).toBe('javascript:…');
    expect(safeUrl('not a url')).toBe('an invalid URL');
  });

  it('scrubUrls rewrites every URL inside a library message', () => {
    const message = 'Request cannot be constructed from a URL that includes credentials: http://svc:PASSWORD@10.0.0.1:8080/path?apikey=K3Y. Also see https://x.example/a?token=T0K3N, and (ftp://u:p@h/f).';
    const out = scrubUrls(message);
    for (const secret of ['PASSWORD', 'K3Y', 'T0K3N', 'u:p@']) expect(out).not.toContain(secret);
    expect(out).toContain('http://10.0.0.1:8080/path.');
    expect(out).toContain('https://x.example/a,');
  });
});
