// Real embedded runtimes in child processes: Node-RED 4.1 on this Node (20) and Node-RED 5.0 on
// Node 24 (both from the tool cache outside the repo when not installed here). adminAuth on and a
// non-default httpAdminRoot; the editor script served from resources/; deploy through POST /flows;
// authorize through the admin routes; the Deployteq webhook flow; and the durability path: rotate
// the refresh token, "Restart Flows", restart the process from the same user dir, refresh again:
// the sandbox (which rejects reused refresh tokens) accepts every refresh.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_RED_TYPES } from '../../../lib/providers/registry';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { followAuthorize } from '../../support/user-agent';
import { deployteqFlow } from '../../node-red/support/flows';
import { tempUserDir } from '../../node-red/support/helper';
import { startRuntime, type Runtime } from '../../node-red/support/runtime';

const { ensureNodeRed5 } = require('../../../scripts/node-red-cache.js');

jest.setTimeout(120_000);

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
let sandbox: Sandbox;
const running: Runtime[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 20 * 60_000, consent: 'auto-approve' });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await sandbox.close();
});

interface Target {
  label: string;
  resolve(): { nodeRedDir: string; nodeBin?: string };
}

const targets: Target[] = [
  { label: 'Node-RED 4.1 on Node 20', resolve: () => ({ nodeRedDir: path.dirname(require.resolve('node-red/package.json')) }) },
  {
    label: 'Node-RED 5.0 on Node 24',
    resolve: () => {
      const { nodeRedDir, nodeBin } = ensureNodeRed5();
      return { nodeRedDir, nodeBin };
    },
  },
];

