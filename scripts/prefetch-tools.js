'use strict';
// Fetches the tools the end-to-end tier needs into the tool cache (Node 24, n8n, Node-RED 5, n8n's
// package scanner, node-red-dev) and Debian's chromium, PostgreSQL and Redis, so that on a fresh
// machine these installs run while the other tiers are tested instead of before the first test
// that needs them. `npm test` starts it with --background: it then runs detached, writes its log to
// the tool cache and ends when everything is there. Each install takes the cache's lock
// (scripts/tool-cache.js), so a test that needs a tool meanwhile waits for it instead of installing
// it twice; the apt-get calls wait for each other's lock. Already cached: it ends at once.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { cacheRoot, ensureNode24 } = require('./tool-cache');

const STEPS = [
  ['Node 24', () => ensureNode24()],
  ['chromium', () => execFileSync('sh', [path.join(__dirname, 'chromium-ensure.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 })],
  ['n8n', () => require('./n8n').ensureN8n()],
  ['Node-RED 5', () => require('./node-red-cache').ensureNodeRed5()],
  ['n8n scanner', () => require('./n8n-scanner').ensureScanner()],
  ['node-red-dev', () => require('./node-red-dev').ensureNodeRedDev()],
  ['PostgreSQL and Redis', () => execFileSync('sh', [path.join(__dirname, 'services-ensure.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 })],
];

function run() {
  for (const [name, step] of STEPS) {
    const started = Date.now();
    try {
      step();
      console.log(`${new Date().toISOString()} ${name}: ready (${Math.round((Date.now() - started) / 1000)} s)`);
    } catch (error) {
      // the test that needs it tries again and reports the failure
      console.log(`${new Date().toISOString()} ${name}: failed (${String(error && error.message).slice(0, 200)})`);
    }
  }
}

if (process.argv.includes('--background')) {
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const log = fs.openSync(path.join(cacheRoot(), 'prefetch.log'), 'a');
  const child = spawn(process.execPath, [path.join(__dirname, 'prefetch-tools.js')], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  console.log(`prefetching test tools in the background (log: ${path.join(cacheRoot(), 'prefetch.log')})`);
} else {
  run();
}
