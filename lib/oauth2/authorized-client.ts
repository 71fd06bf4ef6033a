import { DEFAULT_API_RESPONSE_MAX_BYTES } from './body';
import { dpopSignerFor, nonceChallenge, type DpopSigner } from './dpop';
import { OAuth2Error } from './errors';
import { RETRY_STATUSES } from './failure';
import { lowerKeys } from './token-request';
import { getPath } from './token-response';
import { transportOf, type EngineHost } from './host';
import { resolveRetry, sendWithRetry, type SendOptions } from './send';
import type { TokenKeeper } from './token-state';
import type { OAuth2Config, TokenSet, Transport, TransportResponse } from './types';
import { checkEndpointUrl } from './urls';

/**
 * A rule on an API error body that means "token rejected", for providers that say so with 400 or
 * 403 and a body such as `{"error":"token_expired"}`.
 */
export interface BodyRejectionRule {
  /** Dotted path into the JSON body, e.g. `error` or `errors.0.code`. */
  path: string;
  /** Values (compared as strings) that mean the token was rejected. */
  values: string[];
  /** Statuses the rule applies to. Default: every 4xx. */
  statuses?: number[];
}

export interface ReactiveRefreshOptions {
  /** API statuses that mean "token rejected": refresh once and retry once. Default [401]. */
  statuses?: number[];
  /** Also refresh on `WWW-Authenticate: Bearer error="invalid_token"`, whatever the status. Default true. */
  invalidTokenChallenge?: boolean;
  /** Also refresh when an error body matches this rule. */
  body?: BodyRejectionRule;
  /**
   * After a freshly obtained token is rejected too, no refresh for this long (doubling on each
   * repeat up to `maxBackoffMs`); answers go back to the caller as they are. Default 30 s.
   */
  backoffMs?: number;
  /** Default 15 minutes. */
  maxBackoffMs?: number;
}

export interface AuthorizedClientOptions {
  config: OAuth2Config;
  /** The transport of API calls (default the host's). */
  transport?: Transport;
  /** The engine's host (timers, waits, default transport). */
  host?: EngineHost;
  reactive?: ReactiveRefreshOptions;
  /** API statuses retried after `Retry-After` (bounded). Default `RETRY_STATUSES.notProcessed`. */
  apiRetryStatuses?: number[];
  sleep?: (ms: number) => Promise<void>;
  /** Told when refreshes on rejection pause (a fresh token was rejected too). Must not throw. */
  onError?: (error: OAuth2Error, event: { phase: 'token' }) => void;
}

export interface ApiRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Strings and bytes only, so the request can be replayed after a refresh. */
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Statuses retried (bounded, after `Retry-After`) for this request: one of `RETRY_STATUSES`; default the manager's. */
  retryStatuses?: readonly number[];
  /** Statuses retried only when the answer says when (`Retry-After`); without it they come back at once. */
  retryOnlyWhenAsked?: readonly number[];
}

const INVALID_TOKEN_CHALLENGE = /\bBearer\b[^,]*?\berror\s*=\s*"?invalid_token"?/i;
const INSUFFICIENT_SCOPE_CHALLENGE = /\berror\s*=\s*"?insufficient_scope"?/i;

/**
 * Authenticated API calls for one credential: the token goes in a header (never the URL), a token
 * about to expire is renewed first, and an answer that rejects the token costs one refresh and one
 * retry, with a back-off when a fresh token is rejected too. Tokens come from a `TokenKeeper`.
 */
export class AuthorizedClient {
  /** Until when a rejected token is not refreshed (a fresh token was rejected too). */
  private backoffUntil = 0;
  private backoffStreak = 0;
  /** The last API URL that passed the URL policy. */
  private lastApiUrl: string | undefined;
  /** The API calls' send options (from the configuration and transport), made on the first call. */
  private apiSendOptions: SendOptions | undefined;
  /** The API answers' byte limit. */
  private readonly apiMaxBytes: number;

