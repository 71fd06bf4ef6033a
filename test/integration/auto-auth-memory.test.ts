// Issue #17 item 2: `auto` client authentication remembers a search refused with every method.
// Against a token server on 127.0.0.1 that refuses the client (as HTTP 401 `invalid_client`, or as
// HTTP 200 carrying `{"error":"invalid_client"}`), the first message costs one request per
// candidate method; every later message with the same settings costs one, in the same manager and
// in a new one (a redeploy, or n8n's per-call credential), until the settings change or one
// succeeds. Some providers lock a client after repeated failed authentications.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';
import { forgetRefusedSearches, type RefusedSearch } from '../../lib/oauth2/auth-search';

let server: Server;
let base = '';
let requests = 0;
/** How the server refuses; `accept` lets the body method through. */
let style: '401' | '200' = '401';
let accept = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      if (accept && /client_secret=/.test(body)) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"at","token_type":"Bearer","expires_in":3600}');
        return;
      }
      res.writeHead(style === '401' ? 401 : 200, { 'content-type': 'application/json' }).end('{"error":"invalid_client","error_description":"client authentication failed"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  requests = 0;
  accept = false;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

// a secret whose encoded and raw Basic forms differ: three candidates (encoded Basic, raw Basic, body)
const config = (secret: string, path = '/token'): OAuth2Config => ({ client: { clientId: 'c1', clientSecret: secret, method: 'auto' }, tokenUrl: `${base}${path}`, discovery: false, retry: { maxRetries: 0 } });
const manager = (secret: string, path?: string) => new TokenManager({ config: config(secret, path), grant: { type: 'client_credentials' } });

describe.each(['401', '200'] as const)('refusals as HTTP %s', (how) => {
  beforeEach(() => {
    style = how;
  });

  it('the first message tries every method; later ones, in this manager or a new one, send one request', async () => {
    const path = `/token-${how}`;
    const first = manager('wrong+secret', path);
    await expect(first.getTokens()).rejects.toThrow(/refused with every method tried \(Basic.*, Basic.*, .*body.*\)/i);
    expect(requests).toBe(3);
    for (let i = 0; i < 3; i++) {
      await expect(first.getTokens()).rejects.toThrow(/refused with every method before .* so only .* was sent this time/);
    }
    expect(requests).toBe(6);
    await expect(manager('wrong+secret', path).getTokens()).rejects.toThrow(/refused with every method before/);
    expect(requests).toBe(7);
    // another secret is another search
    await expect(manager('other+secret', path).getTokens()).rejects.toThrow(/every method tried/);
    expect(requests).toBe(10);
  });

  it('the single requests take the methods in turn, so a provider that starts accepting one is found; then the memory is cleared', async () => {
    const path = `/token-ok-${how}`;
    await expect(manager('s+1', path).getTokens()).rejects.toThrow(/every method tried/);
    accept = true; // the provider fixed its side: the body method works now
    requests = 0;
    await expect(manager('s+1', path).getTokens()).rejects.toThrow(/so only Basic .* was sent this time/); // encoded Basic
    await expect(manager('s+1', path).getTokens()).rejects.toThrow(/so only .*raw.* was sent this time/i); // raw Basic
    const found = manager('s+1', path);
    expect((await found.getTokens()).clientAuthMethod).toBe('body');
    expect(requests).toBe(3);
    // succeeded: the next manager with these settings searches from the start again (and learns)
    accept = false;
    requests = 0;
    await expect(manager('s+1', path).getTokens()).rejects.toThrow(/every method tried/);
    expect(requests).toBe(3);
  });
});

describe('after a restart (the host keeps the memory beside the learned method)', () => {
  beforeEach(() => {
    style = '401';
  });

  it('a manager given the kept memory sends one request; one without it searches again', async () => {
    const path = '/token-restart';
    const kept: RefusedSearch[] = [];
    const keeping = (memory?: RefusedSearch) =>
      new TokenManager({ config: config('r+1', path), grant: { type: 'client_credentials' }, refusedAuthSearch: memory, hooks: { onRefusedAuthSearch: (m) => void kept.push(m) } });
    await expect(keeping().getTokens()).rejects.toThrow(/every method tried/);
    expect(requests).toBe(3);
    expect(kept).toHaveLength(1);
    expect(kept[0].key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(kept)).not.toContain('r+1');

    forgetRefusedSearches(); // the process restarted
    requests = 0;
    await expect(keeping(kept[0]).getTokens()).rejects.toThrow(/refused with every method before/);
    expect(requests).toBe(1);
    expect(kept).toHaveLength(2); // the turn moved on: kept again
    expect(kept[1]).toEqual({ key: kept[0].key, sent: 1 });

    forgetRefusedSearches();
    requests = 0;
    await expect(manager('r+1', path).getTokens()).rejects.toThrow(/every method tried/); // nothing kept: a full search
    expect(requests).toBe(3);

    // kept memory of other settings (another secret) is not used
    forgetRefusedSearches();
    requests = 0;
    await expect(keeping(kept[0]).getTokens()).rejects.toThrow(/refused with every method before/);
    await expect(new TokenManager({ config: config('r+2', path), grant: { type: 'client_credentials' }, refusedAuthSearch: kept[0] }).getTokens()).rejects.toThrow(/every method tried/);
    expect(requests).toBe(4);
  });
});
