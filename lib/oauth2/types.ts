/** Shared types of the OAuth2 engine. Nothing here knows about n8n or Node-RED. */

/** Where the client's credentials go on a token request. */
export type ClientAuthMethod =
  /**
   * The default: RFC 8414 metadata when the server publishes it; otherwise encoded Basic, then (on
   * `invalid_client`, when the raw form differs) raw Basic, then the body. The method that worked
   * is remembered with the tokens.
   */
  | 'auto'
  /** HTTP Basic with RFC 6749 §2.3.1 form-urlencoded id and secret. */
  | 'basic'
  /** HTTP Basic of the raw `id:secret` (compatibility with servers that do not decode). */
  | 'basic-raw'
  /** `client_id` and `client_secret` in the request body. */
  | 'body'
  /** Public client: `client_id` in the body, no secret (use PKCE). */
  | 'none'
  /** RFC 7523 JWT assertion signed with the client's private key (RS256 / ES256). */
  | 'private_key_jwt'
  /** RFC 7523 JWT assertion signed with the client secret (HS256). */
  | 'client_secret_jwt';

/** A method `auto` can settle on. */
export type ConcreteClientAuthMethod = Exclude<ClientAuthMethod, 'auto'>;

export interface ClientCredentialsConfig {
  clientId: string;
  clientSecret?: string;
  /** Default `auto`. */
  method?: ClientAuthMethod;
  /** PEM private key for `private_key_jwt`. */
  privateKey?: string;
  /** Signing algorithm for JWT methods. Default: RS256 (RSA key), ES256 (EC key), HS256 (secret). */
  signingAlg?: 'RS256' | 'ES256' | 'HS256';
  /** `kid` header of the assertion. */
  keyId?: string;
  /** `aud` claim of the assertion. Default: the token URL the request goes to. */
  assertionAudience?: string;
  /** Lifetime of the assertion in seconds. Default 60. */
  assertionLifetimeSec?: number;
}

/** A dotted path into a JSON token response, e.g. `data.token` or `expires_in`. */
export type ResponsePath = string;

export interface ResponseMapping {
  accessToken?: ResponsePath;
  refreshToken?: ResponsePath;
  expiresIn?: ResponsePath;
  tokenType?: ResponsePath;
  scope?: ResponsePath;
  /** Seconds the refresh token lives. Default `refresh_token_expires_in`. */
  refreshExpiresIn?: ResponsePath;
  /** Extra values to keep from the response, by output name (e.g. `refresh_token_expires_in`). */
  extra?: Record<string, ResponsePath>;
}

/** A check on a token response; failing one is an `invalid_response` error. */
export interface ResponseValidation {
  /** Path of the value to check; `$status` checks the HTTP status. */
  path: ResponsePath;
  /** The value must be present and not empty. */
  notEmpty?: boolean;
  /** The value must equal this (compared as strings). */
  equals?: string | number | boolean;
  /** Message shown when the check fails. */
  message?: string;
}

export interface TokenPlacement {
  /** Header that carries the token on API calls. Default `Authorization`. */
  headerName?: string;
  /** Prefix before the token. Default `Bearer`; an empty string sends the bare token. */
  prefix?: string;
}

export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Longest wait honoured from a `Retry-After` header, in ms. Default 30000. */
  maxDelayMs?: number;
  /** First back-off when no `Retry-After` is given, doubled each time. Default 500. */
  baseDelayMs?: number;
}

