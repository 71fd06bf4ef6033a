import { DEFAULT_API_RESPONSE_MAX_BYTES } from './body';
import type { CredentialEvent, CredentialEventType } from './events';
import { revokeTokens, type RevocationResult } from './revoke';
import { validateConfig } from './config';
import { OAuth2Error, OAuth2ReauthorizationRequired } from './errors';
import { authorizationCodeGrant, clientCredentialsGrant, passwordGrant, refreshTokenGrant, type CodeExchange } from './grants';
import { Redactor } from './redact';
import { refreshTokenRefused, RETRY_STATUSES } from './failure';
import { lowerKeys, type BeforeTokenRequestHook, type ClientAuthState, type TokenRequestContext } from './token-request';
import { getPath } from './token-response';
import { transportOf, within, type EngineHost } from './host';
import { resolveRetry, sendWithRetry, type SendOptions } from './transport';
import type { OAuth2Config, TokenSet, Transport, TransportResponse } from './types';
import { checkEndpointUrl } from './urls';

/** How the manager gets a new token when it has no usable refresh token. */
export type GrantSpec =
  | { type: 'client_credentials' }
  | { type: 'password'; username: string; password: string }
  /** Tokens come from an authorization (code or implicit) flow; only refresh is possible. */
  | { type: 'authorization_code' };

export type TokenEventReason = 'grant' | 'refresh' | 'authorize' | 'set';

export interface TokenManagerHooks {
  /** Called before every token request; may change URL, headers or parameters. */
  beforeTokenRequest?: BeforeTokenRequestHook;
  /**
   * Awaited before a new token set is used: persist it here (a rotated refresh token is the only
   * valid one). If it throws, the tokens are still kept in memory and `onError` is told.
   */
  onTokens?: (tokens: TokenSet, event: { reason: TokenEventReason }) => void | Promise<void>;
  /** Told of every failed token request and of a failed `onTokens`. Must not throw. */
  onError?: (error: OAuth2Error, event: { phase: 'token' | 'refresh' | 'persist' }) => void;
  /**
   * The newest token set persisted by anyone (an earlier instance of this credential, another
   * process). Read before every refresh and again after a refused one, so a refresh token rotated
   * elsewhere is used instead of a spent one, and "reconnect needed" is declared only when the
   * store has nothing newer. May wait (bounded) for a predecessor's refresh to finish.
   */
  reload?: () => TokenSet | undefined | Promise<TokenSet | undefined>;
  /** The credential's lifecycle (obtained, refreshed, rotated, refresh failed, reconnect needed, recovered). Must not throw. */
  onEvent?: (event: CredentialEvent) => void;
}

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

