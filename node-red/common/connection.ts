/**
 * One connection per config node: one TokenManager (so every node using the config node shares one
 * token state and one in-flight refresh), durable encrypted persistence through `onTokens`, and a
 * status the editor can read. Registered by node id so the authorize callback can reach it.
 */
import { OAuth2Error, OAuth2ReauthorizationRequired } from '../../lib/oauth2/errors';
import { redact } from '../../lib/oauth2/redact';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { TokenSet } from '../../lib/oauth2/types';
import { SlidingWindowLimiter } from '../../lib/providers/rate-limiter';
import { BUILDERS, type BuiltConfig, type ConfigType, type Credentials, type Settings } from './builders';
import type { NodeDefinition, RED, RedNode } from './red';
import { tokenStoreFor, type StoredEntry, type TokenStore } from './token-store';

export interface TokenSummary {
  authorized: boolean;
  state: 'empty' | 'valid' | 'stale' | 'reauthorization_required' | 'misconfigured';
  scope?: string;
  expiresAt?: number;
  obtainedAt?: number;
  hasRefreshToken: boolean;
  tokenType?: string;
  message?: string;
}

const connections = new Map<string, Connection>();

export function connectionFor(id: string): Connection | undefined {
  return connections.get(id);
}

export function summarise(tokens: TokenSet | undefined, state: TokenSummary['state']): TokenSummary {
  return {
    authorized: !!tokens && state !== 'reauthorization_required',
    state,
    scope: tokens?.scope,
    expiresAt: tokens?.expiresAt,
    obtainedAt: tokens?.obtainedAt,
    hasRefreshToken: !!tokens?.refreshToken,
    tokenType: tokens?.tokenType,
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
  /** Zendesk: one client-side limiter per account connection (200 requests per minute). */
  readonly limiter = new SlidingWindowLimiter(200, 60_000);
  private readonly store: TokenStore;
  private reauthorizationRequired = false;
  private closed = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly RED: RED,
    readonly node: RedNode,
    readonly type: ConfigType,
    settings: NodeDefinition,
  ) {
    this.store = tokenStoreFor(RED.settings);
    let built: BuiltConfig | undefined;
    let configError: string | undefined;
    try {
      built = BUILDERS[type](settings as Settings, (node.credentials ?? {}) as Credentials);
    } catch (error) {
      configError = safeMessage(error);
    }
    this.built = built;
    this.configError = configError;
    if (built) {
      const stored = this.loadStored(built);
      let tokens = stored?.tokens;
      if (!tokens && built.seedRefreshToken) tokens = { accessToken: '', tokenType: 'Bearer', refreshToken: built.seedRefreshToken, expiresAt: 0, obtainedAt: 0 };
      this.reauthorizationRequired = !!stored?.reauthorizationRequired;
      this.manager = new TokenManager({
        config: built.config,
        grant: built.grant,
        tokens,
        refreshSkewMs: built.manager?.refreshSkewMs,
        reactive: built.manager?.reactiveStatuses ? { statuses: built.manager.reactiveStatuses } : undefined,
        hooks: {
          onTokens: (next) => this.persist(next, false),
          onError: (error) => this.onError(error),
        },
      });
    }
    connections.set(node.id, this);
    this.showStatus();
  }

  private loadStored(built: BuiltConfig): StoredEntry | undefined {
    const entry = this.store.read(this.node.id);
    if (!entry || entry.fingerprint !== built.fingerprint) return undefined;
    return entry;
  }

  /** Awaited by the engine before new tokens are used. */
  private async persist(tokens: TokenSet, reauthorizationRequired: boolean): Promise<void> {
    if (!this.built) return;
    this.reauthorizationRequired = reauthorizationRequired;
    // An "Authorize" with changed, not yet deployed settings (another client) wrote the store after
    // this node started: do not overwrite it with this node's tokens; the next deploy uses it.
    const current = this.store.read(this.node.id);
    if (current && current.fingerprint !== this.built.fingerprint && current.savedAt > this.startedAt) return;
    await this.store.write({ nodeId: this.node.id, fingerprint: this.built.fingerprint, tokens, savedAt: Date.now(), reauthorizationRequired });
    this.showStatus();
  }

  private onError(error: OAuth2Error): void {
    if (error instanceof OAuth2ReauthorizationRequired) {
      if (!this.reauthorizationRequired) this.notifyEditor();
      this.reauthorizationRequired = true;
      const tokens = this.manager?.tokens;
      if (tokens && this.built && !this.closed) {
        void this.persist(tokens, true).catch(() => undefined);
      }
    }
    if (error.code === 'persist_failed') this.RED.log.error(`[${this.type}:${this.node.id}] ${error.message}`);
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

  /** The engine, or a clear, Catch-able error explaining why there is none. */
  requireManager(): TokenManager {
    if (!this.manager) throw new Error(`${this.type}: the configuration is invalid: ${this.configError ?? 'unknown problem'}`);
    if (this.reauthorizationRequired && this.manager.state !== 'reauthorization_required') {
      throw new OAuth2ReauthorizationRequired({ code: 'reauthorization_required', phase: 'refresh', description: 'the stored refresh token was rejected earlier', hint: 'Reconnect the credential (authorize again).' }, this.manager.redactor);
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

  summary(): TokenSummary {
    if (!this.manager) return { authorized: false, state: 'misconfigured', hasRefreshToken: false, message: this.configError };
    const tokens = this.manager.tokens;
    const usable = tokens && tokens.accessToken ? tokens : tokens?.refreshToken ? tokens : undefined;
    const state = this.reauthorizationRequired ? 'reauthorization_required' : this.manager.state;
    return summarise(usable, state);
  }

  showStatus(): void {
    const summary = this.summary();
    if (summary.state === 'reauthorization_required') this.node.status({ fill: 'red', shape: 'ring', text: 'reconnect needed' });
    else if (summary.state === 'misconfigured') this.node.status({ fill: 'red', shape: 'ring', text: 'invalid settings' });
    else if (summary.authorized) this.node.status({ fill: 'green', shape: 'dot', text: 'authorized' });
    else this.node.status({});
  }

  async close(removed: boolean): Promise<void> {
    this.closed = true;
    if (connections.get(this.node.id) === this) connections.delete(this.node.id);
    if (removed) await this.store.remove(this.node.id).catch(() => undefined);
  }
}

/** Reads what is stored for a node that is not (yet) deployed, for the editor's status view. */
export function storedSummary(RED: RED, nodeId: string): TokenSummary | undefined {
  const entry = tokenStoreFor(RED.settings).read(nodeId);
  if (!entry) return undefined;
  return summarise(entry.tokens, entry.reauthorizationRequired ? 'reauthorization_required' : 'valid');
}
