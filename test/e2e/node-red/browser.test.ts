// A real browser (Debian chromium driven by playwright-core, no browser download) against an
// embedded Node-RED 4.1 with adminAuth and httpAdminRoot /admin: log in, add a deployteq-oauth2
// config node from a webhook node's dialog, type the client settings, click Authorize, approve on
// the sandbox's consent page in the popup, and see the authorized state (scopes, expiry) in the
// dialog; then deploy and check the deployed node holds the tokens. Keeps a screenshot for the
// README at docs/images/node-red-authorize.png.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EDITOR_DESCRIPTIONS } from '../../../lib/providers/editor-descriptions';
import { GENERIC_SETTINGS } from '../../../lib/providers/generic/settings';
import { NODE_RED_CONFIG_TYPES } from '../../../lib/providers/registry';
import { SETTING_SECTIONS } from '../../../lib/providers/setting-ui';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { startEditorBrowser, type Any, type EditorBrowser } from '../../node-red/support/editor-browser';
import { startOidcProvider } from '../../support/oidc-provider';
import { startProtectedResource } from '../../support/protected-resource';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const ADMIN = { username: 'admin', password: 'browser-test-password' };
// The README's screenshot is (re)written only when missing or with UPDATE_SCREENSHOTS=1, so a normal
// test run leaves the tracked file alone; otherwise the shot goes to the temp directory.
const README_SHOT = path.join(ROOT, 'docs', 'images', 'node-red-authorize.png');
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(README_SHOT) ? README_SHOT : path.join(os.tmpdir(), 'node-red-authorize.png');
let sandbox: Sandbox;
let editor: EditorBrowser;
let runtime: EditorBrowser['runtime'];
let browser: Any;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000, consent: 'page' });
  editor = await startEditorBrowser(ADMIN, 'nr-browser-');
  ({ runtime, browser } = editor);
}, 15 * 60_000);

afterAll(async () => {
  await editor?.close();
  await sandbox?.close();
});

const openEditor = (type: string) => editor.openEditor(type);

