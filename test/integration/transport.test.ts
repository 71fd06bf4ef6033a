/** Timeouts, network failures and the pluggable transport, against real sockets on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2TransportError } from '../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../lib/oauth2/grants';
import { fetchTransport } from '../../lib/oauth2/fetch-transport';
import type { OAuth2Config, Transport } from '../../lib/oauth2/types';

let server: Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/hang') return; // never answers; closed in afterAll
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: 'transport-test-token', token_type: 'Bearer', expires_in: 60 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const config = (tokenUrl: string, extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'c', clientSecret: 'transport-secret', method: 'basic' },
  tokenUrl,
  ...extra,
});

it('a server that never answers ends in a timeout error, not a hang', async () => {
  const error = await clientCredentialsGrant({ config: config(`${base}/hang`, { timeoutMs: 300, retry: { maxRetries: 0 } }) }).catch((e) => e);
  expect(error).toBeInstanceOf(OAuth2TransportError);
  expect(error.code).toBe('timeout');
  expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/hang within 300 ms/);
});

it('a refused connection is a network error naming the host, not the secret', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const error = await clientCredentialsGrant({ config: config(`http://127.0.0.1:${port}/token`) }).catch((e) => e);
  expect(error).toBeInstanceOf(OAuth2TransportError);
  expect(error.code).toBe('network_error');
  expect(error.message).not.toContain('transport-secret');
});

it('a host transport is used instead of fetch, and sees the prepared request', async () => {
  const seen: string[] = [];
  const transport: Transport = async (request) => {
    seen.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
    return fetchTransport(request);
  };
  const before = requests;
  const tokens = await clientCredentialsGrant({ config: config(`${base}/token`), transport });
  expect(tokens.accessToken).toBe('transport-test-token');
  expect(seen).toEqual([`POST ${base}/token application/x-www-form-urlencoded`]);
  expect(requests).toBe(before + 1);
});

it('a JSON token body when configured', async () => {
  const bodies: string[] = [];
  const transport: Transport = async (request) => {
    bodies.push(String(request.body));
    return fetchTransport(request);
  };
  await clientCredentialsGrant({ config: config(`${base}/token`, { tokenBodyFormat: 'json', scopes: ['a', 'b'] }), transport });
  expect(JSON.parse(bodies[0])).toEqual({ grant_type: 'client_credentials', scope: 'a b' });
});
