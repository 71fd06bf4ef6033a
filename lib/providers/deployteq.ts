import type { OAuth2Config } from '../oauth2/types';
import { hostMatches, isLoopbackHost, OAuth2UrlRefusedError } from '../oauth2/urls';
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

/**
 * Hosts a Deployteq token may be sent to unless the credential says otherwise: the Deployteq
 * (formerly Clang / CanopyDeploy) domains of its webhooks and auth servers (deployteq.md).
 */
export const DEPLOYTEQ_WEBHOOK_HOSTS: readonly string[] = ['webhook.myclang.com', '*.myclang.com', '*.clang.cloud', '*.deployteq.net', '*.canopydeploy.net'];

export interface DeployteqWebhookPolicy {
  /** The credential's auth host: a loopback auth host (a sandbox) allows loopback webhooks over http. */
  authBaseUrl?: string;
  /** Hosts the credential allows (exact or `*.domain`); default `DEPLOYTEQ_WEBHOOK_HOSTS`. */
  allowedHosts?: readonly string[];
  /** The endpoint configured on the node: its host is always allowed. */
  configuredEndpoint?: string;
}

/**
 * Where a Deployteq token may go: https only, to the configured endpoint's host or an allowed host;
 * a loopback host (over http too) only when it is the auth host itself, as with the sandbox.
 * Anything else is refused before a request is made.
 */
export function checkDeployteqWebhookUrl(endpoint: string, policy: DeployteqWebhookPolicy = {}): URL {
  const url = requireHttpUrl(endpoint, 'The webhook endpoint');
  if (url.username || url.password) throw new OAuth2UrlRefusedError('the webhook endpoint must not contain a user name or password');
  let authHost = '';
  try {
    authHost = new URL(policy.authBaseUrl || DEPLOYTEQ_DEFAULT_AUTH_BASE_URL).hostname;
  } catch {
    authHost = '';
  }
  // a local test server (the sandbox): its own loopback host only, plain http allowed
  const sandbox = isLoopbackHost(authHost) && url.hostname === authHost;
  if (url.protocol !== 'https:' && !sandbox) throw new OAuth2UrlRefusedError(`the webhook endpoint must use https: (${url.hostname} over http: is refused)`, 'Deployteq webhooks are https: URLs; use the endpoint the webhook wizard shows.');
  let configuredHost: string | undefined;
  try {
    configuredHost = policy.configuredEndpoint ? new URL(policy.configuredEndpoint).hostname : undefined;
  } catch {
    configuredHost = undefined;
  }
  const allowed = sandbox || url.hostname === configuredHost || hostMatches(url.hostname, policy.allowedHosts ?? DEPLOYTEQ_WEBHOOK_HOSTS);
  if (!allowed) {
    throw new OAuth2UrlRefusedError(
      `the webhook host ${url.hostname} is not a Deployteq host and not in the credential's allowed hosts; the token was not sent`,
      'Add the host to "Allowed webhook hosts" in the Deployteq credential if it really is your Deployteq webhook.',
    );
  }
  return url;
}

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
export async function triggerDeployteqWebhook(
  client: AuthorizedFetch,
  endpoint: string,
  body: unknown,
  options: DeployteqWebhookPolicy & { signal?: AbortSignal } = {},
): Promise<WebhookResult> {
  const url = checkDeployteqWebhookUrl(endpoint, options);
  const { signal } = options;
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