test('editor: add a deployteq-oauth2 config node, Authorize, approve, see the authorized state', async () => {
  const context = browser;
  const page = await openEditor('deployteq-oauth2');

  // a webhook node on the canvas, its dialog open, then "add new deployteq-oauth2 config node"
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'b0000000000000a1', type: 'deployteq-webhook', name: 'Webhook', url: '', x: 240, y: 120, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('b0000000000000a1'));
  });
  // the config nodes' helpers come from the one served script (resources/), defined once
  const loaded = await page.evaluate(() => ({
    setup: typeof (window as Any).OAuth2ConnectorsEditor?.setup,
    scripts: Array.from(document.querySelectorAll('script[src*="oauth2-editor.js"]')).map((el) => (el as HTMLScriptElement).src),
  }));
  expect(loaded.setup).toBe('function');
  expect(loaded.scripts.length).toBeGreaterThan(0);
  // the action node's labels come from its catalog in locales/en-US/ (and "Name" from core's)
  await page.waitForSelector('label[for="node-input-url"]', { state: 'visible' });
  expect((await page.textContent('label[for="node-input-url"]'))?.trim()).toBe('Endpoint');
  expect(await page.getAttribute('#node-input-url', 'placeholder')).toBe('https://… (empty: msg.url)');
  expect((await page.textContent('label[for="node-input-name"]'))?.trim()).toBe('Name');
  for (const src of loaded.scripts) expect(src).toBe(`${runtime.adminUrl}resources/node-red-contrib-oauth2-connectors/oauth2-editor.js`);

  await page.click('#node-input-btn-deployteq-add');
  await page.waitForSelector('#node-config-input-clientId', { state: 'visible' });
  await page.selectOption('#node-config-input-grantType', 'authorization_code');
  await page.fill('#node-config-input-name', 'Deployteq (sandbox)');
  await page.fill('#node-config-input-authBaseUrl', `${sandbox.url}/deployteq`);
  await page.fill('#node-config-input-clientId', 'dt-client');
  await page.fill('#node-config-input-clientSecret', 'dt-secret+%:&/x');
  await page.fill('#node-config-input-scopes', 'apps.webhook:execute offline_access');
  // the keep-alive and removal settings every config dialog shares (issue #10), in its collapsed Advanced section
  expect(await page.isVisible('#node-config-input-keepAliveHours')).toBe(false);
  // notes only where they apply: the scopes Deployteq offers, offline_access, the redirect URI (the released dialog showed 5)
  const tips = await page.evaluate(() => Array.from(document.querySelectorAll('.red-ui-tray .form-tips')).filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => (el as HTMLElement).innerText));
  expect(tips).toEqual([expect.stringMatching(/^Scopes \(space separated\): apps\.webhook:execute/), expect.stringMatching(/^Add offline_access/), 'Register exactly this redirect URL for the application in Deployteq.']);
  await page.click('#node-config-oauth2-advanced-toggle');
  await page.fill('#node-config-input-keepAliveHours', '24');
  expect(await page.isChecked('#node-config-input-revokeOnRemove')).toBe(false);
  expect(await page.isVisible('#node-config-oauth2-disconnect')).toBe(false);
  const redirect = await page.inputValue('#node-config-oauth2-redirect');
  expect(redirect).toBe(`${runtime.adminUrl}oauth2-connectors/callback`);

  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#node-config-oauth2-authorize')]);
  await popup.waitForSelector('#approve', { timeout: 30_000 });
  expect(popup.url()).not.toContain('dt-secret');
  await popup.click('#approve');
  await popup.waitForSelector('#result', { timeout: 30_000 });
  expect(await popup.getAttribute('#result', 'data-status')).toBe('success');
  expect(await popup.textContent('body')).toContain('You may close this window');
  expect(popup.url().startsWith(`${runtime.adminUrl}oauth2-connectors/callback?`)).toBe(true);

  await page.waitForSelector('#node-config-oauth2-status[data-state="authorized"]', { timeout: 30_000 });
  const statusText = await page.textContent('#node-config-oauth2-status');
  expect(statusText).toContain('Authorized');
  expect(statusText).toContain('apps.webhook:execute offline_access');
  expect(statusText).toMatch(/expires: .*\d/);
  expect(statusText).not.toMatch(/dt-secret/);
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  // the README's picture: the new authorization's status in view, no notification over the title
  await page.setViewportSize({ width: 1400, height: 1300 });
  await page.evaluate(() => {
    document.querySelectorAll('.red-ui-notification').forEach((n) => n.remove());
    document.querySelector('#node-config-oauth2-status')?.scrollIntoView({ block: 'end' });
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: SCREENSHOT });
  await page.setViewportSize({ width: 1400, height: 900 });

  // add the config node, close the webhook dialog, deploy: the deployed node finds its tokens
  const configId = await page.evaluate(() => {
    (window as Any).$('#node-config-dialog-ok').trigger('click');
    return null;
  });
  expect(configId).toBeNull();
  await page.waitForSelector('#node-config-input-clientId', { state: 'detached' });
  await page.click('#node-dialog-ok');
  const id = await page.evaluate(() => {
    const RED = (window as Any).RED;
    return RED.nodes.node('b0000000000000a1').deployteq;
  });
  expect(id).toMatch(/\w+/);
  await page.click('#red-ui-header-button-deploy');
  const tokenRequests = sandbox.counters.tokenRequests;
  const status = await (async () => {
    for (let i = 0; i < 100; i++) {
      const res = await runtime.admin('GET', `oauth2-connectors/deployteq-oauth2/${id}/status`);
      const body = res.body as Any;
      if (body?.tokens?.authorized && body.tokens.state === 'valid') return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the deployed config node did not report its tokens');
  })();
  expect(status.tokens).toMatchObject({ authorized: true, hasRefreshToken: true, scope: 'apps.webhook:execute offline_access' });
  expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.authorization_code).toBe(1);
  expect(sandbox.counters.tokenRequests).toBe(tokenRequests);
  expect(await page.evaluate((configId: string) => (window as Any).RED.nodes.node(configId).keepAliveHours, id)).toBe('24');

  // Disconnect (issue #10): reopen the config dialog, confirm, the tokens are gone
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.editor.edit(RED.nodes.node('b0000000000000a1'));
  });
  await page.click('#node-input-btn-deployteq-edit');
  await page.waitForSelector('#node-config-oauth2-status[data-state="authorized"]', { timeout: 15_000 });
  expect(await page.inputValue('#node-config-input-keepAliveHours')).toBe('24');
  await page.click('#node-config-oauth2-disconnect');
  await page.click('#node-config-oauth2-disconnect-confirm');
  await page.waitForSelector('#node-config-oauth2-status[data-state^="disconnected"]', { timeout: 15_000 });
  expect(await page.textContent('#node-config-oauth2-status')).toMatch(/Disconnected: the provider has no revocation endpoint; the tokens were deleted here/);
  expect(await page.isVisible('#node-config-oauth2-disconnect')).toBe(false);
  const after = (await runtime.admin('GET', `oauth2-connectors/deployteq-oauth2/${id}/status`)).body as Any;
  expect(after.tokens).toMatchObject({ authorized: false });
});

