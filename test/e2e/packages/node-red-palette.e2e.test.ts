// Issue #9 item 7, Node-RED: a real Node-RED 5.0 (Node 24, from the tool cache) installs the packed
// tarball through its palette manager's admin API (POST /nodes, a local file), as "Manage palette"
// does; a flow with its nodes runs against the provider sandbox; its examples show under
// Import → Examples; removing it through the palette manager leaves nothing behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { tempUserDir } from '../../node-red/support/helper';
import { startRuntime, type Runtime } from '../../node-red/support/runtime';
import { packed } from './support';

const { ensureNodeRed5 } = require('../../../scripts/node-red-cache.js');

jest.setTimeout(10 * 60_000);

const ADMIN = { username: 'admin', password: 'palette-test-password' };
const pkg = packed().nodeRed;
let sandbox: Sandbox;
let runtime: Runtime;
let userDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 10 * 60_000 });
  const { nodeRedDir, nodeBin } = ensureNodeRed5();
  userDir = tempUserDir('nr-palette-');
  runtime = await startRuntime({ nodeRedDir, nodeBin, userDir, linkPackage: false, allowInstall: true, admin: ADMIN, maxLifetimeMs: 8 * 60_000 });
  await runtime.login();
}, 20 * 60_000);
afterAll(async () => {
  await runtime?.stop();
  await sandbox?.close();
});

const ours = async () => {
  const res = await runtime.admin('GET', 'nodes', undefined, { accept: 'application/json' });
  return (res.body as Array<{ module: string; types: string[] }>).filter((set) => set.module === pkg.name);
};

it('Node-RED 5 installs the tarball through the palette manager, runs a flow, lists the examples, and removes it cleanly', async () => {
  expect(runtime.version).toMatch(/^5\.0\./);
  expect(await ours()).toEqual([]);

  const installed = await runtime.admin('POST', 'nodes', { module: pkg.name, url: pkg.tarball });
  expect(installed.status).toBe(200);
  expect((installed.body as { name: string; version: string }).name).toBe(pkg.name);
  const sets = await ours();
  expect(sets.flatMap((s) => s.types).sort()).toEqual(['deployteq-oauth2', 'deployteq-webhook', 'oauth2-client', 'oauth2-health', 'oauth2-request', 'zendesk-chat', 'zendesk-chat-oauth2']);
  const moduleDir = path.join(userDir, 'node_modules', pkg.name);
  expect(fs.lstatSync(moduleDir).isSymbolicLink()).toBe(false);
  expect(Object.keys(JSON.parse(fs.readFileSync(path.join(userDir, 'package.json'), 'utf8')).dependencies)).toContain(pkg.name);

  // a flow with the installed nodes: http in → deployteq-webhook (client credentials) → http response
  await runtime.deploy([
    { id: 'tab1', type: 'tab', label: 'installed' },
    { id: 'dt', type: 'deployteq-oauth2', name: 'Deployteq', clientId: 'dt-client', grantType: 'client_credentials', authBaseUrl: `${sandbox.url}/deployteq`, scopes: 'apps.webhook:execute', credentials: { clientSecret: 'dt-secret+%:&/x' } },
    { id: 'in', z: 'tab1', type: 'http in', url: '/installed', method: 'post', wires: [['wh']] },
    { id: 'wh', z: 'tab1', type: 'deployteq-webhook', deployteq: 'dt', url: sandbox.webhookUrl('palette'), wires: [['out']] },
    { id: 'out', z: 'tab1', type: 'http response', statusCode: '', headers: {} },
  ]);
  let answer: Response | undefined;
  for (let i = 0; i < 100 && (!answer || answer.status === 404); i++) {
    answer = await fetch(`${runtime.url}/api/installed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'palette@example.test' }) });
    if (answer.status === 404) await new Promise((r) => setTimeout(r, 100));
  }
  expect(answer?.status).toBe(200);
  expect(sandbox.deliveries.filter((d) => d.webhookId === 'palette').map((d) => d.body)).toEqual([{ email: 'palette@example.test' }]);

  // Import → Examples lists the package's example flows
  const examples = await runtime.admin('GET', 'library/examples/flows/');
  expect(examples.status).toBe(200);
  expect(examples.body).toContain(pkg.name);
  const listed = JSON.stringify((await runtime.admin('GET', `library/examples/flows/${encodeURIComponent(pkg.name)}`)).body);
  const files = fs.readdirSync(path.join(pkg.dir, 'examples')).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const file of files) expect(listed).toContain(file.replace(/\.json$/, ''));
  const one = await runtime.admin('GET', `library/examples/flows/${encodeURIComponent(pkg.name)}/${encodeURIComponent('Deployteq webhook')}`);
  expect((one.body as Array<{ type: string }>).map((n) => n.type)).toContain('deployteq-webhook');

  // removal through the palette manager: the flow must not use the nodes any more
  await runtime.deploy([{ id: 'tab1', type: 'tab', label: 'empty' }]);
  const removed = await runtime.admin('DELETE', `nodes/${pkg.name}`);
  expect(removed.status).toBe(204);
  expect(await ours()).toEqual([]);
  expect(fs.existsSync(moduleDir)).toBe(false);
  expect(Object.keys(JSON.parse(fs.readFileSync(path.join(userDir, 'package.json'), 'utf8')).dependencies ?? {})).not.toContain(pkg.name);
});
