// The n8n credentials and nodes derive from the provider descriptions; where n8n's lint wants a
// literal, the literal must equal what the description (or the engine) says.
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { AdvancedOAuth2Api } from '../../../credentials/AdvancedOAuth2Api.credentials';
import { DeployteqOAuth2Api } from '../../../credentials/DeployteqOAuth2Api.credentials';
import { ZendeskChatOAuth2Api } from '../../../credentials/ZendeskChatOAuth2Api.credentials';
import { ZendeskChatPasswordOAuth2Api } from '../../../credentials/ZendeskChatPasswordOAuth2Api.credentials';
import { titleCase } from '../../../hosts/n8n/from-description';
import { DEFAULT_API_RESPONSE_MAX_BYTES } from '../../../lib/oauth2/body';
import { DEPLOYTEQ } from '../../../lib/providers/deployteq/description';
import { GENERIC } from '../../../lib/providers/generic/description';
import { ZENDESK_CHAT } from '../../../lib/providers/zendesk-chat/description';
import { maxResponseSizeOption } from '../../../hosts/n8n/response-size';
import deployteqCodex from '../../../nodes/Deployteq/Deployteq.node.json';

const property = (type: { properties: Array<{ name: string }> }, name: string) => type.properties.find((p) => p.name === name) as unknown as { options?: Array<{ value: unknown }>; default?: unknown };

it('literal documentation URLs and defaults equal the descriptions', () => {
  expect(new DeployteqOAuth2Api().documentationUrl).toBe(DEPLOYTEQ.documentationUrl);
  expect(new ZendeskChatOAuth2Api().documentationUrl).toBe(ZENDESK_CHAT.documentationUrl);
  expect(new ZendeskChatPasswordOAuth2Api().documentationUrl).toBe(ZENDESK_CHAT.documentationUrl);
  expect(new AdvancedOAuth2Api().documentationUrl).toBe(GENERIC.documentationUrl);
  expect(maxResponseSizeOption.default).toBe(DEFAULT_API_RESPONSE_MAX_BYTES / (1024 * 1024));
});

it('Deployteq: the documentation link (credential, node codex) is the OAuth 2.0 webhook documentation, from one home', () => {
  expect(DEPLOYTEQ.documentationUrl).toMatch(/^https:\/\/docs\.deployteq\.net\/.*\/webhook-receiver\/oauth-2-0-server-for-deployteq-webhooks$/);
  expect(deployteqCodex.resources.primaryDocumentation).toEqual([{ url: DEPLOYTEQ.documentationUrl }]);
  expect(deployteqCodex.resources.credentialDocumentation).toEqual([{ url: DEPLOYTEQ.documentationUrl }]);
});

it('option lists and defaults come from the descriptions', () => {
  const dt = new DeployteqOAuth2Api();
  expect(property(dt, 'requestedScopes').options?.map((o) => o.value)).toEqual(DEPLOYTEQ.scopes.choices.map((c) => c.value));
  expect(property(dt, 'requestedScopes').default).toEqual(DEPLOYTEQ.scopes.default);
  expect(property(dt, 'authHost').options?.map((o) => o.value)).toEqual([...DEPLOYTEQ.authHosts.map((h) => h.value), 'custom']);
  const zd = new ZendeskChatOAuth2Api();
  expect(property(zd, 'requestedScopes').options?.map((o) => o.value)).toEqual(ZENDESK_CHAT.scopes.choices.map((c) => c.value));
  expect(property(zd, 'host').options?.map((o) => o.value)).toEqual(ZENDESK_CHAT.hostChoices.map((c) => c.value));
  expect(property(new AdvancedOAuth2Api(), 'clientAuthentication').options?.map((o) => o.value)).toEqual(GENERIC.clientAuthChoices.map((c) => c.value));
  expect(property(new AdvancedOAuth2Api(), 'clientAuthentication').default).toBe(GENERIC.clientAuth);
});

it('Title Case for n8n option names, host names untouched', () => {
  expect(titleCase('Current ({subdomain}.zendesk.com)')).toBe('Current ({Subdomain}.zendesk.com)');
  expect(titleCase('auth.clang.cloud (default)')).toBe('auth.clang.cloud (Default)');
  expect(titleCase('stay connected to the account')).toBe('Stay Connected to the Account');
});

it('the Scopes field shows once its grant (or host) field has a value; the required-scope notice shows while Scopes lacks the scope', () => {
  const shown = (type: { properties: INodeProperties[] }, name: string, values: Record<string, unknown>) =>
    NodeHelpers.displayParameter(values as never, type.properties.find((p) => p.name === name)!, null, null);
  const dt = new DeployteqOAuth2Api();
  // n8n's dialog mounts fields before it fills in defaults: Scopes waits for the grant's value
  expect(shown(dt, 'requestedScopes', {})).toBe(false);
  expect(shown(dt, 'requestedScopes', { grantType: 'clientCredentials' })).toBe(true);
  expect(shown(dt, 'requestedScopes', { grantType: 'authorizationCode' })).toBe(true);
  expect(shown(dt, 'requiredScopeNotice', { requestedScopes: ['apps.webhook:execute', 'offline_access'] })).toBe(false);
  expect(shown(dt, 'requiredScopeNotice', { requestedScopes: ['offline_access'] })).toBe(true);
  expect(shown(dt, 'requiredScopeNotice', { requestedScopes: [] })).toBe(true);
  expect(dt.properties.find((p) => p.name === 'requiredScopeNotice')?.displayName).toMatch(/^Without the scope Execute Webhooks \(apps\.webhook:execute\) Deployteq refuses/);
  for (const zd of [new ZendeskChatOAuth2Api(), new ZendeskChatPasswordOAuth2Api()]) {
    expect(shown(zd, 'requestedScopes', {})).toBe(false);
    expect(shown(zd, 'requestedScopes', { host: 'current' })).toBe(true);
    expect(shown(zd, 'requestedScopes', { host: 'legacy' })).toBe(true);
    expect(shown(zd, 'requiredScopeNotice', { requestedScopes: ['read', 'chat'] })).toBe(false);
    expect(shown(zd, 'requiredScopeNotice', { requestedScopes: ['chat'] })).toBe(true);
  }
});
