/**
 * One connection per config node: one TokenManager (so every node using the config node shares one
 * token state and one in-flight refresh), durable encrypted persistence through `onTokens`, and a
 * status the editor can read. Registered by node id so the authorize callback can reach it.
 */
import { createHash } from 'node:crypto';
import { OAuth2ConfigError, OAuth2Error, OAuth2ReauthorizationRequired } from '../../lib/oauth2/errors';
import { within } from '../../lib/oauth2/host';
import { NODE_HOST } from '../../lib/hosts/node';
import { redact } from '../../lib/oauth2/redact';
import { durationText } from '../../lib/oauth2/time';
import type { RefusedSearch } from '../../lib/oauth2/auth-search';
import type { RevocationResult } from '../../lib/oauth2/revoke';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { GrantSpec } from '../../lib/oauth2/token-state';
import { MessageExchanges } from './exchange';
import { registrationEntryId, withRegisteredSecret } from './registration';
import { withDpopKey } from './dpop-key';
import type { TokenSet } from '../../lib/oauth2/types';
import { buildConfig, holds, type BuiltConfig, type ConfigType, type Credentials, type Settings } from './builders';
import { publishHealth } from './health';
import { keepAliveFloorMs, keepAlivePlan, scheduleKeepAlive } from './keep-alive';
import type { NodeDefinition, RED, RedNode } from './red';
import { tokenStoreFor, type TokenStore } from './token-store';

export interface TokenSummary {
  authorized: boolean;
  state: 'empty' | 'valid' | 'stale' | 'reauthorization_required' | 'misconfigured';
  scope?: string;
  expiresAt?: number;
  obtainedAt?: number;
  hasRefreshToken: boolean;
  /** When the refresh token expires, when known. */
  refreshExpiresAt?: number;
  tokenType?: string;
  /** The client authentication that worked (what `auto` settled on). */
  clientAuthMethod?: string;
  /** Tokens of an Authorize with settings not deployed yet: the running node uses them after the deploy. */
  pendingDeploy?: boolean;
  message?: string;
}

const connections = new Map<string, Connection>();

/**
 * Config nodes being replaced (deploy, "Restart Flows") whose token request may still be running:
 * their successor waits for it (bounded) before it reads the store, so it never refreshes with a
 * refresh token its predecessor has just spent.
 */
const draining = new Map<string, Promise<unknown>>();

/** How long a closing config node waits for its token request to finish (Node-RED allows 15 s). */
export const CLOSE_WAIT_MS = 10_000;
/** How long a successor waits, at most, for a predecessor still refreshing after that. */
const HANDOVER_WAIT_MS = 60_000;

