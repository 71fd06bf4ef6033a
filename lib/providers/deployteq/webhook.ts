/** Calling a Deployteq webhook with the Bearer token, and where that token may go. */
import { hostMatches, isLoopbackHost, OAuth2UrlRefusedError } from '../../oauth2/urls';
import type { TransportResponse } from '../../oauth2/types';
import { redact, redactJson } from '../../oauth2/redact';
import { jsonOrThrow, parseJsonBody, ProviderApiError, requireHttpUrl, type AuthorizedFetch } from '../http-json';
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
  /** The brand's webhook calls today, from `X-Clang-Request-Count`, when Deployteq sends it. */
  requestCount?: number;
}

const { maxBodyBytes: MAX_BODY_BYTES, dailyCalls: DAILY_CALLS, countHeader: COUNT_HEADER } = DEPLOYTEQ.limits;

/** The JSON body of one webhook call may not exceed this (Deployteq's documented 6 MB). */
export const DEPLOYTEQ_MAX_BODY_BYTES = MAX_BODY_BYTES;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The daily cap's 429: Deployteq's answer, with the brand's call count when it was sent. */
export class DeployteqLimitError extends ProviderApiError {
  constructor(
    message: string,
    status: number,
    readonly requestCount: number | undefined,
    body: unknown,
  ) {
    super('Deployteq', status, message, body);
    this.name = 'DeployteqLimitError';
  }
}

/**
 * Groups units (items, each one or more records) into webhook calls: at most `maxUnits` each, and
 * each call's JSON array at most `maxBytes`. `sizes` are each unit's records as JSON, joined with
 * commas. A unit that alone exceeds the limit gets a group of its own (its call fails alone, before
 * anything is sent). Returns the indexes of each group, in order.
 */
export function groupBySize(sizes: readonly number[], maxUnits: number, maxBytes = MAX_BODY_BYTES): number[][] {
  const perCall = Math.max(1, Math.floor(maxUnits) || 1);
  const groups: number[][] = [];
  let current: number[] = [];
  let size = 2; // "[" and "]"
  sizes.forEach((bytes, index) => {
    if (current.length && (current.length >= perCall || size + 1 + bytes > maxBytes)) {
      groups.push(current);
      current = [];
      size = 2;
    }
    size += (current.length ? 1 : 0) + bytes;
    current.push(index);
  });
  if (current.length) groups.push(current);
  return groups;
}

/** The bytes `records` add to a JSON array (records joined with commas). */
export function recordsBytes(records: readonly unknown[]): number {
  return records.reduce<number>((sum, record, i) => sum + (i ? 1 : 0) + Buffer.byteLength(JSON.stringify(record) ?? 'null'), 0);
}

function requestCountOf(headers: Record<string, string>): number | undefined {
  const value = Number(headers[COUNT_HEADER]);
  return Number.isFinite(value) && headers[COUNT_HEADER] !== undefined ? value : undefined;
}

/**
 * POSTs a JSON body (one object, or an array the webhook loops over) to a Deployteq webhook with
 * the Bearer token. Any 2xx is success; errors carry Deployteq's message. A body over 6 MB fails
 * before anything is sent (a RangeError); a 429 without `Retry-After` is the daily cap: it fails at
 * once, naming it (a `DeployteqLimitError`; a 429 with `Retry-After` is retried as asked, bounded).
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
    const json = JSON.stringify(body);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_BODY_BYTES) {
      throw new RangeError(`the webhook body is ${megabytes(bytes)}; Deployteq accepts at most ${megabytes(MAX_BODY_BYTES)} per call: nothing was sent (send fewer records per call)`);
    }
    sent = client.fetch({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: json,
      signal: options.signal,
      retryOnlyWhenAsked: [429],
    });
  } catch (error) {
    return Promise.reject(error);
  }
  // one step from the answer to the result (a hot path: no async function around it)
  return sent.then((response) => {
    const requestCount = requestCountOf(response.headers);
    if (response.status === 429 && !response.headers['retry-after']) {
      const answer = parseJsonBody(response);
      throw new DeployteqLimitError(
        `the brand's daily limit of ${DAILY_CALLS.toLocaleString('en-US')} webhook calls is reached${requestCount !== undefined ? ` (${requestCount.toLocaleString('en-US')} calls today)` : ''}; the call was not retried. Calls work again the next day; batching records into arrays saves calls, and Deployteq's Webhook Pro app lifts the cap`,
        429,
        requestCount,
        typeof answer === 'string' ? undefined : redactJson(answer ?? null, (text) => (client.redact ? client.redact(text) : redact(text))),
      );
    }
    const result: WebhookResult = { status: response.status, headers: response.headers, body: jsonOrThrow('Deployteq', response, client) };
    if (requestCount !== undefined) result.requestCount = requestCount;
    return result;
  });
}
