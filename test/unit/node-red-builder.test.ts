// Issue #16 items 2 and 4: Node-RED config nodes are built by one builder over each provider's
// mapper (from the registry), and a credential field is read from the credentials only: a secret
// written into a flow's plain settings is never used.
import { buildConfig } from '../../hosts/node-red/builders';
import { NODE_RED_CONFIG_TYPES, PROVIDERS } from '../../lib/providers/registry';

const SETTINGS: Record<string, Record<string, unknown>> = {
  'deployteq-oauth2': { clientId: 'dt-client', grantType: 'client_credentials' },
  'zendesk-chat-oauth2': { clientId: 'zd-client', subdomain: 'acme', grantType: 'password' },
  'oauth2-client': { clientId: 'gen-client', tokenUrl: 'https://as.example.test/token', grantType: 'password', clientAuth: 'body' },
};

it('every config type of the registry is built by the one builder, and nothing else', () => {
  expect(() => buildConfig('tls-config' as never, {}, {})).toThrow(TypeError);
  for (const type of NODE_RED_CONFIG_TYPES) expect(buildConfig(type, SETTINGS[type], { clientSecret: 'typed', username: 'u', password: 'p' }).config.client.clientSecret).toBe('typed');
});

it.each(PROVIDERS.map((p) => p.nodeRed.config))('%s: credential fields in the plain settings are ignored', (type) => {
  const provider = PROVIDERS.find((p) => p.nodeRed.config === type) as (typeof PROVIDERS)[number];
  const planted = Object.fromEntries(Object.keys(provider.nodeRed.secrets).map((name) => [name, `planted-${name}`]));
  const built = buildConfig(type, { ...SETTINGS[type], ...planted }, { username: 'real-user' });
  expect(JSON.stringify({ config: built.config, grant: built.grant })).not.toContain('planted-');
});
