/**
 * The engine's host for plain Node.js processes (Node-RED, scripts, tests): Node's timers and the
 * `http`/`https` transport. Importing this module installs it. Not shipped in the n8n package.
 */
import { installEngineHost } from '../oauth2/host';
import { httpTransport } from '../oauth2/http-transport';

export function installNodeHost(): void {
  installEngineHost({
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    after: (ms, callback) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    transport: httpTransport,
  });
}

installNodeHost();
