/**
 * Test tiers, as jest projects named for what they need. `npm test` runs them all; each has its own
 * script (`npm run test:<tier>`):
 * - unit: pure functions, no server, no build (`npm run test:unit`, under a minute);
 * - integration: real servers inside the test process (oidc-provider, the provider sandbox, token
 *   servers on 127.0.0.1);
 * - node-red: a Node-RED 4.1 runtime in the test process (node-red-node-test-helper), over `dist/`;
 * - e2e: a real n8n (also queue mode with Postgres and Redis), a real browser, runtimes and demos
 *   in child processes, the packed tarballs.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // the engine's host for plain Node (timers, http transport), as the Node-RED face installs it
  setupFiles: ['<rootDir>/test/support/node-host.ts'],
};

const tier = (name) => ({ ...shared, displayName: name, roots: [`<rootDir>/test/${name}`] });

module.exports = {
  testTimeout: 30000,
  // tier by tier, e2e last: its tools are fetched meanwhile on a fresh machine
  testSequencer: '<rootDir>/test/support/tier-sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [tier('unit'), tier('integration'), tier('node-red'), tier('e2e')],
};
