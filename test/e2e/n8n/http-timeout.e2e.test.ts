// Issue #16 item 1: a token endpoint that does not answer within the timeout is a `timeout` in n8n
// too, not a `network_error` ("the server could not be reached"). n8n 2.41's `helpers.httpRequest`
// sends through axios (`@n8n/backend-network` invokeAxios) and rethrows its errors; this runs the
// engine's n8n transport over that axios, from the real n8n install, with the engine host the n8n
// face passes (no timers: n8n's HTTP client times each request), against a token endpoint on
// 127.0.0.1 that never answers.
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { N8N_HOST } from '../../../hosts/n8n/host';
import { n8nTransport } from '../../../hosts/n8n/transport';
import { OAuth2TransportError } from '../../../lib/oauth2/errors';
import { clientCredentialsGrant } from '../../../lib/oauth2/grants';
import { classifyEngineError } from '../../../nodes/OAuth2CredentialHealthTrigger/token-check';

const n8nScript = require('../../../scripts/n8n.js') as { ensureN8n(): { dir: string } };

jest.setTimeout(600_000);

type Axios = (config: Record<string, unknown>) => Promise<{ status: number; headers: Record<string, unknown>; data: unknown }>;
let axios: Axios;
let server: Server;
let tokenUrl = '';
let requests = 0;

beforeAll(async () => {
  const { dir } = n8nScript.ensureN8n();
  // the axios n8n's HTTP client resolves, from n8n's own install
  const network = path.join(dir, 'node_modules', '@n8n', 'backend-network');
  const nested = path.join(network, 'node_modules', 'axios');
  axios = require(fs.existsSync(nested) ? nested : path.join(dir, 'node_modules', 'axios')) as Axios;
  server = createServer((req) => {
    requests++;
    req.resume(); // never answers
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** `helpers.httpRequest` as n8n maps the options this transport uses onto axios (stream body, no redirects, status errors as answers). */
const helper = {
  helpers: {
    httpRequest: async (options: IHttpRequestOptions) => {
      const response = await axios({
        url: options.url,
        method: options.method,
        headers: options.headers,
        data: options.body,
        timeout: options.timeout,
        responseType: 'stream',
        maxRedirects: 0,
        validateStatus: () => true,
        signal: options.abortSignal,
      });
      return { statusCode: response.status, headers: response.headers, body: response.data };
    },
  },
} as unknown as IHttpRequestHelper;

it('no answer within the timeout: a timeout (transient), after exactly one request', async () => {
  const ctx = { config: { tokenUrl, client: { clientId: 'c', clientSecret: 's', method: 'body' as const }, timeoutMs: 400, retry: { maxRetries: 0 } }, transport: n8nTransport(helper), host: N8N_HOST };
  const error = await clientCredentialsGrant(ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuth2TransportError);
  expect((error as OAuth2TransportError).code).toBe('timeout');
  expect((error as OAuth2TransportError).message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/token within 400 ms/);
  expect(classifyEngineError(error, 'client_credentials')).toEqual({ kind: 'transient', error: { code: 'timeout' } });
  expect(requests).toBe(1);
});
