import { redact, redactJson } from '../oauth2/redact';
import type { ApiRequest } from '../oauth2/authorized-client';
import type { TransportResponse } from '../oauth2/types';

/** Anything that sends an authenticated request: the engine's `TokenManager`, or a host adapter. */
export interface AuthorizedFetch {
  fetch(request: ApiRequest): Promise<TransportResponse>;
  redact?(text: string): string;
}

/**
 * A provider API answered with a non-2xx status, or with something unusable (a page link that is
 * not a URL). Carries the status and the provider's message, redacted.
 */
export class ProviderApiError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    readonly providerMessage: string,
    readonly body: unknown,
  ) {
    super(`${provider} API answered HTTP ${status}${providerMessage ? `: ${providerMessage}` : ''}`);
    this.name = 'ProviderApiError';
  }
}

export function parseJsonBody(response: TransportResponse): unknown {
  const text = response.body.toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.trim().startsWith('<') ? 'an HTML error page' : body.slice(0, 300);
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const key of ['message', 'error_description', 'description', 'error', 'detail', 'title']) {
      if (typeof o[key] === 'string' && o[key]) return o[key] as string;
    }
  }
  return '';
}

/** Throws a `ProviderApiError` for a non-2xx response; returns the parsed body otherwise. */
export function jsonOrThrow(provider: string, response: TransportResponse, redactor?: { redact?(text: string): string }): unknown {
  const body = parseJsonBody(response);
  if (response.status >= 200 && response.status < 300) return body;
  const clean = (text: string) => (redactor?.redact ? redactor.redact(text) : redact(text));
  // redacted on the structure, never as text: any nesting, any string, stays valid and bounded
  throw new ProviderApiError(provider, response.status, clean(messageOf(body)), typeof body === 'string' ? undefined : redactJson(body ?? null, clean));
}

/** Parses and checks a user-given http(s) URL; a clear error for anything else. */
export function requireHttpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${what} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${what} must be an http(s) URL`);
  return url;
}
