// Issue #8 item 9 on a real runtime (Node-RED 4.1, embedded in a child process): a full deploy while
// a refresh is in flight at a provider that rotates refresh tokens and revokes the chain on reuse.
// The closing config node finishes its refresh (bounded) and stores the rotated token before its
// successor reads the store; when the refresh outlasts that bound, the successor waits for it
// before its own first refresh. Then three more refresh cycles: 0 reuse, 0 reconnects.
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { followAuthorize } from '../../support/user-agent';
import { deployteqFlow } from '../../node-red/support/flows';
import { tempUserDir } from '../../node-red/support/helper';
import { startRuntime, type Runtime } from '../../node-red/support/runtime';

jest.setTimeout(180_000);

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
let sandbox: Sandbox;
let runtime: Runtime | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 20 * 60_000, consent: 'auto-approve' });
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});
afterAll(async () => {
  await sandbox.close();
});

const grants = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq ?? {};

async function trigger(rt: Runtime, body: unknown, timeoutMs = 30_000): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${rt.url}/api/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status !== 404 || Date.now() > deadline) return { status: res.status, text };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function authorizedRuntime(webhook: string): Promise<Runtime> {
  const rt = await startRuntime({ nodeRedDir: path.dirname(require.resolve('node-red/package.json')), userDir: tempUserDir('nr-deploy-'), httpAdminRoot: '/admin', admin: ADMIN, maxLifetimeMs: 5 * 60_000 });
  await rt.login();
  await rt.deploy(deployteqFlow(sandbox.url, webhook));
  const redirectUri = `${rt.adminUrl}oauth2-connectors/callback`;
  const settings = deployteqFlow(sandbox.url, webhook, false)[1] as Record<string, unknown>;
  const start = await rt.admin('POST', 'oauth2-connectors/deployteq-oauth2/dtcfg/authorize', { settings, credentials: {}, redirectUri });
  expect(start.status).toBe(200);
  const page = await fetch(await followAuthorize((start.body as { authorizeUrl: string }).authorizeUrl, redirectUri));
  expect(page.status).toBe(200);
  return rt;
}

async function waitForRefreshes(n: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((grants().refresh_token ?? 0) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

async function threeMoreCycles(rt: Runtime, firstStep: number, refreshesBefore: number): Promise<void> {
  for (let i = 0; i < 3; i++) {
    sandbox.expireAccessTokens('deployteq');
    const res = await trigger(rt, { step: firstStep + i });
    expect(res).toMatchObject({ status: 200 });
  }
  expect(grants().refresh_token).toBe(refreshesBefore + 3);
}

it.each([
  ['the refresh ends within the close bound (2 s)', 2_000],
  ['the refresh outlasts the close bound (12 s): the successor waits for it', 12_000],
])('deploy during a refresh: %s; 0 reuse, 0 reauthorization over three more cycles', async (_label, delay) => {
  sandbox.reset();
  sandbox.configure({ tokenDelayMs: 0 });
  const webhook = sandbox.webhookUrl(`deploy-${delay}`);
  runtime = await authorizedRuntime(webhook);
  expect((await trigger(runtime, { step: 1 })).status).toBe(200);

  // a slow refresh starts: the access token expired, the next message refreshes
  sandbox.configure({ tokenDelayMs: delay });
  sandbox.expireAccessTokens('deployteq');
  // (its HTTP answer may be lost with the flow it belonged to: only what follows is checked)
  const inflight = trigger(runtime, { step: 2 }, delay + 15_000).catch(() => undefined);
  await waitForRefreshes(1);
  expect(grants().refresh_token).toBe(1);
  // a full deploy while the sandbox still holds that refresh request
  await runtime.deploy(deployteqFlow(sandbox.url, webhook));
  sandbox.configure({ tokenDelayMs: 0 });
  await inflight;

  await threeMoreCycles(runtime, 3, 1);
  expect(sandbox.counters.refreshTokenReuse).toBe(0);
  const status = await runtime.admin('GET', 'oauth2-connectors/deployteq-oauth2/dtcfg/status');
  expect(status.body).toMatchObject({ tokens: { authorized: true, state: 'valid' } });
});