  constructor(
    private readonly keeper: TokenKeeper,
    private readonly options: AuthorizedClientOptions,
  ) {
    this.apiMaxBytes = options.config.maxResponseBytes ?? DEFAULT_API_RESPONSE_MAX_BYTES;
  }

  /** A new authorization: refreshes on rejection are allowed again. */
  resetBackoff(): void {
    this.backoffUntil = 0;
    this.backoffStreak = 0;
  }

  /** The headers that carry the token on an API call (never the URL). */
  authorizationHeaders(tokens: TokenSet): Record<string, string> {
    const [name, value] = this.authorization(tokens);
    return { [name]: value };
  }

  /** The header (lower-case name, value) that carries the token. */
  private authorization(tokens: TokenSet): [string, string] {
    const placement = this.options.config.tokenPlacement ?? {};
    // a DPoP-bound token is sent with the DPoP scheme (RFC 9449 §7.1), whatever the configured prefix
    const prefix = this.options.config.dpopKey && /^dpop$/i.test(tokens.tokenType) ? 'DPoP' : (placement.prefix ?? 'Bearer');
    return [(placement.headerName || 'Authorization').toLowerCase(), prefix ? `${prefix} ${tokens.accessToken}` : tokens.accessToken];
  }

  /**
   * An authenticated API call: proactive refresh before sending, one refresh and one retry when the
   * response says the token was rejected, bounded retries on 429/503 with `Retry-After`.
   */
  fetch(request: ApiRequest): Promise<TransportResponse> {
    // the policy's answer for a URL does not change: checked once per new URL (the last one kept)
    if (request.url !== this.lastApiUrl) {
      try {
        checkEndpointUrl(request.url, 'The API URL', { allowHttpHosts: this.options.config.allowHttpHosts });
      } catch (error) {
        return Promise.reject(error);
      }
      this.lastApiUrl = request.url;
    }
    const tokens = this.keeper.validTokens();
    if (!tokens) return this.fetchWith(request, undefined);
    // the hot path: a valid token, one request, an answer that does not reject it (no extra async step)
    let sent: Promise<TransportResponse>;
    try {
      sent = this.send(request, tokens);
    } catch (error) {
      return Promise.reject(error);
    }
    return sent.then((response) => {
      if (!this.rejectsToken(response)) {
        this.backoffStreak = 0;
        return response;
      }
      return this.fetchWith(request, { tokens, response });
    });
  }

  /** `fetch` after a token request, or after the API rejected `first.tokens`. */
  private async fetchWith(request: ApiRequest, first: { tokens: TokenSet; response: TransportResponse } | undefined): Promise<TransportResponse> {
    let tokens = first?.tokens ?? (await this.keeper.getTokens());
    let response = first?.response ?? (await this.send(request, tokens));
    if (!this.rejectsToken(response)) {
      this.backoffStreak = 0;
      return response;
    }
    if (this.keeper.now() < this.backoffUntil) return response;
    tokens = await this.keeper.refreshAfterRejection(tokens);
    response = await this.send(request, tokens);
    if (this.rejectsToken(response)) this.startBackoff();
    else this.backoffStreak = 0;
    return response;
  }

  /** Whether token refreshes on rejection are paused (a fresh token was rejected too), until when. */
  get rejectionBackoffUntil(): number | undefined {
    return this.keeper.now() < this.backoffUntil ? this.backoffUntil : undefined;
  }

  private startBackoff(): void {
    const reactive = this.options.reactive ?? {};
    const base = reactive.backoffMs ?? 30_000;
    const max = reactive.maxBackoffMs ?? 15 * 60_000;
    const wait = Math.min(max, base * 2 ** Math.min(this.backoffStreak, 20));
    this.backoffStreak++;
    this.backoffUntil = this.keeper.now() + wait;
    const error = new OAuth2Error(
      { code: 'token_rejected', phase: 'api', description: `the API rejected a freshly obtained token; no refresh on rejection for ${Math.round(wait / 1000)} s` },
      this.keeper.redactor,
    );
    this.options.onError?.(error, { phase: 'token' });
  }

