// Smoke test of the provider sandbox with plain fetch. The engine's own tests cover the flows in depth.
import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../sandbox';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];

function basic(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

async function postForm(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(params).toString() });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('provider sandbox (smoke)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 60_000 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.reset());

  it('binds 127.0.0.1 and serves an index', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${sandbox.url}/`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { endpoints: unknown }).endpoints).toBeDefined();
  });

  it('Deployteq client credentials with Basic returns expires_in as a string', async () => {
    const { status, body } = await postForm(sandbox.endpoints.deployteq.token, { grant_type: 'client_credentials' }, { authorization: basic(dt.clientId, dt.clientSecret!) });
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), expires_in: '3600', scope: 'apps.webhook:execute', token_type: 'bearer' });
    expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials).toBe(1);
  });

  it('Deployteq refuses client credentials in the body', async () => {
    const { status, body } = await postForm(sandbox.endpoints.deployteq.token, { grant_type: 'client_credentials', client_id: dt.clientId, client_secret: dt.clientSecret! });
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(String(body.error_description)).toMatch(/HTTP Basic/);
    expect(JSON.stringify(sandbox.counters)).not.toContain(dt.clientSecret!);
  });

  it('the webhook needs a Deployteq token and records deliveries without the token', async () => {
    const url = sandbox.webhookUrl('smoke');
    const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.test"}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const token = await postForm(sandbox.endpoints.deployteq.token, { grant_type: 'client_credentials' }, { authorization: basic(dt.clientId, dt.clientSecret!) });
    const accessToken = String(token.body.access_token);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify([{ email: 'a@example.test' }, { email: 'b@example.test' }]),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { received: number; records: Array<{ id: unknown; email: string }> };
    expect(body.received).toBe(2);
    expect(body.records.map((r) => r.email)).toEqual(['a@example.test', 'b@example.test']);
    expect(body.records.every((r) => r.id !== undefined)).toBe(true);
    expect(sandbox.deliveries).toHaveLength(1);
    expect(sandbox.deliveries[0]).toMatchObject({ webhookId: 'smoke', authorization: 'Bearer <redacted>' });
    expect(JSON.stringify(sandbox.deliveries)).not.toContain(accessToken);
  });

  it('Zendesk password grant and /chats paging across next_url', async () => {
    sandbox.configure({ chatCount: 120, chatsPageSize: 50 });
    const token = await postForm(sandbox.endpoints.zendesk.token, {
      grant_type: 'password',
      username: 'agent@acme.test',
      password: 'agent-pass',
      client_id: zd.clientId,
      client_secret: zd.clientSecret!,
    });
    expect(token.status).toBe(200);
    expect(token.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', scope: 'read' });

    const ids = new Set<string>();
    let next: string | null = `${sandbox.endpoints.zendesk.api}/chats`;
    let pages = 0;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${String(token.body.access_token)}` } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { chats: Array<{ id: string }>; next_url: string | null };
      page.chats.forEach((c) => ids.add(c.id));
      next = page.next_url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(120);
  });

  it('rate-limits the Zendesk Chat API with 429 and Retry-After', async () => {
    sandbox.configure({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const token = await postForm(sandbox.endpoints.zendesk.token, { grant_type: 'client_credentials', client_id: zd.clientId, client_secret: zd.clientSecret! });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${sandbox.endpoints.zendesk.api}/account`, { headers: { authorization: `Bearer ${String(token.body.access_token)}` } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(sandbox.counters.rateLimited).toBe(1);
    sandbox.configure({ rateLimit: { limit: 200, windowMs: 60_000 } });
  });

  it('serves a queued fault once, then behaves normally', async () => {
    sandbox.addFault({ provider: 'generic', endpoint: 'token', kind: 'html-502' });
    const auth = { authorization: basic('gen-client', 'gen-secret') };
    const first = await fetch(sandbox.endpoints.generic.token, { method: 'POST', headers: { ...FORM, ...auth }, body: 'grant_type=client_credentials' });
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toMatch(/text\/html/);
    await first.arrayBuffer();
    const second = await postForm(sandbox.endpoints.generic.token, { grant_type: 'client_credentials' }, auth);
    expect(second.status).toBe(200);
    expect(second.body.expires_in).toBe(3600);
    expect(sandbox.faults).toHaveLength(0);
    expect(sandbox.counters.faultsServed).toBe(1);
  });
});
