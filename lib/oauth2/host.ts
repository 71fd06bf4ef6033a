/**
 * What the engine needs from the process it runs in. The engine itself touches no timer and no
 * socket: each face passes its host in (`host` of the token manager, the token request context and
 * the send options), so a reader can follow a request to its socket (n8n forbids timers as globals
 * and imports such as `node:http` in community packages, and ships only what its face reaches).
 *
 * - Node-RED (and plain Node): `NODE_HOST` in `lib/hosts/node.ts`: Node's timers and the
 *   `http`/`https` transport.
 * - n8n: `N8N_HOST` in `hosts/n8n/host.ts`: n8n-workflow's `sleep`; no timers (n8n's
 *   HTTP client times requests itself, see `TransportRequest.timeoutMs`) and no default transport
 *   (each call passes n8n's helpers).
 *
 * A host may also be installed (`installEngineHost`) for callers that pass none: the library entry's
 * users and the tests. The product's faces always pass theirs.
 */
import { OAuth2ConfigError } from './errors';
import type { Transport } from './types';

export interface EngineHost {
  /** Resolves after `ms` (retries after `Retry-After`, rate limits). */
  sleep(ms: number): Promise<void>;
  /** Runs `callback` after `ms` and returns a function that cancels it (request timeouts, bounded waits). */
  after?(ms: number, callback: () => void): () => void;
  /** The transport used when a caller passes none. */
  transport?: Transport;
}

let installed: EngineHost | undefined;

/** Installs (or completes) the host. Later calls override the parts they name. */
export function installEngineHost(host: Partial<EngineHost>): void {
  installed = { ...(installed ?? { sleep: missing }), ...host } as EngineHost;
}

function missing(): Promise<void> {
  return Promise.reject(new OAuth2ConfigError('the OAuth2 engine has no host installed (no way to wait): import the host module of your platform first'));
}

export function engineHost(): EngineHost {
  return installed ?? { sleep: missing };
}

/** The host passed in, else the installed one. */
export function hostOf(host: EngineHost | undefined): EngineHost {
  return host ?? engineHost();
}

/** The transport to use: the caller's, else the host's default. */
export function transportOf(transport: Transport | undefined, host?: EngineHost): Transport {
  const chosen = transport ?? hostOf(host).transport;
  if (!chosen) throw new OAuth2ConfigError('no HTTP transport: pass one, or install a host with a default transport');
  return chosen;
}

/** Waits for `promise`, at most `ms` when the host has timers (otherwise as long as it takes): true when it settled. */
export function within(promise: Promise<unknown>, ms: number, host?: EngineHost): Promise<boolean> {
  const after = hostOf(host).after;
  const settled = promise.then(() => true, () => true);
  if (!after) return settled;
  return new Promise<boolean>((resolve) => {
    const cancel = after(ms, () => resolve(false));
    void settled.then(() => {
      cancel();
      resolve(true);
    });
  });
}
