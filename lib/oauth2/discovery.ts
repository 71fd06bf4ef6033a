/**
 * Discovery from an API URL: the protected resource's metadata (RFC 9728), found through the
 * `resource_metadata` of a 401's `WWW-Authenticate` or at `/.well-known/oauth-protected-resource`,
 * names its authorization server; that server's RFC 8414 (or OpenID) metadata gives the endpoints,
 * the client authentication, PKCE and DPoP methods, and the `resource` to ask tokens for (RFC 8707).
 *
 * Nothing is believed across origins: a resource metadata document must describe a resource on its
 * own origin that the API URL lies under (RFC 9728 §3.3), and an authorization server's document
 * must name the issuer it was looked up for (RFC 8414 §3.3). Every URL taken from a document is
 * checked as an endpoint (https unless allowed). No credential is sent anywhere during discovery.
 */
import { jsonObjectOf, TOKEN_RESPONSE_MAX_BYTES } from './body';
import { OAuth2Error } from './errors';
import type { EngineHost } from './host';
import { wellKnownUrls } from './metadata';
import { sendWithRetry } from './send';
import type { Transport } from './types';
import { checkEndpointUrl, safeUrl } from './urls';

/** What discovery found: every field comes from a document that passed its checks. */
export interface DiscoveredServer {
  /** The resource indicator to send on authorize and token requests (RFC 8707). */
  resource: string;
  /** Where the resource's metadata was read. */
  resourceMetadataUrl: string;
  issuer: string;
  metadataUrl: string;
  authorizationEndpoint?: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  registrationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  pushedAuthorizationRequestEndpoint?: string;
  requirePushedAuthorizationRequests: boolean;
  tokenEndpointAuthMethods: string[];
  codeChallengeMethods: string[];
  dpopSigningAlgs: string[];
  grantTypes: string[];
  /** The scopes the resource lists (RFC 9728 `scopes_supported`). */
  scopes: string[];
  /** The scopes the authorization server lists (often OpenID's too). */
  serverScopes: string[];
  /** RFC 8705 §5: the endpoints to use with a TLS client certificate. */
  mtlsEndpointAliases: Record<string, string>;
}

export interface DiscoveryOptions {
  transport: Transport;
  host?: EngineHost;
  /** Hosts (host or host:port) allowed over plain http. */
  allowHttpHosts?: string[];
  timeoutMs?: number;
}

