'use strict';
// A real n8n for the end-to-end test and the demo: installed once per version into the tool cache
// (outside the repository) under Node 24, with this package loaded through a symlink in the user
// folder. Everything it starts binds 127.0.0.1. Never prints secrets: the CLI output it returns is
// only what n8n printed, and callers redact before logging.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { cached, node24Env, ensureNode24 } = require('./tool-cache');

const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';
const { N8N_PACKAGE, ensureStaged } = require('./packages');

/** The staged n8n package (scripts/pack.js), as n8n users install it. */
const PACKAGE_ROOT = N8N_PACKAGE.dir;
const PACKAGE_NAME = N8N_PACKAGE.name;

function n8nBinOf(dir) {
  return path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** Installs n8n (once per version) and returns `{ dir, bin, version }`. ~5 minutes the first time. */
function ensureN8n() {
  const env = node24Env();
  const isReady = (dir) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
      return pkg.version === N8N_VERSION && fs.existsSync(path.join(dir, '.sqlite3-rebuilt'));
    } catch {
      return false;
    }
  };
  const dir = cached(`n8n-${N8N_VERSION}`, isReady, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({
      name: 'n8n-tool-cache', private: true,
      dependencies: { n8n: N8N_VERSION },
      // the newest linkedom needs a package the registry here lacks
      overrides: { linkedom: '0.18.14' },
    }, null, 2));
    const npm = (args) => execFileSync('npm', args, { cwd: tmp, env, stdio: ['ignore', 'ignore', 'inherit'] });
    // install scripts are skipped (a Kafka client's downloads sources from the internet); sqlite3 is rebuilt below
    npm(['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts']);
    npm(['rebuild', 'sqlite3', '--loglevel=error']);
    fs.writeFileSync(path.join(tmp, '.sqlite3-rebuilt'), new Date().toISOString());
  }, { timeoutMs: 30 * 60_000 });
  return { dir, bin: n8nBinOf(dir), version: N8N_VERSION };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates an n8n user folder with this package as a community package: the staged package symlinked
 * as `.n8n/nodes/node_modules/<name>` (node types `<name>.<node>`), or, with `tarball`, installed
 * from the packed tarball with npm the way an admin installs it by hand on a self-hosted n8n.
 */
function createUserFolder(userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-user-')), options = {}) {
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  fs.mkdirSync(nodesDir, { recursive: true });
  if (options.tarball) {
    fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
    // --legacy-peer-deps: n8n provides n8n-workflow; without it npm would install a second copy
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--legacy-peer-deps', options.tarball], { cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] });
    return userFolder;
  }
  ensureStaged();
  const link = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({
    name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: `file:${PACKAGE_ROOT}` },
  }, null, 2));
  if (!fs.existsSync(link)) fs.symlinkSync(PACKAGE_ROOT, link, 'dir');
  return userFolder;
}

/** The environment of an n8n process: isolated user folder, local only, quiet, no telemetry. */
async function n8nEnv(userFolder, extra = {}) {
  const base = { ...node24Env() };
  // under jest NODE_ENV is "test", which silences n8n's CLI output entirely
  for (const name of Object.keys(base)) if (name.startsWith('JEST_') || name === 'NODE_ENV' || name === 'NODE_OPTIONS') delete base[name];
  return {
    ...base,
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: extra.N8N_ENCRYPTION_KEY || 'oauth2-connectors-test-encryption-key',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_HOST: '127.0.0.1',
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_SECURE_COOKIE: 'false',
    N8N_LOG_LEVEL: 'error',
    DB_TYPE: 'sqlite',
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
    ...extra,
  };
}

/**
 * Runs one n8n CLI command to completion (bounded by `timeoutMs`; the child is killed after it).
 * Output goes to files, not pipes: n8n exits right after printing a large result, and a pipe can
 * lose the tail. Resolves `{ code, stdout, stderr }`; never rejects on a non-zero exit (callers
 * check the printed result).
 */
