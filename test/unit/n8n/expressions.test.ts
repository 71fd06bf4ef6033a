// The n8n expressions the credentials use for hidden fields, tests and the token header, evaluated
// as the JavaScript they are ($self / $credentials / $now supplied), so a typo or a bad escape in
// them shows up here rather than only in a real n8n.
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { AdvancedOAuth2Api } from '../../../credentials/AdvancedOAuth2Api.credentials';
import { DeployteqOAuth2Api } from '../../../credentials/DeployteqOAuth2Api.credentials';
import { ZendeskChatOAuth2Api } from '../../../credentials/ZendeskChatOAuth2Api.credentials';
import { ZendeskChatPasswordOAuth2Api } from '../../../credentials/ZendeskChatPasswordOAuth2Api.credentials';

function evaluate(expression: string, vars: { $self?: object; $credentials?: object; nowMs?: number }): unknown {
  const match = /^=\{\{([\s\S]*)\}\}$/.exec(expression);
  if (!match) throw new Error(`not a whole expression: ${expression}`);
  const $now = { toMillis: () => vars.nowMs ?? Date.now() };
  return new Function('$self', '$credentials', '$now', `return (${match[1]});`)(vars.$self ?? {}, vars.$credentials ?? {}, $now);
}

function hiddenDefault(type: ICredentialType, name: string): string {
  const property = type.properties.find((p: INodeProperties) => p.name === name);
  expect(property?.type).toBe('hidden');
  return String(property?.default);
}

describe('Deployteq credential expressions', () => {
  const type = new DeployteqOAuth2Api();

  it('token and authorize URLs follow the auth host, or the custom base URL without trailing slashes', () => {
    expect(evaluate(hiddenDefault(type, 'accessTokenUrl'), { $self: { authHost: 'https://auth.clang.cloud' } })).toBe('https://auth.clang.cloud/oauth2/token');
    expect(evaluate(hiddenDefault(type, 'authUrl'), { $self: { authHost: 'custom', customAuthBaseUrl: 'http://127.0.0.1:5000/deployteq//' } })).toBe('http://127.0.0.1:5000/deployteq/oauth2/auth');
  });

  it.each(['javascript:alert(document.cookie)//', 'data:text/html,x', 'file:///etc', 'http://auth.example.com', 'vbscript:x'])('a custom base URL %s never becomes the authorize or token URL (issue #8 item 1)', (custom) => {
    for (const field of ['authUrl', 'accessTokenUrl']) {
      const url = String(evaluate(hiddenDefault(type, field), { $self: { authHost: 'custom', customAuthBaseUrl: custom } }));
      expect(url.startsWith('https://refused.invalid/the-url-must-be-https')).toBe(true);
    }
  });

  it('scope joins the chosen scopes; offline_access is dropped for client credentials', () => {
    const scopes = ['apps.webhook:execute', 'offline_access'];
    expect(evaluate(hiddenDefault(type, 'scope'), { $self: { requestedScopes: scopes, grantType: 'authorizationCode' } })).toBe('apps.webhook:execute offline_access');
    expect(evaluate(hiddenDefault(type, 'scope'), { $self: { requestedScopes: scopes, grantType: 'clientCredentials' } })).toBe('apps.webhook:execute');
  });
});

describe('Zendesk Chat credential expressions', () => {
  const type = new ZendeskChatOAuth2Api();

  it.each(['javascript:alert(1)//', 'data:text/html,x', 'http://proxy.example.com'])('a custom base URL %s never becomes the authorize or token URL (issue #8 item 1)', (baseUrl) => {
    for (const field of ['authUrl', 'accessTokenUrl']) {
      expect(String(evaluate(hiddenDefault(type, field), { $self: { baseUrl } }))).toMatch(/^https:\/\/refused\.invalid\//);
    }
    expect(String(evaluate(hiddenDefault(type, 'authUrl'), { $self: { baseUrl: 'https://proxy.example.com/' } }))).toBe('https://proxy.example.com/oauth2/chat/authorizations/new');
  });

  it('current host, legacy host and custom base URL', () => {
    expect(evaluate(hiddenDefault(type, 'accessTokenUrl'), { $self: { host: 'current', subdomain: ' Acme ' } })).toBe('https://acme.zendesk.com/oauth2/chat/token');
    expect(evaluate(hiddenDefault(type, 'authUrl'), { $self: { host: 'legacy' } })).toBe('https://www.zopim.com/oauth2/authorizations/new');
    expect(evaluate(hiddenDefault(type, 'accessTokenUrl'), { $self: { host: 'current', baseUrl: 'http://127.0.0.1:9/zendesk/' } })).toBe('http://127.0.0.1:9/zendesk/oauth2/chat/token');
  });

  it('subdomain goes into the authorize query; scopes are space separated', () => {
    expect(evaluate(hiddenDefault(type, 'authQueryParameters'), { $self: { subdomain: 'Acme' } })).toBe('subdomain=acme');
    expect(evaluate(hiddenDefault(type, 'authQueryParameters'), { $self: {} })).toBe('');
    expect(evaluate(hiddenDefault(type, 'scope'), { $self: { requestedScopes: ['read', 'chat'] } })).toBe('read chat');
  });

  it('the password credential tests against the account endpoint of the right host', () => {
    const test = new ZendeskChatPasswordOAuth2Api().test.request.url as string;
    expect(evaluate(test, { $credentials: { host: 'current', subdomain: 'acme' } })).toBe('https://acme.zendesk.com/api/v2/chat/account');
    expect(evaluate(test, { $credentials: { host: 'legacy' } })).toBe('https://www.zopim.com/api/v2/account');
  });
});

describe('token header of the engine-backed credentials (their function authenticate)', () => {
  const advanced = new AdvancedOAuth2Api();
  const base = { grantType: 'clientCredentials', tokenUrl: 'https://auth.example.test/token', clientId: 'c', clientSecret: 's', clientAuthentication: 'basic' };
  const header = async (credential: { authenticate: (c: never, o: never) => Promise<{ headers?: unknown }> }, creds: object) =>
    (await credential.authenticate({ ...base, ...creds } as never, { url: 'https://api.example.test/x', headers: { accept: 'application/json' } } as never)).headers as Record<string, string>;

  it('uses the configured header name and prefix; an empty prefix sends the bare token; other headers stay', async () => {
    expect(await header(advanced, { headerName: 'X-Api-Token', headerPrefix: 'Token', accessToken: 'abc123', tokenExpiresAt: 0 })).toEqual({ accept: 'application/json', 'X-Api-Token': 'Token abc123' });
    expect(await header(advanced, { headerName: '', headerPrefix: '', accessToken: 'abc123', tokenExpiresAt: 0 })).toEqual({ accept: 'application/json', Authorization: 'abc123' });
  });

  it('after the stored expiry (and nothing newer in this process) it sends a marker, so the server answers 401 and n8n fetches a new token', async () => {
    expect((await header(advanced, { headerPrefix: 'Bearer', accessToken: 'abc123', tokenExpiresAt: Date.now() + 60_000 })).Authorization).toBe('Bearer abc123');
    expect((await header(advanced, { headerPrefix: 'Bearer', accessToken: 'abc124', tokenExpiresAt: Date.now() - 1 })).Authorization).toBe('expired');
  });

  it('the Zendesk password credential sends Bearer', async () => {
    const zendesk = new ZendeskChatPasswordOAuth2Api();
    expect((await header(zendesk, { host: 'current', subdomain: 'acme', username: 'u', password: 'p', accessToken: 'tok-1', tokenExpiresAt: 0 })).Authorization).toBe('Bearer tok-1');
  });
});
