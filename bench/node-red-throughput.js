'use strict';
// The Node-RED throughput row: our deployteq-webhook node vs the core http request node with a
// static `Authorization: Bearer` header, and vs a raw keep-alive fetch loop, all at the same
// concurrency against one sandbox webhook.
//
// Node-RED (the devDependency, this Node) runs embedded in its own process, started with
// test/node-red/support/runtime-child.js (which links this package into the user dir). One flow per
// mode: GET /api/bench/<mode>?n=&c=&id= → a function node "driver" that keeps c messages in flight
// (each completion, including errors through a Catch node, releases the next) → the worker node →
// back to the driver; after n completions the driver answers the HTTP request. The bench times
// that request (one extra local HTTP round trip per n deliveries). Both workers get the same
// payload ({ email: user<i>@example.test }) and the endpoint in msg.url; both parse the JSON answer.
// The raw loop runs in node-red-raw-child.js. Rounds are interleaved, the order rotating.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { TokenManager, deployteqOAuth2Config, installNodeHost } = require('../dist/lib');

installNodeHost();
const { DEFAULT_CLIENTS } = require('../dist/sandbox');
const { startSandboxChild, timed, verifyDeliveries } = require('./harness');
const { NODE_RED_PACKAGE, ensureStaged } = require('../scripts/packages');

const RUNTIME_CHILD = path.join(__dirname, '..', 'test', 'node-red', 'support', 'runtime-child.js');
const TAB = 'benchNrTab00001';
const CONFIG = 'benchNrDtCfg001';

// Keeps `c` messages in flight; counts non-200 answers and caught errors.
const DRIVER = `
let s = context.get('run');
if (msg.req) {
  if (s && s.active) { msg.statusCode = 409; msg.payload = { error: 'a run is active' }; return [null, msg]; }
  const q = msg.req.query;
  s = { active: true, n: Number(q.n), url: q.url, sent: 0, done: 0, errors: 0, start: msg, t0: Date.now() };
  context.set('run', s);
  const first = [];
  while (s.sent < Math.min(Number(q.c), s.n)) first.push({ url: s.url, payload: { email: 'user' + (s.sent++) + '@example.test' } });
  node.send([first, null]);
  return null;
}
if (!s || !s.active) return null;
s.done++;
if (msg.error || msg.statusCode !== 200) s.errors++;
if (s.sent < s.n) return [{ url: s.url, payload: { email: 'user' + (s.sent++) + '@example.test' } }, null];
if (s.done === s.n) {
  s.active = false;
  const out = s.start;
  s.start = null;
  out.payload = { ms: Date.now() - s.t0, done: s.done, errors: s.errors };
  return [null, out];
}
return null;
`;

function flows(sandboxUrl, token) {
  const client = DEFAULT_CLIENTS.deployteq[0];
  const workers = {
    ours: { type: 'deployteq-webhook', name: 'ours', deployteq: CONFIG, url: '' },
    core: {
      type: 'http request', name: 'core', method: 'POST', ret: 'obj', paytoqs: 'ignore', url: '', tls: '',
      // the core node's own keep-alive option: the fairest setting for a throughput comparison
      persist: true, proxy: '', insecureHTTPParser: false, authType: '', senderr: false,
      headers: [{ keyType: 'other', keyValue: 'Authorization', valueType: 'other', valueValue: `Bearer ${token}` }],
    },
  };
  const nodes = [
    { id: TAB, type: 'tab', label: 'bench', disabled: false, info: '' },
    {
      id: CONFIG, type: 'deployteq-oauth2', name: 'Deployteq (bench sandbox)', clientId: client.clientId, grantType: 'client_credentials',
      authBaseUrl: `${sandboxUrl}/deployteq`, scopes: 'apps.webhook:execute', credentials: { clientSecret: client.clientSecret },
    },
  ];
  Object.entries(workers).forEach(([mode, worker], row) => {
    const id = (what) => `bench${mode}${what}`.padEnd(15, '0').slice(0, 15);
    const y = 60 + row * 100;
    nodes.push(
      { id: id('in'), z: TAB, type: 'http in', name: '', url: `/bench/${mode}`, method: 'get', upload: false, swaggerDoc: '', x: 120, y, wires: [[id('drv')]] },
      { id: id('drv'), z: TAB, type: 'function', name: `driver ${mode}`, func: DRIVER, outputs: 2, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: 320, y, wires: [[id('wrk')], [id('res')]] },
      { id: id('wrk'), z: TAB, x: 520, y, wires: [[id('drv')]], ...worker },
      { id: id('cat'), z: TAB, type: 'catch', name: '', scope: [id('wrk')], uncaught: false, x: 520, y: y + 40, wires: [[id('drv')]] },
      { id: id('res'), z: TAB, type: 'http response', name: '', statusCode: '', headers: {}, x: 720, y, wires: [] },
    );
  });
  return nodes;
}