const live = new Set();

/** Kills every n8n process this module started that is still running (for afterAll). */
function stopAll() {
  for (const child of live) child.kill('SIGKILL'); // a ChildProcess, or a server handle that kills its group
  live.clear();
}

function runN8n(n8n, args, env, { timeoutMs = 180_000 } = {}) {
  const { nodeBin } = ensureNode24();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cli-'));
  const outFile = path.join(dir, 'stdout');
  const errFile = path.join(dir, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [n8n.bin, ...args], { env, stdio: ['ignore', out, err] });
    live.add(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let finished;
    const finish = () => {
      if (finished) return finished;
      live.delete(child);
      clearTimeout(timer);
      fs.closeSync(out);
      fs.closeSync(err);
      const result = { stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') };
      fs.rmSync(dir, { recursive: true, force: true });
      finished = result;
      return result;
    };
    child.once('error', (error) => {
      finish();
      reject(error);
    });
    child.once('exit', (code, signal) => resolve({ code, signal, ...finish() }));
  });
}

/**
 * Starts an n8n process (`args`, e.g. ['start'] or ['worker', '--concurrency=10']) in its own process
 * group and waits until `isReady(url)` resolves true. Output goes to files; read it with `output()`
 * (callers redact before showing it). The group is killed by `stop()`, by `stopAll()`, or at the
 * latest after `maxLifetimeMs`. Resolves `{ url, port, pid, stop, output, exited }`.
 */
