// An independent authorization server from npm (@node-oauth/oauth2-server) on 127.0.0.1, for
// interoperability tests: it reads the Basic header raw (no RFC 6749 §2.3.1 decoding), as many
// real servers do. Client credentials and password grants with rotating refresh tokens.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const OAuth2Server = require('@node-oauth/oauth2-server');

export interface NodeOAuthServer {
  url: string;
  tokenUrl: string;
  apiUrl: string;
  /** Token requests answered, and those refused with invalid_client. */
  counts: { token: number; invalidClient: number; api: number };
  close(): Promise<void>;
}

interface StoredToken {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
  scope?: string[];
  client: { id: string };
  user: { id: string };
}

export async function startNodeOAuthServer(client: { id: string; secret: string }, user = { username: 'user@example.test', password: 'user-pass' }): Promise<NodeOAuthServer> {
  const tokens = new Map<string, StoredToken>();
  const refreshTokens = new Map<string, StoredToken>();
  const clientRecord = { id: client.id, grants: ['client_credentials', 'password', 'refresh_token'], accessTokenLifetime: 3600 };
  const model = {
    getClient: async (id: string, secret: string | null) => (id === client.id && (secret === null || secret === client.secret) ? clientRecord : null),
    getUserFromClient: async () => ({ id: 'service' }),
    getUser: async (username: string, password: string) => (username === user.username && password === user.password ? { id: username } : null),
    saveToken: async (token: StoredToken, c: { id: string }, u: { id: string }) => {
      const saved = { ...token, client: { id: c.id }, user: u };
      tokens.set(token.accessToken, saved);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    getAccessToken: async (accessToken: string) => tokens.get(accessToken) ?? null,
    getRefreshToken: async (refreshToken: string) => refreshTokens.get(refreshToken) ?? null,
    revokeToken: async (token: { refreshToken: string }) => refreshTokens.delete(token.refreshToken),
    generateAccessToken: async () => randomBytes(24).toString('hex'),
    generateRefreshToken: async () => randomBytes(24).toString('hex'),
    validateScope: async () => ['read'],
  };
  const oauth = new OAuth2Server({ model, allowBearerTokensInQueryString: false, requireClientAuthentication: { password: true, refresh_token: true } });
  const counts = { token: 0, invalidClient: 0, api: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const request = new OAuth2Server.Request({ method: req.method, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
      const response = new OAuth2Server.Response({ headers: {} });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname === '/token' && req.method === 'POST') {
        counts.token++;
        oauth.token(request, response).then(
          () => send(response.status ?? 200, response.body, response.headers),
          (error: { code?: number; name?: string; message?: string }) => {
            if (error.name === 'invalid_client') counts.invalidClient++;
            send(error.code ?? 500, { error: error.name ?? 'server_error', error_description: error.message }, response.headers ?? {});
          },
        );
        return;
      }
      if (url.pathname === '/api/me') {
        counts.api++;
        oauth.authenticate(request, response).then(
          (token: StoredToken) => send(200, { user: token.user.id, client: token.client.id }),
          (error: { code?: number; name?: string }) => send(error.code ?? 401, { error: error.name ?? 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }),
        );
        return;
      }
      send(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lifetime = setTimeout(() => server.close(), 10 * 60_000);
  lifetime.unref();
  return {
    url,
    tokenUrl: `${url}/token`,
    apiUrl: `${url}/api/me`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
