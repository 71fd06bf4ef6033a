'use strict';
// node-red-dev, the Node-RED flow library's scorecard tool (`node-red-dev validate`), installed into
// the tool cache. The tests run its validation on the packed Node-RED package.
const fs = require('node:fs');
const path = require('node:path');
const { cached, npmInstall } = require('./tool-cache');

const NODE_RED_DEV_VERSION = '0.1.6';

function ensureNodeRedDev() {
  const dir = cached(
    `node-red-dev-${NODE_RED_DEV_VERSION}`,
    (d) => fs.existsSync(path.join(d, 'node_modules', 'node-red-dev', 'bin', 'run')),
    (tmp) => npmInstall(tmp, [`node-red-dev@${NODE_RED_DEV_VERSION}`]),
  );
  return { dir, bin: path.join(dir, 'node_modules', 'node-red-dev', 'bin', 'run') };
}

module.exports = { NODE_RED_DEV_VERSION, ensureNodeRedDev };

if (require.main === module) console.log(ensureNodeRedDev().bin);