describe.each(targets)('$label', (target) => {
  let where: { nodeRedDir: string; nodeBin?: string };
  beforeAll(() => {
    where = target.resolve();
  }, 15 * 60_000);

  async function start(userDir: string, port?: number): Promise<Runtime> {
    const runtime = await startRuntime({ ...where, userDir, port, httpAdminRoot: '/admin', admin: ADMIN, maxLifetimeMs: 5 * 60_000 });
    running.push(runtime);
    await runtime.login();
    return runtime;
  }

  async function trigger(runtime: Runtime, body: unknown): Promise<{ status: number; body: unknown }> {
    // a 404 means the flows are still (re)starting: the request never reached the flow, so try again
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${runtime.url}/api/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status !== 404 || Date.now() > deadline) return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stopRuntime(runtime: Runtime): Promise<void> {
    await runtime.stop();
    running.splice(running.indexOf(runtime), 1);
  }

  test('adminAuth + httpAdminRoot: authorize, webhook flow, rotation survives Restart Flows and a process restart', async () => {
    sandbox.reset();
    const userDir = tempUserDir('nr-runtime-');
    const webhook = sandbox.webhookUrl(`rt-${target.label.replace(/\W+/g, '-')}`);
    let runtime = await start(userDir);
    if (target.label.includes('5.0')) expect(runtime.version).toMatch(/^5\.0\./);
    else expect(runtime.version).toMatch(/^4\.1\./);

    // our types are installed in the runtime
    const nodes = await runtime.admin('GET', 'nodes', undefined, { accept: 'application/json' });
    expect(JSON.stringify(nodes.body)).toContain('deployteq-webhook');

    // the config nodes' shared editor script: the .html loads it relative to the editor, which
    // Node-RED serves from our package's resources/ folder under httpAdminRoot, without a token
    // (a <script src> carries none)
    const html = await runtime.admin('GET', 'nodes', undefined, { accept: 'text/html' });
    expect(html.text).toContain('<script type="text/javascript" src="resources/node-red-contrib-oauth2-connectors/oauth2-editor.js"></script>');
    // every node's help, which the package keeps in locales/en-US/ as the core nodes do, reaches the editor
    for (const type of NODE_RED_TYPES) expect({ type, help: html.text.includes(`data-help-name="${type}"`) }).toEqual({ type, help: true });
    const script = await fetch(`${runtime.adminUrl}resources/node-red-contrib-oauth2-connectors/oauth2-editor.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('window.OAuth2ConnectorsEditor = {');
    expect((await fetch(`${runtime.url}/resources/node-red-contrib-oauth2-connectors/oauth2-editor.js`)).status).toBe(404);

    await runtime.deploy(deployteqFlow(sandbox.url, webhook));

    // the start call needs the editor's token
    const redirectUri = `${runtime.adminUrl}oauth2-connectors/callback`;
    const settings = (deployteqFlow(sandbox.url, webhook, false)[1] as Record<string, unknown>);
    const anonymous = await fetch(`${runtime.adminUrl}oauth2-connectors/deployteq-oauth2/dtcfg/authorize`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings, redirectUri }),
    });
    expect(anonymous.status).toBe(401);
    expect(sandbox.counters.authorizeRequests).toBe(0);

    const start1 = await runtime.admin('POST', 'oauth2-connectors/deployteq-oauth2/dtcfg/authorize', { settings, credentials: {}, redirectUri });
    expect(start1.status).toBe(200);
    const authorizeUrl = (start1.body as { authorizeUrl: string }).authorizeUrl;
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(redirectUri);
    const redirect = await followAuthorize(authorizeUrl, redirectUri);
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You may close this window');
    const status = await runtime.admin('GET', 'oauth2-connectors/deployteq-oauth2/dtcfg/status');
    expect(status.body).toMatchObject({ attempt: { status: 'success' }, tokens: { authorized: true, hasRefreshToken: true } });
    expect((await fetch(`${runtime.adminUrl}oauth2-connectors/deployteq-oauth2/dtcfg/status`)).status).toBe(401);

    // "Test" (client credentials) through the authenticated admin API
    const tested = await runtime.admin('POST', 'oauth2-connectors/deployteq-oauth2/dtcfg/test', { settings: { ...settings, grantType: 'client_credentials', scopes: 'apps.webhook:execute' }, credentials: {} });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: true, scope: 'apps.webhook:execute', expiresIn: 3600 });

    const grants = () => sandbox.counters.tokenRequestsByProviderGrant.deployteq ?? {};
    let res = await trigger(runtime, { step: 1 });
    expect(res.status).toBe(200);
    expect(grants().refresh_token ?? 0).toBe(0);

    // rotate: the access token expires server-side, the flow refreshes (new refresh token)
    sandbox.expireAccessTokens('deployteq');
    res = await trigger(runtime, { step: 2 });
    expect(res.status).toBe(200);
    expect(grants().refresh_token).toBe(1);

    // "Restart Flows" (node-red#1055): credentials come back from flows_cred.json, tokens from our store
    await runtime.deploy([], 'reload');
    sandbox.expireAccessTokens('deployteq');
    res = await trigger(runtime, { step: 3 });
    expect(res).toMatchObject({ status: 200 });
    expect(grants().refresh_token).toBe(2);

    // restart the whole runtime from the same user dir
    const port = runtime.port;
    await stopRuntime(runtime);
    runtime = await start(userDir, port);
    sandbox.expireAccessTokens('deployteq');
    res = await trigger(runtime, { step: 4 });
    expect(res).toMatchObject({ status: 200 });
    expect(grants().refresh_token).toBe(3);
    expect(sandbox.deliveries.map((d) => (d.body as { step: number }).step)).toEqual([1, 2, 3, 4]);

    // nothing token-shaped in the flow files; the store is an encrypted envelope
    const flowsText = fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8') + fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8');
    expect(flowsText).not.toMatch(/refresh|access_?token|dt-secret/i);
    const storeDir = path.join(userDir, '.oauth2-connectors');
    const stored = fs.readdirSync(storeDir).filter((f) => f.startsWith('tokens-'));
    expect(stored).toEqual(['tokens-dtcfg.json']);
    const envelope = JSON.parse(fs.readFileSync(path.join(storeDir, stored[0]), 'utf8'));
    expect(Object.keys(envelope).sort()).toEqual(['data', 'format', 'iv', 'keyId', 'tag']);
    expect(fs.readdirSync(storeDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // a revoked chain: reconnect needed, a clear error, no retry loop
    sandbox.revokeAll('deployteq');
    const before = sandbox.counters.tokenRequests;
    res = await trigger(runtime, { step: 5 });
    expect(res.status).toBe(500);
    expect(String(res.body)).toMatch(/reconnect/i);
    res = await trigger(runtime, { step: 6 });
    expect(res.status).toBe(500);
    expect(sandbox.counters.tokenRequests - before).toBe(1);
  });
});
