import { AuthorizedClient, type ApiRequest, type ReactiveRefreshOptions } from './authorized-client';
import { TokenKeeper, type TokenEventReason, type TokenStateOptions } from './token-state';
import type { TokenSet, TransportResponse } from './types';

export interface TokenManagerOptions extends TokenStateOptions {
  reactive?: ReactiveRefreshOptions;
  /** API statuses retried after `Retry-After` (bounded). Default `RETRY_STATUSES.notProcessed`. */
  apiRetryStatuses?: number[];
}

/**
 * One credential as the hosts use it: its token state (`TokenKeeper`: single flight, rotation,
 * persistence hooks) and its authorized client (`AuthorizedClient`: API calls with the token,
 * reactive refresh, back-off), built from one set of options.
 */
export class TokenManager extends TokenKeeper {
  readonly client: AuthorizedClient;

  constructor(options: TokenManagerOptions) {
    super(options);
    this.client = new AuthorizedClient(this, {
      config: options.config,
      transport: options.transport,
      host: options.host,
      reactive: options.reactive,
      apiRetryStatuses: options.apiRetryStatuses,
      sleep: options.sleep,
      onError: (error, event) => options.hooks?.onError?.(error, event),
    });
  }

  override async setTokens(tokens: TokenSet, reason: TokenEventReason = 'set'): Promise<void> {
    this.client.resetBackoff();
    return super.setTokens(tokens, reason);
  }

  /** An authenticated API call (see `AuthorizedClient.fetch`). */
  fetch(request: ApiRequest): Promise<TransportResponse> {
    return this.client.fetch(request);
  }

  /** Whether an API response means the access token was rejected (and refreshing may help). */
  rejectsToken(response: Pick<TransportResponse, 'status' | 'headers'> & { body?: Buffer }): boolean {
    return this.client.rejectsToken(response);
  }

  /** The headers that carry the token on an API call (never the URL). */
  authorizationHeaders(tokens: TokenSet): Record<string, string> {
    return this.client.authorizationHeaders(tokens);
  }

  /** Whether token refreshes on rejection are paused (a fresh token was rejected too), until when. */
  get rejectionBackoffUntil(): number | undefined {
    return this.client.rejectionBackoffUntil;
  }
}
