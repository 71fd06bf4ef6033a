// Issue #15 items 6 and 7 (the engine's part), against a real authorization server stand-in on
// 127.0.0.1: the metadata's `issuer` must be the configured one, or the issuer whose well-known
// location the document came from (RFC 8414 §3.3), else the document is not used; and a Disconnect
// whose metadata hung, was too large or failed says "metadata unreachable", never "the provider has
// no revocation endpoint".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transportOf } from '../../lib/oauth2/host';
import { discoverMetadata, lookUpMetadata, wellKnownUrls } from '../../lib/oauth2/metadata';
import { TokenManager } from '../../lib/oauth2/token-manager';
import type { OAuth2Config } from '../../lib/oauth2/types';

let server: Server;
let base = '';
/** What the metadata location answers: a document, a status, a hang or a body too large. */
let metadata: (url: string) => { doc?: Record<string, unknown>; status?: number; hang?: boolean; huge?: boolean };
let revocations = 0;
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url === '/revoke') {
      revocations++;
      res.writeHead(200).end();
      return;
    }
    if (req.url?.includes('/.well-known/')) {
      const answer = metadata(req.url);
      if (answer.hang) {
        hanging.add(res); // answered never; closed in afterEach (bounded by the client's timeout)
        return;
      }
      if (answer.huge) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.doc ?? {}));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  revocations = 0;
});
afterEach(() => {
  for (const res of hanging) res.destroy();
  hanging.clear();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const config = (extra: Partial<OAuth2Config> = {}): OAuth2Config => ({
  client: { clientId: 'c', clientSecret: 's', method: 'basic' },
  tokenUrl: `${base}/token`,
  timeoutMs: 1000,
  ...extra,
});
const doc = (issuer: unknown) => ({ issuer, token_endpoint: `${base}/token`, revocation_endpoint: `${base}/revoke`, token_endpoint_auth_methods_supported: ['client_secret_post'] });
const tokens = { accessToken: 'AT-1', refreshToken: 'RT-1', tokenType: 'Bearer' };

describe('the metadata issuer (item 6)', () => {
  it('the configured issuer must be the document\'s, character for character', async () => {
    metadata = () => ({ doc: doc(`${base}/tenant`) });
    expect((await lookUpMetadata(config({ issuer: `${base}/tenant` }), transportOf(undefined))).kind).toBe('found');
    const other = await lookUpMetadata(config({ issuer: `${base}/tenant/` }), transportOf(undefined));
    expect(other).toMatchObject({ kind: 'issuer_mismatch', issuer: `${base}/tenant` });
  });

  it('without a configured issuer, the document must come from its issuer\'s well-known location', async () => {
    const transport = transportOf(undefined);
    metadata = () => ({ doc: doc(base) });
    expect((await lookUpMetadata(config(), transport)).kind).toBe('found');
    metadata = () => ({ doc: doc('https://as.attacker.example') });
    expect(await lookUpMetadata(config(), transport)).toMatchObject({ kind: 'issuer_mismatch', issuer: 'https://as.attacker.example/' });
    expect(await discoverMetadata(config(), transport)).toBeUndefined();
    metadata = () => ({ doc: doc(undefined) });
    expect((await lookUpMetadata(config(), transport)).kind).toBe('issuer_mismatch');
    // a metadata URL set in the settings: the issuer must name it
    metadata = () => ({ doc: doc(`${base}/t1`) });
    expect((await lookUpMetadata(config({ discovery: `${base}/t1/.well-known/openid-configuration` }), transport)).kind).toBe('found');
    expect((await lookUpMetadata(config({ discovery: `${base}/t2/.well-known/openid-configuration` }), transport)).kind).toBe('issuer_mismatch');
  });

  it('a mismatching issuer: Disconnect sends nothing and says why', async () => {
    metadata = () => ({ doc: doc('https://as.attacker.example') });
    const result = await new TokenManager({ config: config(), grant: { type: 'authorization_code' }, tokens }).disconnect();
    expect(result).toMatchObject({ revoked: [], skipped: 'issuer_mismatch' });
    expect(result.error?.message).toMatch(/names the issuer https:\/\/as\.attacker\.example\/.*RFC 8414 §3\.3/);
    expect(revocations).toBe(0);
  });

  it('the well-known locations of an issuer with a path: RFC 8414 inserted, OpenID appended', () => {
    expect(wellKnownUrls('https://as.example/tenant/')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant',
      'https://as.example/tenant/.well-known/openid-configuration',
      'https://as.example/tenant/.well-known/oauth-authorization-server',
      'https://as.example/.well-known/openid-configuration/tenant',
    ]);
  });
});

describe('Disconnect when the metadata cannot be read (item 7)', () => {
  const disconnect = () => new TokenManager({ config: config(), grant: { type: 'authorization_code' }, tokens }).disconnect();

  it.each([
    ['hung', { hang: true }, /no answer in time/],
    ['too large', { huge: true }, /too large/],
    ['answered 503', { status: 503 }, /HTTP 503/],
  ])('%s: metadata unreachable, not "no revocation endpoint"', async (_what, answer, reason) => {
    metadata = () => answer;
    const result = await disconnect();
    expect(result).toMatchObject({ revoked: [], skipped: 'metadata_unreachable' });
    expect(result.error?.code).toBe('metadata_unreachable');
    expect(result.error?.message).toMatch(reason);
    expect(revocations).toBe(0);
  });

  it('no metadata anywhere (404): the provider has no revocation endpoint', async () => {
    metadata = () => ({ status: 404 });
    expect(await disconnect()).toEqual({ revoked: [], skipped: 'no_endpoint' });
  });

  it('matching metadata: revoked at its revocation endpoint; a second Disconnect has nothing to send', async () => {
    metadata = () => ({ doc: doc(base) });
    const manager = new TokenManager({ config: config(), grant: { type: 'authorization_code' }, tokens });
    expect(await manager.disconnect()).toEqual({ endpoint: `${base}/revoke`, revoked: ['refresh_token', 'access_token'] });
    expect(await manager.disconnect()).toEqual({ revoked: [], skipped: 'no_tokens' });
    expect(revocations).toBe(2);
  });
});
