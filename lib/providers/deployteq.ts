import type { OAuth2Config } from '../oauth2/types';
import { jsonOrThrow, requireHttpUrl, type AuthorizedFetch } from './http-json';

/**
 * Deployteq (formerly Clang): OAuth 2.0 for webhooks. Facts: shared/reference/deployteq.md.
 * Token answers carry `expires_in` as a string and a lowercase `bearer`; the engine normalises
 * both. The `/oauth2/auth` + `/oauth2/token` paths are those of a fosite-style server, which
 * decodes RFC 6749 §2.3.1 form-encoded Basic credentials, so the default `basic` is right.
 */
export const DEPLOYTEQ_DEFAULT_AUTH_BASE_URL = 'https://auth.clang.cloud';

export const DEPLOYTEQ_SCOPES: ReadonlyArray<{ value: string; description: string }> = [
  { value: 'apps.webhook:execute', description: 'Execute webhooks' },
  { value: 'offline_access', description: 'Refresh tokens (authorization code only): stay connected without signing in again' },
  { value: 'crm.customer:read', description: 'Read customers (portals with mobile inbox)' },
  { value: 'crm.inbox.inboxes:read', description: 'Read inboxes (mobile inbox)' },
  { value: 'crm.inbox.messages:read', description: 'Read inbox messages' },
  { value: 'crm.inbox.messages:update', description: 'Update inbox messages' },
  { value: 'crm.inbox.messages:delete', description: 'Delete inbox messages' },
];

export interface DeployteqSettings {
  clientId: string;
  clientSecret: string;
  grant: 'client_credentials' | 'authorization_code';
  /** Auth host, default `https://auth.clang.cloud`. */
  authBaseUrl?: string;
  scopes?: string[];
  redirectUri?: string;
}

export function deployteqEndpoints(authBaseUrl = DEPLOYTEQ_DEFAULT_AUTH_BASE_URL): { authorizationUrl: string; tokenUrl: string } {
  const base = requireHttpUrl(authBaseUrl || DEPLOYTEQ_DEFAULT_AUTH_BASE_URL, 'The Deployteq auth URL').toString().replace(/\/+$/, '');
  return { authorizationUrl: `${base}/oauth2/auth`, tokenUrl: `${base}/oauth2/token` };
}

/** The engine configuration for a Deployteq credential. */
export function deployteqOAuth2Config(settings: DeployteqSettings): OAuth2Config {
  const known = new Set(DEPLOYTEQ_SCOPES.map((s) => s.value));
  const scopes = settings.scopes?.length ? settings.scopes : ['apps.webhook:execute'];
  const unknown = scopes.filter((s) => !known.has(s));
  if (unknown.length) throw new TypeError(`Unknown Deployteq scope(s): ${unknown.join(', ')}`);
  return {
    ...deployteqEndpoints(settings.authBaseUrl),
    client: { clientId: settings.clientId, clientSecret: settings.clientSecret, method: 'basic' },
    // offline_access only means something for the authorization code grant
    scopes: settings.grant === 'client_credentials' ? scopes.filter((s) => s !== 'offline_access') : scopes,
    redirectUri: settings.redirectUri,
  };
}

export interface WebhookResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * POSTs a JSON body (one object, or an array the webhook loops over) to a Deployteq webhook with
 * the Bearer token. Any 2xx is success; errors carry Deployteq's message.
 */
export async function triggerDeployteqWebhook(client: AuthorizedFetch, endpoint: string, body: unknown, signal?: AbortSignal): Promise<WebhookResult> {
  const url = requireHttpUrl(endpoint, 'The webhook endpoint');
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new TypeError('The webhook body must be a JSON object or an array of objects');
  }
  const response = await client.fetch({
    url: url.toString(),
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  return { status: response.status, headers: response.headers, body: jsonOrThrow('Deployteq', response, client) };
}