  /** Whether an API response means the access token was rejected (and refreshing may help). */
  rejectsToken(response: Pick<TransportResponse, 'status' | 'headers'> & { body?: Buffer }): boolean {
    const challenge = response.headers['www-authenticate'] ?? '';
    if (INSUFFICIENT_SCOPE_CHALLENGE.test(challenge)) return false;
    const reactive = this.options.reactive ?? {};
    if ((reactive.statuses ?? [401]).includes(response.status)) return true;
    if (reactive.invalidTokenChallenge !== false && INVALID_TOKEN_CHALLENGE.test(challenge)) return true;
    return !!reactive.body && bodyRuleMatches(reactive.body, response);
  }

  private send(request: ApiRequest, tokens: TokenSet): Promise<TransportResponse> {
    const headers = lowerKeys(request.headers);
    const [name, value] = this.authorization(tokens);
    headers[name] = value;
    const key = this.options.config.dpopKey;
    if (key) return this.sendWithProof(request, tokens, headers, dpopSignerFor(key));
    const shared = this.apiOptions(request.signal);
    const options =
      request.retryOnlyWhenAsked || request.retryStatuses
        ? { ...shared, retryStatuses: request.retryStatuses ?? shared.retryStatuses, retryOnlyWhenAsked: request.retryOnlyWhenAsked }
        : shared;
    return sendWithRetry(
      { url: request.url, method: request.method ?? 'GET', headers, body: request.body, maxResponseBytes: this.apiMaxBytes, signal: request.signal, timeoutMs: options.timeoutMs },
      options,
    );
  }

  /** An API call with a DPoP proof (`ath` the token's hash); a `use_dpop_nonce` challenge is answered once with the server's nonce. */
  private async sendWithProof(request: ApiRequest, tokens: TokenSet, headers: Record<string, string>, signer: DpopSigner): Promise<TransportResponse> {
    const method = request.method ?? 'GET';
    const once = () => {
      headers.dpop = signer.proof(method, request.url, tokens.accessToken);
      const options = this.apiOptions(request.signal);
      return sendWithRetry({ url: request.url, method, headers, body: request.body, maxResponseBytes: this.apiMaxBytes, signal: request.signal, timeoutMs: options.timeoutMs }, { ...options, retryStatuses: request.retryStatuses ?? options.retryStatuses, retryOnlyWhenAsked: request.retryOnlyWhenAsked });
    };
    const response = await once();
    signer.remember(request.url, response.headers);
    if (!nonceChallenge(response)) return response;
    const again = await once();
    signer.remember(request.url, again.headers);
    return again;
  }

  /**
   * The send options of API calls. They depend only on the configuration and the transport (looked
   * up each time: a host may install its default after this manager was made), so they are kept.
   */
  private apiOptions(signal: AbortSignal | undefined): SendOptions {
    const transport = transportOf(this.options.transport, this.options.host);
    let options = this.apiSendOptions;
    if (!options || options.transport !== transport) {
      const { config } = this.options;
      options = this.apiSendOptions = {
        transport,
        timeoutMs: config.timeoutMs ?? 30_000,
        retry: resolveRetry(config.retry),
        retryStatuses: this.options.apiRetryStatuses ?? RETRY_STATUSES.notProcessed,
        phase: 'api',
        redactor: this.keeper.redactor,
        sleep: this.options.sleep,
        host: this.options.host,
      };
    }
    return signal ? { ...options, signal } : options;
  }
}



/** Whether an API error answer matches a body rule (JSON bodies only; anything else does not match). */
export function bodyRuleMatches(rule: BodyRejectionRule, response: { status: number; body?: Buffer; headers: Record<string, string> }): boolean {
  if (rule.statuses ? !rule.statuses.includes(response.status) : response.status < 400 || response.status >= 500) return false;
  if (!response.body?.length) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return false;
  }
  const value = getPath(parsed, rule.path);
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && rule.values.includes(String(v)));
}

