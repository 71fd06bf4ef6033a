// Issue #17 item 2, after a restart: `auto` client authentication refused with every method is
// remembered in the config node's encrypted store entry (where the learned method is kept), so a
// restarted Node-RED process sends one token request per message instead of the whole search.
// Real Node-RED 4.1 in a child process, restarted from the same user dir; a token server on
// 127.0.0.1 that refuses the client (HTTP 401 `invalid_client`, or HTTP 200 carrying it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STORE_DIR_NAME } from '../../../hosts/node-red/token-store';
import { tempUserDir } from '../../node-red/support/helper';
import { startRuntime, type Runtime } from '../../node-red/support/runtime';

jest.setTimeout(120_000);

const SECRET = 'shh-secret+with:chars';
let server: Server;
let base = '';
let tokenRequests = 0;
let style: '401' | '200' = '401';
const running: Runtime[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/token') {
        res.writeHead(404).end(); // metadata discovery finds nothing
        return;
      }
      tokenRequests++;
      res.writeHead(style === '401' ? 401 : 200, { 'content-type': 'application/json' }).end('{"error":"invalid_client","error_description":"unknown client"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function flow(): unknown[] {
  return [
    { id: 'tab1', type: 'tab', label: 'auto' },
    { id: 'oc', type: 'oauth2-client', name: 'auto search', grantType: 'client_credentials', clientId: 'c1', clientAuth: 'auto', tokenUrl: `${base}/token`, maxRetries: '0', credentials: { clientSecret: SECRET } },
    { id: 'in1', z: 'tab1', type: 'http in', url: '/trigger', method: 'post', upload: false, wires: [['rq']] },
    { id: 'rq', z: 'tab1', type: 'oauth2-request', client: 'oc', method: 'GET', url: `${base}/api`, ret: 'obj', wires: [['res1']] },
    { id: 'res1', z: 'tab1', type: 'http response', statusCode: '', headers: {} },
    { id: 'catch1', z: 'tab1', type: 'catch', scope: ['rq'], uncaught: false, wires: [['fail']] },
    { id: 'fail', z: 'tab1', type: 'change', wires: [['res1']], rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' }, { t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' }] },
  ];
}

async function start(userDir: string): Promise<Runtime> {
  const runtime = await startRuntime({ nodeRedDir: path.dirname(require.resolve('node-red/package.json')), userDir, maxLifetimeMs: 2 * 60_000 });
  running.push(runtime);
  await runtime.login();
  return runtime;
}

async function trigger(runtime: Runtime): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + 15_000; // 404: the flows are still starting
  for (;;) {
    const res = await fetch(`${runtime.url}/api/trigger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const text = await res.text();
    if (res.status !== 404 || Date.now() > deadline) return { status: res.status, text };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(['401', '200'] as const)('refusals as HTTP %s', (how) => {
  test('the search refused with every method is remembered across a process restart: 1 token request per message', async () => {
    style = how;
    const userDir = tempUserDir('nr-auth-search-');
    let runtime = await start(userDir);
    await runtime.deploy(flow());
    tokenRequests = 0;
    let res = await trigger(runtime);
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/refused with every method tried/);
    expect(tokenRequests).toBe(3);
    res = await trigger(runtime);
    expect(res.text).toMatch(/refused with every method before/);
    expect(tokenRequests).toBe(4);
    // the store file holds the memory encrypted: neither the secret nor the settings' hash in clear
    const store = path.join(userDir, STORE_DIR_NAME);
    const file = fs.readdirSync(store).find((f) => f.startsWith('tokens-oc'));
    expect(file).toBeDefined();
    expect(fs.readFileSync(path.join(store, file as string), 'utf8')).not.toContain(SECRET);

    await runtime.stop();
    running.splice(running.indexOf(runtime), 1);
    runtime = await start(userDir); // a new process: nothing in memory, the flows come from flows.json
    tokenRequests = 0;
    for (let i = 1; i <= 3; i++) {
      res = await trigger(runtime);
      expect(res.status).toBe(500);
      expect(res.text).toMatch(/refused with every method before/);
      expect(tokenRequests).toBe(i);
    }
    expect(res.text).not.toContain(SECRET);
  });
});
