// The first hour in the n8n editor, in a real browser: a real n8n 2.41.1 server (the e2e harness's
// tool cache, a fresh user folder with this package linked in, the owner set up through the REST
// API) and the provider sandbox with a consent page, driven by Debian's chromium through
// playwright-core (test/support/chromium.ts). For Deployteq and for Zendesk Chat: sign in, create
// the credential in the UI (authorization code at the sandbox, client ID and secret of the
// sandbox's default client), check the Scopes field of the new credential shows the defaults, press
// Connect, approve on the sandbox's consent page in the popup, see "Account connected"; then run a
// workflow with the package's node on that credential from the node panel and check at the sandbox
// that the connected credential was used (one authorization_code grant, no other token request,
// the webhook delivery or the API read). Screenshots for the README go to docs/images/ (written
// when missing or with UPDATE_SCREENSHOTS=1, otherwise to the temp directory). No secret may
// appear in a popup URL, on a page at screenshot time, in a REST answer or in n8n's output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DEPLOYTEQ } from '../../../lib/providers/deployteq/description';
import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../../sandbox';
import { launchChromium, type Any, type Chromium } from '../../support/chromium';
import { PACKAGE_NAME } from './harness';
import { n8nServerScript as n8nScript, type N8nServer } from './rest';

jest.setTimeout(4 * 60_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const OWNER = { email: 'owner@example.test', firstName: 'Browser', lastName: 'Owner', password: 'Owner-pass-2041-browser' };
const SECRETS = [dt.clientSecret!, zd.clientSecret!, OWNER.password];

/** README screenshots: (re)written only when missing or with UPDATE_SCREENSHOTS=1. */
function shotPath(name: string): string {
  const readme = path.join(ROOT, 'docs', 'images', name);
  return process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(readme) ? readme : path.join(os.tmpdir(), name);
}

let sandbox: Sandbox;
let server: N8nServer | undefined;
let browser: Chromium | undefined;
let page: Any;
let work = '';
/** Every text a secret must not be in: popup URLs, page texts at screenshot time, REST answers. */
const seen: string[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'credentials', 'DeployteqOAuth2Api.credentials.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  sandbox = await startSandbox({ port: 0, consent: 'page', maxLifetimeMs: 6 * 60_000 });
  const n8n = n8nScript.ensureN8n();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-browser-'));
  const userFolder = n8nScript.createUserFolder(path.join(work, 'user'));
  // info: the leak check at the end also covers what n8n logs about the OAuth callback and the runs
  const env = await n8nScript.n8nEnv(userFolder, { N8N_LOG_LEVEL: 'info', N8N_DISABLED_MODULES: 'mcp-registry' });
  server = await n8nScript.startN8nServer(n8n, env, { maxLifetimeMs: 6 * 60_000 });
  timings.n8nReadyMs = Date.now() - started;
  const setup = await fetch(`${server.url}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  expect(setup.status).toBe(200);
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('response', async (response: Any) => {
    if (!response.url().includes('/rest/')) return;
    seen.push(await response.text().catch(() => ''));
  });
  // sign in as a user does
  await page.goto(`${server.url}/signin`);
  await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
  await page.fill('input[name=password]', OWNER.password);
  await page.click('[data-test-id=form-submit-button]');
  await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
  timings.signedInMs = Date.now() - started;
}, 3 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  n8nScript.stopAll();
  await sandbox?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`n8n editor-browser timings (ms): ${JSON.stringify(timings)}\n`);
});

/** The REST API as the signed-in editor calls it (its session cookie and browser id). */
async function rest<T = Any>(method: string, route: string, body?: unknown): Promise<T> {
  const answer = await page.evaluate(async ({ method, route, body }: { method: string; route: string; body?: unknown }) => {
    const res = await fetch(`/rest${route}`, {
      method,
      headers: { 'content-type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }, { method, route, body });
  seen.push(answer.text);
  if (answer.status !== 200) throw new Error(`${method} /rest${route}: HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  return (JSON.parse(answer.text) as { data: T }).data;
}

/** Opens "Create credential" for a type, as Overview → Create credential does. Returns the dialog. */
async function newCredential(typeName: string): Promise<Any> {
  await page.goto(`${server!.url}/home/credentials/create`);
  await page.click('[data-test-id=new-credential-type-select] input');
  await page.keyboard.type(typeName);
  await page.click(`[data-test-id=new-credential-type-select-option]:has-text("${typeName}")`);
  await page.click('[data-test-id=new-credential-type-button]');
  const dialog = page.locator('[data-test-id=editCredential-modal]');
  await dialog.locator('[data-test-id=credential-connection-parameter]').first().waitFor({ timeout: 30_000 });
  return dialog;
}

/** A field of the credential form, by its label. */
const field = (dialog: Any, label: string): Any => dialog.locator('[data-test-id=credential-connection-parameter]').filter({ has: page.locator('label', { hasText: new RegExp(`^\\s*${label}\\b`) }) });

/** The chips a multi-select shows. */
async function chips(select: Any): Promise<string[]> {
  return (await select.locator('.el-tag').allInnerTexts()).map((t: string) => t.trim()).filter(Boolean);
}

/** Clicks options of a dropdown (a multi-select toggles each), then closes it. */
async function choose(select: Any, options: string[]): Promise<void> {
  await select.locator('.el-select').first().click();
  for (const option of options) await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
  if (await page.locator('.el-select-dropdown__item:visible').count()) await page.keyboard.press('Escape');
  await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

async function fill(dialog: Any, name: string, value: string): Promise<void> {
  await dialog.locator(`[data-test-id=parameter-input-${name}] input`).fill(value);
}

/**
 * Connect → the sandbox's consent page in the popup → Approve; waits for "Account connected".
 * Returns the scopes the consent page listed (what n8n asked for).
 */
async function connect(dialog: Any, provider: 'deployteq' | 'zendesk'): Promise<string[]> {
  const [popup] = await Promise.all([browser!.context.waitForEvent('page', { timeout: 30_000 }), dialog.locator('[data-test-id=quick-connect-button]').click()]);
  await popup.waitForSelector('#approve', { timeout: 30_000 });
  const consentUrl = popup.url();
  seen.push(consentUrl, await popup.innerText('body'));
  expect(consentUrl.startsWith(sandbox.endpoints[provider].authorize)).toBe(true);
  const requested = (await popup.locator('#scopes li').allInnerTexts()).map((t: string) => t.trim());
  await popup.click('#approve');
  await dialog.locator('[data-test-id=oauth-connect-success-banner]').waitFor({ timeout: 30_000 });
  expect(await dialog.locator('[data-test-id=oauth-connect-success-banner]').innerText()).toContain('Account connected');
  return requested;
}

/** A screenshot of the page; its text goes to the leak check. */
async function screenshot(name: string): Promise<void> {
  seen.push(await page.innerText('body'));
  await page.mouse.move(700, 895); // no hover effects in the picture
  const file = shotPath(name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
}

/** The id of the credential the dialog saved (by its name). */
async function credentialId(dialog: Any): Promise<{ id: string; name: string }> {
  const name = (await dialog.locator('[data-test-id=credential-name] [data-test-id=inline-edit-preview]').innerText()).trim();
  const list = await rest<Array<{ id: string; name: string }>>('GET', '/credentials');
  const found = list.find((c) => c.name === name);
  if (!found) throw new Error(`no saved credential named ${name}`);
  return found;
}

/** Creates a workflow (manual trigger → node) through the REST API and opens its node's panel. */
async function openNodePanel(name: string, node: Record<string, unknown>): Promise<Any> {
  const workflow = await rest<{ id: string }>('POST', '/workflows', {
    name,
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { id: 'node', position: [260, 0], typeVersion: 1, ...node },
    ],
    connections: { Start: { main: [[{ node: String(node.name), type: 'main', index: 0 }]] } },
  });
  await page.goto(`${server!.url}/workflow/${workflow.id}`);
  const canvasNode = page.locator(`[data-test-id=canvas-node][data-node-name="${String(node.name)}"]`);
  await canvasNode.waitFor({ timeout: 30_000 });
  await canvasNode.dblclick();
  const panel = page.locator('[data-test-id=ndv]');
  await panel.locator('[data-test-id=node-execute-button]').waitFor({ timeout: 30_000 });
  return panel;
}

/** "Execute step" in the node panel; waits for the output panel to show `expected` in the node's items. */
async function executeStep(panel: Any, expected: string): Promise<string> {
  await panel.locator('[data-test-id=node-execute-button]').click();
  const output = panel.locator('[data-test-id=output-panel]');
  await output.getByText(expected).first().waitFor({ timeout: 60_000 });
  return output.innerText();
}

async function counters(ok: (c: Sandbox['counters']) => boolean): Promise<Sandbox['counters']> {
  for (let i = 0; i < 100; i++) {
    const c = sandbox.counters;
    if (ok(c)) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
  return sandbox.counters;
}

test('Deployteq: new credential with the default scope preselected, authorization code at the sandbox, Connect, approve, "Account connected"; the node delivers with it', async () => {
  const started = Date.now();
  const dialog = await newCredential('Deployteq OAuth2 API');

  // a new credential shows the description's default scopes (issue: it started empty)
  const scopes = field(dialog, 'Scopes');
  await scopes.scrollIntoViewIfNeeded();
  expect(await chips(scopes)).toEqual(['Execute Webhooks (apps.webhook:execute)']);
  await screenshot('n8n-deployteq-new-credential.png');
  // without apps.webhook:execute a notice says it is required, before anyone connects
  const notice = dialog.getByText(/Without the scope Execute Webhooks \(apps\.webhook:execute\)/);
  expect(await notice.count()).toBe(0);
  await choose(scopes, ['Execute Webhooks', 'Stay Connected']);
  expect(await chips(scopes)).toEqual(['Stay Connected (offline_access)']);
  await notice.waitFor({ timeout: 5000 });
  await choose(scopes, ['Execute Webhooks']);
  expect((await chips(scopes)).sort()).toEqual(['Execute Webhooks (apps.webhook:execute)', 'Stay Connected (offline_access)']);
  await notice.waitFor({ state: 'detached', timeout: 5000 });

  // authorization code at the sandbox: its Deployteq base URL as the custom auth base URL
  await choose(field(dialog, 'Grant Type'), ['Authorization Code']);
  await choose(field(dialog, 'Auth Host'), ['Custom URL']);
  await fill(dialog, 'customAuthBaseUrl', `${sandbox.url}/deployteq`);
  await fill(dialog, 'clientId', dt.clientId);
  await fill(dialog, 'clientSecret', dt.clientSecret!);
  // the credential's documentation link
  expect(await dialog.locator('a', { hasText: /docs/i }).first().getAttribute('href')).toBe(DEPLOYTEQ.documentationUrl);

  expect((await connect(dialog, 'deployteq')).sort()).toEqual(['apps.webhook:execute', 'offline_access']);
  const afterConnect = await counters((c) => c.tokenRequestsByProviderGrant.deployteq.authorization_code === 1);
  expect(afterConnect.tokenRequestsByProviderGrant.deployteq).toEqual({ authorization_code: 1 });
  expect(afterConnect.lastTokenRequestByProvider.deployteq?.clientAuth).toMatch(/^client_secret_basic/);
  await dialog.locator('[data-test-id=oauth-connect-success-banner]').scrollIntoViewIfNeeded();
  await screenshot('n8n-deployteq-credential.png');
  timings.deployteqConnectedMs = Date.now() - started;

  const credential = await credentialId(dialog);
  const panel = await openNodePanel('Deployteq from the browser', {
    name: 'Deployteq',
    type: `${PACKAGE_NAME}.deployteq`,
    credentials: { deployteqOAuth2Api: credential },
    parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('n8n-browser'), bodySource: 'raw', jsonBody: '={{ { "email": "ada@example.test", "source": "n8n editor" } }}', delivery: 'perItem', options: {} },
  });
  // the node's documentation link (n8n adds its utm_ query)
  const docs = new URL(String(await panel.locator('a', { hasText: 'Docs' }).first().getAttribute('href')));
  expect(`${docs.origin}${docs.pathname}`).toBe(DEPLOYTEQ.documentationUrl);
  const output = await executeStep(panel, 'ada@example.test');
  expect(output).toMatch(/1 item/);
  const c = await counters((x) => x.deliveries >= 1);
  expect(c.deliveries).toBe(1);
  expect(sandbox.deliveries.map((d) => [d.webhookId, d.body])).toEqual([['n8n-browser', { email: 'ada@example.test', source: 'n8n editor' }]]);
  // the run used the connected credential's token: no other grant, no refresh
  expect(c.tokenRequestsByProviderGrant.deployteq).toEqual({ authorization_code: 1 });
  await screenshot('n8n-deployteq-node.png');
  timings.deployteqMs = Date.now() - started;
});

test('Zendesk Chat: new credential with the default scope, authorization code with subdomain at the sandbox (client secret in the body), Connect, approve; the node reads the account with it', async () => {
  const started = Date.now();
  const dialog = await newCredential('Zendesk Chat OAuth2 API');
  const scopes = field(dialog, 'Scopes');
  await scopes.scrollIntoViewIfNeeded();
  expect(await chips(scopes)).toEqual(['Read (read)']);
  expect(await dialog.getByText(/Without the scope Read \(read\)/).count()).toBe(0);

  // authorization code is the default grant here
  expect(await field(dialog, 'Grant Type').locator('input').first().inputValue()).toBe('Authorization Code');
  await fill(dialog, 'subdomain', 'acme');
  await fill(dialog, 'baseUrl', `${sandbox.url}/zendesk`);
  await fill(dialog, 'clientId', zd.clientId);
  await fill(dialog, 'clientSecret', zd.clientSecret!);
  expect(await connect(dialog, 'zendesk')).toEqual(['read']);
  const afterConnect = await counters((c) => c.tokenRequestsByProviderGrant.zendesk.authorization_code === 1);
  expect(afterConnect.tokenRequestsByProviderGrant.zendesk).toEqual({ authorization_code: 1 });
  expect(afterConnect.lastTokenRequestByProvider.zendesk?.clientAuth).toMatch(/^client_secret_post/);
  timings.zendeskConnectedMs = Date.now() - started;

  const credential = await credentialId(dialog);
  const api = sandbox.counters.apiRequestsByProvider.zendesk;
  const panel = await openNodePanel('Zendesk Chat from the browser', {
    name: 'Zendesk Chat',
    type: `${PACKAGE_NAME}.zendeskChat`,
    credentials: { zendeskChatOAuth2Api: credential },
    parameters: { authentication: 'oAuth2', resource: 'account', operation: 'get' },
  });
  const output = await executeStep(panel, 'acme-sandbox-account');
  expect(output).toMatch(/1 item/);
  const c = await counters((x) => x.apiRequestsByProvider.zendesk > api);
  expect(c.apiRequestsByProvider.zendesk - api).toBe(1);
  expect(c.tokenRequestsByProviderGrant.zendesk).toEqual({ authorization_code: 1 });
  timings.zendeskMs = Date.now() - started;
});

test('no secret in popup URLs, page texts at screenshot time, REST answers, or n8n\'s output', () => {
  const text = `${seen.join('\n')}\n${server!.output()}`;
  expect(seen.length).toBeGreaterThan(10);
  const leaked = SECRETS.filter((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)));
  expect(leaked).toEqual([]);
});
