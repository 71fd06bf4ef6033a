'use strict';
// Heavy tools for the end-to-end tests and the demo (Node 24, a real n8n, Node-RED 5) are installed
// from the npm registry into a cache outside the repository, one folder per version, so a second
// run reuses them. Nothing is installed by hand; nothing lands in the repo.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function cacheRoot() {
  return process.env.OAUTH2_CONNECTORS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-oauth2-connectors');
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `build(tmpDir)` once per `name` across processes: the result is moved into place atomically,
 * and concurrent callers wait (bounded) on a lock directory instead of installing twice.
 */
function cached(name, isReady, build, { timeoutMs = 20 * 60_000 } = {}) {
  const root = cacheRoot();
  const dir = path.join(root, name);
  if (isReady(dir)) return dir;
  fs.mkdirSync(root, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (isReady(dir)) return dir;
      const age = Date.now() - fs.statSync(lock).mtimeMs;
      if (age > timeoutMs) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for another install of ${name}`);
      else sleepSync(1000);
    }
  }
  try {
    if (isReady(dir)) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    build(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    if (!isReady(dir)) throw new Error(`${name} was installed but is not usable`);
    return dir;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function npmInstall(dir, specs, extraArgs = [], env = process.env) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tool-cache', private: true }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...extraArgs, ...specs], {
    cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env,
  });
}

const NODE24_VERSION = process.env.NODE24_VERSION || '24.21.0';

/** Node 24 from the npm registry (the `node` package ships the binary). Returns its bin folder and binary. */
function ensureNode24() {
  const binOf = (dir) => path.join(dir, 'node_modules', 'node', 'bin', 'node');
  const dir = cached(`node-${NODE24_VERSION}`, (d) => {
    try {
      return execFileSync(binOf(d), ['--version'], { encoding: 'utf8' }).trim() === `v${NODE24_VERSION}`;
    } catch {
      return false;
    }
  }, (tmp) => npmInstall(tmp, [`node@${NODE24_VERSION}`]));
  const nodeBin = binOf(dir);
  return { nodeBin, binDir: path.dirname(nodeBin), version: NODE24_VERSION };
}

/** An environment whose `node` (and so `npm`, `npx`) is Node 24. */
function node24Env(base = process.env) {
  const { binDir } = ensureNode24();
  return { ...base, PATH: `${binDir}${path.delimiter}${base.PATH || ''}` };
}

module.exports = { cacheRoot, cached, npmInstall, ensureNode24, node24Env, NODE24_VERSION };

if (require.main === module) {
  const { nodeBin, version } = ensureNode24();
  process.stdout.write(`node ${version}: ${nodeBin}\n`);
}