async function startN8nProcess(n8n, env, { args, port, isReady, label, maxLifetimeMs = 5 * 60_000, readyTimeoutMs = 120_000 }) {
  const { nodeBin } = ensureNode24();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-server-'));
  const outFile = path.join(dir, 'stdout');
  const errFile = path.join(dir, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const child = spawn(nodeBin, [n8n.bin, ...args], { env, stdio: ['ignore', out, err], detached: true });
  fs.closeSync(out);
  fs.closeSync(err);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(handle);
  });
  const killGroup = () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const lifetime = setTimeout(killGroup, maxLifetimeMs);
  lifetime.unref();
  let removed = false;
  const output = () => {
    if (removed) return '';
    const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    return `${read(outFile)}\n${read(errFile)}`;
  };
  const handle = {
    kill: () => killGroup(),
  };
  live.add(handle);
  const stop = async () => {
    clearTimeout(lifetime);
    live.delete(handle);
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      killGroup();
      let timer;
      await Promise.race([gone, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
    }
    removed = true;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      const shown = output().slice(-3000);
      await stop();
      throw new Error(`n8n ${label} exited before it was ready: ${shown}`);
    }
    try {
      if (await isReady(url)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const shown = output().slice(-3000);
      await stop();
      throw new Error(`n8n ${label} was not healthy within ${readyTimeoutMs} ms: ${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { url, port, pid: child.pid, stop, output, exited: () => exited };
}

/**
 * Starts `n8n start` (the editor/REST server) on a free 127.0.0.1 port and waits until /healthz/readiness
 * and the REST API answer.
 * The process runs in its own process group (n8n spawns a task runner) and is killed with its group
 * by `stop()`, by `stopAll()`, or at the latest after `maxLifetimeMs`. Output goes to files; read it
 * with `output()` (callers redact before showing it). Resolves `{ url, port, pid, stop, output }`.
 */
async function startN8nServer(n8n, env, { maxLifetimeMs = 5 * 60_000, readyTimeoutMs = 120_000 } = {}) {
  const port = await freePort();
  return startN8nProcess(n8n, { ...env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: '127.0.0.1' }, {
    args: ['start'], port, label: 'start', maxLifetimeMs, readyTimeoutMs,
    // /healthz answers as soon as the port is open; the REST API answers "n8n is starting up"
    // until it is registered, so wait for readiness and a JSON answer from /rest/settings
    isReady: async (url) => {
      const health = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
      const settings = health.ok ? await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) }) : undefined;
      return !!settings?.ok && String(settings.headers.get('content-type')).includes('json');
    },
  });
}

/**
 * Starts `n8n worker --concurrency=N` (queue mode: `env` from `queueEnv`) with its health server on a
 * free 127.0.0.1 port, and waits until its /healthz/readiness answers 200 (database migrated, Redis
 * connected, ready for jobs). Same handle as `startN8nServer`.
 */
async function startN8nWorker(n8n, env, { concurrency = 10, maxLifetimeMs = 5 * 60_000, readyTimeoutMs = 120_000 } = {}) {
  const port = await freePort();
  return startN8nProcess(n8n, {
    ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
  }, {
    args: ['worker', `--concurrency=${concurrency}`], port, label: 'worker', maxLifetimeMs, readyTimeoutMs,
    isReady: async (url) => (await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) })).ok,
  });
}

/**
 * The variables that put an n8n process in queue mode on the given servers (scripts/services.js):
 * EXECUTIONS_MODE=queue, Postgres (DB_*) and Redis (QUEUE_BULL_REDIS_*). Main and workers must also
 * share N8N_ENCRYPTION_KEY (n8nEnv's default is the same for every process).
 */
function queueEnv(postgres, redis) {
  return { EXECUTIONS_MODE: 'queue', ...postgres.env, ...redis.env };
}

/**
 * n8n in queue mode: `n8n start` (main: editor, REST API, production webhooks, triggers; it enqueues
 * executions in Redis) and `workers` × `n8n worker --concurrency=N` that run them, all on the same
 * Postgres database and Redis. Each process has its own user folder with this package linked in (as
 * on separate machines), its own ports and task-runner broker port. Main starts first (it migrates
 * the database), then the workers in parallel. `extraEnv` goes to every process.
 * Resolves `{ main, workers: [handle…], stop() }`.
 */
async function startQueueCluster(n8n, { postgres, redis, workers = 2, concurrency = 10, extraEnv = {}, maxLifetimeMs = 10 * 60_000, root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-')) }) {
  const envFor = (name) => n8nEnv(createUserFolder(path.join(root, name)), { ...queueEnv(postgres, redis), ...extraEnv });
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const main = await startN8nServer(n8n, await envFor('main'), { maxLifetimeMs, readyTimeoutMs: 180_000 });
    started.push(main);
    const list = await Promise.all(Array.from({ length: workers }, async (_, i) => {
      const worker = await startN8nWorker(n8n, await envFor(`worker${i + 1}`), { concurrency, maxLifetimeMs, readyTimeoutMs: 180_000 });
      started.push(worker);
      return worker;
    }));
    return { main, workers: list, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** End index (exclusive) of the JSON object starting at `start`, by brace matching outside strings. */
function objectEnd(text, start) {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Parses the execution result that `n8n execute --rawOutput` prints among its log lines: the last
 * JSON object that starts at the beginning of a line and has `data.resultData`. Undefined when
 * there is none.
 */
function parseExecuteOutput(stdout) {
  let found;
  for (let start = stdout.indexOf('{'); start !== -1; start = stdout.indexOf('{', start + 1)) {
    if (start !== 0 && stdout[start - 1] !== '\n') continue;
    const end = objectEnd(stdout, start);
    if (end === -1) continue;
    try {
      const value = JSON.parse(stdout.slice(start, end));
      if (value && value.data && value.data.resultData) found = value;
      start = end - 1;
    } catch {
      // a log line that merely starts with "{"
    }
  }
  return found;
}

module.exports = {
  N8N_VERSION, PACKAGE_NAME, PACKAGE_ROOT, ensureN8n, createUserFolder, n8nEnv, runN8n, stopAll, parseExecuteOutput, freePort,
  startN8nServer, startN8nWorker, startN8nProcess, queueEnv, startQueueCluster,
};

if (require.main === module) {
  const started = Date.now();
  const n8n = ensureN8n();
  process.stdout.write(`n8n ${n8n.version}: ${n8n.bin} (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
