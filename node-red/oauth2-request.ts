import { hostList, hostMatches, OAuth2UrlRefusedError } from '../lib/oauth2/urls';
import { parseJsonBody } from '../lib/providers/http-json';
import { handleInput } from './common/action';
import { connectionOf } from './common/config-node';
import type { NodeDefinition, RED, RedNode } from './common/red';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Set by the engine (authorization) or by the HTTP client; msg.headers of an earlier response often carries them. */
const SKIPPED_HEADERS = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization']);

/**
 * `oauth2-request`: an HTTP request like the core `http request` node, authenticated by an
 * `oauth2-client` config node (token placement, proactive and reactive refresh from the engine).
 * Method: the setting or msg.method ("use"); URL: the setting or msg.url (only to the hosts the node
 * lists, or any host when "Any host" is ticked: the token goes where the URL points); headers: msg.headers;
 * body: msg.payload (string / Buffer as is, anything else as JSON). Output: msg.payload (text,
 * Buffer or parsed JSON), msg.statusCode, msg.headers, msg.responseUrl.
 */
export = function (RED: RED): void {
  RED.nodes.registerType('oauth2-request', function (this: RedNode, def: NodeDefinition) {
    RED.nodes.createNode(this, def);
    const node: RedNode = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const ret = ['txt', 'bin', 'obj'].includes(String(def.ret)) ? String(def.ret) : 'txt';
    const failOnError = def.failOnError === true || def.failOnError === 'true';
    const configuredUrl = typeof def.url === 'string' ? def.url.trim() : '';
    const anyHost = def.anyHost === true || def.anyHost === 'true';
    const allowedHosts = hostList(def.allowedHosts);
    let redact: ((t: string) => string) | undefined;
    handleInput(
      node,
      async (msg, send) => {
        const connection = connectionOf(RED, def.client, 'oauth2-client');
        const manager = connection.requireManager();
        redact = (t) => manager.redact(t);
        const method = (def.method && def.method !== 'use' ? String(def.method) : String(msg.method ?? 'GET')).toUpperCase();
        if (!METHODS.includes(method)) throw new Error(`Unsupported method ${method}`);
        const url = configuredUrl || (typeof msg.url === 'string' ? msg.url : '');
        if (!url) throw new Error('No URL: set it on the node or pass msg.url');
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new Error('The URL is not valid');
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('The URL must be http(s)');
        if (!configuredUrl && !anyHost && !hostMatches(parsed.hostname, allowedHosts)) {
          throw new OAuth2UrlRefusedError(
            `msg.url points at ${parsed.hostname}, which this node does not allow; nothing was sent`,
            'Set the URL on the node, list the host under "Hosts for msg.url", or tick "Any host" if every host that can reach msg.url may receive this token.',
          );
        }
        const headers: Record<string, string> = {};
        if (msg.headers && typeof msg.headers === 'object') {
          for (const [name, value] of Object.entries(msg.headers as Record<string, unknown>)) {
            if (value === undefined || value === null) continue;
            const lower = name.toLowerCase();
            if (SKIPPED_HEADERS.has(lower)) continue;
            headers[lower] = String(value);
          }
        }
        let body: string | Uint8Array | undefined;
        if (method !== 'GET' && method !== 'HEAD' && msg.payload !== undefined && msg.payload !== null) {
          if (Buffer.isBuffer(msg.payload)) body = msg.payload;
          else if (typeof msg.payload === 'string') body = msg.payload;
          else {
            body = JSON.stringify(msg.payload);
            headers['content-type'] ??= 'application/json';
          }
        }
        const response = await manager.fetch({ url: parsed.toString(), method, headers, body });
        msg.statusCode = response.status;
        msg.headers = response.headers;
        msg.responseUrl = parsed.toString();
        if (ret === 'bin') msg.payload = response.body;
        else if (ret === 'obj') msg.payload = parseJsonBody(response);
        else msg.payload = response.body.toString('utf8');
        if (failOnError && (response.status < 200 || response.status >= 300)) {
          const error = new Error(`HTTP ${response.status} from ${parsed.origin}${parsed.pathname}`);
          Object.assign(error, { statusCode: response.status });
          throw Object.assign(error, { name: 'HttpStatusError' });
        }
        send(msg);
      },
      { redact: () => redact },
    );
  });
};
