'use strict';
// n8n's community package scanner (@n8n/scan-community-package), installed into the tool cache
// (not a dev dependency: one of its dependencies has a preinstall script that refuses npm, so it
// is installed with --ignore-scripts, which `npm ci` must not be asked to do). The tests call its
// static analysis offline on the packed tarball (test/support/n8n-scan.mjs).
const path = require('node:path');
const fs = require('node:fs');
const { cached, npmInstall } = require('./tool-cache');

const SCANNER_VERSION = '0.32.0';

function ensureScanner() {
  return cached(
    `n8n-scan-community-package-${SCANNER_VERSION}`,
    (dir) => fs.existsSync(path.join(dir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs')),
    (tmp) => npmInstall(tmp, [`@n8n/scan-community-package@${SCANNER_VERSION}`], ['--ignore-scripts']),
  );
}

module.exports = { SCANNER_VERSION, ensureScanner };

if (require.main === module) console.log(ensureScanner());
