// All mutable sandbox state in one place: config, counters, deliveries, faults, tokens, data.
import { applyOptions, defaultConfig, type ResolvedConfig } from './config';
import { ChatDataset } from './data';
import { FaultQueue } from './faults';
import { TokenStore } from './tokens';
import { type ClientRegistration, type Counters, type Delivery, type ProviderId, type SandboxOptions } from './types';

/** An authorization request waiting for the consent decision. */
export interface PendingAuthorization {
  provider: ProviderId;
  clientId: string;
  clientName: string;
  redirectUri: string;
  redirectUriSent: boolean;
  responseType: 'code' | 'token';
  scope: string[];
  state: string | undefined;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  subject: string;
  /** RFC 9207 issuer to add to the response, or null. */
  issuer: string | null;
  expiresAt: number;
}

function byProvider<T>(make: () => T): Record<ProviderId, T> {
  return { deployteq: make(), zendesk: make(), generic: make() };
}

export function emptyCounters(): Counters {
  return {
    tokenRequests: 0,
    tokenRequestsByProvider: byProvider(() => 0),
    tokenRequestsByGrant: {},
    tokenRequestsByProviderGrant: byProvider(() => ({})),
    refreshEndpointRequests: 0,
    authorizeRequests: 0,
    authorizeRequestsByProvider: byProvider(() => 0),
    apiRequests: 0,
    apiRequestsByProvider: byProvider(() => 0),
    webhookRequests: 0,
    bearerRejected: byProvider(() => 0),
    deployteqWebhookCallsToday: 0,
    deliveries: 0,
    rateLimited: 0,
    faultsServed: 0,
    tokensInUrl: 0,
    refreshTokenReuse: 0,
    revocationRequests: 0,
    tokensRevoked: 0,
    foreignRequests: 0,
    foreignRequestsWithCredentials: 0,
    lastTokenRequest: null,
    lastTokenRequestByProvider: {},
  };
}

const INTERACTION_LIFETIME_MS = 10 * 60_000;

export class SandboxState {
  readonly config: ResolvedConfig = defaultConfig();
  counters: Counters = emptyCounters();
  deliveries: Delivery[] = [];
  readonly faults = new FaultQueue();
  readonly tokens = new TokenStore();
  readonly interactions = new Map<string, PendingAuthorization>();
  dataset: ChatDataset;
  rateWindow = { start: 0, count: 0 };
  nextRecordId = 1;
  /** http://127.0.0.1:<port>, set once listening. */
  baseUrl = '';
  /** http://127.0.0.2:<port> of the second host, when it could be started. */
  foreignUrl = '';

  constructor(options: SandboxOptions = {}) {
    applyOptions(this.config, options);
    this.dataset = this.buildDataset();
  }

  configure(partial: unknown): void {
    const change = applyOptions(this.config, partial);
    if (change.data) this.dataset = this.buildDataset();
    if (change.rateLimit) this.rateWindow = { start: 0, count: 0 };
  }

  /** Clears counters, deliveries, faults, tokens, pending consents, added chats and the rate window. */
  reset(): void {
    this.counters = emptyCounters();
    this.deliveries = [];
    this.faults.clear();
    this.tokens.clear();
    this.interactions.clear();
    this.rateWindow = { start: 0, count: 0 };
    this.nextRecordId = 1;
    this.dataset = this.buildDataset();
  }

  findClient(provider: ProviderId, clientId: string | undefined): ClientRegistration | undefined {
    if (clientId === undefined) return undefined;
    return this.config.clients[provider].find((c) => c.clientId === clientId);
  }

  /** Registered redirect URIs of a client; null = the loopback rule applies. */
  redirectUrisFor(provider: ProviderId, client: ClientRegistration): string[] | null {
    return client.redirectUris ?? this.config.redirectUris[provider];
  }

  addInteraction(id: string, pending: Omit<PendingAuthorization, 'expiresAt'>): void {
    const now = Date.now();
    for (const [key, p] of this.interactions) if (p.expiresAt < now) this.interactions.delete(key);
    this.interactions.set(id, { ...pending, expiresAt: now + INTERACTION_LIFETIME_MS });
  }

  /** Takes (and removes) a pending authorization: interactions are single use. */
  takeInteraction(id: string): PendingAuthorization | undefined {
    const pending = this.interactions.get(id);
    this.interactions.delete(id);
    return pending && pending.expiresAt >= Date.now() ? pending : undefined;
  }

  countTokenRequest(provider: ProviderId, grantType: string | undefined): void {
    const grant = grantType ?? '(missing)';
    const c = this.counters;
    c.tokenRequests++;
    c.tokenRequestsByProvider[provider]++;
    c.tokenRequestsByGrant[grant] = (c.tokenRequestsByGrant[grant] ?? 0) + 1;
    const pg = c.tokenRequestsByProviderGrant[provider];
    pg[grant] = (pg[grant] ?? 0) + 1;
  }

  countAuthorize(provider: ProviderId): void {
    this.counters.authorizeRequests++;
    this.counters.authorizeRequestsByProvider[provider]++;
  }

  countApi(provider: ProviderId): void {
    this.counters.apiRequests++;
    this.counters.apiRequestsByProvider[provider]++;
  }

  /** Checks the Zendesk Chat account rate limit; returns seconds to wait when over it. */
  rateLimitRetryAfter(): number | null {
    const limit = this.config.rateLimit;
    if (limit === false) return null;
    const now = Date.now();
    if (now - this.rateWindow.start >= limit.windowMs) this.rateWindow = { start: now, count: 0 };
    if (this.rateWindow.count >= limit.limit) {
      return Math.max(1, Math.ceil((this.rateWindow.start + limit.windowMs - now) / 1000));
    }
    this.rateWindow.count++;
    return null;
  }

  rateLimitRemaining(): number | null {
    const limit = this.config.rateLimit;
    return limit === false ? null : Math.max(0, limit.limit - this.rateWindow.count);
  }

  private buildDataset(): ChatDataset {
    const c = this.config;
    return new ChatDataset({
      seed: c.seed,
      chatCount: c.chatCount,
      agentCount: c.agentCount,
      departmentCount: c.departmentCount,
      now: c.now,
      subdomain: c.zendeskSubdomain,
      userEmail: c.zendeskUser.email,
    });
  }
}
