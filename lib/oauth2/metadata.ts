/**
 * RFC 8414 (and OpenID Connect discovery) metadata, read only for what the engine needs: which
 * client authentication methods the token endpoint supports, and the revocation endpoint. Only a
 * document that names our token endpoint and whose `issuer` matches counts (RFC 8414 §3.3): the
 * configured issuer, or else the issuer whose well-known location the document was read from.
 */
import { TOKEN_RESPONSE_MAX_BYTES } from './body';
import { OAuth2Error } from './errors';
import type { EngineHost } from './host';
import { sendWithRetry } from './send';
import type { OAuth2Config, Transport } from './types';
import { checkEndpointUrl, safeUrl } from './urls';

export interface ServerMetadata {
  tokenEndpoint?: string;
  tokenEndpointAuthMethods?: string[];
  revocationEndpoint?: string;
  issuer?: string;
}

/**
 * What looking for the metadata found: a usable document, none at all (every place answered "not
 * here"), a document refused for its issuer, or no answer (timeout, network, too large, 5xx).
 */
export type MetadataLookup =
  | { kind: 'found'; metadata: ServerMetadata; url: string }
  | { kind: 'none' }
  | { kind: 'issuer_mismatch'; url: string; issuer: string }
  | { kind: 'unreachable'; url: string; reason: string };

const WELL_KNOWN = ['oauth-authorization-server', 'openid-configuration'];

/** Where the metadata may be: the configured URL, the issuer's well-known documents, or the token URL origin's. */
export function metadataUrls(config: OAuth2Config): string[] {
  if (config.discovery === false) return [];
  if (typeof config.discovery === 'string' && config.discovery.trim()) return [config.discovery.trim()];
  try {
    if (config.issuer) return wellKnownUrls(config.issuer).slice(0, 2);
    const origin = new URL(config.tokenUrl).origin;
    return WELL_KNOWN.map((name) => `${origin}/.well-known/${name}`);
  } catch {
    return [];
  }
}

/**
 * The well-known locations of an issuer's metadata: RFC 8414 §3.1 inserts the segment between host
 * and path, OpenID Connect appends it (first the two the engine looks at, then the other spellings
 * servers use).
 */
export function wellKnownUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}${path}/.well-known/oauth-authorization-server`,
    `${url.origin}/.well-known/openid-configuration${path}`,
  ];
}

function sameEndpoint(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** RFC 8414 §3.3: the issuer is the configured one, or one whose well-known location is `url`. */
export function issuerMatches(issuer: unknown, url: string, configured: string | undefined): issuer is string {
  if (typeof issuer !== 'string' || !issuer) return false;
  if (configured) return issuer === configured;
  try {
    return wellKnownUrls(issuer).includes(url);
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  if (error instanceof OAuth2Error) return error.code === 'timeout' ? 'no answer in time' : error.code === 'response_too_large' ? 'the answer was too large' : error.code.replace(/_/g, ' ');
  return 'the request failed';
}

async function lookAt(url: string, config: OAuth2Config, transport: Transport, host?: EngineHost): Promise<MetadataLookup> {
  checkEndpointUrl(url, 'The metadata URL', { allowHttpHosts: config.allowHttpHosts });
  let response;
  try {
    response = await sendWithRetry(
      { url, method: 'GET', headers: { accept: 'application/json' }, maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
      { transport, timeoutMs: Math.min(config.timeoutMs ?? 30_000, 10_000), retry: { maxRetries: 0, maxDelayMs: 0, baseDelayMs: 0 }, retryStatuses: [], phase: 'token', host },
    );
  } catch (error) {
    return { kind: 'unreachable', url, reason: describe(error) };
  }
  if (response.status >= 500 || response.status === 429) return { kind: 'unreachable', url, reason: `HTTP ${response.status}` };
  if (response.status !== 200) return { kind: 'none' };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { kind: 'none' };
  }
  if (!body || typeof body !== 'object' || !sameEndpoint(body.token_endpoint, config.tokenUrl)) return { kind: 'none' };
  if (!issuerMatches(body.issuer, url, config.issuer)) return { kind: 'issuer_mismatch', url, issuer: typeof body.issuer === 'string' ? safeUrl(body.issuer) : 'none' };
  const methods = body.token_endpoint_auth_methods_supported;
  return {
    kind: 'found',
    url,
    metadata: {
      issuer: body.issuer as string,
      tokenEndpoint: body.token_endpoint as string,
      // RFC 8414 §2: omitted means client_secret_basic
      tokenEndpointAuthMethods: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : ['client_secret_basic'],
      revocationEndpoint: typeof body.revocation_endpoint === 'string' ? body.revocation_endpoint : undefined,
    },
  };
}

/**
 * Looks at each metadata location in turn; the first usable document wins. Without one, a refused
 * issuer is reported before an unreachable place, and that before "none".
 */
export async function lookUpMetadata(config: OAuth2Config, transport: Transport, host?: EngineHost): Promise<MetadataLookup> {
  const misses: MetadataLookup[] = [];
  for (const url of metadataUrls(config)) {
    let result: MetadataLookup;
    try {
      result = await lookAt(url, config, transport, host);
    } catch {
      result = { kind: 'none' }; // a URL the policy refuses is not looked at
    }
    if (result.kind === 'found') return result;
    misses.push(result);
  }
  return misses.find((m) => m.kind === 'issuer_mismatch') ?? misses.find((m) => m.kind === 'unreachable') ?? { kind: 'none' };
}

/** The usable metadata of `config`'s server; undefined when there is none (best effort, never throws). */
export async function discoverMetadata(config: OAuth2Config, transport: Transport, host?: EngineHost): Promise<ServerMetadata | undefined> {
  const result = await lookUpMetadata(config, transport, host);
  return result.kind === 'found' ? result.metadata : undefined;
}
