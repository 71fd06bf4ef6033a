import type { CredentialEvent, CredentialEventType } from './events';
import { revokeTokens, type RevocationResult } from './revoke';
import { validateConfig } from './config';
import { OAuth2ConfigError, OAuth2Error, OAuth2ReauthorizationRequired } from './errors';
import { pollDeviceToken, startDeviceAuthorization, type DeviceAuthorization } from './device';
import { authorizationCodeGrant, clientCredentialsGrant, jwtBearerGrant, passwordGrant, refreshTokenGrant, tokenExchangeGrant, type CodeExchange, type TokenExchange } from './grants';
import type { JwtBearerAssertion } from './jwt';
import { Redactor } from './redact';
import { refreshTokenRefused } from './failure';
import type { BeforeTokenRequestHook, ClientAuthState, TokenRequestContext } from './token-request';
import type { RefusedSearch } from './auth-search';
import { within, type EngineHost } from './host';
import type { OAuth2Config, TokenSet, Transport } from './types';

/** How the manager gets a new token when it has no usable refresh token. */
export type GrantSpec =
  | { type: 'client_credentials' }
  | { type: 'password'; username: string; password: string }
  /** RFC 7523 §2.1: a signed assertion (a service account), signed anew for every token request. */
  | { type: 'jwt_bearer'; assertion: JwtBearerAssertion }
  /** RFC 8693: another token traded for this one, exchanged again when this one expires. */
  | { type: 'token_exchange'; exchange: TokenExchange }
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
  /**
   * `auto` client authentication was refused with every method (or again after that): keep this
   * beside the tokens and pass it back as `refusedAuthSearch`, so a restart does not search again.
   * New tokens end it (the host stores them without it). Awaited; its failure is ignored.
   */
  onRefusedAuthSearch?: (memory: RefusedSearch) => void | Promise<void>;
}

export interface TokenStateOptions {
  config: OAuth2Config;
  grant: GrantSpec;
  /** A stored token set to start from. */
  tokens?: TokenSet;
  /** A refused `auto` search the host kept (`onRefusedAuthSearch`). */
  refusedAuthSearch?: RefusedSearch;
  hooks?: TokenManagerHooks;
  /** The transport of token requests (default the host's). */
  transport?: Transport;
  /** The engine's host (timers, waits, default transport): the face passes its own; default the installed one. */
  host?: EngineHost;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshSkewMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type TokenState = 'empty' | 'valid' | 'stale' | 'reauthorization_required';

/** Why a token request is made: the token is (nearly) expired, the API rejected it, or the caller asked. */
type RenewReason = 'stale' | 'rejected' | 'forced';

/**
 * One credential's token state: the current token set, one shared in-flight token request (single
 * flight), refresh-token rotation, the persistence hooks and the lifecycle events. It sends no API
 * call; `AuthorizedClient` does, asking it for tokens. Knows nothing of n8n or Node-RED.
 */
export class TokenKeeper {
  readonly redactor = new Redactor();
  private current: TokenSet | undefined;
  private inflight: Promise<TokenSet> | undefined;
  private reauthorization: OAuth2ReauthorizationRequired | undefined;
  readonly now: () => number;
  private readonly skewMs: number;
  private readonly clientAuth: ClientAuthState = {};
  /** A refresh failed or reconnecting became necessary: the next good token set is a recovery. */
  private failing = false;
  /** Why the last refresh token was refused (for the reconnect message). */
  private refusal: string | undefined;

  constructor(private readonly options: TokenStateOptions) {
    validateConfig(options.config);
    this.now = options.now ?? Date.now;
    this.skewMs = options.refreshSkewMs ?? 60_000;
    this.current = options.tokens ? { ...options.tokens } : undefined;
    this.clientAuth.learned = this.current?.clientAuthMethod;
    this.clientAuth.refusedSearch = options.refusedAuthSearch;
    const { client } = options.config;
    this.redactor.pin(client.clientSecret, client.privateKey, options.config.dpopKey);
    if (options.grant.type === 'password') this.redactor.pin(options.grant.password);
    if (options.grant.type === 'jwt_bearer') this.redactor.pin(options.grant.assertion.signing.key);
    if (options.grant.type === 'token_exchange' && typeof options.grant.exchange.subjectToken === 'string') this.redactor.pin(options.grant.exchange.subjectToken);
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

  /** RFC 8628: asks for the codes the user is shown (the device code stays with the caller, redacted). */
  startDeviceAuthorization(): Promise<DeviceAuthorization> {
    const endpoint = this.options.config.deviceAuthorizationUrl;
    if (!endpoint) throw new OAuth2ConfigError('the device grant needs the device authorization URL (Discover fills it)');
    return this.reportFailure('token', () => startDeviceAuthorization(this.context(), endpoint));
  }

  /** Polls until the user approved the device authorization, then installs the tokens as an authorization does. */
  async completeDeviceAuthorization(device: DeviceAuthorization, signal?: AbortSignal): Promise<TokenSet> {
    const tokens = await this.reportFailure('token', () => pollDeviceToken(this.context(), device, signal));
    await this.setTokens(tokens, 'authorize');
    return tokens;
  }

  /** The current tokens when they can be used as they are (no token request needed), else undefined. */
  validTokens(): TokenSet | undefined {
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
      return await this.reportFailure('token', () => {
        if (grant.type === 'password') return passwordGrant(this.context(), grant.username, grant.password);
        if (grant.type === 'jwt_bearer') return jwtBearerGrant(this.context(), grant.assertion);
        if (grant.type === 'token_exchange') return tokenExchangeGrant(this.context(), grant.exchange);
        return clientCredentialsGrant(this.context());
      });
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
    const searched = this.clientAuth.refusedSearch;
    try {
      return await run();
    } catch (error) {
      if (error instanceof OAuth2Error) this.options.hooks?.onError?.(error, { phase });
      await this.keepRefusedSearch(searched);
      throw error;
    }
  }

  /** Hands a new or advanced refused `auto` search to the host to keep. */
  private async keepRefusedSearch(before: RefusedSearch | undefined): Promise<void> {
    const refused = this.clientAuth.refusedSearch;
    const hook = this.options.hooks?.onRefusedAuthSearch;
    if (!hook || !refused || (refused.key === before?.key && refused.sent === before.sent)) return;
    try {
      await hook({ ...refused });
    } catch {
      // the memory is kept in this process anyway
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
