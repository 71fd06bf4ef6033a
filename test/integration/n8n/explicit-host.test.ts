// Issue #16 item 5: the engine's host is passed in, not installed. This file replaces the host the
// test setup installs with one that fails when used, then runs the n8n face's paths that wait:
// preAuthentication retrying a token request after 503 + Retry-After, the authorized fetch
// retrying an API call after 429, and the Zendesk Chat limiter. Each must use the host the n8n face
// passes (n8n-workflow's sleep), never an installed one. (The Node-RED face runs from dist/ in the
// node-red tier, where nothing installs a host, so its tests check the same for it.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { AdvancedOAuth2Api } from '../../../credentials/AdvancedOAuth2Api.credentials';
import { N8N_HOST } from '../../../hosts/n8n/host';
import { clearTokenFlights } from '../../../hosts/n8n/single-flight';
import { installEngineHost } from '../../../lib/oauth2/host';
import { zendeskChatLimiter } from '../../../lib/providers/zendesk-chat/limiter';
import { n8nAuthorizedFetch } from '../../../hosts/n8n/authorized-fetch';
import { fakeContext } from '../../unit/n8n/fake-context';

let server: Server;
let base = '';
let tokenCalls = 0;
const globalHostUses: string[] = [];

beforeAll(async () => {
  installEngineHost({
    sleep: async () => {
      globalHostUses.push('sleep');
    },
    after: () => {
      globalHostUses.push('after');
      return () => undefined;
    },
    transport: async () => {
      globalHostUses.push('transport');
      throw new Error('the installed transport was used');
    },
  });
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      tokenCalls++;
      if (tokenCalls === 1) res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"at-1","token_type":"Bearer","expires_in":3600}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** n8n's httpRequest as a preAuthentication sees it, over fetch. */
const helper = {
  helpers: {
    httpRequest: async (options: IHttpRequestOptions) => {
      const res = await fetch(options.url, { method: options.method, headers: options.headers as Record<string, string>, body: options.body as string });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { statusCode: res.status, headers, body: Readable.from([Buffer.from(await res.arrayBuffer())]) };
    },
  },
} as unknown as IHttpRequestHelper;

it('preAuthentication retries a token request after 503 with the n8n host, not an installed one', async () => {
  clearTokenFlights();
  const fields = await new AdvancedOAuth2Api().preAuthentication.call(helper, {
    grantType: 'client_credentials', tokenUrl: `${base}/token`, clientId: 'c', clientSecret: 's', clientAuthentication: 'body',
  });
  expect(fields.accessToken).toBe('at-1');
  expect(tokenCalls).toBe(2);
  expect(globalHostUses).toEqual([]);
});

it("the authorized fetch retries after 429 with the n8n host; the Zendesk Chat limiter waits with the host it is given", async () => {
  let calls = 0;
  const { context } = fakeContext({
    credentialType: 'zendeskChatOAuth2Api',
    credentials: () => ({ accessToken: 'x' }),
    answer: () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: '{}' } : { status: 200, body: '{"ok":true}' }),
  });
  const response = await n8nAuthorizedFetch(context, { type: 'zendeskChatOAuth2Api', oauth2: true }, { retry: { baseDelayMs: 1 } }).fetch({ url: 'https://api.example.test/x' });
  expect(response.status).toBe(200);
  expect(calls).toBe(2);
  const waits: number[] = [];
  const limiter = zendeskChatLimiter({
    sleep: async (ms) => {
      waits.push(ms);
      throw new Error('stop waiting');
    },
  });
  // past the documented 200 per minute the limiter waits, with the given host's sleep
  const turns = await Promise.allSettled(Array.from({ length: 201 }, () => limiter.acquire()));
  expect(turns.filter((t) => t.status === 'rejected')).toHaveLength(1);
  expect(waits).toHaveLength(1);
  expect(N8N_HOST.after).toBeUndefined();
  expect(globalHostUses).toEqual([]);
});
