/**
 * The one mapper of a Zendesk Chat credential, for both hosts: the flat settings record either host
 * keeps (n8n's credential data; Node-RED's node settings with its credentials; the field names are
 * the same) → the engine configuration and the API base URL. The default scope comes from the
 * description, nowhere else.
 */
import type { OAuth2Config } from '../../oauth2/types';
import { listOf, trimmed } from '../settings';
import { zendeskChatEndpoints, zendeskChatOAuth2Config, type ZendeskChatLocation } from './config';

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
