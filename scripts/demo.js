#!/usr/bin/env node
'use strict';
// `npm start`: the package working in one command, with no account anywhere.
//  1. builds (npm run build) when dist/ is missing or older than the sources;
//  2. starts the provider sandbox (sandbox/) on 127.0.0.1;
//  3. starts Node-RED 5 (under Node 24, both from the tool cache) on 127.0.0.1 in a child process, with a fresh user dir
//     outside the repository that has this package linked in as a module;
//  4. deploys the demo flow (scripts/demo-flows.js) with the sandbox's URLs and test clients, waits
//     until it has run once, and prints the URLs to open.
// Ctrl-C (SIGINT) or SIGTERM stops Node-RED and the sandbox, removes the user dir and exits 0.
// Ports: DEMO_PORT (Node-RED, default 1880, or a free port when 1880 is taken) and
// DEMO_SANDBOX_PORT (default 8790, the same every run, or a free port when taken); 0 = a free port.
// Never prints a secret or a token.
const { execFileSync, fork } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { demoFlows, PACKAGE_TYPES } = require('./demo-flows');

const ROOT = path.resolve(__dirname, '..');
const { NODE_RED_PACKAGE, ensureStaged } = require('./packages');

/** The staged Node-RED package (scripts/pack.js), loaded as users install it. */
const PACKAGE_NAME = NODE_RED_PACKAGE.name;
const DEFAULT_PORT = 1880;

const log = (line = '') => process.stdout.write(`${line}\n`);
const warn = (line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// build when needed

const SOURCE_DIRS = ['lib', 'hosts', 'node-red', 'sandbox', 'credentials', 'nodes'];
const SOURCE_FILES = ['tsconfig.build.json', 'tsconfig.json', 'gulpfile.js'];
const REQUIRED_OUTPUTS = [
  'dist/sandbox/index.js',
  ...PACKAGE_TYPES.flatMap((type) => [`dist/node-red/${type}.js`, `dist/node-red/${type}.html`]),
];

function walk(dir, visit) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, visit);
    else if (entry.isFile()) visit(full);
  }
}

/** Why a build is needed, or null when dist/ is complete and newer than every source file. */
function buildReason() {
  const missing = REQUIRED_OUTPUTS.find((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing) return `${missing} is missing`;
  let oldestOutput = Infinity;
  walk(path.join(ROOT, 'dist'), (file) => {
    if (file.endsWith('.js')) oldestOutput = Math.min(oldestOutput, fs.statSync(file).mtimeMs);
  });
  let newest = { mtime: 0, file: '' };
  const consider = (file) => {
    const mtime = fs.statSync(file).mtimeMs;
    if (mtime > newest.mtime) newest = { mtime, file };
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir), consider);
  for (const file of SOURCE_FILES) if (fs.existsSync(path.join(ROOT, file))) consider(path.join(ROOT, file));
  if (newest.mtime > oldestOutput) return `${path.relative(ROOT, newest.file)} is newer than dist/`;
  return null;
}