/** One challenge of a `WWW-Authenticate` header: its scheme and its parameters (names in lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN68_OR_PARAM = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*,?/y;

/** Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges; anything malformed ends the parse. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const text = header.slice(0, 8192);
  let at = 0;
  while (at < text.length) {
    const scheme = /\s*,?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
    scheme.lastIndex = at;
    const found = scheme.exec(text);
    if (!found) break;
    const challenge: Challenge = { scheme: found[1].toLowerCase(), params: {} };
    at = scheme.lastIndex;
    for (;;) {
      TOKEN68_OR_PARAM.lastIndex = at;
      const param = TOKEN68_OR_PARAM.exec(text);
      if (!param) break;
      const raw = param[2];
      const name = param[1].toLowerCase();
      if (!Object.prototype.hasOwnProperty.call(challenge.params, name)) {
        challenge.params[name] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      }
      at = TOKEN68_OR_PARAM.lastIndex;
    }
    challenges.push(challenge);
  }
  return challenges;
}

function discoveryError(code: string, description: string, hint?: string): OAuth2Error {
  return new OAuth2Error({ code, phase: 'config', description, hint });
}

/** GETs a JSON document (no credentials, no redirects followed, bounded size and time). */
async function getJson(url: string, what: string, options: DiscoveryOptions): Promise<{ status: number; body?: Record<string, unknown>; challenge?: string }> {
  checkEndpointUrl(url, what, { allowHttpHosts: options.allowHttpHosts });
  let response;
  try {
    response = await sendWithRetry(
      { url, method: 'GET', headers: { accept: 'application/json' }, maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
      { transport: options.transport, timeoutMs: Math.min(options.timeoutMs ?? 10_000, 10_000), retry: { maxRetries: 0, maxDelayMs: 0, baseDelayMs: 0 }, retryStatuses: [], phase: 'token', host: options.host },
    );
  } catch (error) {
    const why = error instanceof OAuth2Error ? error.code.replace(/_/g, ' ') : 'the request failed';
    throw discoveryError('metadata_unreachable', `${what} ${safeUrl(url)} could not be read (${why})`);
  }
  const challenge = response.headers['www-authenticate'];
  return { status: response.status, body: jsonObjectOf(response.body), challenge: Array.isArray(challenge) ? challenge.join(', ') : challenge };
}

/** RFC 9728 §3.1: the well-known location for a resource identifier (segment between host and path). */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The `resource_metadata` a 401 from the API points to (RFC 9728 §5.1), if any. */
async function challengedMetadataUrl(apiUrl: string, options: DiscoveryOptions): Promise<string | undefined> {
  const answer = await getJson(apiUrl, 'The API URL', options);
  if (answer.status !== 401 || !answer.challenge) return undefined;
  for (const challenge of parseChallenges(answer.challenge)) {
    const url = challenge.params.resource_metadata;
    if (url) return new URL(url, apiUrl).toString();
  }
  return undefined;
}

/**
 * RFC 9728 §3.3: the document describes a resource on its own origin, and the API URL is that
 * resource or lies under it (same origin, the resource's path a prefix of the API's).
 */
export function resourceFits(resource: unknown, metadataUrl: string, apiUrl: string): resource is string {
  if (typeof resource !== 'string' || !resource) return false;
  try {
    const r = new URL(resource);
    const api = new URL(apiUrl);
    if (r.origin !== new URL(metadataUrl).origin || r.origin !== api.origin || r.search || r.hash) return false;
    const base = r.pathname.replace(/\/+$/, '');
    return api.pathname === base || api.pathname.startsWith(`${base}/`) || base === '';
  } catch {
    return false;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The protected resource's metadata: from the 401's pointer (only one on the API's own origin: no
 * document elsewhere could pass §3.3, so nothing is asked there), else the well-known locations of
 * the API URL and of its origin.
 */
async function resourceMetadata(apiUrl: string, options: DiscoveryOptions): Promise<{ url: string; resource: string; servers: string[]; scopes: string[] }> {
  const origin = new URL(apiUrl).origin;
  const pointed = await challengedMetadataUrl(apiUrl, options);
  const places = [...new Set([pointed, resourceMetadataUrl(apiUrl), resourceMetadataUrl(origin)])].filter((u): u is string => !!u && new URL(u).origin === origin);
  let refused: string | undefined;
  let unreachable: OAuth2Error | undefined;
  for (const url of places) {
    let answer;
    try {
      answer = await getJson(url, 'The resource metadata URL', options);
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      unreachable = error;
      continue;
    }
    if (answer.status !== 200 || typeof answer.body?.resource !== 'string') continue;
    if (!resourceFits(answer.body.resource, url, apiUrl)) {
      refused = `the resource metadata at ${safeUrl(url)} describes ${safeUrl(answer.body.resource)}, which is not on its origin or does not contain the API URL`;
      continue;
    }
    return { url, resource: answer.body.resource, servers: strings(answer.body.authorization_servers), scopes: strings(answer.body.scopes_supported) };
  }
  if (refused) throw discoveryError('resource_mismatch', refused);
  if (unreachable) throw unreachable;
  throw discoveryError('metadata_not_found', `no protected resource metadata was found for ${safeUrl(apiUrl)} (no resource_metadata in a 401, nothing at /.well-known/oauth-protected-resource)`, 'The API does not advertise its authorization server: enter the server\'s issuer or endpoints yourself.');
}

function optionalUrl(body: Record<string, unknown>, name: string, options: DiscoveryOptions): string | undefined {
  const value = body[name];
  if (typeof value !== 'string' || !value) return undefined;
  checkEndpointUrl(value, `The server's ${name}`, { allowHttpHosts: options.allowHttpHosts });
  return value;
}

/** The authorization server's metadata (RFC 8414, then OpenID), whose `issuer` must be the one looked up (§3.3). */
export async function serverMetadata(issuer: string, options: DiscoveryOptions): Promise<{ url: string; body: Record<string, unknown> }> {
  checkEndpointUrl(issuer, 'The issuer', { allowHttpHosts: options.allowHttpHosts });
  let mismatch: string | undefined;
  for (const url of wellKnownUrls(issuer).slice(0, 2)) {
    const answer = await getJson(url, 'The authorization server metadata URL', options);
    if (answer.status !== 200 || !answer.body) continue;
    if (answer.body.issuer !== issuer) {
      mismatch = `the metadata at ${safeUrl(url)} names the issuer ${typeof answer.body.issuer === 'string' ? safeUrl(answer.body.issuer) : 'none'}, not ${safeUrl(issuer)}`;
      continue;
    }
    if (typeof answer.body.token_endpoint !== 'string') throw discoveryError('invalid_response', `the metadata at ${safeUrl(url)} has no token_endpoint`);
    return { url, body: answer.body };
  }
  if (mismatch) throw discoveryError('issuer_mismatch', mismatch, 'A server must publish metadata for its own issuer (RFC 8414 §3.3): it is not used.');
  throw discoveryError('metadata_not_found', `no authorization server metadata was found for the issuer ${safeUrl(issuer)}`);
}

/** The fields of a server metadata document the engine uses, each URL checked. */
export function describeServer(issuer: string, url: string, body: Record<string, unknown>, options: DiscoveryOptions): Omit<DiscoveredServer, 'resource' | 'resourceMetadataUrl' | 'scopes'> {
  const aliases: Record<string, string> = {};
  const rawAliases = body.mtls_endpoint_aliases;
  if (rawAliases && typeof rawAliases === 'object' && !Array.isArray(rawAliases)) {
    for (const [name, value] of Object.entries(rawAliases as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      checkEndpointUrl(value, `The server's mTLS ${name}`, { allowHttpHosts: options.allowHttpHosts });
      aliases[name] = value;
    }
  }
  const authMethods = body.token_endpoint_auth_methods_supported;
  return {
    issuer,
    metadataUrl: url,
    authorizationEndpoint: optionalUrl(body, 'authorization_endpoint', options),
    tokenEndpoint: optionalUrl(body, 'token_endpoint', options) as string,
    revocationEndpoint: optionalUrl(body, 'revocation_endpoint', options),
    registrationEndpoint: optionalUrl(body, 'registration_endpoint', options),
    deviceAuthorizationEndpoint: optionalUrl(body, 'device_authorization_endpoint', options),
    pushedAuthorizationRequestEndpoint: optionalUrl(body, 'pushed_authorization_request_endpoint', options),
    requirePushedAuthorizationRequests: body.require_pushed_authorization_requests === true,
    // RFC 8414 §2: omitted means client_secret_basic
    tokenEndpointAuthMethods: Array.isArray(authMethods) ? strings(authMethods) : ['client_secret_basic'],
    codeChallengeMethods: strings(body.code_challenge_methods_supported),
    dpopSigningAlgs: strings(body.dpop_signing_alg_values_supported),
    grantTypes: Array.isArray(body.grant_types_supported) ? strings(body.grant_types_supported) : ['authorization_code', 'implicit'],
    serverScopes: strings(body.scopes_supported),
    mtlsEndpointAliases: aliases,
  };
}

/**
 * Discovers how to get tokens for an API: its resource metadata, then the first authorization
 * server it names whose metadata passes the issuer check. Throws an `OAuth2Error` that says what
 * was missing or refused.
 */
export async function discoverFromApi(apiUrl: string, options: DiscoveryOptions): Promise<DiscoveredServer> {
  checkEndpointUrl(apiUrl, 'The API URL', { allowHttpHosts: options.allowHttpHosts });
  const resource = await resourceMetadata(apiUrl, options);
  if (resource.servers.length === 0) throw discoveryError('invalid_response', `the resource metadata at ${safeUrl(resource.url)} names no authorization server`);
  let last: unknown;
  for (const issuer of resource.servers.slice(0, 5)) {
    try {
      const found = await serverMetadata(issuer, options);
      const server = describeServer(issuer, found.url, found.body, options);
      return { ...server, resource: resource.resource, resourceMetadataUrl: resource.url, scopes: resource.scopes };
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
