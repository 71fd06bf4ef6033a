// `npm start` (scripts/demo.js) as a newcomer runs it: the provider sandbox and an embedded
// Node-RED with this package and the demo flow. Free ports; waits (bounded) for the ready line,
// then checks the editor, the deployed flow, what the flow did at the sandbox (on deploy and on an
// inject button), that no fixture secret was printed, and that Ctrl-C (SIGINT) stops everything
// with exit code 0 and closes both ports. Needs dist/ (`npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..', '..');
const SECRETS = ['dt-secret+%:&/x', 'dt-secret', 'zd-secret', 'gen-secret', 'agent-pass', 'user-pass'];
const PACKAGE_TYPES = ['deployteq-oauth2', 'zendesk-chat-oauth2', 'oauth2-client', 'deployteq-webhook', 'zendesk-chat', 'oauth2-request'];

let child: ChildProcess | undefined;
let output = '';
let editorUrl = '';
let sandboxUrl = '';

interface Counters {
  deliveries: number;
  tokenRequestsByProvider: Record<string, number>;
  apiRequestsByProvider: Record<string, number>;
}

function waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output.match(pattern);
      if (match) {
        done();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the demo exited (${code}) before ${pattern}:\n${output}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child?.stdout?.off('data', check);
      child?.off('exit', onExit);
    };
    child?.stdout?.on('data', check);
    child?.once('exit', onExit);
    check();
  });
}

function exitOf(proc: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function counters(): Promise<Counters> {
  const res = await fetch(`${sandboxUrl}/_sandbox/counters`);
  expect(res.status).toBe(200);
  return (await res.json()) as Counters;
}

/** Polls the sandbox counters (bounded) until `ok` holds; returns the last reading. */
async function countersUntil(ok: (c: Counters) => boolean, timeoutMs = 15_000): Promise<Counters> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await counters();
    if (ok(c) || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'sandbox', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_PORT: '0', DEMO_SANDBOX_PORT: '0', DEMO_SKIP_BUILD: '1' };
  delete env.NODE_OPTIONS;
  child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const ready = await waitFor(/Demo ready: (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000);
  editorUrl = ready[1];
  const sandbox = output.match(/Provider sandbox\s+(http:\/\/127\.0\.0\.1:\d+)\//);
  if (!sandbox) throw new Error(`no sandbox URL printed:\n${output}`);
  sandboxUrl = sandbox[1];
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exitOf(child, 5000);
  }
});

test('prints the editor, the sandbox and its index page, and what to look at', () => {
  expect(output).toContain('Node-RED editor');
  expect(output).toMatch(/Provider sandbox\s+http:\/\/127\.0\.0\.1:\d+\/\s+\(index page/);
  expect(output).toContain('What to look at');
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
  for (const secret of SECRETS) expect(text).not.toContain(secret);

  // the package is loaded as a module from the user dir
  const nodes = await fetch(`${editorUrl}nodes`, { headers: { accept: 'application/json' } });
  const sets = (await nodes.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: unknown }>;
  const ours = sets.filter((s) => s.module === 'n8n-nodes-oauth2-connectors');
  expect(ours.flatMap((s) => s.types).sort()).toEqual([...PACKAGE_TYPES].sort());
  for (const set of ours) {
    expect(set.enabled).toBe(true);
    expect(set.err).toBeFalsy();
  }
});

test('on deploy the flow made a Deployteq delivery and Zendesk and generic API requests at the sandbox', async () => {
  const c = await countersUntil((x) => x.deliveries >= 1 && x.apiRequestsByProvider.zendesk >= 2 && x.apiRequestsByProvider.generic >= 1);
  expect(c.deliveries).toBeGreaterThanOrEqual(1);
  expect(c.apiRequestsByProvider.zendesk).toBeGreaterThanOrEqual(2);
  expect(c.apiRequestsByProvider.generic).toBeGreaterThanOrEqual(1);
  expect(c.tokenRequestsByProvider).toEqual(expect.objectContaining({ deployteq: expect.any(Number), zendesk: expect.any(Number), generic: expect.any(Number) }));
  for (const provider of ['deployteq', 'zendesk', 'generic']) expect(c.tokenRequestsByProvider[provider]).toBeGreaterThanOrEqual(1);

  const deliveries = (await (await fetch(`${sandboxUrl}/_sandbox/deliveries`)).json()) as Array<{ webhookId: string; body: { email?: string } }>;
  expect(deliveries.some((d) => d.webhookId === 'node-red-demo' && d.body.email === 'ada@example.test')).toBe(true);
});

test('an inject button runs a row again (Deployteq: one more delivery)', async () => {
  const before = await countersUntil((x) => x.deliveries >= 1);
  const flows = (await (await fetch(`${editorUrl}flows`)).json()) as Array<{ id: string; type: string; wires?: string[][] }>;
  const webhook = flows.find((n) => n.type === 'deployteq-webhook');
  const inject = flows.find((n) => n.type === 'inject' && n.wires?.[0]?.includes(webhook?.id ?? ''));
  expect(inject).toBeDefined();
  const res = await fetch(`${editorUrl}inject/${inject?.id}`, { method: 'POST' });
  expect(res.status).toBe(200);
  const after = await countersUntil((x) => x.deliveries > before.deliveries);
  expect(after.deliveries).toBe(before.deliveries + 1);
});

test('Ctrl-C stops Node-RED and the sandbox: exit code 0, both ports closed, no secret printed', async () => {
  const proc = child as ChildProcess;
  const editorPort = Number(new URL(editorUrl).port);
  const sandboxPort = Number(new URL(sandboxUrl).port);
  expect(await portAccepts(editorPort)).toBe(true);
  proc.kill('SIGINT');
  const exit = await exitOf(proc, 20_000);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(await portAccepts(editorPort)).toBe(false);
  expect(await portAccepts(sandboxPort)).toBe(false);
  for (const secret of SECRETS) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/access_token|refresh_token|Bearer [A-Za-z0-9]/);
});
