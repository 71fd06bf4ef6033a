import { hostList, hostMatches, OAuth2UrlRefusedError } from '../lib/oauth2/urls';
import { parseJsonBody } from '../lib/providers/http-json';
import { handleInput } from '../hosts/node-red/action';
import { connectionOf } from '../hosts/node-red/config-node';
import type { TransportResponse } from '../lib/oauth2/types';
import type { NodeDefinition, NodeMessage, RED, RedNode } from '../hosts/node-red/red';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Set by the engine (authorization) or by the HTTP client; msg.headers of an earlier response often carries them. */
const SKIPPED_HEADERS = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization']);

/** Where a message may send the token: the node's URL, else msg.url to the listed hosts (or any host). */
interface UrlPolicy {
  configuredUrl: string;
  anyHost: boolean;
  allowedHosts: string[];
}

/** The method: the node's, or msg.method when the node says "use". */
function methodOf(def: NodeDefinition, msg: NodeMessage): string {
  const method = (def.method && def.method !== 'use' ? String(def.method) : String(msg.method ?? 'GET')).toUpperCase();
  if (!METHODS.includes(method)) throw new Error(`Unsupported method ${method}`);
  return method;
}

/** The URL to call, checked: http(s), and for msg.url a host the node allows; nothing is sent otherwise. */
function urlOf(policy: UrlPolicy, msg: NodeMessage): URL {
  const url = policy.configuredUrl || (typeof msg.url === 'string' ? msg.url : '');
  if (!url) throw new Error('No URL: set it on the node or pass msg.url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('The URL is not valid');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('The URL must be http(s)');
  if (!policy.configuredUrl && !policy.anyHost && !hostMatches(parsed.hostname, policy.allowedHosts)) {
    throw new OAuth2UrlRefusedError(
      `msg.url points at ${parsed.hostname}, which this node does not allow; nothing was sent`,
      'Set the URL on the node, list the host under "Hosts for msg.url", or tick "Any host" if every host that can reach msg.url may receive this token.',
    );
  }
  return parsed;
}

/** msg.headers without the ones the engine or the HTTP client sets, and the body from msg.payload. */
function contentOf(method: string, msg: NodeMessage): { headers: Record<string, string>; body?: string | Uint8Array } {
  const headers: Record<string, string> = {};
  if (msg.headers && typeof msg.headers === 'object') {
    for (const [name, value] of Object.entries(msg.headers as Record<string, unknown>)) {
      const lower = name.toLowerCase();
      if (value !== undefined && value !== null && !SKIPPED_HEADERS.has(lower)) headers[lower] = String(value);
    }
  }
  if (method === 'GET' || method === 'HEAD' || msg.payload === undefined || msg.payload === null) return { headers };
  if (Buffer.isBuffer(msg.payload) || typeof msg.payload === 'string') return { headers, body: msg.payload };
  headers['content-type'] ??= 'application/json';
  return { headers, body: JSON.stringify(msg.payload) };
}

/** The answer on the message (text, bytes or parsed JSON); with "fail on error", a non-2xx is thrown. */
function writeAnswer(msg: NodeMessage, response: TransportResponse, url: URL, ret: string, failOnError: boolean): void {
  msg.statusCode = response.status;
  msg.headers = response.headers;
  msg.responseUrl = url.toString();
  if (ret === 'bin') msg.payload = response.body;
  else if (ret === 'obj') msg.payload = parseJsonBody(response);
  else msg.payload = response.body.toString('utf8');
  if (failOnError && (response.status < 200 || response.status >= 300)) {
    const error = new Error(`HTTP ${response.status} from ${url.origin}${url.pathname}`);
    Object.assign(error, { statusCode: response.status });
    throw Object.assign(error, { name: 'HttpStatusError' });
  }
}

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
    const policy: UrlPolicy = {
      configuredUrl: typeof def.url === 'string' ? def.url.trim() : '',
      anyHost: def.anyHost === true || def.anyHost === 'true',
      allowedHosts: hostList(def.allowedHosts),
    };
    let redact: ((t: string) => string) | undefined;
    handleInput(
      node,
      async (msg, send) => {
        const manager = connectionOf(RED, def.client, 'oauth2-client').managerFor(msg);
        redact = (t) => manager.redact(t);
        const method = methodOf(def, msg);
        const url = urlOf(policy, msg);
        const response = await manager.fetch({ url: url.toString(), method, ...contentOf(method, msg) });
        writeAnswer(msg, response, url, ret, failOnError);
        send(msg);
      },
      { redact: () => redact },
    );
  });
};
