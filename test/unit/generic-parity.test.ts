// Issue #16 items 2 and 3 (generic client): one settings schema (lib/providers/generic/settings.ts)
// and one mapper for both hosts. Each setting is offered by n8n's Advanced OAuth2 credential and by
// Node-RED's oauth2-client under the schema's names, or the schema says why a host does not offer
// it; the README's parity table is the schema's; the same settings typed in either host give the
// same engine configuration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

import { AdvancedOAuth2Api } from '../../credentials/AdvancedOAuth2Api.credentials';
import { advancedSetup } from '../../hosts/n8n/advanced-config';
import { EDITOR_DESCRIPTIONS } from '../../lib/providers/editor-descriptions';
import { fromN8n, GENERIC_SETTINGS, genericSetupOf, type GenericSetting } from '../../lib/providers/generic/settings';
import { PROVIDERS } from '../../lib/providers/registry';
import { buildConfig } from '../../hosts/node-red/builders';

const ROOT = path.join(__dirname, '..', '..');
/** n8n properties that are no setting: the token state n8n keeps, and the method `auto` settled on. */
const N8N_STATE = new Set(['accessToken', 'refreshToken', 'tokenExpiresAt', 'tokenType', 'clientAuthMethodUsed', 'dpopPrivateKey']);

function nodeRedDefinition(): { defaults: Record<string, unknown>; credentials: Record<string, unknown> } {
  const html = fs.readFileSync(path.join(ROOT, 'node-red', 'oauth2-client.html'), 'utf8');
  let definition: { defaults: Record<string, unknown>; credentials: Record<string, unknown> } | undefined;
  const RED = { nodes: { registerType: (_type: string, d: typeof definition) => (definition = d) }, validators: { regex: () => () => true, number: () => () => true } };
  // the shared editor script renders the dialog from the schema: load the real one
  const window = { OAuth2ConnectorsDescriptions: EDITOR_DESCRIPTIONS };
  vm.runInNewContext(fs.readFileSync(path.join(ROOT, 'resources', 'oauth2-editor.js'), 'utf8'), { window, $: () => ({}) });
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(code, { RED, window, $: () => ({}) });
  if (!definition) throw new Error('oauth2-client did not register');
  return definition;
}

const cell = (offer: string | { no: string } | undefined, name: string) => (offer === undefined ? `✓ \`${name}\`` : typeof offer === 'string' ? `✓ \`${offer}\`` : offer.no);
/** The README's parity table, from the schema. */
function parityTable(): string {
  const rows = GENERIC_SETTINGS.map((s: GenericSetting) => `| ${s.label} | ${cell(s.nodeRed, s.name)} | ${cell(s.n8n, s.name)} |`);
  return ['| Setting | Node-RED `oauth2-client` | n8n Advanced OAuth2 API |', '| --- | --- | --- |', ...rows].join('\n');
}

