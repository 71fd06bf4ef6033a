/**
 * The one mapper of a Zendesk Chat credential, for both hosts: the flat settings record either host
 * keeps (n8n's credential data; Node-RED's node settings with its credentials; the field names are
 * the same) → the engine configuration and the API base URL. The default scope comes from the
 * description, nowhere else.
 */
import type { OAuth2Config } from '../../oauth2/types';
import { values } from '../description';
import { credentialFieldsOf, type SettingSpec } from '../setting-ui';
import type { ProviderSetup } from '../setup';
import { listOf, trimmed } from '../settings';
import { zendeskChatEndpoints, zendeskChatOAuth2Config, type ZendeskChatLocation } from './config';
import { ZENDESK_CHAT } from './description';

/** The credential's settings: Node-RED's `zendesk-chat-oauth2` renders its dialog from them. */
export const ZENDESK_CHAT_SETTINGS: readonly SettingSpec[] = [
  { name: 'host', label: 'Host', kind: 'choice', default: ZENDESK_CHAT.defaultHost, ui: { icon: 'server', choices: 'hostChoices' } },
  { name: 'subdomain', label: 'Subdomain', kind: 'text', ui: { icon: 'globe', placeholder: 'acme (of acme.zendesk.com)', when: { setting: 'host', values: ['current'] } } },
  { name: 'grantType', label: 'Grant', kind: 'choice', default: ZENDESK_CHAT.defaultGrant, ui: { icon: 'key', choices: 'grants' } },
  { name: 'clientId', label: 'Client ID', kind: 'text', required: true, ui: { icon: 'user' } },
  { name: 'clientSecret', label: 'Client secret', kind: 'secret', ui: { icon: 'lock' } },
  { name: 'username', label: 'Username', kind: 'text', grants: ['password'], credential: true, ui: { icon: 'user' } },
  { name: 'password', label: 'Password', kind: 'secret', grants: ['password'], ui: { icon: 'lock' } },
  { name: 'scopes', label: 'Scopes', kind: 'list', default: ZENDESK_CHAT.scopes.default.join(' '), ui: { icon: 'list', placeholder: ZENDESK_CHAT.scopes.default.join(' ') } },
  { name: 'baseUrl', label: 'Base URL', kind: 'text', ui: { icon: 'globe', placeholder: 'optional: a proxy or sandbox instead of the Zendesk host', section: 'api' } },
];

export const ZENDESK_CHAT_CREDENTIAL_FIELDS = credentialFieldsOf(ZENDESK_CHAT_SETTINGS);

/** Where the account lives: subdomain, host (current or legacy) and a custom base URL. */
export function zendeskChatLocationOf(settings: Record<string, unknown>): ZendeskChatLocation {
  return {
    subdomain: trimmed(settings.subdomain) || undefined,
    host: settings.host === 'legacy' ? 'legacy' : 'current',
    baseUrl: trimmed(settings.baseUrl) || undefined,
  };
}

/** The API base URL of the account the settings name. */
export function zendeskChatApiBaseUrlOf(settings: Record<string, unknown>): string {
  return zendeskChatEndpoints(zendeskChatLocationOf(settings)).apiBaseUrl;
}

/** The engine configuration (and API base URL) of a Zendesk Chat credential; `scopes` as a list or text, empty = the default. */
export function zendeskChatConfigOf(settings: Record<string, unknown>): OAuth2Config & { apiBaseUrl: string } {
  const clientId = trimmed(settings.clientId);
  if (!clientId) throw new TypeError('The client ID is empty');
  return zendeskChatOAuth2Config({
    ...zendeskChatLocationOf(settings),
    clientId,
    clientSecret: trimmed(settings.clientSecret) ? String(settings.clientSecret) : undefined,
    scopes: listOf(settings.scopes),
  });
}

/** The mapper as the Node-RED builder calls it: configuration, grant type (one of the description's) and API base URL. */
export function zendeskChatSetupOf(settings: Record<string, unknown>): ProviderSetup & { apiBaseUrl: string } {
  const grantType = values(ZENDESK_CHAT.grants).find((g) => g === settings.grantType) ?? ZENDESK_CHAT.defaultGrant;
  const { apiBaseUrl, ...config } = zendeskChatConfigOf(settings);
  return { config, grantType, apiBaseUrl };
}