test('editor: an authorization URL other than http(s) is never opened (issue #8 item 1)', async () => {
  const context = browser;
  const page = await openEditor('oauth2-client');
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'b0000000000000b1', type: 'oauth2-request', name: 'Request', url: '', x: 240, y: 220, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('b0000000000000b1'));
  });
  await page.click('#node-input-btn-client-add');
  await page.waitForSelector('#node-config-input-tokenUrl', { state: 'visible' });
  await page.selectOption('#node-config-input-grantType', 'authorization_code');
  await page.fill('#node-config-input-tokenUrl', `${sandbox.url}/generic/oauth2/token`);
  await page.fill('#node-config-input-clientId', 'gen-client');
  await page.fill('#node-config-input-clientSecret', 'gen-secret');
  const popups: unknown[] = [];
  context.on('page', (p: unknown) => popups.push(p));

  // the server refuses such a URL in the settings
  await page.fill('#node-config-input-authorizationUrl', 'javascript:window.__pwned=1//');
  await page.click('#node-config-oauth2-authorize');
  await page.waitForSelector('#node-config-oauth2-status[data-state="error"]', { timeout: 15_000 });
  expect(await page.textContent('#node-config-oauth2-status')).toMatch(/authorization URL must be an https: URL/);

  // and the editor refuses one even if a server answered with it (an older or compromised runtime)
  await page.fill('#node-config-input-authorizationUrl', `${sandbox.url}/generic/oauth2/authorize`);
  await page.route('**/oauth2-connectors/oauth2-client/*/authorize', (route: Any) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ authorizeUrl: 'javascript:window.__pwned=1//', redirectUri: 'x', expiresAt: 0 }) }));
  await page.click('#node-config-oauth2-authorize');
  await page.waitForSelector('#node-config-oauth2-status[data-state="error"]', { timeout: 15_000 });
  expect(await page.textContent('#node-config-oauth2-status')).toMatch(/not an http\(s\) URL; it was not opened/);
  await page.waitForTimeout(500);
  expect(popups).toHaveLength(0);
  expect(await page.evaluate(() => (window as Any).__pwned)).toBeUndefined();
  expect(await page.locator('#node-config-oauth2-status a').count()).toBe(0);
  await page.close();
});

test('editor: every option of the config dialogs\' selects fits its select; dialog titles are human (issue #11 item 5)', async () => {
  const page = await openEditor('oauth2-client');
  const cut: string[] = [];
  const titles: string[] = [];
  for (const [type, host] of [['deployteq-oauth2', 'deployteq-webhook'], ['zendesk-chat-oauth2', 'zendesk-chat'], ['oauth2-client', 'oauth2-request']]) {
    const property = { 'deployteq-webhook': 'deployteq', 'zendesk-chat': 'zendesk', 'oauth2-request': 'client' }[host] as string;
    await page.evaluate(({ host: hostType }: { host: string }) => {
      const RED = (window as Any).RED;
      const id = `b00000000000${hostType.length}c1`;
      RED.view.importNodes([{ id, type: hostType, name: 'probe', x: 200, y: 300, wires: [] }], { generateIds: false });
      RED.editor.edit(RED.nodes.node(id));
    }, { host });
    await page.click(`#node-input-btn-${property}-add`);
    await page.waitForSelector('#node-config-input-name', { state: 'visible' });
    titles.push(await page.evaluate(() => (document.querySelector('.red-ui-tray:last-of-type .red-ui-tray-titlebar') as HTMLElement | null)?.innerText ?? ''));
    // each option's text, in the select's own font, against the room the select leaves for it
    const found = await page.evaluate(() => {
      const out: string[] = [];
      const canvas = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
      for (const select of Array.from(document.querySelectorAll('.red-ui-tray select')) as HTMLSelectElement[]) {
        if (!select.offsetParent) continue;
        const style = getComputedStyle(select);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16; // the arrow
        for (const option of Array.from(select.options)) {
          const width = canvas.measureText(option.text).width;
          if (width > room) out.push(`${select.id}: "${option.text}" needs ${Math.ceil(width)} px, has ${Math.floor(room)}`);
        }
      }
      return out;
    });
    cut.push(...(found as string[]).map((f) => `${type} ${f}`));
    await page.click('#node-config-dialog-cancel');
    await page.click('#node-dialog-cancel');
  }
  expect(cut).toEqual([]);
  // the tray's title shows the edit stack: the host node, then the config node by its palette label
  expect(titles.map((t) => t.replace(/^.*node(?=Add new)/, ''))).toEqual(['Add new Deployteq OAuth2 config node', 'Add new Zendesk Chat OAuth2 config node', 'Add new OAuth2 client config node']);
  for (const title of titles) expect(title).not.toMatch(/deployteq-oauth2|zendesk-chat-oauth2|oauth2-client/);
});

