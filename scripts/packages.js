'use strict';
// Where the two packages of this repository are staged (scripts/pack.js): the folders the tests and
// demos load into a real n8n or Node-RED, as users get them.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'build');

function describe(host) {
  const name = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', host, 'package.json'), 'utf8')).name;
  return { name, dir: path.join(BUILD, name) };
}

const N8N_PACKAGE = describe('n8n');
const NODE_RED_PACKAGE = describe('node-red');

/** Stages both packages from dist/ when they are missing or older than dist/ (no rebuild). */
function ensureStaged() {
  const distTime = fs.statSync(path.join(ROOT, 'dist')).mtimeMs;
  const stale = [N8N_PACKAGE, NODE_RED_PACKAGE].some((p) => !fs.existsSync(path.join(p.dir, 'package.json')) || fs.statSync(path.join(p.dir, 'package.json')).mtimeMs < distTime);
  if (stale) execFileSync(process.execPath, [path.join(__dirname, 'pack.js'), '--no-build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { n8n: N8N_PACKAGE, nodeRed: NODE_RED_PACKAGE };
}

module.exports = { N8N_PACKAGE, NODE_RED_PACKAGE, ensureStaged };
