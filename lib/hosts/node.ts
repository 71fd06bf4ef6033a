/**
 * The engine's host for plain Node.js processes (Node-RED, scripts): Node's timers and the
 * `http`/`https` transport. The Node-RED face passes `NODE_HOST` to the engine; `installNodeHost()`
 * installs it for callers that pass no host (the library entry's users, the tests). Importing this
 * module changes nothing. Not shipped in the n8n package.
 */
import { installEngineHost, type EngineHost } from '../oauth2/host';
import { httpTransport } from '../oauth2/http-transport';

export const NODE_HOST: EngineHost = {
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  after: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
  transport: httpTransport,
};

export function installNodeHost(): void {
  installEngineHost(NODE_HOST);
}