test('editor: a refresh token another config node holds is named in a warning, never shown (issue #15 item 9)', async () => {
  await runtime.deploy([
    { id: 'f0000000000000d1', type: 'tab', label: 'Seeded' },
    { id: 'c0000000000000d1', type: 'oauth2-client', name: 'Seeded client', grantType: 'refresh_token', clientId: 'gen-client', clientAuth: 'basic', tokenUrl: `${sandbox.url}/generic/oauth2/token`, credentials: { clientSecret: 'gen-secret', refreshToken: 'seed-shared-by-two' } },
  ]);
  const page = await openEditor('oauth2-client');
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'b0000000000000d1', type: 'oauth2-request', name: 'Request', url: '', x: 240, y: 320, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('b0000000000000d1'));
  });
  await page.click('#node-input-btn-client-add');
  await page.waitForSelector('#node-config-input-tokenUrl', { state: 'visible' });
  await page.selectOption('#node-config-input-grantType', 'refresh_token');
  await page.fill('#node-config-input-refreshToken', 'a-token-of-its-own');
  await page.dispatchEvent('#node-config-input-refreshToken', 'change');
  await page.fill('#node-config-input-refreshToken', 'seed-shared-by-two');
  await page.dispatchEvent('#node-config-input-refreshToken', 'change');
  await page.waitForSelector('#node-config-oauth2-seed-warning', { state: 'visible', timeout: 15_000 });
  const warning = await page.textContent('#node-config-oauth2-seed-warning');
  expect(warning).toMatch(/already used by Seeded client\. .*give each config node its own refresh token/);
  expect(warning).not.toContain('seed-shared-by-two');
  await page.fill('#node-config-input-refreshToken', 'a-token-of-its-own');
  await page.dispatchEvent('#node-config-input-refreshToken', 'change');
  await page.waitForTimeout(1000);
  expect(await page.isVisible('#node-config-oauth2-seed-warning')).toBe(false);
  await page.click('#node-config-dialog-cancel');
  await page.click('#node-dialog-cancel');
});

test("editor: the health node's Watch list offers every config type of the provider registry, and nothing else (issue #16 item 4)", async () => {
  const page = await openEditor('oauth2-health');
  const seen = (await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes(
      [
        { id: 'c0000000000000e1', type: 'deployteq-oauth2', name: 'D config', clientId: 'd' },
        { id: 'c0000000000000e2', type: 'zendesk-chat-oauth2', name: 'Z config', clientId: 'z', subdomain: 'acme' },
        { id: 'c0000000000000e3', type: 'oauth2-client', name: 'G config', clientId: 'g', tokenUrl: 'https://example.test/token' },
        { id: 'c0000000000000e6', type: 'tls-config', name: 'not ours' },
        { id: 'b0000000000000e4', type: 'oauth2-health', name: 'Health', x: 240, y: 420, wires: [] },
      ],
      { generateIds: false },
    );
    const configs: Array<[string, string]> = [];
    RED.nodes.eachConfig((c: Any) => {
      configs.push([c.id, c.type]);
    });
    RED.editor.edit(RED.nodes.node('b0000000000000e4'));
    return new Promise((resolve) => {
      const read = () => {
        const options = Array.from(document.querySelectorAll('#node-input-configNode option')).map((o) => (o as HTMLOptionElement).value);
        if (options.length) resolve({ options, configs });
        else setTimeout(read, 50);
      };
      read();
    });
  })) as { options: string[]; configs: Array<[string, string]> };
  expect((await page.textContent('label[for="node-input-configNode"]'))?.trim()).toBe('Watch');
  expect(await page.textContent('.red-ui-tray .form-tips code')).toBe('refresh_token_expiring');
  const ours: readonly string[] = NODE_RED_CONFIG_TYPES;
  // every config node of a registry type (also one deployed by an earlier test), the "all" choice, nothing else
  expect(seen.options).toEqual(['', ...seen.configs.filter(([, type]) => ours.includes(type)).map(([id]) => id)]);
  expect(seen.options).toEqual(expect.arrayContaining(['c0000000000000e1', 'c0000000000000e2', 'c0000000000000e3']));
  expect(seen.options).not.toContain('c0000000000000e6');
  expect(seen.configs.map(([id]) => id)).toContain('c0000000000000e6');
  await page.click('#node-dialog-cancel');
});

