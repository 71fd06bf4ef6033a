'use strict';
// Sends token or API requests that meet an endless body, in a fresh process, and reports the
// error codes and how far the process's RSS rose above its level just before each request.
// Run with --expose-gc --max-semi-space-size=1: small young-generation spaces keep V8's own heap
// growth out of the figure, so what is measured is what the body reading holds.
// Input (env): ENDLESS_MODE = token | api, ENDLESS_SANDBOX (sandbox URL), ENDLESS_LIMIT (API
// limit in bytes, empty = the default), ENDLESS_WARMUP and ENDLESS_RUNS (counts).
const path = require('node:path');
const engine = require(path.join(__dirname, '..', '..', '..', 'dist', 'lib', 'oauth2'));
require(path.join(__dirname, '..', '..', '..', 'dist', 'lib', 'hosts', 'node')).installNodeHost();

async function measure(run) {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the collector's own work settle
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 1);
  const started = Date.now();
  let code = 'none';
  try {
    await run();
  } catch (error) {
    code = error && error.code ? error.code : String(error);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  return { code, growth: peak - before, ms: Date.now() - started };
}

async function main() {
  const mode = process.env.ENDLESS_MODE;
  const sandbox = process.env.ENDLESS_SANDBOX;
  const config = {
    client: { clientId: 'gen-client', clientSecret: 'gen-secret', method: 'basic' },
    tokenUrl: `${sandbox}/generic/oauth2/token`,
    maxResponseBytes: Number(process.env.ENDLESS_LIMIT) || undefined,
    timeoutMs: 60_000,
    retry: { maxRetries: 0 },
  };
  const manager = new engine.TokenManager({ config, grant: { type: 'client_credentials' } });
  await manager.fetch({ url: `${sandbox}/generic/api/me` });
  const results = [];
  const total = Number(process.env.ENDLESS_WARMUP || 8) + Number(process.env.ENDLESS_RUNS || 6);
  for (let i = 0; i < total; i++) {
    const fault = { provider: 'generic', endpoint: mode === 'token' ? 'token' : 'api', kind: 'endless-body' };
    await fetch(`${sandbox}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
    results.push(await measure(() => (mode === 'token' ? engine.clientCredentialsGrant({ config }) : manager.fetch({ url: `${sandbox}/generic/api/me` }))));
  }
  process.stdout.write(JSON.stringify({ warmup: Number(process.env.ENDLESS_WARMUP || 8), results }));
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ crash: String(error && error.message) }));
});
