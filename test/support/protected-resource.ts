// A protected resource on 127.0.0.1 for discovery tests (RFC 9728): `/mcp` answers 401 with a
// `WWW-Authenticate` that points to its metadata, and `/.well-known/oauth-protected-resource[/mcp]`
// serves that metadata, naming an authorization server. Tests change what it publishes; it records
// the paths it was asked for; an API call with a token is answered 200 and its token kept, a
// metadata request with credentials is answered 500 (discovery must send none).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProtectedResource {
  base: string;
  /** The API URL discovery starts from. */
  apiUrl: string;
  /** Paths asked for, in order. */
  asked: string[];
  /** The Authorization headers API calls carried. */
  bearers: string[];
  /** The metadata document (default: this resource, the given issuer, scope `tools:read`). */
  metadata: (base: string) => Record<string, unknown>;
  /** The 401's WWW-Authenticate (default: Bearer with resource_metadata); undefined sends none. */
  challenge: (base: string) => string | undefined;
  /** Back to the defaults, nothing asked. */
  reset(): void;
  close(): Promise<void>;
}

export async function startProtectedResource(issuer: () => string, host = '127.0.0.1'): Promise<ProtectedResource> {
  const defaults = {
    metadata: (base: string) => ({ resource: `${base}/mcp`, authorization_servers: [issuer()], scopes_supported: ['tools:read'] }),
    challenge: (base: string) => `Bearer error="invalid_token", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", DPoP algs="ES256"`,
  };
  const rs: ProtectedResource = {
    base: '',
    apiUrl: '',
    asked: [],
    bearers: [],
    ...defaults,
    reset() {
      rs.asked.length = 0;
      rs.bearers.length = 0;
      Object.assign(rs, defaults);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    rs.asked.push(req.url ?? '');
    const metadataPath = req.url === '/.well-known/oauth-protected-resource/mcp' || req.url === '/.well-known/oauth-protected-resource';
    if (req.headers.authorization) {
      if (metadataPath) res.writeHead(500).end('discovery must send no credentials');
      else {
        rs.bearers.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
      return;
    }
    if (metadataPath) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rs.metadata(rs.base)));
      return;
    }
    const value = rs.challenge(rs.base);
    res.writeHead(401, value ? { 'www-authenticate': value } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  rs.base = `http://${host}:${(server.address() as AddressInfo).port}`;
  rs.apiUrl = `${rs.base}/mcp`;
  return rs;
}
