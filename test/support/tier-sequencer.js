// Runs the tiers in order: unit, integration, node-red, then e2e. On a fresh machine the e2e tier's
// tools are still being fetched (scripts/prefetch-tools.js, started by `npm test`) while the other
// tiers run; within a tier, jest's own order (slowest first, from earlier runs) is kept.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const TIERS = ['unit', 'integration', 'node-red', 'e2e'];
const ROOT = path.join(__dirname, '..');

function tierOf(file) {
  const tier = path.relative(ROOT, file).split(path.sep)[0];
  const index = TIERS.indexOf(tier);
  return index === -1 ? TIERS.length : index;
}

class TierSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered].sort((a, b) => tierOf(a.path) - tierOf(b.path));
  }
}

module.exports = TierSequencer;
