// The Zendesk Chat Trigger's poll() against the sandbox, in a stand-in for n8n's poll context that
// signs requests like n8n's OAuth2 does and throws Axios-style errors for non-2xx answers. Checks
// the static-data cursor: no flood on the first active run, then exactly the new chats, once.
import type { IDataObject, IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';

import { ZendeskChatTrigger } from '../../../nodes/ZendeskChatTrigger/ZendeskChatTrigger.node';
import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../../sandbox';

const zd = DEFAULT_CLIENTS.zendesk[0];

async function clientCredentialsToken(sandbox: Sandbox): Promise<string> {
  const res = await fetch(sandbox.endpoints.zendesk.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: zd.clientId, client_secret: zd.clientSecret!, scope: 'read' }).toString(),
  });
  return String(((await res.json()) as { access_token: string }).access_token);
}

function pollContext(sandbox: Sandbox, token: string, staticData: IDataObject, mode: 'trigger' | 'manual', params: IDataObject = {}): IPollFunctions {
  const parameters: IDataObject = { authentication: 'oAuth2', startFrom: 'now', ...params };
  const httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) => {
    const res = await fetch(options.url, { method: options.method, headers: { ...(options.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status >= 400) throw Object.assign(new Error(`Request failed with status code ${res.status}`), { response: { status: res.status, headers, data: body } });
    return { statusCode: res.status, headers, body };
  };
  return {
    getWorkflowStaticData: () => staticData,
    getMode: () => mode,
    getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
    getCredentials: async () => ({ subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk` }),
    getNode: () => ({ id: 't', name: 'Zendesk Chat Trigger', type: 'zendeskChatTrigger', typeVersion: 1, position: [0, 0], parameters: {} }),
    helpers: { httpRequestWithAuthentication },
  } as unknown as IPollFunctions;
}

describe('Zendesk Chat Trigger (poll)', () => {
  let sandbox: Sandbox;
  let token: string;
  const trigger = new ZendeskChatTrigger();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 120_000 });
    token = await clientCredentialsToken(sandbox);
  });
  afterAll(async () => sandbox.close());

  it('first active poll stores "now" and emits nothing; later polls emit each new chat once', async () => {
    const staticData: IDataObject = {};
    const apiBefore = sandbox.counters.apiRequestsByProvider.zendesk;
    expect(await trigger.poll.call(pollContext(sandbox, token, staticData, 'trigger'))).toBeNull();
    expect(staticData.startTime).toEqual(expect.any(Number));
    expect(sandbox.counters.apiRequestsByProvider.zendesk).toBe(apiBefore); // 250 seeded chats not fetched

    // a chat changed in the same second as the stored start would be emitted too: wait into the next second
    await new Promise((r) => setTimeout(r, 1100));
    const a = sandbox.addChat();
    const b = sandbox.addChat();
    const first = await trigger.poll.call(pollContext(sandbox, token, staticData, 'trigger'));
    expect(first?.[0].map((item) => item.json.id)).toEqual([a.id, b.id]);

    expect(await trigger.poll.call(pollContext(sandbox, token, staticData, 'trigger'))).toBeNull();
    const c = sandbox.addChat();
    const second = await trigger.poll.call(pollContext(sandbox, token, staticData, 'trigger'));
    expect(second?.[0].map((item) => item.json.id)).toEqual([c.id]);
  });

  it('"A Date" start emits everything since then on the first poll', async () => {
    const staticData: IDataObject = {};
    const out = await trigger.poll.call(pollContext(sandbox, token, staticData, 'trigger', { startFrom: 'date', startDate: '1970-01-01T00:00:00Z' }));
    expect(out?.[0].length).toBeGreaterThanOrEqual(250);
    expect(staticData.startTime).toEqual(expect.any(Number));
  });

  it('a manual test run shows a few recent chats and leaves the cursor alone', async () => {
    const staticData: IDataObject = {};
    const out = await trigger.poll.call(pollContext(sandbox, token, staticData, 'manual'));
    expect(out?.[0].length).toBe(10);
    expect(staticData).toEqual({});
  });

  it('API errors surface as NodeApiError with the provider status', async () => {
    const error = await trigger.poll.call(pollContext(sandbox, 'not-a-valid-token', { startTime: 1 }, 'trigger')).catch((e: Error) => e);
    expect((error as Error).constructor.name).toBe('NodeApiError');
    expect((error as { httpCode?: string }).httpCode).toBe('401');
    expect((error as Error).message).not.toContain('not-a-valid-token');
  });
});
