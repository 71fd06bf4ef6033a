/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  // the engine's host for plain Node (timers, http transport), as the Node-RED face installs it
  setupFiles: ['<rootDir>/test/support/node-host.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
