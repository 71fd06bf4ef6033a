'use strict';
// Runs the provider sandbox in its own process for benchmarks (so its memory and CPU are not
// counted against the client being measured). Prints one JSON line with its URL; stops on
// SIGTERM, when stdin closes (parent gone), or after a bounded lifetime.
const { startSandbox } = require('../dist/sandbox');

async function main() {
  const options = JSON.parse(process.argv[2] || '{}');
  const sandbox = await startSandbox({ maxLifetimeMs: 30 * 60_000, ...options });
  process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
  const stop = () => sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`sandbox child failed: ${error.message}\n`);
  process.exit(1);
});