function startNodeRed(userDir) {
  const nodeRedDir = path.dirname(require.resolve('node-red/package.json'));
  // the staged Node-RED package (scripts/pack.js), as users install it
  ensureStaged();
  const config = { nodeRedDir, packageDir: NODE_RED_PACKAGE.dir, packageName: NODE_RED_PACKAGE.name, userDir, port: 0, credentialSecret: 'bench-credential-secret', maxLifetimeMs: 3600_000 };
  const child = fork(RUNTIME_CHILD, [], {
    execArgv: [], env: { ...process.env, NR_CHILD_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    if (child.connected) child.disconnect();
    setTimeout(() => child.kill('SIGKILL'), 8000).unref();
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Node-RED did not start within 60 s:\n${output}`));
    }, 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve({ url: `http://127.0.0.1:${m.port}`, stop, output: () => output });
      else reject(new Error(`Node-RED failed to start: ${m.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${output}`));
    });
  });
  return { ready, stop };
}

function startRawChild(sandboxUrl) {
  const child = fork(path.join(__dirname, 'node-red-raw-child.js'), [sandboxUrl], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    if (child.connected) child.disconnect();
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw child did not start within 30 s')), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`raw child exited with ${code}`)));
  });
  const run = (n, concurrency, webhookUrl) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw run timed out')), 10 * 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.send({ type: 'run', n, concurrency, webhookUrl });
  });
  return { ready, run, stop };
}

/**
 * Measures the three modes. Returns { version, concurrency, deliveries, rounds, ms: { ours, core,
 * raw } (one per round), tokenRequests (by our config node over warm-up and rounds) }.
 */
async function benchNodeRed({ deliveries, concurrency, rounds, warmup }) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-node-red-'));
  const sb = await startSandboxChild({ maxLifetimeMs: 3600_000 });
  const nr = startNodeRed(userDir);
  let raw;
  try {
    const client = DEFAULT_CLIENTS.deployteq[0];
    // the core node's static token: fetched once from the sandbox's token endpoint, never printed
    const manager = new TokenManager({
      config: deployteqOAuth2Config({ clientId: client.clientId, clientSecret: client.clientSecret, grant: 'client_credentials', authBaseUrl: `${sb.url}/deployteq` }),
      grant: { type: 'client_credentials' },
    });
    const token = (await manager.getTokens()).accessToken;
    const red = await nr.ready;
    const deploy = await fetch(`${red.url}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ flows: flows(sb.url, token) }),
    });
    if (deploy.status !== 200) throw new Error(`deploy failed: HTTP ${deploy.status}`);
    raw = startRawChild(sb.url);
    await raw.ready;

    let runs = 0;
    const tokensBefore = (await sb.admin('counters')).tokenRequests;
    let ourTokenRequests = 0;
    const once = async (mode, n) => {
      const webhookId = `nr-${mode}-${runs++}`;
      const webhookUrl = `${sb.url}/deployteq/webhook/${webhookId}`;
      const before = await sb.admin('counters');
      let ms;
      if (mode === 'raw') {
        const result = await raw.run(n, concurrency, webhookUrl);
        if (result.errors) throw new Error(`raw loop: ${result.errors} failed requests`);
        ms = result.ms;
      } else {
        const query = new URLSearchParams({ n: String(n), c: String(concurrency), url: webhookUrl });
        const run = await timed(async () => {
          const response = await fetch(`${red.url}/api/bench/${mode}?${query}`, { signal: AbortSignal.timeout(10 * 60_000) });
          if (response.status !== 200) throw new Error(`Node-RED ${mode}: HTTP ${response.status}`);
          return response.json();
        });
        if (run.value.done !== n || run.value.errors) throw new Error(`Node-RED ${mode}: ${run.value.done} of ${n} done, ${run.value.errors} errors\n${red.output()}`);
        ms = run.ms;
      }
      const after = await sb.admin('counters');
      if (after.deliveries - before.deliveries !== n) throw new Error(`${mode}: the sandbox counted ${after.deliveries - before.deliveries} deliveries for ${n}`);
      if (mode === 'ours') ourTokenRequests += after.tokenRequests - before.tokenRequests;
      await verifyDeliveries(sb, webhookId, n);
      return ms;
    };
    const modes = ['ours', 'core', 'raw'];
    for (const mode of modes) await once(mode, warmup); // sockets, JIT, our node's first token
    const ms = { ours: [], core: [], raw: [] };
    for (let round = 0; round < rounds; round++) {
      // rotate the order so drift in the machine's load hits every mode alike
      const order = modes.map((_, i) => modes[(i + round) % modes.length]);
      for (const mode of order) ms[mode].push(await once(mode, deliveries));
    }
    const others = (await sb.admin('counters')).tokenRequests - tokensBefore - ourTokenRequests;
    if (others) throw new Error(`${others} token requests outside our node's runs`);
    return { version: require('node-red/package.json').version, concurrency, deliveries, rounds, ms, tokenRequests: ourTokenRequests };
  } finally {
    await raw?.stop();
    await nr.stop();
    await sb.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

module.exports = { benchNodeRed };
