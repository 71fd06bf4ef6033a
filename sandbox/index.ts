// Public entry point: startSandbox() and the Sandbox handle.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat } from './data';
import { endpoints, type SandboxEndpoints } from './endpoints';
import { createSandboxServer } from './server';
import { SandboxState } from './state';
import type { Counters, Delivery, Fault, ProviderId, SandboxOptions } from './types';

export * from './types';
export { DEFAULT_CLIENTS, DEFAULT_USERS } from './config';
export type { Agent, Chat, Department } from './data';
export type { SandboxEndpoints } from './endpoints';

export interface Sandbox {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /**
   * http://127.0.0.2:<port>: a second host that answers 404 to everything and counts what reaches
   * it (`counters.foreignRequests`, `foreignRequestsWithCredentials`). Empty when 127.0.0.2 could
   * not be bound.
   */
  readonly foreignUrl: string;
  readonly port: number;
  readonly endpoints: SandboxEndpoints;
  /** A snapshot of the counters at the time of reading. */
  readonly counters: Counters;
  /** A copy of the recorded webhook deliveries (oldest first). */
  readonly deliveries: Delivery[];
  /** The faults still queued. */
  readonly faults: Fault[];
  /** Absolute URL of the Deployteq webhook with this id. */
  webhookUrl(id?: string): string;
  /** Changes options at runtime (port and maxLifetimeMs are ignored). Throws TypeError on invalid options. */
  configure(partial: SandboxOptions): void;
  /** Queues one fault or several (FIFO). Throws TypeError on an invalid fault. */
  addFault(fault: Fault | Fault[]): void;
  clearFaults(): void;
  /** Clears counters, deliveries, faults, tokens, pending consents and added chats. */
  reset(): void;
  /** Revokes every access and refresh token (of one provider, or all). */
  revokeAll(provider?: ProviderId): { accessTokens: number; refreshTokens: number };
  /** Marks every live access token expired (refresh tokens stay valid). Returns how many. */
  expireAccessTokens(provider?: ProviderId): number;
  /** Adds a Zendesk chat with update_timestamp = now (for polling triggers). */
  addChat(partial?: Partial<Chat>): Chat;
  /** Closes the server and all keep-alive sockets. Safe to call twice. */
  close(): Promise<void>;
}

/** The second host on 127.0.0.2: counts what arrives, never answers with anything useful. */
async function startForeignHost(state: SandboxState): Promise<{ close(): Promise<void> } | undefined> {
  const server = createServer((req, res) => {
    state.counters.foreignRequests++;
    const carries = !!req.headers.authorization || !!req.headers.cookie || /[?&](access_token|token)=/i.test(req.url ?? '');
    if (carries) state.counters.foreignRequestsWithCredentials++;
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not_found', message: 'second host' }));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.2', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch {
    return undefined;
  }
  state.foreignUrl = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = new SandboxState(options);
  const server = createSandboxServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  state.baseUrl = url;
  const foreign = await startForeignHost(state);

  let closing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const close = (): Promise<void> => {
    if (!closing) {
      if (timer) clearTimeout(timer);
      closing = Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        foreign?.close() ?? Promise.resolve(),
      ]).then(() => undefined);
    }
    return closing;
  };
  if (options.maxLifetimeMs !== undefined) {
    timer = setTimeout(() => void close(), options.maxLifetimeMs);
    timer.unref();
  }

  return {
    url,
    foreignUrl: state.foreignUrl,
    port,
    endpoints: endpoints(url),
    get counters() {
      return structuredClone(state.counters);
    },
    get deliveries() {
      return structuredClone(state.deliveries);
    },
    get faults() {
      return state.faults.snapshot();
    },
    webhookUrl: (id = 'sandbox-webhook') => `${url}/deployteq/webhook/${encodeURIComponent(id)}`,
    configure: (partial) => {
      const { port: _port, maxLifetimeMs: _max, ...rest } = partial;
      state.configure(rest);
    },
    addFault: (fault) => {
      state.faults.add(fault);
    },
    clearFaults: () => state.faults.clear(),
    reset: () => state.reset(),
    revokeAll: (provider) => state.tokens.revokeAll(provider),
    expireAccessTokens: (provider) => state.tokens.expireAccess(provider),
    addChat: (partial) => state.dataset.addChat(partial),
    close,
  };
}
