'use strict';
// Small helpers for the benchmark harness: child processes, the sandbox's admin API, timing.
const { spawn } = require('node:child_process');
const path = require('node:path');

/** Starts a node script that prints one JSON line first; resolves with that object and the child. */
function startJsonChild(script, args, { timeoutMs = 60_000 } = {}) {
  const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve({ child, first: JSON.parse(buffer.slice(0, newline)) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
}

/** Runs a node script to completion and parses its last stdout line as JSON. */
function runJsonChild(script, args, { timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

async function startSandboxChild(options) {
  const { child, first } = await startJsonChild('sandbox-child.js', [JSON.stringify(options)]);
  const url = first.url;
  const admin = async (route, body) => {
    const response = await fetch(`${url}/_sandbox/${route}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox admin ${route}: HTTP ${response.status}`);
    return response.json();
  };
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
  return { url, admin, stop };
}

/** Runs `total` tasks with at most `concurrency` in flight. */
async function pool(total, concurrency, task) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await task(next++);
  });
  await Promise.all(workers);
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/**
 * Checks at the sandbox that webhook `webhookId` received exactly `n` deliveries, one for each of
 * user0@example.test … user<n-1>@example.test (each exactly once). Throws otherwise. Needs the run's
 * deliveries to be among the sandbox's most recent 45,000 (it keeps 50,000).
 */
async function verifyDeliveries(sb, webhookId, n) {
  const all = await sb.admin('deliveries');
  const seen = new Map();
  for (const d of all) {
    if (d.webhookId !== webhookId) continue;
    const email = d.body && d.body.email;
    seen.set(email, (seen.get(email) || 0) + 1);
  }
  let ok = 0;
  for (let i = 0; i < n; i++) if (seen.get(`user${i}@example.test`) === 1) ok++;
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  if (ok !== n || total !== n) throw new Error(`webhook ${webhookId}: expected ${n} deliveries, each record once; got ${total} deliveries, ${ok} of the ${n} records exactly once`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

module.exports = { startSandboxChild, runJsonChild, pool, timed, verifyDeliveries, median };