export interface OAuth2Config {
  client: ClientCredentialsConfig;
  tokenUrl: string;
  /** Separate URL for the refresh_token grant. Default: `tokenUrl`. */
  refreshUrl?: string;
  /** RFC 7009 revocation endpoint. Default: the server's metadata `revocation_endpoint`, if any. */
  revocationUrl?: string;
  authorizationUrl?: string;
  /** RFC 9126 pushed authorization request endpoint: when set, the authorization code grant pushes its request there. */
  pushedAuthorizationRequestUrl?: string;
  /** RFC 8628 device authorization endpoint (the device grant). */
  deviceAuthorizationUrl?: string;
  redirectUri?: string;
  scopes?: string[];
  /** Separator when joining scopes. Default a space (RFC 6749 §3.3). */
  scopeSeparator?: string;
  /** PKCE S256 on the authorization code grant. Default true. */
  pkce?: boolean;
  /** Extra query parameters of the authorize URL (e.g. Zendesk's `subdomain`, `audience`). */
  extraAuthorizeParams?: Record<string, string>;
  /**
   * RFC 8707 resource indicator (an absolute URI without fragment): sent as `resource` on the
   * authorize request and on every token request, refresh included. Discovery sets it.
   */
  resource?: string;
  /**
   * RFC 9449 DPoP: the credential's EC P-256 private key (PKCS #8 PEM). Every token and API request
   * carries a proof made with it, and the tokens are bound to it. The host keeps it like a refresh token.
   */
  dpopKey?: string;
  /** Extra body parameters of every token request except refresh (e.g. `audience`). */
  extraTokenParams?: Record<string, string>;
  /** Extra body parameters of refresh requests. */
  extraRefreshParams?: Record<string, string>;
  /** Extra headers of token requests. */
  extraTokenHeaders?: Record<string, string>;
  /** Body encoding of token requests. Default `form` (RFC 6749); `json` for servers that want it. */
  tokenBodyFormat?: 'form' | 'json';
  /** Send the scope on refresh requests. Default false (the server keeps the granted scope). */
  scopeOnRefresh?: boolean;
  responseMapping?: ResponseMapping;
  /** Lifetime in seconds assumed when the server sends no `expires_in`. Default: unknown. */
  defaultExpiresInSec?: number;
  /** Refresh-token lifetime in seconds assumed when the server sends none. Default: unknown. */
  refreshTokenLifetimeSec?: number;
  validations?: ResponseValidation[];
  tokenPlacement?: TokenPlacement;
  /** Expected `iss` of authorization responses (RFC 9207). */
  issuer?: string;
  /** Require `iss` in authorization responses. Default false. */
  requireIssuer?: boolean;
  retry?: RetryPolicy;
  /** Timeout of one HTTP request in ms. Default 30000. */
  timeoutMs?: number;
  /**
   * Largest API answer read, in bytes; a larger one ends in a `response_too_large` error. Default
   * 64 MiB. Token endpoint answers have their own small, fixed limit.
   */
  maxResponseBytes?: number;
  /**
   * Hosts (exact, or `*.example.com`) that may be reached over plain http:. Every other endpoint and
   * API URL must be https: (loopback excepted).
   */
  allowHttpHosts?: string[];
  /**
   * RFC 8414 / OpenID discovery for `auto` client authentication: true (default) looks at the
   * issuer's (or the token URL origin's) well-known metadata once; false never does; a URL names
   * the metadata document.
   */
  discovery?: boolean | string;
}

/** A normalised token set. `expiresAt` is absent when the lifetime is unknown. */
export interface TokenSet {
  accessToken: string;
  /** Normalised: `Bearer` for any casing of bearer or a missing type; other types as sent. */
  tokenType: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  /** Epoch milliseconds when the token was obtained. */
  obtainedAt?: number;
  refreshToken?: string;
  /** Epoch milliseconds when the refresh token expires, when known (`refresh_token_expires_in`). */
  refreshExpiresAt?: number;
  scope?: string;
  idToken?: string;
  /** Values kept from the response by `responseMapping.extra`, plus non-token members. */
  extra?: Record<string, unknown>;
  /** The client authentication that worked (kept so `auto` does not search again). */
  clientAuthMethod?: ConcreteClientAuthMethod;
}

export interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Stop reading (and fail with `ResponseTooLarge`) past this many body bytes. */
  maxResponseBytes?: number;
  /**
   * The request's time limit in ms. The engine aborts through `signal` when its host has timers;
   * a host without timers (n8n) enforces it in its transport.
   */
  timeoutMs?: number;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends one HTTP request. Hosts install a default (Node: `node:http`); callers may pass their own.
 * A transport with `timesRequests` enforces `timeoutMs` itself (failing with an error whose `code`
 * is `'timeout'`), so the engine adds no abort signal or timer of its own on the hot path.
 */
export type Transport = ((request: TransportRequest) => Promise<TransportResponse>) & { timesRequests?: boolean };
