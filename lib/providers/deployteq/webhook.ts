/** Calling a Deployteq webhook with the Bearer token, and where that token may go. */
import { hostMatches, isLoopbackHost, OAuth2UrlRefusedError } from '../../oauth2/urls';
import type { TransportResponse } from '../../oauth2/types';
import { jsonOrThrow, requireHttpUrl, type AuthorizedFetch } from '../http-json';
import { DEPLOYTEQ, DEPLOYTEQ_DEFAULT_AUTH_BASE_URL } from './description';

/** Hosts a Deployteq token may be sent to unless the credential says otherwise (the description's list). */
export const DEPLOYTEQ_WEBHOOK_HOSTS: readonly string[] = DEPLOYTEQ.webhookHosts;

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

/** Endpoints (with the policy they passed under) already checked: the answer does not change. */
const allowedUrls = new Map<string, string>();
const ALLOWED_URLS_MAX = 256;

/** `checkDeployteqWebhookUrl` as a string, remembered for the endpoints and policies seen last. */
function allowedWebhookUrl(endpoint: string, policy: DeployteqWebhookPolicy): string {
  const key = `${endpoint}\n${policy.authBaseUrl ?? ''}\n${policy.configuredEndpoint ?? ''}\n${policy.allowedHosts ? policy.allowedHosts.join(',') : '\u0000'}`;
  const known = allowedUrls.get(key);
  if (known !== undefined) return known;
  const url = checkDeployteqWebhookUrl(endpoint, policy).toString();
  if (allowedUrls.size >= ALLOWED_URLS_MAX) allowedUrls.clear();
  allowedUrls.set(key, url);
  return url;
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
export function triggerDeployteqWebhook(
  client: AuthorizedFetch,
  endpoint: string,
  body: unknown,
  options: DeployteqWebhookPolicy & { signal?: AbortSignal } = {},
): Promise<WebhookResult> {
  let sent: Promise<TransportResponse>;
  try {
    const url = allowedWebhookUrl(endpoint, options);
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new TypeError('The webhook body must be a JSON object or an array of objects');
    }
    sent = client.fetch({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    return Promise.reject(error);
  }
  // one step from the answer to the result (a hot path: no async function around it)
  return sent.then((response) => ({ status: response.status, headers: response.headers, body: jsonOrThrow('Deployteq', response, client) }));
}