export interface TokenManagerOptions {
  config: OAuth2Config;
  grant: GrantSpec;
  /** A stored token set to start from. */
  tokens?: TokenSet;
  hooks?: TokenManagerHooks;
  transport?: Transport;
  /** The engine's host (timers, waits, default transport): the face passes its own; default the installed one. */
  host?: EngineHost;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshSkewMs?: number;
  reactive?: ReactiveRefreshOptions;
  /** API statuses retried after `Retry-After` (bounded). Default `RETRY_STATUSES.notProcessed`. */
  apiRetryStatuses?: number[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
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

export type TokenState = 'empty' | 'valid' | 'stale' | 'reauthorization_required';

/** Why a token request is made: the token is (nearly) expired, the API rejected it, or the caller asked. */
type RenewReason = 'stale' | 'rejected' | 'forced';

const INVALID_TOKEN_CHALLENGE = /\bBearer\b[^,]*?\berror\s*=\s*"?invalid_token"?/i;
const INSUFFICIENT_SCOPE_CHALLENGE = /\berror\s*=\s*"?insufficient_scope"?/i;

/**
 * Holds one credential's token set and hands out valid access tokens: refreshes proactively before
 * expiry and reactively when the API rejects a token, with every caller sharing one in-flight
 * token request. Knows nothing of n8n or Node-RED; hosts plug in through the hooks and transport.
 */
export class TokenManager {
  readonly redactor = new Redactor();
  private current: TokenSet | undefined;
  private inflight: Promise<TokenSet> | undefined;
  private reauthorization: OAuth2ReauthorizationRequired | undefined;
  private readonly now: () => number;
  private readonly skewMs: number;
  private readonly clientAuth: ClientAuthState = {};
  /** Until when a rejected token is not refreshed (a fresh token was rejected too). */
  private backoffUntil = 0;
  private backoffStreak = 0;
  /** A refresh failed or reconnecting became necessary: the next good token set is a recovery. */
  private failing = false;
  /** The last API URL that passed the URL policy. */
  private lastApiUrl: string | undefined;
  /** The API calls' send options (from the configuration and transport), made on the first call. */
  private apiSendOptions: SendOptions | undefined;
  /** The API answers' byte limit. */
  private readonly apiMaxBytes: number;

  constructor(private readonly options: TokenManagerOptions) {
    validateConfig(options.config);
    this.now = options.now ?? Date.now;
    this.skewMs = options.refreshSkewMs ?? 60_000;
    this.apiMaxBytes = options.config.maxResponseBytes ?? DEFAULT_API_RESPONSE_MAX_BYTES;
    this.current = options.tokens ? { ...options.tokens } : undefined;
    this.clientAuth.learned = this.current?.clientAuthMethod;
    const { client } = options.config;
    this.redactor.pin(client.clientSecret, client.privateKey);
    if (options.grant.type === 'password') this.redactor.pin(options.grant.password);
    this.rememberSecrets(this.current);
  }

  /** The current token set (for display: never log it). */
  get tokens(): TokenSet | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  get state(): TokenState {
    if (this.reauthorization) return 'reauthorization_required';
    if (!this.current) return 'empty';
    return this.isStale(this.current) ? 'stale' : 'valid';
  }

  /** Removes this credential's secrets and anything token-shaped from a text. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** A valid token set: the current one, or a new one from one shared token request. */
  async getTokens(options: { forceRefresh?: boolean } = {}): Promise<TokenSet> {
    if (this.reauthorization) throw this.reauthorization;
    const tokens = this.current;
    if (!options.forceRefresh && tokens && !this.isStale(tokens)) return tokens;
    return this.obtain(options.forceRefresh ? 'forced' : 'stale');
  }

  async getAccessToken(): Promise<string> {
    return (await this.getTokens()).accessToken;
  }

  /** Refreshes after the API rejected `rejected`; callers holding an older token share one refresh. */
  async refreshAfterRejection(rejected: TokenSet): Promise<TokenSet> {
    if (this.reauthorization) throw this.reauthorization;
    if (this.current && this.current.accessToken !== rejected.accessToken) return this.current;
    return this.obtain('rejected');
  }

  /** Installs tokens from an authorization flow (or a host's store) and persists them via the hook. */
  async setTokens(tokens: TokenSet, reason: TokenEventReason = 'set'): Promise<void> {
    this.reauthorization = undefined;
    this.backoffUntil = 0;
    this.backoffStreak = 0;
    this.rememberSecrets(tokens);
    if (tokens.clientAuthMethod) this.clientAuth.learned = tokens.clientAuthMethod;
    const previous = this.current;
    await this.persist(tokens, reason);
    this.current = { ...tokens };
    if (reason === 'authorize') this.announce(this.current, reason, previous);
  }

  /**
   * Disconnect: revokes the refresh and access tokens at the provider (RFC 7009) when it has a
   * revocation endpoint, then forgets them here whatever the outcome. The host deletes its copy.
   */
  async disconnect(): Promise<RevocationResult> {
    await this.idle(30_000);
    const tokens = this.current;
    this.current = undefined;
    this.reauthorization = undefined;
    if (!tokens) return { revoked: [], skipped: 'no_tokens' }; // revokeTokens says the same of an empty set
    try {
      return await revokeTokens(this.context(), tokens);
    } catch (error) {
      return { revoked: [], error: error instanceof OAuth2Error ? error : new OAuth2Error({ code: 'network_error', phase: 'token', description: String(error) }, this.redactor) };
    }
  }

  /** The client authentication `auto` settled on (undefined before the first token or when explicit). */
  get clientAuthMethod(): string | undefined {
    return this.clientAuth.learned;
  }

  /**
   * Resolves once no token request is in flight, or after `timeoutMs`: true when idle. Hosts call it
   * before handing the credential to a successor, so a rotated refresh token is persisted first.
   */
  async idle(timeoutMs: number): Promise<boolean> {
    const inflight = this.inflight;
    return inflight ? within(inflight, timeoutMs, this.options.host) : true;
  }

  /** Exchanges an authorization code and installs the tokens. */
  async exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
    const tokens = await this.reportFailure('token', () => authorizationCodeGrant(this.context(), exchange));
    await this.setTokens(tokens, 'authorize');
    return tokens;
  }

  /** The headers that carry the token on an API call (never the URL). */
  authorizationHeaders(tokens: TokenSet): Record<string, string> {
    const [name, value] = this.authorization(tokens);
    return { [name]: value };
  }

  /** The header (lower-case name, value) that carries the token. */
  private authorization(tokens: TokenSet): [string, string] {
    const placement = this.options.config.tokenPlacement ?? {};
    const prefix = placement.prefix ?? 'Bearer';
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
    const tokens = this.validTokens();
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
    let tokens = first?.tokens ?? (await this.getTokens());
    let response = first?.response ?? (await this.send(request, tokens));
    if (!this.rejectsToken(response)) {
      this.backoffStreak = 0;
      return response;
    }
    if (this.now() < this.backoffUntil) return response;
    tokens = await this.refreshAfterRejection(tokens);
    response = await this.send(request, tokens);
    if (this.rejectsToken(response)) this.startBackoff();
    else this.backoffStreak = 0;
    return response;
  }

  /** Whether token refreshes on rejection are paused (a fresh token was rejected too), until when. */
  get rejectionBackoffUntil(): number | undefined {
    return this.now() < this.backoffUntil ? this.backoffUntil : undefined;
  }

  private startBackoff(): void {
    const reactive = this.options.reactive ?? {};
    const base = reactive.backoffMs ?? 30_000;
    const max = reactive.maxBackoffMs ?? 15 * 60_000;
    const wait = Math.min(max, base * 2 ** Math.min(this.backoffStreak, 20));
    this.backoffStreak++;
    this.backoffUntil = this.now() + wait;
    const error = new OAuth2Error(
      { code: 'token_rejected', phase: 'api', description: `the API rejected a freshly obtained token; no refresh on rejection for ${Math.round(wait / 1000)} s` },
      this.redactor,
    );
    this.options.hooks?.onError?.(error, { phase: 'token' });
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
        redactor: this.redactor,
        sleep: this.options.sleep,
        host: this.options.host,
      };
    }
    return signal ? { ...options, signal } : options;
  }

  /** The current tokens when they can be used as they are (no token request needed), else undefined. */
  private validTokens(): TokenSet | undefined {
    const tokens = this.current;
    return !this.reauthorization && tokens && !this.isStale(tokens) ? tokens : undefined;
  }

  private isStale(tokens: TokenSet): boolean {
    if (tokens.expiresAt === undefined) return false;
    const lifetime = tokens.obtainedAt !== undefined ? tokens.expiresAt - tokens.obtainedAt : Infinity;
    const skew = Math.min(this.skewMs, Math.max(0, lifetime / 2));
    return this.now() >= tokens.expiresAt - skew;
  }

  private obtain(why: RenewReason): Promise<TokenSet> {
    if (!this.inflight) {
      this.inflight = this.renew(why).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async renew(why: RenewReason): Promise<TokenSet> {
    const before = this.current;
    const stored = await this.reloadNewer(before);
    if (stored) {
      this.current = stored;
      // another instance already replaced the token this caller found stale; after a rejection
      // or when forced, its refresh token (the newest) is used for a new one instead
      if (why === 'stale' && stored.accessToken && stored.accessToken !== before?.accessToken && !this.isStale(stored)) return stored;
    }
    const previous = this.current;
    let next: TokenSet;
    let reason: TokenEventReason = 'refresh';
    if (previous?.refreshToken) {
      const refreshed = await this.refreshWith(previous, why);
      if (refreshed) {
        next = refreshed;
      } else if (this.canRunGrant()) {
        next = await this.runGrant();
        reason = 'grant';
      } else {
        throw this.needReauthorization(this.refusal ?? 'the refresh token was rejected');
      }
    } else if (this.canRunGrant()) {
      next = await this.runGrant();
      reason = 'grant';
    } else {
      throw this.needReauthorization(previous ? 'the access token expired and there is no refresh token' : 'no token yet: authorize first');
    }
    this.rememberSecrets(next);
    await this.persist(next, reason);
    this.current = next;
    this.announce(next, reason, previous);
    return next;
  }

  /** Events for a new token set: obtained or refreshed, rotated, recovered. */
  private announce(next: TokenSet, reason: TokenEventReason, previous: TokenSet | undefined): void {
    const type: CredentialEventType = reason === 'refresh' ? 'refreshed' : 'obtained';
    this.emit(type, reason === 'refresh' ? 'the access token was refreshed' : reason === 'authorize' ? 'the credential was authorized' : 'a new token was obtained', next);
    if (previous?.refreshToken && next.refreshToken && next.refreshToken !== previous.refreshToken) this.emit('rotated', 'the refresh token was rotated (the new one is stored)', next);
    if (this.failing) {
      this.failing = false;
      this.emit('recovered', 'tokens are obtained again', next);
    }
  }

  private emit(type: CredentialEventType, message: string, tokens?: TokenSet): void {
    const hook = this.options.hooks?.onEvent;
    if (!hook) return;
    try {
      hook({ type, at: this.now(), message: this.redactor.redact(message), expiresAt: tokens?.expiresAt, refreshExpiresAt: tokens?.refreshExpiresAt, scope: tokens?.scope });
    } catch {
      // a host's listener must not break token handling
    }
  }

  /** Why the last refresh token was refused (for the reconnect message). */
  private refusal: string | undefined;

  /**
   * Refreshes with `tokens.refreshToken`. Undefined when the server refused the refresh token (it is
   * then dropped, never sent again) and the store has no newer one; other failures are thrown.
   */
  private async refreshWith(tokens: TokenSet, why: RenewReason): Promise<TokenSet | undefined> {
    let current = tokens;
    for (let attempt = 0; attempt < 2; attempt++) {
      const refreshToken = current.refreshToken as string;
      try {
        const next = await this.reportFailure('refresh', () => refreshTokenGrant(this.context(), refreshToken));
        if (!next.scope && current.scope) next.scope = current.scope;
        // an answer without a new refresh token keeps the old one, and with it its expiry
        if (next.refreshToken === refreshToken && next.refreshExpiresAt === undefined) next.refreshExpiresAt = current.refreshExpiresAt;
        return next;
      } catch (error) {
        if (!refreshTokenRefused(error)) {
          this.failing = true;
          this.emit('refresh_failed', `the refresh failed and will be tried again: ${error instanceof Error ? error.message : String(error)}`, current);
          throw error;
        }
        const e = error as OAuth2Error;
        this.refusal = `the refresh token was refused: ${e.code}${e.status ? ` (HTTP ${e.status})` : ''}${e.description ? `, ${e.description}` : ''}`;
        // never send it again; a password or client-credentials grant can start over
        if (this.current?.refreshToken === refreshToken) this.current = { ...this.current, refreshToken: undefined };
        // someone else may have rotated it meanwhile: use theirs before giving up
        const stored = await this.reloadNewer(current);
        if (!stored?.refreshToken || stored.refreshToken === refreshToken) return undefined;
        this.current = stored;
        current = stored;
        if (why === 'stale' && stored.accessToken && !this.isStale(stored)) return stored;
      }
    }
    return undefined;
  }

  /** A persisted token set that differs from `than` and is at least as new, via the `reload` hook. */
  private async reloadNewer(than: TokenSet | undefined): Promise<TokenSet | undefined> {
    const reload = this.options.hooks?.reload;
    if (!reload) return undefined;
    let stored: TokenSet | undefined;
    try {
      stored = await reload();
    } catch {
      return undefined;
    }
    if (!stored || (!stored.accessToken && !stored.refreshToken)) return undefined;
    if (than && (stored.obtainedAt ?? 0) < (than.obtainedAt ?? 0)) return undefined;
    if (than && stored.accessToken === than.accessToken && stored.refreshToken === than.refreshToken) return undefined;
    this.rememberSecrets(stored);
    if (stored.clientAuthMethod) this.clientAuth.learned = stored.clientAuthMethod;
    return { ...stored };
  }

  private canRunGrant(): boolean {
    return this.options.grant.type !== 'authorization_code';
  }

  private async runGrant(): Promise<TokenSet> {
    const grant = this.options.grant;
    try {
      return await this.reportFailure('token', () =>
        grant.type === 'password' ? passwordGrant(this.context(), grant.username, grant.password) : clientCredentialsGrant(this.context()),
      );
    } catch (error) {
      this.failing = true;
      this.emit('refresh_failed', `a new token could not be obtained and will be requested again: ${error instanceof Error ? error.message : String(error)}`, this.current);
      throw error;
    }
  }

  private needReauthorization(description: string): OAuth2ReauthorizationRequired {
    this.reauthorization = new OAuth2ReauthorizationRequired(
      { code: 'reauthorization_required', phase: 'refresh', description, hint: 'Reconnect the credential (authorize again).' },
      this.redactor,
    );
    this.options.hooks?.onError?.(this.reauthorization, { phase: 'refresh' });
    this.failing = true;
    this.emit('reconnect_needed', `reconnect needed: ${this.reauthorization.description ?? 'no usable refresh token'}`, this.current);
    return this.reauthorization;
  }

  private async reportFailure<T>(phase: 'token' | 'refresh', run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OAuth2Error) this.options.hooks?.onError?.(error, { phase });
      throw error;
    }
  }

  private async persist(tokens: TokenSet, reason: TokenEventReason): Promise<void> {
    const hook = this.options.hooks?.onTokens;
    if (!hook) return;
    try {
      await hook({ ...tokens }, { reason });
    } catch (cause) {
      const error = new OAuth2Error(
        { code: 'persist_failed', phase: 'token', description: `storing the new tokens failed: ${(cause as Error)?.message ?? String(cause)}`, hint: 'The tokens are kept in memory; check the host storage.' },
        this.redactor,
      );
      this.options.hooks?.onError?.(error, { phase: 'persist' });
    }
  }

  private rememberSecrets(tokens: TokenSet | undefined): void {
    if (tokens) this.redactor.add(tokens.accessToken, tokens.refreshToken, tokens.idToken);
  }

  private context(): TokenRequestContext {
    return {
      clientAuth: this.clientAuth,
      config: this.options.config,
      transport: this.options.transport,
      redactor: this.redactor,
      beforeTokenRequest: this.options.hooks?.beforeTokenRequest,
      sleep: this.options.sleep,
      host: this.options.host,
      now: this.now,
    };
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
