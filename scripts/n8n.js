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
const PACKAGE_ROOT = path.resolve(__dirname, '..');
const PACKAGE_NAME = require(path.join(PACKAGE_ROOT, 'package.json')).name;

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
 * Creates an n8n user folder with this package symlinked as a community package
 * (`.n8n/nodes/node_modules/<name>`), so node types are `<name>.<node>`.
 */
function createUserFolder(userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-user-'))) {
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
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
 * Resolves `{ code, stdout, stderr }`; never rejects on a non-zero exit (callers check results).
 */
function runN8n(n8n, args, env, { timeoutMs = 180_000 } = {}) {
  const { nodeBin } = ensureNode24();
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [n8n.bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Parses the JSON that `n8n execute --rawOutput` prints after its logs: the last top-level JSON
 * value on stdout. Returns undefined when there is none.
 */
function parseExecuteOutput(stdout) {
  for (let start = stdout.indexOf('{'); start !== -1; start = stdout.indexOf('{', start + 1)) {
    const lineStart = start === 0 || stdout[start - 1] === '\n';
    if (!lineStart) continue;
    try {
      return JSON.parse(stdout.slice(start));
    } catch {
      // not the JSON tail yet
    }
  }
  return undefined;
}

/** Starts the n8n web server (for the demo). Returns the child process; it dies with its parent's kill. */
function startN8nServer(n8n, env, port) {
  const { nodeBin } = ensureNode24();
  return spawn(nodeBin, [n8n.bin, 'start'], { env: { ...env, N8N_PORT: String(port) }, stdio: 'inherit' });
}

module.exports = {
  N8N_VERSION, PACKAGE_NAME, PACKAGE_ROOT, ensureN8n, createUserFolder, n8nEnv, runN8n, parseExecuteOutput, startN8nServer, freePort,
};

if (require.main === module) {
  const started = Date.now();
  const n8n = ensureN8n();
  process.stdout.write(`n8n ${n8n.version}: ${n8n.bin} (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