test('editor: the oauth2-client dialog is rendered from the settings schema: rows per grant and client auth, a collapsed Advanced section, values saved and reopened (issue #16 items 2 and 6)', async () => {
  const page = await openEditor('oauth2-client');
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'b0000000000000f1', type: 'oauth2-request', name: 'Schema', url: '', x: 240, y: 520, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('b0000000000000f1'));
  });
  await page.click('#node-input-btn-client-add');
  await page.waitForSelector('#node-config-input-tokenUrl', { state: 'visible' });
  // one row per Node-RED setting of the schema, no other
  const rows = await page.evaluate(() => Array.from(document.querySelectorAll('.oauth2-setting')).map((el) => (el as HTMLElement).dataset.setting));
  const schema = (EDITOR_DESCRIPTIONS.dialogs as Record<string, { settings: Array<{ name: string }> }>)['oauth2-client'].settings.map((s) => s.name);
  expect(rows).toEqual(['name', ...GENERIC_SETTINGS.filter((s) => !s.ui?.section && !s.nodeRed).map((s) => s.name), ...SETTING_SECTIONS.flatMap((section) => GENERIC_SETTINGS.filter((s) => s.ui?.section === section.id && !s.nodeRed).map((s) => s.name))]);
  expect([...rows].sort()).toEqual(['name', ...schema].sort());
  // a new node: Advanced is collapsed
  expect(await page.isVisible('#node-config-oauth2-advanced')).toBe(false);
  expect(await page.isVisible('#node-config-input-timeoutSec')).toBe(false);
  // rows follow the grant and the client authentication
  await page.selectOption('#node-config-input-grantType', 'client_credentials');
  expect(await page.isVisible('#node-config-input-username')).toBe(false);
  expect(await page.isVisible('#node-config-input-authorizationUrl')).toBe(false);
  await page.selectOption('#node-config-input-grantType', 'password');
  expect(await page.isVisible('#node-config-input-username')).toBe(true);
  expect(await page.isVisible('#node-config-input-privateKey')).toBe(false);
  await page.selectOption('#node-config-input-clientAuth', 'private_key_jwt');
  expect(await page.isVisible('#node-config-input-privateKey')).toBe(true);
  expect(await page.isVisible('#node-config-input-signingAlg')).toBe(true);
  await page.selectOption('#node-config-input-clientAuth', 'basic');
  expect(await page.isVisible('#node-config-input-signingAlg')).toBe(false);
  // open Advanced, type a timeout; a retry count that is no number is marked
  await page.click('#node-config-oauth2-advanced-toggle');
  expect(await page.isVisible('#node-config-input-timeoutSec')).toBe(true);
  await page.fill('#node-config-input-tokenUrl', `${sandbox.url}/generic/oauth2/token`);
  await page.fill('#node-config-input-clientId', 'gen-client');
  await page.fill('#node-config-input-timeoutSec', '12');
  await page.fill('#node-config-input-maxRetries', 'x');
  await page.dispatchEvent('#node-config-input-maxRetries', 'change');
  expect(await page.getAttribute('#node-config-input-maxRetries', 'class')).toMatch(/input-error/);
  await page.fill('#node-config-input-maxRetries', '3');
  await page.dispatchEvent('#node-config-input-maxRetries', 'change');
  expect(await page.getAttribute('#node-config-input-maxRetries', 'class') ?? '').not.toMatch(/input-error/);
  await page.evaluate(() => (window as Any).$('#node-config-dialog-ok').trigger('click'));
  await page.waitForSelector('#node-config-input-tokenUrl', { state: 'detached' });
  await page.click('#node-dialog-ok');
  await page.waitForSelector('#node-input-btn-client-edit', { state: 'detached' });
  const saved = await page.evaluate(() => {
    const RED = (window as Any).RED;
    const config = RED.nodes.node(RED.nodes.node('b0000000000000f1').client);
    return { grantType: config.grantType, clientAuth: config.clientAuth, timeoutSec: config.timeoutSec, maxRetries: config.maxRetries, pkce: config.pkce, headerPrefix: config.headerPrefix };
  });
  expect(saved).toEqual({ grantType: 'password', clientAuth: 'basic', timeoutSec: '12', maxRetries: '3', pkce: true, headerPrefix: 'Bearer' });
  // reopened: the Advanced section holding set values is open and names them
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.editor.edit(RED.nodes.node('b0000000000000f1'));
  });
  await page.click('#node-input-btn-client-edit');
  await page.waitForSelector('#node-config-input-timeoutSec', { state: 'visible' });
  expect(await page.inputValue('#node-config-input-timeoutSec')).toBe('12');
  expect(await page.textContent('#node-config-oauth2-advanced-summary')).toBe('2 set: Timeout (s), Retries');
  expect(await page.isVisible('#node-config-input-username')).toBe(true);
  await page.click('#node-config-dialog-cancel');
  await page.click('#node-dialog-cancel');
});

