import type { OAuth2Config } from '../oauth2/types';
import { requireHttpUrl } from './http-json';

/**
 * Zendesk Chat (formerly Zopim): OAuth endpoints and engine configuration. Facts:
 * shared/reference/zendesk-chat.md. Client credentials go in the body; token answers have no
 * `expires_in` (lifetime unknown: refresh reactively on 401); refresh tokens are single use.
 */
export type ZendeskChatHost = 'current' | 'legacy';

export const ZENDESK_CHAT_SCOPES = ['read', 'write', 'chat'] as const;

export interface ZendeskChatEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
}

export interface ZendeskChatLocation {
  subdomain?: string;
  host?: ZendeskChatHost;
  /** Replaces `https://{subdomain}.zendesk.com` (current) or `https://www.zopim.com` (legacy): for sandboxes and proxies. */
  baseUrl?: string;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export function zendeskChatEndpoints(location: ZendeskChatLocation): ZendeskChatEndpoints {
  const host = location.host ?? 'current';
  let root: string;
  if (location.baseUrl) {
    root = requireHttpUrl(location.baseUrl, 'The Zendesk Chat base URL').toString().replace(/\/+$/, '');
  } else if (host === 'legacy') {
    root = 'https://www.zopim.com';
  } else {
    if (!location.subdomain || !SUBDOMAIN.test(location.subdomain)) {
      throw new TypeError('The Zendesk subdomain is missing or invalid (use the "acme" of acme.zendesk.com)');
    }
    root = `https://${location.subdomain.toLowerCase()}.zendesk.com`;
  }
  return host === 'legacy'
    ? { authorizationUrl: `${root}/oauth2/authorizations/new`, tokenUrl: `${root}/oauth2/token`, apiBaseUrl: `${root}/api/v2` }
    : { authorizationUrl: `${root}/oauth2/chat/authorizations/new`, tokenUrl: `${root}/oauth2/chat/token`, apiBaseUrl: `${root}/api/v2/chat` };
}

export interface ZendeskChatSettings extends ZendeskChatLocation {
  clientId: string;
  clientSecret?: string;
  scopes?: string[];
  redirectUri?: string;
}

/** The engine configuration for a Zendesk Chat credential (any grant). */
export function zendeskChatOAuth2Config(settings: ZendeskChatSettings): OAuth2Config & { apiBaseUrl: string } {
  const { apiBaseUrl, ...endpoints } = zendeskChatEndpoints(settings);
  const scopes = settings.scopes?.length ? settings.scopes : ['read'];
  const unknown = scopes.filter((s) => !(ZENDESK_CHAT_SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new TypeError(`Unknown Zendesk Chat scope(s): ${unknown.join(', ')} (use read, write, chat)`);
  const extraAuthorizeParams: Record<string, string> = {};
  if (settings.subdomain) extraAuthorizeParams.subdomain = settings.subdomain.toLowerCase();
  return {
    ...endpoints,
    apiBaseUrl,
    client: { clientId: settings.clientId, clientSecret: settings.clientSecret, method: settings.clientSecret ? 'body' : 'none' },
    scopes,
    redirectUri: settings.redirectUri,
    extraAuthorizeParams,
  };
}
