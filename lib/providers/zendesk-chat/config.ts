/** A Zendesk Chat credential as an engine configuration, from the description. */
import type { OAuth2Config } from '../../oauth2/types';
import { requireHttpUrl } from '../http-json';
import { ZENDESK_CHAT, type ZendeskChatHost } from './description';

export type { ZendeskChatHost };

/** The scopes Zendesk Chat offers. */
export const ZENDESK_CHAT_SCOPES = ZENDESK_CHAT.scopes.choices.map((c) => c.value);

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
  const host = location.host ?? ZENDESK_CHAT.defaultHost;
  const { root: template, paths } = ZENDESK_CHAT.hosts[host];
  let root: string;
  if (location.baseUrl) {
    root = requireHttpUrl(location.baseUrl, 'The Zendesk Chat base URL').toString().replace(/\/+$/, '');
  } else if (template.includes('{subdomain}')) {
    if (!location.subdomain || !SUBDOMAIN.test(location.subdomain)) {
      throw new TypeError('The Zendesk subdomain is missing or invalid (use the "acme" of acme.zendesk.com)');
    }
    root = template.replace('{subdomain}', location.subdomain.toLowerCase());
  } else {
    root = template;
  }
  return { authorizationUrl: `${root}${paths.consentPage}`, tokenUrl: `${root}${paths.exchange}`, apiBaseUrl: `${root}${paths.api}` };
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
  const scopes = settings.scopes?.length ? settings.scopes : [...ZENDESK_CHAT.scopes.default];
  const unknown = scopes.filter((s) => !ZENDESK_CHAT_SCOPES.includes(s));
  if (unknown.length) throw new TypeError(`Unknown Zendesk Chat scope(s): ${unknown.join(', ')} (use ${ZENDESK_CHAT_SCOPES.join(', ')})`);
  const extraAuthorizeParams: Record<string, string> = {};
  if (settings.subdomain) extraAuthorizeParams.subdomain = settings.subdomain.toLowerCase();
  return {
    ...endpoints,
    apiBaseUrl,
    client: { clientId: settings.clientId, clientSecret: settings.clientSecret, method: settings.clientSecret ? ZENDESK_CHAT.clientAuth : 'none' },
    scopes,
    redirectUri: settings.redirectUri,
    extraAuthorizeParams,
  };
}
