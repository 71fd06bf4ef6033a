// `npm start` (scripts/demo.js) as a newcomer runs it: the provider sandbox and an embedded
// Node-RED with this package and the demo flow. Free ports; waits (bounded) for the ready line,
// then checks the editor, the deployed flow, what the flow did at the sandbox (on deploy and on an
// inject button), that no fixture secret was printed, and that Ctrl-C (SIGINT) stops everything
// with exit code 0 and closes both ports. Needs dist/ (`npm test` builds first).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countersUntil, FIXTURE_SECRETS, portAccepts, ROOT, startDemo, type DemoProcess } from './support';

jest.setTimeout(90_000);

const PACKAGE_TYPES = ['deployteq-oauth2', 'zendesk-chat-oauth2', 'oauth2-client', 'deployteq-webhook', 'zendesk-chat', 'oauth2-request', 'oauth2-health'];

let demo: DemoProcess;
let editorUrl = '';
let sandboxUrl = '';

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'sandbox', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  demo = startDemo('demo.js', { DEMO_PORT: '0', DEMO_SANDBOX_PORT: '0', DEMO_SKIP_BUILD: '1' });
  editorUrl = (await demo.waitFor(/Demo ready: (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1];
  const sandbox = demo.output().match(/Provider sandbox\s+(http:\/\/127\.0\.0\.1:\d+)\//);
  if (!sandbox) throw new Error(`no sandbox URL printed:\n${demo.output()}`);
  sandboxUrl = sandbox[1];
});

afterAll(async () => {
  await demo?.kill();
});

test('prints the editor, the sandbox and its index page, and what to look at', () => {
  const output = demo.output();
  expect(output).toContain('Node-RED editor');
  expect(output).toMatch(/Provider sandbox\s+http:\/\/127\.0\.0\.1:\d+\/\s+\(index page/);
  expect(output).toContain('What to look at');
  // Node-RED 5 (4.1 ends its life on 2026-12-31), under Node 24 from the tool cache
  expect(output).toMatch(/OAuth2 connectors demo: Node-RED 5\.\d+\.\d+ with/);
  expect(output).toMatch(/Deployteq webhook deliveries: [1-9]\d* \(ok\)/);
});

test('the editor answers and the demo flow with every node of the package is deployed', async () => {
  const page = await fetch(editorUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('red/red.min.js');
  expect(html).toContain('<title>OAuth2 connectors demo</title>');

  const res = await fetch(`${editorUrl}flows`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const flows = JSON.parse(text) as Array<{ type: string; url?: string; tokenUrl?: string; authBaseUrl?: string; baseUrl?: string }>;
  const types = new Set(flows.map((n) => n.type));
  for (const type of [...PACKAGE_TYPES, 'inject', 'debug', 'catch']) expect(types).toContain(type);
  // every provider address is the sandbox's
  const urls = flows.flatMap((n) => [n.url, n.tokenUrl, n.authBaseUrl, n.baseUrl]).filter((u): u is string => typeof u === 'string' && u !== '');
  expect(urls.length).toBeGreaterThanOrEqual(5);
  for (const url of urls) expect(url.startsWith(sandboxUrl)).toBe(true);
  for (const secret of FIXTURE_SECRETS) expect(text).not.toContain(secret);

  // the package is loaded as a module from the user dir
  const nodes = await fetch(`${editorUrl}nodes`, { headers: { accept: 'application/json' } });
  const sets = (await nodes.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: unknown }>;
  const ours = sets.filter((s) => s.module === 'node-red-contrib-oauth2-connectors');
  expect(ours.flatMap((s) => s.types).sort()).toEqual([...PACKAGE_TYPES].sort());
  for (const set of ours) {
    expect(set.enabled).toBe(true);
    expect(set.err).toBeFalsy();
  }
});

test('on deploy the flow made a Deployteq delivery and Zendesk and generic API requests at the sandbox', async () => {
  const c = await countersUntil(sandboxUrl, (x) => x.deliveries >= 1 && x.apiRequestsByProvider.zendesk >= 2 && x.apiRequestsByProvider.generic >= 1);
  expect(c.deliveries).toBeGreaterThanOrEqual(1);
  expect(c.apiRequestsByProvider.zendesk).toBeGreaterThanOrEqual(2);
  expect(c.apiRequestsByProvider.generic).toBeGreaterThanOrEqual(1);
  for (const provider of ['deployteq', 'zendesk', 'generic']) expect(c.tokenRequestsByProvider[provider]).toBeGreaterThanOrEqual(1);

  const deliveries = (await (await fetch(`${sandboxUrl}/_sandbox/deliveries`)).json()) as Array<{ webhookId: string; body: { email?: string } }>;
  expect(deliveries.some((d) => d.webhookId === 'node-red-demo' && d.body.email === 'ada@example.test')).toBe(true);
});

test('an inject button runs a row again (Deployteq: one more delivery)', async () => {
  const before = await countersUntil(sandboxUrl, (x) => x.deliveries >= 1);
  const flows = (await (await fetch(`${editorUrl}flows`)).json()) as Array<{ id: string; type: string; wires?: string[][] }>;
  const webhook = flows.find((n) => n.type === 'deployteq-webhook');
  const inject = flows.find((n) => n.type === 'inject' && n.wires?.[0]?.includes(webhook?.id ?? ''));
  expect(inject).toBeDefined();
  const res = await fetch(`${editorUrl}inject/${inject?.id}`, { method: 'POST' });
  expect(res.status).toBe(200);
  const after = await countersUntil(sandboxUrl, (x) => x.deliveries > before.deliveries);
  expect(after.deliveries).toBe(before.deliveries + 1);
});

test('Ctrl-C stops Node-RED and the sandbox: exit code 0, both ports closed, no secret printed', async () => {
  const editorPort = Number(new URL(editorUrl).port);
  const sandboxPort = Number(new URL(sandboxUrl).port);
  expect(await portAccepts(editorPort)).toBe(true);
  demo.child.kill('SIGINT');
  expect(await demo.exit(20_000)).toEqual({ code: 0, signal: null });
  expect(await portAccepts(editorPort)).toBe(false);
  expect(await portAccepts(sandboxPort)).toBe(false);
  const output = demo.output();
  for (const secret of FIXTURE_SECRETS) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/access_token|refresh_token|Bearer [A-Za-z0-9]/);
});
