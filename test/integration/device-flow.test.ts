// Issue #18 item 3: the device authorization grant (RFC 8628) in the engine. Against a real
// oidc-provider with its device flow: codes, the user confirms at verification_uri_complete (its
// form, then the auto-approving interactions), the poller gets tokens. Against a scripted server on
// 127.0.0.1: authorization_pending waits, slow_down adds 5 s, access_denied and expiry end it; the
// device code never appears in an error.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollDeviceToken, startDeviceAuthorization } from '../../lib/oauth2/device';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { fetchTransport } from '../../lib/oauth2/fetch-transport';
import { Redactor } from '../../lib/oauth2/redact';
import type { TokenRequestContext } from '../../lib/oauth2/token-request';
import { startOidcProvider, type OidcTestServer } from '../support/oidc-provider';
import { confirmDevice } from '../support/user-agent';

jest.setTimeout(60_000);

/** Waits a fiftieth of what the engine asks (the intervals are seconds), recording what it asked. */
function quickSleep(asked: number[]) {
  return (ms: number) => {
    asked.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms / 50));
  };
}

describe('against oidc-provider', () => {
  let oidc: OidcTestServer;
  beforeAll(async () => {
    oidc = await startOidcProvider({
      clients: [{ client_id: 'device-client', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] }],
      deviceFlow: true,
      scopes: ['openid', 'api:read'],
    });
  });
  afterAll(async () => oidc?.stop());

  it('codes, the user confirms, the poller gets the tokens', async () => {
    const endpoint = oidc.metadata.device_authorization_endpoint as string;
    const asked: number[] = [];
    const ctx: TokenRequestContext = { config: { client: { clientId: 'device-client', method: 'none' }, tokenUrl: oidc.tokenEndpoint, scopes: ['openid', 'api:read'], discovery: false }, transport: fetchTransport, sleep: quickSleep(asked), redactor: new Redactor() };
    const device = await startDeviceAuthorization(ctx, endpoint);
    expect(device.userCode).toMatch(/\w/);
    expect(device.verificationUriComplete).toContain(encodeURIComponent(device.userCode).slice(0, 2));
    expect(device.expiresAt).toBeGreaterThan(Date.now());
    const polling = pollDeviceToken(ctx, device);
    polling.catch(() => undefined); // awaited below; a failure before that must not end the suite
    await new Promise((r) => setTimeout(r, 300)); // a few polls while pending
    expect(await confirmDevice(device.verificationUriComplete as string)).toMatch(/Sign-in Success/);
    const tokens = await polling;
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(asked.every((ms) => ms === device.interval * 1000)).toBe(true);
  });
});

describe('against a scripted server', () => {
  let server: Server;
  let base = '';
  let answers: Array<{ status: number; body: Record<string, unknown> }> = [];
  let polled = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/device') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ device_code: 'dc-secret-device-code-123456', user_code: 'WDJB-MJHT', verification_uri: `${base}/verify`, verification_uri_complete: `${base}/verify?user_code=WDJB-MJHT`, expires_in: 60, interval: 5 }));
          return;
        }
        polled++;
        expect(new URLSearchParams(body).get('device_code')).toBe('dc-secret-device-code-123456');
        const next = answers.shift() ?? { status: 400, body: { error: 'authorization_pending' } };
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    polled = 0;
  });

  /** A context whose clock moves with the engine's waits (so an expiry is reached without waiting it out). */
  function context(asked: number[]): TokenRequestContext {
    let clock = Date.now();
    return {
      config: { client: { clientId: 'c1', method: 'none' }, tokenUrl: `${base}/token`, discovery: false },
      transport: fetchTransport,
      redactor: new Redactor(),
      now: () => clock,
      sleep: async (ms) => {
        asked.push(ms);
        clock += ms;
      },
    };
  }

  it('waits while pending, 5 s more after slow_down, until the tokens come', async () => {
    answers = [
      { status: 400, body: { error: 'authorization_pending' } },
      { status: 400, body: { error: 'slow_down' } },
      { status: 400, body: { error: 'authorization_pending' } },
      { status: 200, body: { access_token: 'at-from-device', token_type: 'Bearer', expires_in: 3600 } },
    ];
    const asked: number[] = [];
    const ctx = context(asked);
    const device = await startDeviceAuthorization(ctx, `${base}/device`);
    expect(device).toMatchObject({ userCode: 'WDJB-MJHT', interval: 5, verificationUriComplete: `${base}/verify?user_code=WDJB-MJHT` });
    expect((await pollDeviceToken(ctx, device)).accessToken).toBe('at-from-device');
    expect(asked).toEqual([5000, 5000, 10000, 10000]);
  });

  it('access_denied ends it at once; an expired code ends it at expires_in; no error holds the device code', async () => {
    answers = [{ status: 400, body: { error: 'access_denied', error_description: 'the user said no to dc-secret-device-code-123456' } }];
    const ctx = context([]);
    const device = await startDeviceAuthorization(ctx, `${base}/device`);
    const denied = await pollDeviceToken(ctx, device).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'access_denied' });
    expect((denied as Error).message).not.toContain('dc-secret-device-code-123456');

    answers = [];
    const waits: number[] = [];
    const slow = context(waits);
    const again = await startDeviceAuthorization(slow, `${base}/device`);
    polled = 0;
    const expired = await pollDeviceToken(slow, again).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(OAuth2Error);
    expect(expired).toMatchObject({ code: 'expired_token' });
    expect(polled).toBe(12); // 60 s at 5 s
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
  });
});
