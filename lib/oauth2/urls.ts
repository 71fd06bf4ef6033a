/**
 * URL rules shared by every host: which schemes a credential may be sent to, how hosts are
 * matched against allow-lists, and how a URL is shown in an error (never userinfo, never a query).
 */
import { OAuth2ConfigError, OAuth2Error } from './errors';

/**
 * A URL a token would be sent to is not allowed by the node's policy (another host than the
 * configured one, plain http:, …). Nothing was sent.
 */
export class OAuth2UrlRefusedError extends OAuth2Error {
  constructor(description: string, hint?: string) {
    super({ code: 'url_not_allowed', phase: 'api', description, hint: hint ?? 'The token is sent only to the hosts the node allows: set the URL on the node or add its host to the allowed hosts.' });
  }
}

export interface UrlPolicy {
  /**
   * Hosts (exact, or `*.example.com` for subdomains) that may be reached over plain `http:`.
   * Loopback hosts (127.0.0.0/8, ::1, localhost) always may.
   */
  allowHttpHosts?: readonly string[];
}

/** 127.0.0.0/8, ::1 and localhost (with or without IPv6 brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host);
}

/**
 * Whether `hostname` matches one of `patterns`: an exact host name, or `*.example.com` for every
 * subdomain of example.com (not example.com itself). Case-insensitive; a trailing dot is ignored.
 */
export function hostMatches(hostname: string, patterns: readonly string[] | undefined): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  for (const raw of patterns ?? []) {
    const pattern = String(raw).trim().toLowerCase().replace(/\.$/, '');
    if (!pattern) continue;
    if (pattern.startsWith('*.')) {
      if (host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1) return true;
    } else if (host === pattern) {
      return true;
    }
  }
  return false;
}

/** Splits a list typed by a user (commas, spaces or new lines) into host patterns. */
export function hostList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean);
}

/** `scheme://host/path` of a URL: what errors and logs may show. */
export function safeUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${u.protocol}…`;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Replaces every URL in a free text (an error message of a library, say) by its safe form. */
export function scrubUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const trimmed = match.replace(/[),.;:\]]+$/, '');
    return safeUrl(trimmed) + match.slice(trimmed.length);
  });
}

/**
 * Checks a URL a credential or token will be sent to: `https:`, or `http:` for loopback and the
 * hosts the user allowed. No user name or password in it. Throws a config error naming `what`
 * (never the URL's secret parts); returns the parsed URL.
 */
export function checkEndpointUrl(value: unknown, what: string, policy: UrlPolicy = {}): URL {
  if (typeof value !== 'string' || !value.trim()) throw new OAuth2ConfigError(`${what} is empty`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new OAuth2ConfigError(`${what} is not a valid URL`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname) && !hostMatches(url.hostname, policy.allowHttpHosts)) {
      throw new OAuth2ConfigError(`${what} must use https: (plain http: is allowed only for loopback and for hosts listed as allowed over http; ${url.hostname} is not)`);
    }
  } else if (url.protocol !== 'https:') {
    throw new OAuth2ConfigError(`${what} must be an https: URL (the "${url.protocol}" scheme is refused)`);
  }
  if (url.username || url.password) throw new OAuth2ConfigError(`${what} must not contain a user name or password`);
  return url;
}