describe('the generic client: one schema, both hosts', () => {
  it("n8n's Advanced OAuth2 credential offers exactly the schema's n8n settings", () => {
    const offered = new AdvancedOAuth2Api().properties.map((p) => p.name).filter((name) => !N8N_STATE.has(name));
    const expected = GENERIC_SETTINGS.flatMap((s) => (typeof s.n8n === 'string' ? [s.n8n] : []));
    expect([...new Set(offered)].sort()).toEqual(expected.sort());
  });

  it("Node-RED's oauth2-client offers exactly the schema's Node-RED settings (secrets as credentials)", () => {
    const { defaults, credentials } = nodeRedDefinition();
    const expected = GENERIC_SETTINGS.filter((s) => !s.nodeRed).map((s) => s.name);
    const lifecycle = ['name', 'keepAliveHours', 'revokeOnRemove'];
    expect([...Object.keys(defaults).filter((k) => !lifecycle.includes(k)), ...Object.keys(credentials)].sort()).toEqual(expected.sort());
    const secrets = Object.entries(PROVIDERS[2].nodeRed.secrets);
    expect(secrets.map(([name]) => name).sort()).toEqual(GENERIC_SETTINGS.filter((s) => !s.nodeRed && (s.kind === 'secret' || s.name === 'username')).map((s) => s.name).sort());
  });

  it("a new oauth2-client has the released defaults and validators (the dialog is rendered from the schema)", () => {
    const { defaults } = nodeRedDefinition();
    const values = Object.fromEntries(Object.entries(defaults).map(([name, d]) => [name, (d as { value: unknown }).value]));
    const released = { grantType: 'authorization_code', clientAuth: 'auto', pkce: true, tokenBodyFormat: 'form', scopeOnRefresh: false, requireIssuer: false, headerPrefix: 'Bearer', revokeOnRemove: false, jwtScopeClaim: false, subjectFrom: 'token', dpop: false };
    for (const [name, value] of Object.entries(values)) expect({ name, value }).toEqual({ name, value: (released as Record<string, unknown>)[name] ?? '' });
    expect((defaults.tokenUrl as { required?: boolean }).required).toBe(true);
    const valid = (name: string, v: unknown) => ((defaults[name] as { validate?: (v: unknown) => boolean }).validate ?? (() => true))(v);
    expect([valid('timeoutSec', '12'), valid('timeoutSec', 'x'), valid('timeoutSec', undefined)]).toEqual([true, false, true]);
    expect([valid('maxResponseMB', '1.5'), valid('maxResponseMB', '1,5')]).toEqual([true, false]);
    expect([valid('rejectedStatuses', '401, 403'), valid('rejectedStatuses', '401;403')]).toEqual([true, false]);
    expect([valid('extraTokenParams', 'a=1&b=2'), valid('extraTokenParams', '{"a":"1"}'), valid('extraTokenParams', '{"a":')]).toEqual([true, true, false]);
    expect([valid('validations', '[{"path":"x"}]'), valid('validations', '{}')]).toEqual([true, false]);
  });

  it("the README's parity table is the schema's", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- generic-parity:start -->\n([\s\S]*?)<!-- generic-parity:end -->/;
    // UPDATE_PARITY=1 rewrites the block from the schema
    if (process.env.UPDATE_PARITY === '1') fs.writeFileSync(path.join(ROOT, 'README.md'), readme.replace(block, () => `<!-- generic-parity:start -->\n${parityTable()}\n<!-- generic-parity:end -->`));
    expect(block.exec(readme)?.[1]).toBe(`${parityTable()}\n`);
  });

  it('the same settings typed in n8n and in Node-RED give the same configuration and grant', () => {
    const n8n = {
      grantType: 'password', tokenUrl: 'https://as.example/token', clientId: 'id', clientAuthentication: 'basic-raw', clientSecret: 'se+cret', username: 'u', password: 'p',
      scope: 'read, write', scopeSeparator: ',', extraGrantParameters: 'audience=https%3A%2F%2Fapi&x=1', extraGrantHeaders: '{"X-Tenant":"acme"}', grantBodyFormat: 'json',
      responsePathAccess: 'data.token', responsePathExpiresIn: 'data.ttl', responsePathType: 'token_type', validations: '[{"path":"$status","equals":200}]', defaultExpiresIn: 120,
      headerName: 'X-Token', headerPrefix: '', timeoutSec: 10, maxRetries: 1, maxRetryWaitSec: 5, allowHttpHosts: 'auth.internal:8080', rejectedBodyPath: 'error', rejectedBodyValues: 'token_expired',
    };
    const nodeRed = {
      grantType: 'password', tokenUrl: 'https://as.example/token', clientId: 'id', clientAuth: 'basic-raw', scopes: 'read write', scopeSeparator: ',',
      extraTokenParams: '{"audience":"https://api","x":"1"}', extraTokenHeaders: 'X-Tenant=acme', tokenBodyFormat: 'json', accessTokenPath: 'data.token', expiresInPath: 'data.ttl', tokenTypePath: 'token_type',
      validations: '[{"path":"$status","equals":200}]', defaultExpiresIn: '120', headerName: 'X-Token', headerPrefix: '', timeoutSec: '10', maxRetries: '1', maxRetryWaitSec: '5', allowHttpHosts: 'auth.internal:8080',
      rejectedBodyPath: 'error', rejectedBodyValues: 'token_expired',
    };
    const fromN8nHost = advancedSetup(n8n);
    const fromNodeRed = buildConfig('oauth2-client', nodeRed, { clientSecret: 'se+cret', username: 'u', password: 'p' });
    expect(fromNodeRed.config).toEqual(fromN8nHost.config);
    expect(fromNodeRed.grant).toEqual(fromN8nHost.grant);
    expect(fromNodeRed.manager).toEqual(fromN8nHost.manager);
    expect(fromN8nHost.config).toMatchObject({ scopes: ['read', 'write'], extraTokenParams: { audience: 'https://api', x: '1' }, retry: { maxRetries: 1, maxDelayMs: 5000 }, timeoutMs: 10_000, allowHttpHosts: ['auth.internal:8080'] });
  });

  it('n8n names are translated, nothing else is taken', () => {
    expect(fromN8n({ clientAuthentication: 'body', scope: 'a', accessToken: 'AT-secret', refreshToken: 'RT', signingAlgorithm: 'auto' })).toEqual({ clientAuth: 'body', scopes: 'a', signingAlg: '' });
  });

  it('clear errors for bad input, in both hosts alike', () => {
    const base = { grantType: 'client_credentials', tokenUrl: 'https://as.example/token', clientId: 'c' };
    expect(() => genericSetupOf({ ...base, tokenUrl: ' ' })).toThrow('The token URL is empty');
    expect(() => genericSetupOf({ ...base, extraTokenParams: '{"a":{"b":1}}' })).toThrow('Extra token parameters: the value of "a" must be a string');
    expect(() => genericSetupOf({ ...base, timeoutSec: 'soon' })).toThrow('"soon" is not a valid non-negative number');
    expect(() => genericSetupOf({ ...base, validations: '{}' })).toThrow(/must be a JSON array/);
    expect(() => genericSetupOf({ ...base, rejectedBodyPath: 'error' })).toThrow(/needs at least one value/);
    expect(() => advancedSetup({ ...base, grantType: 'password', username: '' })).toThrow('The password grant needs a username');
  });
});
