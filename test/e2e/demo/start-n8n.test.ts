// `npm run start:n8n` (scripts/demo-n8n.js): the real n8n of the end-to-end tests with this
// package, the sandbox credentials and the demo workflow. Free ports; waits (bounded) for the ready
// line; signs in with the owner password from the printed file; checks the imported workflow and
// credentials through n8n's REST API, what the workflow did at the sandbox, that neither a fixture
// secret nor the owner password was printed, and that Ctrl-C (SIGINT) stops n8n and the sandbox
// with exit code 0, closes both ports and removes the demo folder. The URL the demo says to open is
// the demo workflow's: in a real browser (Debian's chromium, test/support/chromium.ts) it asks for
// the sign-in and then shows the demo workflow, not n8n's own start page. The first run installs n8n
// into the tool cache (minutes; scripts/n8n.js). Needs dist/ (`npm test` builds first).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from '../../support/chromium';
import { countersUntil, FIXTURE_SECRETS, portAccepts, ROOT, startDemo, type DemoProcess } from './support';

jest.setTimeout(25 * 60_000);

const WORKFLOW_ID = 'oauth2DemoFlow01';

let demo: DemoProcess;
let editorUrl = '';
/** The URL the demo says to open when it is ready. */
let openUrl = '';
let sandboxUrl = '';
let loginFile = '';
let password = '';
let cookie = '';

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'sandbox', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  demo = startDemo('demo-n8n.js', { DEMO_N8N_PORT: '0', DEMO_SANDBOX_PORT: '0', DEMO_SKIP_BUILD: '1' });
  const ready = await demo.waitFor(/Demo ready: ((http:\/\/127\.0\.0\.1:\d+\/)\S*)/, 20 * 60_000);
  [, openUrl, editorUrl] = ready;
  const output = demo.output();
  sandboxUrl = (output.match(/Provider sandbox\s+(http:\/\/127\.0\.0\.1:\d+)\//) ?? [])[1] ?? '';
  loginFile = (output.match(/password generated for this run is in (\S+)/) ?? [])[1] ?? '';
  if (!sandboxUrl || !loginFile) throw new Error(`the sandbox URL or the login file is missing from the output:\n${output}`);
  password = (fs.readFileSync(loginFile, 'utf8').match(/password: (\S+)/) ?? [])[1] ?? '';
});

afterAll(async () => {
  await demo?.kill();
});

test('the demo workflow ran once and reached all three providers of the sandbox', async () => {
  expect(demo.output()).toContain('The demo workflow ran once (n8n execute): success');
  expect(demo.output()).toMatch(/Zendesk Chat:\s+3 chat\(s\)/);
  const c = await countersUntil(sandboxUrl, (x) => x.deliveries >= 1 && x.apiRequestsByProvider.zendesk >= 1 && x.apiRequestsByProvider.generic >= 1);
  expect(c.deliveries).toBeGreaterThanOrEqual(1);
  expect(c.apiRequestsByProvider.zendesk).toBeGreaterThanOrEqual(1);
  expect(c.apiRequestsByProvider.generic).toBeGreaterThanOrEqual(1);
  const deliveries = (await (await fetch(`${sandboxUrl}/_sandbox/deliveries`)).json()) as Array<{ webhookId: string }>;
  expect(deliveries.some((d) => d.webhookId === 'n8n-demo')).toBe(true);
});

