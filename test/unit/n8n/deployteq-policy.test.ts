// The Deployteq node's webhook policy, read from its credential and node, and what the shared
// provider code does with it: Deployteq domains plus the credential's "Allowed Webhook Hosts",
// a fixed Webhook URL always allowed, a URL from an expression only on allowed hosts.
import { checkDeployteqWebhookUrl, DEPLOYTEQ_WEBHOOK_HOSTS } from '../../../lib/providers/deployteq';
import { OAuth2UrlRefusedError } from '../../../lib/oauth2/urls';
import { deployteqWebhookPolicy } from '../../../nodes/Deployteq/shared/connection';
import { fakeContext } from './fake-context';

function context(parameters: Record<string, unknown>, credentials: Record<string, unknown>, type = 'deployteqOAuth2Api') {
  return fakeContext({ credentialType: type, credentials: () => credentials, parameters, answer: () => new Error('no requests here') }).context;
}

describe('deployteqWebhookPolicy', () => {
  it('Deployteq credential: its auth host, the Deployteq domains plus its allowed hosts, the fixed Webhook URL', async () => {
    const policy = await deployteqWebhookPolicy(
      context({ endpointUrl: 'https://hooks.partner.example/in/1' }, { authHost: 'https://auth.deployteq.net', allowedWebhookHosts: 'hooks.example.com, *.example.org' }),
    );
    expect(policy).toEqual({
      authBaseUrl: 'https://auth.deployteq.net',
      allowedHosts: [...DEPLOYTEQ_WEBHOOK_HOSTS, 'hooks.example.com', '*.example.org'],
      configuredEndpoint: 'https://hooks.partner.example/in/1',
    });
    expect(() => checkDeployteqWebhookUrl('https://a.example.org/x', policy)).not.toThrow();
    expect(() => checkDeployteqWebhookUrl('https://webhook.myclang.com/x', policy)).not.toThrow();
    expect(() => checkDeployteqWebhookUrl('https://hooks.partner.example/in/1', policy)).not.toThrow();
    expect(() => checkDeployteqWebhookUrl('https://evil.example.net/x', policy)).toThrow(OAuth2UrlRefusedError);
  });

  it('a Webhook URL from an expression is not "configured": its host must be allowed', async () => {
    const policy = await deployteqWebhookPolicy(context({ endpointUrl: '={{ $json.url }}' }, { authHost: 'https://auth.clang.cloud', allowedWebhookHosts: '' }));
    expect(policy.configuredEndpoint).toBeUndefined();
    expect(policy.allowedHosts).toEqual(DEPLOYTEQ_WEBHOOK_HOSTS);
    expect(() => checkDeployteqWebhookUrl('https://hooks.partner.example/in/1', policy)).toThrow(/not a Deployteq host/);
  });

  it('a custom (sandbox) auth host is the custom base URL; the advanced credential uses its token URL', async () => {
    const custom = await deployteqWebhookPolicy(context({ endpointUrl: 'x' }, { authHost: 'custom', customAuthBaseUrl: 'http://127.0.0.1:4000/deployteq' }));
    expect(custom.authBaseUrl).toBe('http://127.0.0.1:4000/deployteq');
    const advanced = await deployteqWebhookPolicy(
      context({ authentication: 'advancedOAuth2', endpointUrl: 'x' }, { tokenUrl: 'https://auth.clang.cloud/oauth2/token' }, 'advancedOAuth2Api'),
    );
    expect(advanced).toMatchObject({ authBaseUrl: 'https://auth.clang.cloud/oauth2/token', allowedHosts: DEPLOYTEQ_WEBHOOK_HOSTS });
  });
});