test('editor: Discover fills the oauth2-client dialog from the API\'s metadata and says what the server offers (issue #18 item 1)', async () => {
  const rs = await startProtectedResource(() => oidc.issuer);
  const oidc = await startOidcProvider({ clients: [], scopes: ['openid', 'tools:read'] });
  try {
    const page = await openEditor('oauth2-client');
    await page.evaluate(() => {
      const RED = (window as Any).RED;
      RED.view.importNodes([{ id: 'b0000000000000g1', type: 'oauth2-request', name: 'Discover', url: '', x: 240, y: 580, wires: [] }], { generateIds: false });
      RED.editor.edit(RED.nodes.node('b0000000000000g1'));
    });
    await page.click('#node-input-btn-client-add');
    await page.waitForSelector('#node-config-input-discoverFrom', { state: 'visible' });
    // a refused document: the error, nothing filled
    rs.metadata = () => ({ resource: 'https://elsewhere.example.test/mcp', authorization_servers: [oidc.issuer] });
    await page.fill('#node-config-input-discoverFrom', rs.apiUrl);
    await page.click('#node-config-oauth2-discover');
    await page.waitForFunction(() => /resource_mismatch/.test(document.querySelector('#node-config-oauth2-discover-result')?.textContent ?? ''));
    expect(await page.inputValue('#node-config-input-tokenUrl')).toBe('');
    rs.reset();
    await page.click('#node-config-oauth2-discover');
    await page.waitForFunction(() => /Found the authorization server/.test(document.querySelector('#node-config-oauth2-discover-result')?.textContent ?? ''));
    const filled = await page.evaluate(() => Object.fromEntries(['tokenUrl', 'authorizationUrl', 'revocationUrl', 'issuer', 'resource', 'scopes'].map((n) => [n, (document.querySelector(`#node-config-input-${n}`) as HTMLInputElement).value])));
    expect(filled).toEqual({ tokenUrl: oidc.tokenEndpoint, authorizationUrl: oidc.authorizationEndpoint, revocationUrl: oidc.revocationEndpoint, issuer: oidc.issuer, resource: rs.apiUrl, scopes: 'tools:read' });
    const result = await page.textContent('#node-config-oauth2-discover-result');
    expect(result).toContain(`Issuer: ${oidc.issuer}`);
    expect(result).toMatch(/PKCE: .*S256/);
    await page.click('#node-config-dialog-cancel');
    await page.click('#node-dialog-cancel');
  } finally {
    await oidc.stop();
    await rs.close();
  }
});