function buildIfNeeded() {
  if (process.env.DEMO_SKIP_BUILD === '1') return;
  const reason = buildReason();
  if (!reason) return;
  log(`Building first (${reason}): npm run build`);
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

// ---------------------------------------------------------------------------------------------
// helpers

function portFromEnv(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number (0 = any free port), not "${value}"`);
  return Number(value);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The sandbox keeps this port from run to run, so a credential made by hand still finds it. */
const DEFAULT_SANDBOX_PORT = 8790;

/** DEMO_SANDBOX_PORT (0 = any free port), else 8790 when free, else a free port (and says so). */
async function sandboxPortChoice(say = log) {
  const requested = portFromEnv('DEMO_SANDBOX_PORT', undefined);
  if (requested !== undefined) return requested;
  if (await portIsFree(DEFAULT_SANDBOX_PORT)) return DEFAULT_SANDBOX_PORT;
  say(`Port ${DEFAULT_SANDBOX_PORT} is in use: the sandbox gets a free port instead (set DEMO_SANDBOX_PORT to choose one).`);
  return 0;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces every known secret in a text (defence in depth for anything passed through). */
function redactor(secrets) {
  const list = secrets.filter((s) => typeof s === 'string' && s.length >= 4);
  return (text) => list.reduce((out, secret) => out.split(secret).join('<redacted>'), text);
}

/**
 * A fresh folder `<tmp>/<prefix>XXXXXX` owned by this process (its pid in `demo.pid`). Folders of
 * earlier demos whose process is gone (killed before it could clean up) are removed first.
 */
function demoTempDir(prefix) {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(tmp, name);
    let pid;
    try {
      pid = Number(fs.readFileSync(path.join(dir, 'demo.pid'), 'utf8'));
    } catch {
      continue;
    }
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = error.code !== 'ESRCH';
    }
    if (!alive) fs.rmSync(dir, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(tmp, prefix));
  fs.writeFileSync(path.join(dir, 'demo.pid'), String(process.pid));
  return dir;
}

/** Creates the Node-RED user dir (outside the repo) with this package linked in as a module. */
function createUserDir() {
  const userDir = demoTempDir('oauth2-connectors-node-red-demo-');
  const link = path.join(userDir, 'node_modules', PACKAGE_NAME);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  ensureStaged();
  fs.symlinkSync(NODE_RED_PACKAGE.dir, link, 'dir');
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
    name: 'node-red-demo', private: true, dependencies: { [PACKAGE_NAME]: `file:${NODE_RED_PACKAGE.dir}` },
  }, null, 2));
  return userDir;
}

// ---------------------------------------------------------------------------------------------
// Node-RED child process

/** Start-up warnings that are expected with a fresh demo user dir (not worth a newcomer's attention). */
const EXPECTED_WARNINGS = /Projects disabled|Encrypted credentials not found/;

/**
 * The Node-RED the demo runs: Node-RED 5 under Node 24, both from the tool cache (fetched on the
 * first run; Node-RED 4.1 reaches end of life on 2026-12-31), or with DEMO_NODE_RED_VERSION=4 the
 * 4.1 devDependency under this Node.
 */
function demoNodeRed() {
  if (process.env.DEMO_NODE_RED_VERSION === '4') return { nodeRedDir: path.dirname(require.resolve('node-red/package.json')), nodeBin: process.execPath };
  const { ensureNodeRed5, NODE_RED5_VERSION } = require('./node-red-cache');
  const { cacheRoot } = require('./tool-cache');
  log(`Node-RED ${NODE_RED5_VERSION} under Node 24 from the tool cache ${cacheRoot()} (fetched on the first run: about 300 MB, a minute or two)…`);
  const { nodeRedDir, nodeBin } = ensureNodeRed5();
  return { nodeRedDir, nodeBin };
}

function startNodeRed({ userDir, port, redact, nodeRedDir, nodeBin }) {
  const child = fork(path.join(__dirname, 'demo-node-red.js'), [], {
    execArgv: [],
    execPath: nodeBin,
    env: {
      ...process.env,
      DEMO_NODE_RED: JSON.stringify({ userDir, port, nodeRedDir, credentialSecret: crypto.randomBytes(24).toString('hex') }),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Node-RED's own log lines (warnings and errors) go to stderr, prefixed, with secrets cut out
  let pending = '';
  const relay = (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) if (line.trim() && !EXPECTED_WARNINGS.test(line)) warn(`[node-red] ${redact(line)}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Node-RED did not start within 60 s')), 60_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      if (message && message.type === 'ready') resolve(message);
      else reject(Object.assign(new Error(`Node-RED did not start: ${redact(String(message && message.message))}`), { code: message && message.code }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited during start (${signal || code})`));
    });
  });
  return { child, ready };
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function deploy(editorUrl, flows) {
  const res = await fetch(`${editorUrl}flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify({ flows }),
  });
  if (res.status !== 200) throw new Error(`deploying the demo flow failed: HTTP ${res.status}`);
}

/** Waits (bounded) until the flow has run once against the sandbox; returns what it saw. */
async function firstRun(sandbox, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = sandbox.counters;
    const seen = { deliveries: c.deliveries, zendesk: c.apiRequestsByProvider.zendesk, generic: c.apiRequestsByProvider.generic };
    if ((seen.deliveries >= 1 && seen.zendesk >= 2 && seen.generic >= 1) || Date.now() > deadline) return seen;
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const requestedPort = portFromEnv('DEMO_PORT', undefined);
  const sandboxPort = await sandboxPortChoice();
  buildIfNeeded();

  const { startSandbox, DEFAULT_CLIENTS } = require(path.join(ROOT, 'dist', 'sandbox'));
  const clientOf = (provider) => {
    const client = DEFAULT_CLIENTS[provider].find((c) => c.clientSecret);
    return { clientId: client.clientId, clientSecret: client.clientSecret };
  };
  const clients = { deployteq: clientOf('deployteq'), zendesk: clientOf('zendesk'), generic: clientOf('generic') };
  const redact = redactor(Object.values(clients).map((c) => c.clientSecret));

  let sandbox;
  let nodeRed;
  let userDir;
  let stopping = null;

  const stop = (why, code = 0) => {
    if (stopping) return stopping;
    if (why) log(`\n${why}: stopping Node-RED and the sandbox…`);
    stopping = (async () => {
      if (nodeRed) {
        if (nodeRed.connected) nodeRed.disconnect();
        else nodeRed.kill('SIGTERM');
        if (!(await waitForExit(nodeRed, 8000))) {
          nodeRed.kill('SIGKILL');
          await waitForExit(nodeRed, 3000);
        }
      }
      if (sandbox) await sandbox.close();
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
      if (why) log('Stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  let firstSignalAt = 0;
  const onSignal = (signal) => {
    // `npm start` forwards the terminal's Ctrl-C, so one key press can arrive twice at once: only a
    // later, second Ctrl-C means "do not wait any longer"
    if (firstSignalAt === 0) firstSignalAt = Date.now();
    else if (Date.now() - firstSignalAt > 1500) {
      if (nodeRed) nodeRed.kill('SIGKILL');
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
      process.exit(0);
    }
    void stop(signal === 'SIGINT' ? 'Ctrl-C' : signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    sandbox = await startSandbox({ port: sandboxPort });

    let port = requestedPort ?? DEFAULT_PORT;
    if (requestedPort === undefined && !(await portIsFree(DEFAULT_PORT))) {
      log(`Port ${DEFAULT_PORT} is in use: Node-RED gets a free port instead (set DEMO_PORT to choose one).`);
      port = 0;
    }
    const runtime = demoNodeRed();
    userDir = createUserDir();
    const started = startNodeRed({ userDir, port, redact, ...runtime });
    nodeRed = started.child;
    let ready;
    try {
      ready = await started.ready;
    } catch (error) {
      if (error.code === 'EADDRINUSE') throw new Error(`DEMO_PORT ${port} is in use: choose another port (or 0 for a free one)`);
      throw error;
    }
    nodeRed.on('exit', (code, signal) => {
      if (!stopping) {
        warn(`Node-RED stopped unexpectedly (${signal || code}).`);
        void stop('Node-RED stopped', 1);
      }
    });
    const editorUrl = `http://127.0.0.1:${ready.port}/`;

    await deploy(editorUrl, demoFlows(sandbox, clients));
    const seen = await firstRun(sandbox);

    const ok = (n, want) => (n >= want ? 'ok' : 'not yet');
    log('');
    log(`OAuth2 connectors demo: Node-RED ${ready.version} with ${PACKAGE_NAME} and the provider sandbox.`);
    log('');
    log(`  Node-RED editor   ${editorUrl}`);
    log(`  Provider sandbox  ${sandbox.url}/   (index page of every endpoint)`);
    log(`  Sandbox counters  ${sandbox.url}/_sandbox/counters`);
    log(`  Webhook records   ${sandbox.url}/_sandbox/deliveries`);
    log('');
    log('The demo flow ran once on deploy:');
    log(`  Deployteq webhook deliveries: ${seen.deliveries} (${ok(seen.deliveries, 1)})`);
    log(`  Zendesk Chat API requests:    ${seen.zendesk} (${ok(seen.zendesk, 2)})`);
    log(`  Generic /api/me requests:     ${seen.generic} (${ok(seen.generic, 1)})`);
    log('');
    log('What to look at:');
    log('  1. Open the editor: tab "OAuth2 connectors demo", three rows (Deployteq, Zendesk Chat, generic OAuth2).');
    log('     The status under each debug node shows the first run (HTTP status, chat count, answer).');
    log('  2. Open the debug sidebar (bug icon, top right), then click the button left of an inject node:');
    log('     the webhook answer, the account and one message per chat, the /generic/api/me answer appear.');
    log('  3. Double-click the "Deployteq webhook" node, click the pencil next to "Deployteq (sandbox)", then Test:');
    log('     a token request against the sandbox (config nodes are also listed in the Configuration nodes sidebar).');
    log('  4. The sandbox counters and webhook records (URLs above) change with every click.');
    log('Client ids are the sandbox defaults (dt-client, zd-client, gen-client); secrets are stored encrypted and never printed.');
    log(`To make a credential by hand: the test clients' ids and secrets and the test users are in sandbox/README.md`);
    log(sandboxPort === DEFAULT_SANDBOX_PORT
      ? `("Default clients and users"); the sandbox stays at ${sandbox.url} from run to run (DEMO_SANDBOX_PORT to change it).`
      : `("Default clients and users"); the sandbox is at ${sandbox.url} for this run (without DEMO_SANDBOX_PORT it keeps port ${DEFAULT_SANDBOX_PORT}).`);
    log('');
    log(`Demo ready: ${editorUrl} (Ctrl-C to stop)`);
  } catch (error) {
    warn(`The demo could not start: ${redact(error instanceof Error ? error.message : String(error))}`);
    await stop(null, 1);
  }
}

module.exports = { buildIfNeeded, buildReason, demoTempDir, portFromEnv, portIsFree, redactor, sandboxPortChoice, DEFAULT_SANDBOX_PORT, waitForExit };

if (require.main === module) main();
