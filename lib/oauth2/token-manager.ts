import { OAuth2Error, OAuth2ReauthorizationRequired } from './errors';
import { authorizationCodeGrant, clientCredentialsGrant, passwordGrant, refreshTokenGrant, type CodeExchange } from './grants';
import { Redactor } from './redact';
import { lowerKeys, type BeforeTokenRequestHook, type TokenRequestContext } from './token-request';
import { fetchTransport, resolveRetry, sendWithRetry } from './transport';
import type { OAuth2Config, TokenSet, Transport, TransportResponse } from './types';

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
}

export interface ReactiveRefreshOptions {
  /** API statuses that mean "token rejected": refresh once and retry once. Default [401]. */
  statuses?: number[];
  /** Also refresh on `WWW-Authenticate: Bearer error="invalid_token"`, whatever the status. Default true. */
  invalidTokenChallenge?: boolean;
}

export interface TokenManagerOptions {
  config: OAuth2Config;
  grant: GrantSpec;
  /** A stored token set to start from. */
  tokens?: TokenSet;
  hooks?: TokenManagerHooks;
  transport?: Transport;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshSkewMs?: number;
  reactive?: ReactiveRefreshOptions;
  /** API statuses retried after `Retry-After` (bounded). Default [429, 503]. */
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
}

export type TokenState = 'empty' | 'valid' | 'stale' | 'reauthorization_required';

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

  constructor(private readonly options: TokenManagerOptions) {
    this.now = options.now ?? Date.now;
    this.skewMs = options.refreshSkewMs ?? 60_000;
    this.current = options.tokens ? { ...options.tokens } : undefined;
    const { client } = options.config;
    this.redactor.add(client.clientSecret, client.privateKey);
    if (options.grant.type === 'password') this.redactor.add(options.grant.password);
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
    return this.obtain();
  }

  async getAccessToken(): Promise<string> {
    return (await this.getTokens()).accessToken;
  }

  /** Refreshes after the API rejected `rejected`; callers holding an older token share one refresh. */
  async refreshAfterRejection(rejected: TokenSet): Promise<TokenSet> {
    if (this.reauthorization) throw this.reauthorization;
    if (this.current && this.current.accessToken !== rejected.accessToken) return this.current;
    return this.obtain();
  }

  /** Installs tokens from an authorization flow (or a host's store) and persists them via the hook. */
  async setTokens(tokens: TokenSet, reason: TokenEventReason = 'set'): Promise<void> {
    this.reauthorization = undefined;
    this.rememberSecrets(tokens);
    await this.persist(tokens, reason);
    this.current = { ...tokens };
  }

  /** Exchanges an authorization code and installs the tokens. */
  async exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
    const tokens = await this.reportFailure('token', () => authorizationCodeGrant(this.context(), exchange));
    await this.setTokens(tokens, 'authorize');
    return tokens;
  }

  /** The headers that carry the token on an API call (never the URL). */
  authorizationHeaders(tokens: TokenSet): Record<string, string> {
    const placement = this.options.config.tokenPlacement ?? {};
    const prefix = placement.prefix ?? 'Bearer';
    return { [(placement.headerName || 'Authorization').toLowerCase()]: prefix ? `${prefix} ${tokens.accessToken}` : tokens.accessToken };
  }

  /**
   * An authenticated API call: proactive refresh before sending, one refresh and one retry when the
   * response says the token was rejected, bounded retries on 429/503 with `Retry-After`.
   */
  async fetch(request: ApiRequest): Promise<TransportResponse> {
    let tokens = await this.getTokens();
    let response = await this.send(request, tokens);
    if (this.rejectsToken(response)) {
      tokens = await this.refreshAfterRejection(tokens);
      response = await this.send(request, tokens);
    }
    return response;
  }

  /** Whether an API response means the access token was rejected (and refreshing may help). */
  rejectsToken(response: Pick<TransportResponse, 'status' | 'headers'>): boolean {
    const challenge = response.headers['www-authenticate'] ?? '';
    if (INSUFFICIENT_SCOPE_CHALLENGE.test(challenge)) return false;
    const reactive = this.options.reactive ?? {};
    if ((reactive.statuses ?? [401]).includes(response.status)) return true;
    return reactive.invalidTokenChallenge !== false && INVALID_TOKEN_CHALLENGE.test(challenge);
  }

  private send(request: ApiRequest, tokens: TokenSet): Promise<TransportResponse> {
    const headers = { ...lowerKeys(request.headers), ...this.authorizationHeaders(tokens) };
    return sendWithRetry(
      { url: request.url, method: request.method ?? 'GET', headers, body: request.body },
      {
        transport: this.options.transport ?? fetchTransport,
        timeoutMs: this.options.config.timeoutMs ?? 30_000,
        retry: resolveRetry(this.options.config.retry),
        retryStatuses: this.options.apiRetryStatuses ?? [429, 503],
        phase: 'api',
        redactor: this.redactor,
        signal: request.signal,
        sleep: this.options.sleep,
      },
    );
  }

  private isStale(tokens: TokenSet): boolean {
    if (tokens.expiresAt === undefined) return false;
    const lifetime = tokens.obtainedAt !== undefined ? tokens.expiresAt - tokens.obtainedAt : Infinity;
    const skew = Math.min(this.skewMs, Math.max(0, lifetime / 2));
    return this.now() >= tokens.expiresAt - skew;
  }

  private obtain(): Promise<TokenSet> {
    if (!this.inflight) {
      this.inflight = this.renew().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async renew(): Promise<TokenSet> {
    const previous = this.current;
    let next: TokenSet;
    let reason: TokenEventReason = 'refresh';
    if (previous?.refreshToken) {
      try {
        next = await this.reportFailure('refresh', () => refreshTokenGrant(this.context(), previous.refreshToken as string));
        if (!next.scope && previous.scope) next.scope = previous.scope;
      } catch (error) {
        if (!(error instanceof OAuth2Error) || error.code !== 'invalid_grant') throw error;
        if (!this.canRunGrant()) throw this.needReauthorization(error.description ?? 'the refresh token was rejected');
        next = await this.runGrant();
        reason = 'grant';
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
    return next;
  }

  private canRunGrant(): boolean {
    return this.options.grant.type !== 'authorization_code';
  }

  private runGrant(): Promise<TokenSet> {
    const grant = this.options.grant;
    return this.reportFailure('token', () =>
      grant.type === 'password' ? passwordGrant(this.context(), grant.username, grant.password) : clientCredentialsGrant(this.context()),
    );
  }

  private needReauthorization(description: string): OAuth2ReauthorizationRequired {
    this.reauthorization = new OAuth2ReauthorizationRequired(
      { code: 'reauthorization_required', phase: 'refresh', description, hint: 'Reconnect the credential (authorize again).' },
      this.redactor,
    );
    this.options.hooks?.onError?.(this.reauthorization, { phase: 'refresh' });
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
      config: this.options.config,
      transport: this.options.transport,
      redactor: this.redactor,
      beforeTokenRequest: this.options.hooks?.beforeTokenRequest,
      sleep: this.options.sleep,
      now: this.now,
    };
  }
}