test('editor: the JWT bearer grant shows its rows and Test; Import reads a service-account JSON key into the fields (issue #18 item 4)', async () => {
  const page = await openEditor('oauth2-client');
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'b0000000000000h1', type: 'oauth2-request', name: 'Service account', url: '', x: 240, y: 640, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('b0000000000000h1'));
  });
  await page.click('#node-input-btn-client-add');
  await page.waitForSelector('#node-config-input-grantType', { state: 'visible' });
  expect(await page.isVisible('#node-config-input-jwtIssuer')).toBe(false);
  await page.selectOption('#node-config-input-grantType', 'jwt_bearer');
  for (const id of ['jwtIssuer', 'jwtSubject', 'jwtPrivateKey', 'jwtKeyId']) expect({ id, visible: await page.isVisible(`#node-config-input-${id}`) }).toEqual({ id, visible: true });
  expect(await page.isVisible('#node-config-oauth2-test')).toBe(true);
  expect(await page.isVisible('#node-config-oauth2-authorize')).toBe(false);
  // a file that is no key: said so, nothing filled
  await page.setInputFiles('#node-config-oauth2-key-file', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await page.waitForFunction(() => /Not a service-account JSON key/.test(document.querySelector('#node-config-oauth2-import-result')?.textContent ?? ''));
  expect(await page.inputValue('#node-config-input-jwtIssuer')).toBe('');
  const key = { type: 'service_account', client_email: 'robot@browser.iam.example.test', private_key: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', private_key_id: 'kid-browser', token_uri: 'https://oauth2.example.test/token' };
  await page.setInputFiles('#node-config-oauth2-key-file', { name: 'sa.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(key)) });
  await page.waitForFunction(() => /Imported the key of robot@browser/.test(document.querySelector('#node-config-oauth2-import-result')?.textContent ?? ''));
  const filled = await page.evaluate(() => Object.fromEntries(['jwtIssuer', 'jwtKeyId', 'tokenUrl', 'jwtPrivateKey'].map((n) => [n, (document.querySelector(`#node-config-input-${n}`) as HTMLInputElement).value])));
  // a one-line input drops the PEM's line breaks (the engine rebuilds them: test/unit/pem.test.ts)
  expect(filled).toEqual({ jwtIssuer: key.client_email, jwtKeyId: key.private_key_id, tokenUrl: key.token_uri, jwtPrivateKey: key.private_key.replace(/\n/g, '') });
  expect(await page.isChecked('#node-config-input-jwtScopeClaim')).toBe(true);
  expect(await page.getAttribute('#node-config-input-jwtPrivateKey', 'type')).toBe('password');
  await page.click('#node-config-dialog-cancel');
  await page.click('#node-dialog-cancel');
});

test('editor: the device grant shows the user code, opens the verification page with it, and shows the result (issue #18 item 3)', async () => {
  const oidc = await startOidcProvider({
    clients: [{ client_id: 'browser-device', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] }],
    deviceFlow: true,
    scopes: ['openid', 'api:read'],
  });
  try {
    const page = await openEditor('oauth2-client');
    await page.evaluate(() => {
      const RED = (window as Any).RED;
      RED.view.importNodes([{ id: 'b0000000000000i1', type: 'oauth2-request', name: 'Device', url: '', x: 240, y: 700, wires: [] }], { generateIds: false });
      RED.editor.edit(RED.nodes.node('b0000000000000i1'));
    });
    await page.click('#node-input-btn-client-add');
    await page.waitForSelector('#node-config-input-grantType', { state: 'visible' });
    await page.selectOption('#node-config-input-grantType', 'device_code');
    expect(await page.isVisible('#node-config-oauth2-redirect')).toBe(false); // no redirect URI needed
    await page.fill('#node-config-input-tokenUrl', oidc.tokenEndpoint);
    await page.fill('#node-config-input-deviceAuthorizationUrl', oidc.metadata.device_authorization_endpoint as string);
    await page.fill('#node-config-input-clientId', 'browser-device');
    await page.selectOption('#node-config-input-clientAuth', 'none');
    await page.fill('#node-config-input-scopes', 'openid api:read');
    const [popup] = await Promise.all([browser.waitForEvent('page'), page.click('#node-config-oauth2-authorize')]);
    const shown = await page.textContent('#node-config-oauth2-device');
    const userCode = await page.textContent('.oauth2-user-code');
    expect(shown).toContain(`Enter the code ${userCode}`);
    await popup.waitForLoadState();
    expect(popup.url()).toContain('/device');
    // the provider's pages: the code is filled in (verification_uri_complete); confirm, then the interactions approve
    await popup.waitForSelector('button[autofocus]', { timeout: 30_000 });
    await popup.click('button[autofocus]');
    await popup.waitForFunction(() => /Sign-in Success/.test(document.body.innerText), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => /Authorized|authorized/.test(document.querySelector('#node-config-oauth2-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await popup.close();
    await page.click('#node-config-dialog-cancel');
    await page.click('#node-dialog-cancel');
  } finally {
    await oidc.stop();
  }
});