test('the owner signs in with the generated password (the login file is private)', async () => {
  expect(password.length).toBeGreaterThanOrEqual(12);
  expect(fs.statSync(loginFile).mode & 0o077).toBe(0);
  const res = await fetch(`${editorUrl}rest/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ emailOrLdapLoginId: 'demo@example.test', password }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  expect(cookie).toMatch(/^n8n-auth=/);
});

test('the URL to open is the demo workflow: in a browser n8n asks for the sign-in, then shows the demo workflow', async () => {
  expect(openUrl).toBe(`${editorUrl}workflow/${WORKFLOW_ID}`);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(openUrl);
    await page.waitForSelector('input[name=emailOrLdapLoginId]', { timeout: 60_000 });
    await page.fill('input[name=emailOrLdapLoginId]', 'demo@example.test');
    await page.fill('input[name=password]', password);
    await page.click('[data-test-id=form-submit-button]');
    await page.waitForURL(`${editorUrl}workflow/${WORKFLOW_ID}`, { timeout: 60_000 });
    await page.locator('[data-test-id=canvas-node][data-node-name="Deployteq webhook"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-test-id=canvas-node]').count()).toBe(5);
  } finally {
    await browser.close();
  }
});

test('the demo workflow and the three sandbox credentials are in n8n, with the package\'s nodes', async () => {
  const workflow = await fetch(`${editorUrl}rest/workflows/${WORKFLOW_ID}`, { headers: { cookie } });
  expect(workflow.status).toBe(200);
  const wf = ((await workflow.json()) as { data: { name: string; nodes: Array<{ type: string }> } }).data;
  expect(wf.name).toBe('OAuth2 connectors demo');
  const types = wf.nodes.map((n) => n.type);
  expect(types).toEqual(expect.arrayContaining(['n8n-nodes-oauth2-connectors.deployteq', 'n8n-nodes-oauth2-connectors.zendeskChat', 'n8n-nodes-base.httpRequest']));

  const credentials = await fetch(`${editorUrl}rest/credentials`, { headers: { cookie } });
  expect(credentials.status).toBe(200);
  const text = await credentials.text();
  const list = (JSON.parse(text) as { data: Array<{ type: string }> }).data;
  expect(list.map((c) => c.type).sort()).toEqual(['advancedOAuth2Api', 'deployteqOAuth2Api', 'zendeskChatOAuth2Api']);
  for (const secret of FIXTURE_SECRETS) expect(text).not.toContain(secret);

  // the package's node types are loaded by the editor
  const nodeTypes = await fetch(`${editorUrl}types/nodes.json`, { headers: { cookie } });
  expect(nodeTypes.status).toBe(200);
  expect(await nodeTypes.text()).toContain('n8n-nodes-oauth2-connectors.deployteq');
});

test('the three sandbox credentials pass n8n\'s credential test, as the dialog\'s Test runs it; the generic one calls its Test URL', async () => {
  const rest = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${editorUrl}rest${route}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    for (const secret of FIXTURE_SECRETS) expect(text).not.toContain(secret);
    expect(res.status).toBe(200);
    return (JSON.parse(text) as { data: Record<string, unknown> }).data;
  };
  for (const [id, type] of [['demoDeployteq001', 'deployteqOAuth2Api'], ['demoZendesk00001', 'zendeskChatOAuth2Api'], ['demoGeneric00001', 'advancedOAuth2Api']]) {
    // the dialog sends the stored data back (secrets blanked; n8n puts the stored ones in)
    const stored = await rest('GET', `/credentials/${id}?includeData=true`);
    const before = await countersUntil(sandboxUrl, () => true);
    const result = await rest('POST', '/credentials/test', { credentials: { id, name: stored.name, type, data: stored.data } });
    expect({ id, ...result }).toEqual({ id, status: 'OK', message: 'Connection successful!' });
    if (type === 'advancedOAuth2Api') {
      expect((stored.data as Record<string, unknown>).testUrl).toBe(`${sandboxUrl}/generic/api/me`);
      const after = await countersUntil(sandboxUrl, (c) => c.apiRequestsByProvider.generic > before.apiRequestsByProvider.generic);
      expect(after.apiRequestsByProvider.generic - before.apiRequestsByProvider.generic).toBe(1);
    }
  }
});

test('Ctrl-C stops n8n and the sandbox: exit code 0, ports closed, demo folder removed, nothing secret printed', async () => {
  const editorPort = Number(new URL(editorUrl).port);
  const sandboxPort = Number(new URL(sandboxUrl).port);
  expect(await portAccepts(editorPort)).toBe(true);
  demo.child.kill('SIGINT');
  expect(await demo.exit(40_000)).toEqual({ code: 0, signal: null });
  expect(await portAccepts(editorPort)).toBe(false);
  expect(await portAccepts(sandboxPort)).toBe(false);
  expect(fs.existsSync(loginFile)).toBe(false);
  const output = demo.output();
  for (const secret of [...FIXTURE_SECRETS, password]) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/access_token|refresh_token|Bearer [A-Za-z0-9]/);
});
