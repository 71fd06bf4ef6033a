// Public types of the provider sandbox. Everything here is plain data so it can also travel
// through the admin HTTP API as JSON.

export type ProviderId = 'deployteq' | 'zendesk' | 'generic';
export const PROVIDERS: readonly ProviderId[] = ['deployteq', 'zendesk', 'generic'];

export type ConsentMode = 'page' | 'auto-approve' | 'auto-deny';

export type FaultEndpoint = 'token' | 'api' | 'webhook';

export const FAULT_KINDS = [
  'expires-in-string',
  'no-expires-in',
  'token-type-lowercase',
  'token-type-missing',
  'token-type-unknown',
  'json-as-text-plain',
  'form-encoded-response',
  'error-in-200',
  'missing-access-token',
  'html-502',
  'rate-limit-429',
  'unavailable-503',
  'refresh-without-refresh-token',
  'invalid-client',
  'insufficient-scope',
  'invalid-token',
  /** The answer never ends: bytes are streamed until the client gives up (bounded by time and size). */
  'endless-body',
  /** 302 to the same path on the second host (127.0.0.2): a credential must never follow it. */
  'redirect-cross-origin',
  /** 307 to the same URL with `?redirected=1` on this host. */
  'redirect-same-origin',
  /** 401 whose message quotes the access token that was sent (a provider that echoes it). */
  'echo-token',
  /** Refresh refused as 400 invalid_request "Token has been revoked" (not invalid_grant). */
  'refresh-invalid-request',
  /** 400 {"error":"token_expired"}: a provider that says "expired" in the body, not with 401. */
  'token-expired-body',
  /** Token endpoint: 400 whose `error` code is the refresh token, else the client secret, that was sent (a hostile server). */
  'error-echoes-credential',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One queued fault. Faults are consumed in FIFO order by the first matching request. */
export interface Fault {
  provider: ProviderId | 'any';
  endpoint: FaultEndpoint;
  kind: FaultKind;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Seconds for the Retry-After header of 'rate-limit-429' / 'unavailable-503' (default 1). */
  retryAfter?: number;
}

export interface ClientRegistration {
  clientId: string;
  /** Absent for public clients. */
  clientSecret?: string;
  /** Public client: no secret, PKCE (S256) required (generic provider only). */
  public?: boolean;
  /**
   * Registered redirect URIs, matched exactly. Absent: the provider-level list applies, and when
   * that is absent too any http://127.0.0.1:<port>/… or http://localhost:<port>/… URL is accepted.
   */
  redirectUris?: string[];
  /** Scopes this client may obtain; absent: every scope the provider knows. */
  scopes?: string[];
  /** Shown on the consent page. */
  name?: string;
}

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type PerProvider<T> = Partial<Record<ProviderId, T>>;

export interface SandboxOptions {
  /** Port to bind on 127.0.0.1 (default 0 = any free port). Only used by startSandbox. */
  port?: number;
  /** The server closes itself after this many ms (unref'd timer). Only used by startSandbox. */
  maxLifetimeMs?: number;
  /** Registered clients; a provider's list replaces the defaults for that provider. */
  clients?: PerProvider<ClientRegistration[]>;
  /** Provider-wide registered redirect URIs for clients without their own list (null = loopback rule). */
  redirectUris?: PerProvider<string[] | null>;
  /** Access-token lifetime in seconds (default 3600), for all providers or per provider. */
  accessTokenLifetime?: number | PerProvider<number>;
  /** Refresh-token rotation (default true for every provider). */
  rotateRefreshTokens?: boolean | PerProvider<boolean>;
  /** Authorization-code lifetime in seconds (default 60). */
  codeLifetimeSeconds?: number;
  /** How the authorize endpoints obtain consent (default 'page'). */
  consent?: ConsentMode;
  /** Shorthand: true = consent 'auto-approve', false = consent 'page' (ignored when consent is given). */
  autoApprove?: boolean;
  /** Zendesk subdomain expected by the current-host authorize endpoint (default 'acme'). */
  zendeskSubdomain?: string;
  /** Zendesk user for the password grant and the consenting user (default agent@acme.test / agent-pass). */
  zendeskUser?: { email: string; password: string };
  /** Seeded chats (default 250), agents (default 12), departments (default 4). */
  chatCount?: number;
  agentCount?: number;
  departmentCount?: number;
  /** Seed of the deterministic data generator (default 20240601). */
  seed?: number;
  /**
   * Fixed "now" for the seeded data (epoch ms, ISO string or Date); seeded chats lie in the 30 days
   * before it. Default/null: the time the data set is (re)built.
   */
  now?: number | string | Date | null;
  /** Page size of GET /chats (default 50) and GET /chats/search (default 50). */
  chatsPageSize?: number;
  searchPageSize?: number;
  /** Zendesk Chat API rate limit per account (default { limit: 200, windowMs: 60000 }); false = off. */
  rateLimit?: RateLimit | false;
  /** GET /chats?ids=… returns docs as an array instead of an object (default false). */
  docsAsArray?: boolean;
  /** Generic provider: user for the password grant and the consenting user (default user@example.test / user-pass). */
  genericUser?: { username: string; password: string };
  /** Generic provider: mount POST /generic/oauth2/refresh (default true). */
  genericRefreshEndpoint?: boolean;
  /**
   * Generic provider: how a Basic header is decoded: 'either' (default) accepts RFC 6749 §2.3.1
   * form-encoded and raw values, 'form' only the RFC form (like strict servers), 'raw' only raw.
   */
  genericBasicDecoding?: 'either' | 'form' | 'raw';
  /** Generic provider: add `iss` (RFC 9207) to authorization responses (default false). */
  genericIssParameter?: boolean;
  /** Log method and path (never query strings, headers or bodies) to stdout (default false). */
  logRequests?: boolean;
  /** Delay of every token endpoint answer in ms (a slow provider), for all or per provider (default 0). */
  tokenDelayMs?: number | PerProvider<number>;
  /**
   * Generic API: how an expired access token is answered: 'status-401' (default, RFC 6750) or
   * 'body-400' (400 with {"error":"token_expired"}, as some providers do).
   */
  genericExpiredTokenStyle?: 'status-401' | 'body-400';
  /**
   * Generic provider: the client authentication methods its token endpoint accepts and its RFC 8414
   * metadata lists (default client_secret_basic, client_secret_post, none).
   */
  genericAuthMethods?: Array<'client_secret_basic' | 'client_secret_post' | 'none'>;
  /**
   * Refresh-token lifetime in seconds, for all or per provider (default: none, they never expire).
   * When set, token answers carry `refresh_token_expires_in` and an expired refresh token is
   * refused with invalid_grant.
   */
  refreshTokenLifetime?: number | null | PerProvider<number | null>;
  /**
   * Generic provider: the RFC 7009 revocation endpoint (POST /generic/oauth2/revoke, listed in the
   * metadata): 'on' (default), 'off' (404, not in the metadata) or 'fail' (503 temporarily_unavailable).
   */
  genericRevocation?: 'on' | 'off' | 'fail';
  /**
   * Deployteq: webhook calls a brand may make per day (default 50,000, Deployteq's documented cap).
   * Every webhook answer carries the count so far in `X-Clang-Request-Count`; beyond the cap the
   * answer is 429 without `Retry-After`. A body over 6,000,000 bytes is answered 413.
   */
  deployteqDailyCap?: number;
}

export interface LastTokenRequest {
  provider: ProviderId;
  path: string;
  receivedAt: string;
  grantType: string | null;
  /** How the client authenticated: 'client_secret_basic' (RFC form), 'client_secret_basic_raw', 'client_secret_post', 'none', 'both' or 'missing'. */
  clientAuth: string;
  clientId: string | null;
  contentType: string | null;
  /** Body parameter names in order of arrival. */
  paramNames: string[];
  /** Body parameters; secret values (client_secret, password, code, code_verifier, refresh_token, client_assertion) are replaced by "<redacted>". */
  params: Record<string, string>;
}

export interface Counters {
  tokenRequests: number;
  tokenRequestsByProvider: Record<ProviderId, number>;
  /** Keyed by grant_type ('(missing)' when absent), all providers together. */
  tokenRequestsByGrant: Record<string, number>;
  tokenRequestsByProviderGrant: Record<ProviderId, Record<string, number>>;
  /** Requests to the generic separate refresh endpoint (not included in tokenRequests). */
  refreshEndpointRequests: number;
  authorizeRequests: number;
  authorizeRequestsByProvider: Record<ProviderId, number>;
  /** Zendesk Chat API and generic /api requests (every request, including rejected ones). */
  apiRequests: number;
  apiRequestsByProvider: Record<ProviderId, number>;
  /** Webhook requests received (accepted or not). */
  webhookRequests: number;
  /** API and webhook requests refused for their bearer token (401, or the generic 400 style), by provider. */
  bearerRejected: Record<ProviderId, number>;
  /** Deployteq webhook calls with a valid token (the brand's count, `X-Clang-Request-Count`). */
  deployteqWebhookCallsToday: number;
  /** Webhook deliveries accepted and recorded. */
  deliveries: number;
  /** 429 responses sent (rate limit and faults). */
  rateLimited: number;
  /** Faults served (each application of a queued fault counts once). */
  faultsServed: number;
  /** Requests that carried an access token in the URL query (always rejected). */
  tokensInUrl: number;
  /** Refresh requests that presented an already rotated refresh token (reuse: the chain was revoked). */
  refreshTokenReuse: number;
  /** RFC 7009 revocation requests received, and those that revoked something. */
  revocationRequests: number;
  tokensRevoked: number;
  /** Requests that reached the second host (127.0.0.2), and those that carried a credential. */
  foreignRequests: number;
  foreignRequestsWithCredentials: number;
  lastTokenRequest: LastTokenRequest | null;
  lastTokenRequestByProvider: Partial<Record<ProviderId, LastTokenRequest>>;
}

export interface Delivery {
  webhookId: string;
  path: string;
  body: unknown;
  receivedAt: string;
  /** Always the literal 'Bearer <redacted>': the token itself is never recorded. */
  authorization: 'Bearer <redacted>';
}
