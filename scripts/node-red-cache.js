'use strict';
// Node-RED 5.0.x (needs Node >= 22.9) for the embedded-runtime tests, installed with Node 24's npm
// into the tool cache outside the repository (one folder per version, reused by later runs).
const fs = require('node:fs');
const path = require('node:path');
const { cached, npmInstall, node24Env, ensureNode24 } = require('./tool-cache');

const NODE_RED5_VERSION = process.env.NODE_RED5_VERSION || '5.0.7';

function ensureNodeRed5() {
  const env = node24Env();
  const dir = cached(`node-red-${NODE_RED5_VERSION}`, (d) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'node_modules', 'node-red', 'package.json'), 'utf8'));
      return pkg.version === NODE_RED5_VERSION;
    } catch {
      return false;
    }
  }, (tmp) => npmInstall(tmp, [`node-red@${NODE_RED5_VERSION}`], ['--omit=optional'], env));
  return { nodeRedDir: path.join(dir, 'node_modules', 'node-red'), nodeBin: ensureNode24().nodeBin, version: NODE_RED5_VERSION };
}

module.exports = { ensureNodeRed5, NODE_RED5_VERSION };

if (require.main === module) {
  const { nodeRedDir, nodeBin } = ensureNodeRed5();
  process.stdout.write(`node-red ${NODE_RED5_VERSION}: ${nodeRedDir}\nnode: ${nodeBin}\n`);
}