function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(() => undefined, () => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The grant with a token exchange's subject wired: another configuration's current access token,
 * asked at each exchange (a message's subject is wired per message: `managerFor`).
 */
export function wiredGrant(built: BuiltConfig, self: string): GrantSpec {
  const { grant, exchangeSubject: source } = built;
  if (grant.type !== 'token_exchange' || source?.from !== 'client') return grant;
  const id = source.client ?? '';
  return { ...grant, exchange: { ...grant.exchange, subjectToken: () => subjectOf(id, self) } };
}

/** Another configuration's current access token, the subject of a token exchange. */
function subjectOf(id: string, self: string): Promise<string> {
  const other = id === self ? undefined : connections.get(id);
  if (!other) throw new OAuth2ConfigError(`the configuration whose token is exchanged (${id || 'none chosen'}) is not deployed, or is this one`);
  return other.requireManager().getAccessToken();
}

export function connectionFor(id: string): Connection | undefined {
  return connections.get(id);
}

/** Every running config node of ours (for the health node's expiry checks). */
export function allConnections(): Connection[] {
  return [...connections.values()];
}

export interface DisconnectOutcome {
  /** What happened at the provider. */
  outcome: 'revoked' | 'not_confirmed' | 'no_revocation_endpoint' | 'metadata_unreachable' | 'already_disconnected' | 'provider_not_told';
  /** Which tokens the provider confirmed revoked. */
  revoked: string[];
  /** The revocation endpoint used, as scheme://host/path. */
  endpoint?: string;
  /** Why the provider did not confirm (secret-free). */
  error?: string;
  /** What happened, for the editor and the health node. */
  message: string;
}

const DELETED_ONLY = 'the tokens were deleted here (the access stays granted at the provider until it expires or you revoke it there)';

/** The editor's and the health node's account of a disconnect (the tokens are deleted here in every case). */
export function disconnectOutcome(result: RevocationResult, manager?: { redact(text: string): string }): DisconnectOutcome {
  const error = result.error ? safeMessage(result.error, manager) : undefined;
  const base = { revoked: result.revoked, endpoint: result.endpoint, error };
  if (result.skipped === 'no_tokens') return { ...base, outcome: 'already_disconnected', message: 'already disconnected: no tokens were stored for this configuration, so nothing was sent to the provider' };
  if (result.skipped === 'metadata_unreachable') return { ...base, outcome: 'metadata_unreachable', message: `the provider's metadata could not be read, so its revocation endpoint is unknown and the provider was not told (${error}); ${DELETED_ONLY}` };
  if (error && !result.endpoint) return { ...base, outcome: 'provider_not_told', message: `the provider was not told (${error}); ${DELETED_ONLY}` };
  if (error) return { ...base, outcome: 'not_confirmed', message: `the provider did not confirm the revocation (${error}); the tokens were deleted here: revoke the access at the provider if needed` };
  if (result.endpoint) return { ...base, outcome: 'revoked', message: 'the tokens were revoked at the provider and deleted here' };
  return { ...base, outcome: 'no_revocation_endpoint', message: `the provider has no revocation endpoint; ${DELETED_ONLY}` };
}

export function summarise(tokens: TokenSet | undefined, state: TokenSummary['state']): TokenSummary {
  return {
    authorized: !!tokens && state !== 'reauthorization_required',
    state,
    scope: tokens?.scope,
    expiresAt: tokens?.expiresAt,
    obtainedAt: tokens?.obtainedAt,
    hasRefreshToken: !!tokens?.refreshToken,
    refreshExpiresAt: tokens?.refreshToken ? tokens.refreshExpiresAt : undefined,
    tokenType: tokens?.tokenType,
    clientAuthMethod: tokens?.clientAuthMethod,
  };
}

/** A message safe for logs, node status and `done(err)`: no secrets, no tokens. */
export function safeMessage(error: unknown, manager?: { redact(text: string): string }): string {
  const text = error instanceof Error ? error.message : String(error);
  return manager ? manager.redact(text) : redact(text);
}

export class Connection {
  readonly manager: TokenManager | undefined;
  readonly built: BuiltConfig | undefined;
  /** Why the settings could not be turned into a configuration. */
  readonly configError: string | undefined;
  private readonly store: TokenStore;
  private reauthorizationRequired = false;
  private reauthorizationReason = 'the stored refresh token was rejected earlier';
  private closed = false;
  private readonly startedAt = Date.now();
  /** The refresh token (hashed, with its expiry) last warned about as too short-lived for keep-alive. */
  private warnedShortLived: string | undefined;
  /** Cancels the pending keep-alive refresh. */
  private cancelKeepAlive: () => void = () => undefined;

  constructor(
    private readonly RED: RED,
    readonly node: RedNode,
    readonly type: ConfigType,
    settings: NodeDefinition,
  ) {
    this.store = tokenStoreFor(RED.settings);
    let built: BuiltConfig | undefined;
    let manager: TokenManager | undefined;
    let configError: string | undefined;
    try {
      built = withDpopKey(this.store, node.id, buildConfig(type, settings as Settings, withRegisteredSecret(this.store, node.id, type, settings as Settings, (node.credentials ?? {}) as Credentials)));
      manager = this.createManager(built);
    } catch (error) {
      configError = safeMessage(error);
      built = undefined;
    }
    this.built = built;
    this.manager = manager;
    this.configError = configError;
    connections.set(node.id, this);
    this.warnSharedSeed();
    this.showStatus();
    this.keepAlive(manager?.tokens);
  }

  /** The config node's identity in health events (no secret). */
  get identity(): { id: string; type: string; name: string } {
    return { id: this.node.id, type: this.type, name: this.label() };
  }

  /**
   * Two config nodes given the same refresh token each rotate it for themselves, and the other's
   * next refresh fails (reuse, then "reconnect needed"): say so at start, naming both (no secret).
   */
  private warnSharedSeed(): void {
    const seed = this.built?.seedRefreshToken;
    if (!seed) return;
    for (const other of connections.values()) {
      if (other === this || other.type !== this.type || other.built?.seedRefreshToken !== seed) continue;
      this.RED.log.warn(`[${this.type}:${this.node.id}] ${this.label()}: config node ${other.node.id} (${other.label()}) was given the same refresh token; each would spend the token the other holds: give each config node its own (authorize each one)`);
    }
  }

  /** Schedules the next keep-alive refresh for `tokens` (idle credentials stay alive). */
  private keepAlive(tokens: TokenSet | undefined, failures = 0): void {
    this.cancelKeepAlive();
    if (this.closed || !this.manager) return;
    const floorMs = keepAliveFloorMs(this.RED.settings);
    const plan = keepAlivePlan(tokens, this.built?.keepAliveMs, floorMs);
    this.warnShortLived(tokens, plan.shortLived, floorMs);
    this.cancelKeepAlive = scheduleKeepAlive(plan.due, failures, () => {
      if (this.closed || !this.manager || this.manager.state === 'reauthorization_required') return;
      // a failure is reported through the events; the next attempt backs off (1 min, doubling, at most 1 h)
      this.manager.getTokens({ forceRefresh: true }).catch(() => this.keepAlive(this.manager?.tokens, failures + 1));
    });
  }

  /** Once per refresh token and lifetime: keep-alive cannot keep a refresh token that expires within its floor alive. */
  private warnShortLived(tokens: TokenSet | undefined, lifeMs: number | undefined, floorMs: number): void {
    if (lifeMs === undefined || !tokens?.refreshToken) return;
    const key = createHash('sha256').update(`${tokens.refreshToken}\n${tokens.refreshExpiresAt}`).digest('hex');
    if (this.warnedShortLived === key) return;
    this.warnedShortLived = key;
    this.RED.log.warn(`[${this.type}:${this.node.id}] ${this.label()}: the provider says the refresh token expires ${durationText(lifeMs)} after it was issued; keep-alive refreshes at most every ${durationText(floorMs)}, so it cannot keep this one alive (a flow that runs before it expires still refreshes it)`);
  }

  private createManager(built: BuiltConfig): TokenManager {
    const { entry, unreadable } = this.store.load(this.node.id);
    const stored = holds(entry, built) ? entry : undefined;
    let tokens = stored?.tokens;
    if (unreadable) {
      // never fall back to a typed-in refresh token when a newer, unreadable one exists
      this.RED.log.warn(`[${this.type}:${this.node.id}] ${this.label()}: the stored tokens could not be read (${unreadable}); ${built.grantType === 'authorization_code' || built.grantType === 'refresh_token' ? 'authorize again' : 'a new token will be requested'}`);
      if (built.grantType === 'authorization_code' || built.grantType === 'refresh_token') {
        this.reauthorizationRequired = true;
        this.reauthorizationReason = 'the stored tokens could not be read (wrong credential key or a damaged file)';
      }
    } else if (!tokens && built.seedRefreshToken) {
      tokens = { accessToken: '', tokenType: 'Bearer', refreshToken: built.seedRefreshToken, expiresAt: 0, obtainedAt: 0 };
    }
    if (stored?.reauthorizationRequired) this.reauthorizationRequired = true;
    return new TokenManager({
      host: NODE_HOST,
      config: built.config,
      grant: wiredGrant(built, this.node.id),
      tokens,
      refusedAuthSearch: stored?.refusedAuthSearch,
      refreshSkewMs: built.manager?.refreshSkewMs,
      reactive: built.manager?.reactive,
      hooks: {
        onTokens: (next) => this.persist(next, false),
        onRefusedAuthSearch: (memory) => this.keepRefusedSearch(memory),
        onError: (error) => this.onError(error),
        reload: () => this.reload(),
        onEvent: (event) => publishHealth({ event: event.type, configNode: this.identity, at: event.at, message: event.message, expiresAt: event.expiresAt, refreshExpiresAt: event.refreshExpiresAt, scope: event.scope }),
      },
    });
  }

  /** The newest stored tokens of this client, after any predecessor's token request has ended. */
  private async reload(): Promise<TokenSet | undefined> {
    const predecessor = draining.get(this.node.id);
    if (predecessor) await bounded(predecessor, HANDOVER_WAIT_MS);
    const entry = this.store.read(this.node.id);
    if (!entry || !holds(entry, this.built) || entry.reauthorizationRequired) return undefined;
    return entry.tokens;
  }

  label(): string {
    return (this.node.name || this.type).replace(/[<>&"'\r\n]/g, ' ');
  }

  /** Awaited by the engine before new tokens are used. */
  private async persist(tokens: TokenSet, reauthorizationRequired: boolean): Promise<void> {
    if (!this.built) return;
    this.reauthorizationRequired = reauthorizationRequired;
    // An "Authorize" with changed, not yet deployed settings (another client) wrote the store after
    // this node started: do not overwrite it with this node's tokens; the next deploy uses it.
    const current = this.store.read(this.node.id);
    if (current?.tokens && !holds(current, this.built) && current.savedAt > this.startedAt) return;
    await this.store.write({ nodeId: this.node.id, fingerprint: this.built.fingerprint, tokens, savedAt: Date.now(), reauthorizationRequired, dpopKey: this.built.config.dpopKey });
    this.showStatus(tokens);
    if (!reauthorizationRequired) this.keepAlive(tokens);
  }

  /** Keeps a refused `auto` search in this node's entry (beside its tokens, if any), so a restart does not search again. */
  private async keepRefusedSearch(refusedAuthSearch: RefusedSearch): Promise<void> {
    if (!this.built || this.closed) return;
    const current = this.store.read(this.node.id);
    if (current?.tokens && !holds(current, this.built)) return; // another client's tokens (an Authorize not deployed yet): never overwritten
    await this.store.write({ ...(current ?? { nodeId: this.node.id, fingerprint: this.built.fingerprint }), refusedAuthSearch, savedAt: Date.now() });
  }

  private onError(error: OAuth2Error): void {
    if (error instanceof OAuth2ReauthorizationRequired) {
      if (!this.reauthorizationRequired) this.notifyEditor();
      this.reauthorizationRequired = true;
      this.reauthorizationReason = error.description ?? this.reauthorizationReason;
      const tokens = this.manager?.tokens;
      if (tokens && this.built && !this.closed) {
        void this.persist(tokens, true).catch(() => undefined);
      }
    }
    if (error.code === 'persist_failed') this.RED.log.error(`[${this.type}:${this.node.id}] ${error.message}`);
    if (error.code === 'token_rejected') this.RED.log.warn(`[${this.type}:${this.node.id}] ${this.label()}: ${error.message}`);
    this.showStatus();
  }

  /**
   * Config nodes have no visible status in the editor: tell open editors once, with a notification
   * (the edit dialog and every dependent node's status show it too). Never carries a secret.
   */
  private notifyEditor(): void {
    const label = (this.node.name || this.type).replace(/[<>&"':]/g, ' ');
    try {
      this.RED.comms?.publish(`notification/oauth2-connectors-${this.node.id}`, {
        text: `Reconnect needed for ${label} (${this.type}) - open the configuration node and click Authorize`,
        type: 'error',
        timeout: 20000,
      }, false);
    } catch {
      // no editor connected
    }
  }

  /** The token state a message uses: this configuration's, or (token exchange of `msg.subjectToken`) that subject's. */
  managerFor(msg: Record<string, unknown>): TokenManager {
    const manager = this.requireManager();
    if (this.built?.exchangeSubject?.from !== 'message') return manager;
    const subject = msg.subjectToken;
    delete msg.subjectToken; // a secret: not passed on with the message
    return this.exchanges.for(subject);
  }

  private readonly exchanges = new MessageExchanges((subject) => {
    const built = this.built as BuiltConfig;
    const grant = built.grant as Extract<GrantSpec, { type: 'token_exchange' }>;
    return new TokenManager({ host: NODE_HOST, config: built.config, grant: { ...grant, exchange: { ...grant.exchange, subjectToken: subject } }, refreshSkewMs: built.manager?.refreshSkewMs, reactive: built.manager?.reactive });
  });

  /** The engine, or a clear, Catch-able error explaining why there is none. */
  requireManager(): TokenManager {
    if (!this.manager) throw new Error(`${this.type}: the configuration is invalid: ${this.configError ?? 'unknown problem'}`);
    if (this.reauthorizationRequired && this.manager.state !== 'reauthorization_required') {
      throw new OAuth2ReauthorizationRequired({ code: 'reauthorization_required', phase: 'refresh', description: this.reauthorizationReason, hint: 'Reconnect the credential (authorize again).' }, this.manager.redactor);
    }
    return this.manager;
  }

  /** Tokens from the editor's authorize flow: installed and persisted before the page says "done". */
  async install(tokens: TokenSet): Promise<void> {
    if (!this.manager) throw new Error(`${this.type}: the configuration is invalid: ${this.configError ?? 'unknown problem'}`);
    await this.manager.setTokens(tokens, 'authorize');
    this.reauthorizationRequired = false;
    this.showStatus();
  }

  summary(latest?: TokenSet): TokenSummary {
    if (!this.manager) return { authorized: false, state: 'misconfigured', hasRefreshToken: false, message: this.configError };
    const tokens = latest ?? this.manager.tokens;
    const usable = tokens && tokens.accessToken ? tokens : tokens?.refreshToken ? tokens : undefined;
    const state = this.reauthorizationRequired ? 'reauthorization_required' : latest ? 'valid' : this.manager.state;
    return summarise(usable, state);
  }

  /** The config node's own status; `latest` is a token set the engine is about to use (not yet current). */
  showStatus(latest?: TokenSet): void {
    const summary = this.summary(latest);
    if (summary.state === 'reauthorization_required') this.node.status({ fill: 'red', shape: 'ring', text: 'reconnect needed' });
    else if (summary.state === 'misconfigured') this.node.status({ fill: 'red', shape: 'ring', text: 'invalid settings' });
    else if (summary.authorized) this.node.status({ fill: 'green', shape: 'dot', text: 'authorized' });
    else this.node.status({});
  }

  /**
   * Disconnect: revokes the tokens at the provider (RFC 7009) when it has a revocation endpoint,
   * then deletes them here, whatever the provider answered.
   */
  async disconnect(): Promise<DisconnectOutcome> {
    this.cancelKeepAlive();
    const result: RevocationResult = this.manager
      ? await this.manager.disconnect()
      : { revoked: [], error: new OAuth2ConfigError(`the configuration is invalid (${this.configError ?? 'unknown problem'}), so the tokens could not be revoked`) };
    await this.store.remove(this.node.id);
    this.reauthorizationRequired = false;
    this.showStatus();
    const outcome = disconnectOutcome(result, this.manager);
    publishHealth({ event: 'disconnected', configNode: this.identity, at: Date.now(), message: outcome.message });
    return outcome;
  }

  /**
   * Closing (deploy, "Restart Flows", removal): a token request still running is waited for
   * (bounded), so its rotated refresh token is stored before the successor reads the store; past the
   * bound, the successor waits for it before its own first refresh.
   */
  async close(removed: boolean): Promise<void> {
    this.closed = true;
    this.cancelKeepAlive();
    if (connections.get(this.node.id) === this) connections.delete(this.node.id);
    if (this.manager) {
      const idle = this.manager.idle(HANDOVER_WAIT_MS);
      draining.set(this.node.id, idle);
      void idle.then(() => {
        if (draining.get(this.node.id) === idle) draining.delete(this.node.id);
      });
      await bounded(idle, CLOSE_WAIT_MS);
    }
    if (removed && this.built?.revokeOnRemove && this.manager) await within(this.manager.disconnect(), CLOSE_WAIT_MS, NODE_HOST);
    if (removed) {
      await this.store.remove(this.node.id).catch(() => undefined);
      await this.store.remove(registrationEntryId(this.node.id)).catch(() => undefined);
    }
  }
}

